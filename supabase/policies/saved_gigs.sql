-- Saved gigs are private to their owner: only they read, add and remove them.
-- Only gigs the owner can see, and not their own (trigger). Rows are never updated.
alter table public.saved_gigs enable row level security;

revoke all on table public.saved_gigs from anon, authenticated;
grant select, delete on table public.saved_gigs to authenticated;
grant insert (user_id, gig_id) on table public.saved_gigs to authenticated;
grant all on table public.saved_gigs to service_role;

-- rule: SAVED-PRIVATE
create policy "owners read their saved gigs" on public.saved_gigs
for select to authenticated
using (user_id = (select auth.uid()));

-- rule: SAVED-PRIVATE
create policy "owners save gigs" on public.saved_gigs
for insert to authenticated
with check (user_id = (select auth.uid()));

-- rule: SAVED-PRIVATE
create policy "owners unsave gigs" on public.saved_gigs
for delete to authenticated
using (user_id = (select auth.uid()));
