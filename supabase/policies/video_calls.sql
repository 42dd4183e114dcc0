-- Host and guest read their calls; nobody else sees them.
-- The caller creates calls as host (host_id default, room_name generated, neither client-writable).
-- Host and guest change schedule and status; who may do what is enforced by trigger.
-- No client deletes (cancel instead).
alter table public.video_calls enable row level security;

revoke all on table public.video_calls from anon, authenticated;
grant select on table public.video_calls to authenticated;
-- rule: CALL-ROOM-NAME
grant insert (
    id, guest_id, gig_id, application_id, conversation_id, scheduled_at, duration_minutes
) on table public.video_calls to authenticated;
grant update (scheduled_at, duration_minutes, status) on table public.video_calls to authenticated;
grant all on table public.video_calls to service_role;

-- rule: CALL-VISIBILITY
create policy "participants read their calls" on public.video_calls
for select to authenticated
using ((select auth.uid()) in (host_id, guest_id));

-- rule: CALL-INVITE
create policy "users schedule calls as host" on public.video_calls
for insert to authenticated
with check (host_id = (select auth.uid()));

-- rule: CALL-VISIBILITY
create policy "participants change their calls" on public.video_calls
for update to authenticated
using ((select auth.uid()) in (host_id, guest_id))
with check ((select auth.uid()) in (host_id, guest_id));
