-- Tag follows are private to their owner: only they read, add and remove them.
-- Rows are never updated.
alter table public.tag_follows enable row level security;

revoke all on table public.tag_follows from anon, authenticated;
grant select, delete on table public.tag_follows to authenticated;
grant insert (user_id, tag) on table public.tag_follows to authenticated;
grant all on table public.tag_follows to service_role;

-- rule: TAG-FOLLOW-PRIVATE
create policy "owners read their tag follows" on public.tag_follows
for select to authenticated
using (user_id = (select auth.uid()));

-- rule: TAG-FOLLOW-PRIVATE
create policy "owners follow tags" on public.tag_follows
for insert to authenticated
with check (user_id = (select auth.uid()));

-- rule: TAG-FOLLOW-PRIVATE
create policy "owners unfollow tags" on public.tag_follows
for delete to authenticated
using (user_id = (select auth.uid()));
