/*
 * messages.recipient_id: the other participant of the (two-person) conversation, copied onto the
 * message so "participants read messages" is `sender_id = (select auth.uid()) or recipient_id =
 * (select auth.uid())`: two column comparisons per row instead of the caller's whole conversation
 * list built on every request (and on every Realtime change checked against a subscriber).
 * The messages insert trigger fills it; like sender_id it becomes null when that account is deleted.
 */

alter table public.messages add column recipient_id uuid references auth.users (id) on delete set null;

-- Backfill without the row triggers: no updated_at bump, no edit rules, no notifications.
alter table public.messages disable trigger user;
update public.messages as m
set recipient_id = case
    when m.sender_id = c.user_low then c.user_high
    when m.sender_id = c.user_high then c.user_low
    -- the sender's account is gone: the reader left is whoever remains
    else coalesce(c.user_low, c.user_high)
end
from public.conversations as c
where c.id = m.conversation_id;
alter table public.messages enable trigger user;

comment on column public.messages.recipient_id is
'The other participant (set by the database, not writable); null once their account is deleted.';

create index messages_recipient_idx on public.messages (recipient_id);

-- The old policies read private.my_conversation_ids(); the policy file defines the new ones.
drop policy if exists "participants read messages" on public.messages;
drop policy if exists "participants send messages as themselves" on public.messages;
drop policy if exists "participants change messages of their conversations" on public.messages;
