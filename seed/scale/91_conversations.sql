-- needs: public.conversations, public.conversation_participants, public.messages
-- Check the inbox caches against the messages: the stages wrote them in advance, so this only
-- repairs conversations whose messages did not all make it (none, normally).
update public.conversations as c
set last_message_at = m.last_at
from (select conversation_id, max(created_at) as last_at from public.messages group by conversation_id) as m
where c.id = m.conversation_id and c.last_message_at is distinct from m.last_at;

update public.conversation_participants as p
set
    last_activity_at = coalesce(c.last_message_at, c.created_at),
    last_read_at = case
        when pg_temp.h(pg_temp.sidx(c.id), mod(pg_temp.sidx(p.user_id), 2)::integer) < 0.7 then c.last_message_at
        else c.created_at + (coalesce(c.last_message_at, c.created_at) - c.created_at) / 2
    end
from public.conversations as c
where c.id = p.conversation_id
    and p.last_activity_at is distinct from coalesce(c.last_message_at, c.created_at);
