-- A block is private to the blocker: only they read, create and remove it.
-- blocker_id is the caller (default, not client-writable).
alter table public.user_blocks enable row level security;

revoke all on table public.user_blocks from anon, authenticated;
grant select, delete on table public.user_blocks to authenticated;
grant insert (blocked_id) on table public.user_blocks to authenticated;
grant all on table public.user_blocks to service_role;

-- rule: BLOCK-PRIVATE
create policy "blockers read their blocks" on public.user_blocks
for select to authenticated
using (blocker_id = (select auth.uid()));

-- rule: BLOCK-PRIVATE
create policy "users block others" on public.user_blocks
for insert to authenticated
with check (blocker_id = (select auth.uid()));

-- rule: BLOCK-PRIVATE
create policy "blockers remove their blocks" on public.user_blocks
for delete to authenticated
using (blocker_id = (select auth.uid()));
