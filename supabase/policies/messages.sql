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

-- Participants read (private.is_participant). Both readers are also columns of the row
-- (recipient_id is copied from the conversation by the insert trigger), and OR evaluates left to
-- right: a participant's messages pass on a column comparison, without a call or a membership
-- list per request. The call stays in the predicate for the planner: an OR with a call in it is
-- no index condition, so a page of one conversation
-- (conversation_id=eq.<id>&order=created_at.desc&limit=N) is the backward scan of
-- messages_conversation_created_idx stopping after N rows, whatever the conversation's length and
-- however many messages the reader has; as two column comparisons alone it was a BitmapAnd with
-- the reader's sender/recipient indexes and a sort of the whole conversation. Reading messages
-- without a conversation filter is therefore a scan: clients list conversations with
-- my_conversations() and read messages per conversation (docs/queries.md).
-- rule: MSG-READ
create policy "participants read messages" on public.messages
for select to authenticated
using (
    sender_id = (select auth.uid())
    or recipient_id = (select auth.uid())
    or private.is_participant(conversation_id, (select auth.uid()))
);

-- Membership and blocks are checked by the insert trigger (42501 with its own message).
-- rule: MSG-SEND
create policy "participants send messages as themselves" on public.messages
for insert to authenticated
with check (sender_id = (select auth.uid()));

create policy "participants change messages of their conversations" on public.messages
for update to authenticated
using (sender_id = (select auth.uid()) or recipient_id = (select auth.uid()))
with check (sender_id = (select auth.uid()) or recipient_id = (select auth.uid()));
