-- The recipient reads their notifications, marks them read (read_at only) and deletes them.
-- Only the database writes notifications (security definer triggers): no client insert.
alter table public.notifications enable row level security;

revoke all on table public.notifications from anon, authenticated;
-- rule: NOTIF-DB-ONLY
grant select, delete on table public.notifications to authenticated;
-- rule: NOTIF-OWNER
grant update (read_at) on table public.notifications to authenticated;
grant all on table public.notifications to service_role;

-- rule: NOTIF-OWNER
create policy "recipients read their notifications" on public.notifications
for select to authenticated
using (user_id = (select auth.uid()));

-- rule: NOTIF-OWNER
create policy "recipients mark their notifications read" on public.notifications
for update to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

-- rule: NOTIF-OWNER
create policy "recipients delete their notifications" on public.notifications
for delete to authenticated
using (user_id = (select auth.uid()));
