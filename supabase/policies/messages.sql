-- Participants read the messages of their conversations.
-- Participants send messages; sender_id is the caller (default, not client-writable) and
--   recipient_id the other participant (set by the insert trigger, not client-writable).
-- Only the sender edits the body (15 minutes) or deletes (sets deleted_at); enforced by trigger.
-- No hard deletes by clients.
alter table public.messages enable row level security;

revoke all on table public.messages from anon, authenticated;
grant select on table public.messages to authenticated;
-- rule: MSG-COLUMNS
grant insert (id, conversation_id, body, attachments) on table public.messages to authenticated;
grant update (body, deleted_at) on table public.messages to authenticated;
grant all on table public.messages to service_role;

-- Both readers are columns of the row (recipient_id is copied from the conversation by the
-- insert trigger): no membership lookup per request or per Realtime change.
-- rule: MSG-READ
create policy "participants read messages" on public.messages
for select to authenticated
using (sender_id = (select auth.uid()) or recipient_id = (select auth.uid()));

-- Membership and blocks are checked by the insert trigger (42501 with its own message).
-- rule: MSG-SEND
create policy "participants send messages as themselves" on public.messages
for insert to authenticated
with check (sender_id = (select auth.uid()));

create policy "participants change messages of their conversations" on public.messages
for update to authenticated
using (sender_id = (select auth.uid()) or recipient_id = (select auth.uid()))
with check (sender_id = (select auth.uid()) or recipient_id = (select auth.uid()));
