insert into public.conversation_participants (conversation_id, user_id, last_read_at, last_activity_at, created_at)
select c.id, p.user_id, null, c.created_at, c.created_at
from public.conversations as c
cross join lateral (values (c.user_low), (c.user_high)) as p (user_id)
where c.id >= pg_temp.sid(4, %(lo)s) and c.id < pg_temp.sid(4, %(hi)s)
on conflict do nothing
