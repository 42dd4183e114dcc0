-- Participants see both participant rows (and read markers) of their conversations.
-- Rows are written by start_conversation() and mark_conversation_read() only.
alter table public.conversation_participants enable row level security;

revoke all on table public.conversation_participants from anon, authenticated;
grant select on table public.conversation_participants to authenticated;
grant all on table public.conversation_participants to service_role;

-- rule: CONV-VISIBILITY
create policy "participants read their conversations' participants" on public.conversation_participants
for select to authenticated
using (conversation_id in (select private.my_conversation_ids()));
