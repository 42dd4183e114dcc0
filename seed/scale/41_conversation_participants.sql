-- Both people of each conversation, with the inbox caches the messages trigger keeps: last
-- activity = the last message; most people have read everything, some are halfway behind.
insert into public.conversation_participants (conversation_id, user_id, last_read_at, last_activity_at, created_at)
select
    c.id,
    p.user_id,
    case
        when pg_temp.h(pg_temp.sidx(c.id), p.side) < 0.7 then c.last_message_at
        else c.created_at + (coalesce(c.last_message_at, c.created_at) - c.created_at) / 2
    end,
    coalesce(c.last_message_at, c.created_at),
    c.created_at
from public.conversations as c
cross join lateral (values (c.user_low, 0), (c.user_high, 1)) as p (user_id, side)
where c.id >= pg_temp.sid(4, %(lo)s) and c.id < pg_temp.sid(4, %(hi)s)
on conflict do nothing
