-- Participants read the messages of their conversations.
-- Participants send messages; sender_id is the caller (default, not client-writable).
-- Only the sender edits the body (15 minutes) or deletes (sets deleted_at); enforced by trigger.
-- No hard deletes by clients.
alter table public.messages enable row level security;

revoke all on table public.messages from anon, authenticated;
grant select on table public.messages to authenticated;
grant insert (id, conversation_id, body, attachments) on table public.messages to authenticated;
grant update (body, deleted_at) on table public.messages to authenticated;
grant all on table public.messages to service_role;

create policy "participants read messages" on public.messages
for select to authenticated
using (conversation_id in (select private.my_conversation_ids()));

create policy "participants send messages as themselves" on public.messages
for insert to authenticated
with check (
    sender_id = (select auth.uid())
    and conversation_id in (select private.my_conversation_ids())
);

create policy "participants change messages of their conversations" on public.messages
for update to authenticated
using (conversation_id in (select private.my_conversation_ids()))
with check (conversation_id in (select private.my_conversation_ids()));
