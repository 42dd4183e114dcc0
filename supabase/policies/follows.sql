-- Follows are public: anyone, signed in or not, sees who follows whom.
-- You follow and unfollow as yourself only (follower_id is the caller); never yourself (a check
--   constraint) nor across a block (trigger). Rows are never updated.
alter table public.follows enable row level security;

revoke all on table public.follows from anon, authenticated;
grant select on table public.follows to anon, authenticated;
-- rule: FOLLOW-AS-SELF
grant insert (follower_id, followed_id), delete on table public.follows to authenticated;
grant all on table public.follows to service_role;

-- rule: FOLLOW-PUBLIC
create policy "follows are public" on public.follows
for select to anon, authenticated
using (true);

-- rule: FOLLOW-AS-SELF
create policy "users follow as themselves" on public.follows
for insert to authenticated
with check (follower_id = (select auth.uid()));

-- rule: FOLLOW-AS-SELF
create policy "followers unfollow" on public.follows
for delete to authenticated
using (follower_id = (select auth.uid()));
