-- Participants read their conversations; nobody else sees them.
-- Conversations are created by start_conversation() only: no client insert, update or delete.
alter table public.conversations enable row level security;

revoke all on table public.conversations from anon, authenticated;
grant select on table public.conversations to authenticated;
grant all on table public.conversations to service_role;

-- rule: CONV-VISIBILITY
create policy "participants read their conversations" on public.conversations
for select to authenticated
using (id in (select private.my_conversation_ids()));
