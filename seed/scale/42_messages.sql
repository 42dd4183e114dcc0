-- Messages per conversation (mean messages/conversations; long threads of up to ~6x that, and a
-- few of thousands: see pg_temp.message_count),
-- alternating senders, spread between the conversation's start and now.
insert into public.messages (id, conversation_id, sender_id, recipient_id, body, created_at, updated_at)
select
    case
        when k < 64 then pg_temp.sid(5, pg_temp.sidx(c.id) * 64 + k)
        else pg_temp.sid(9, pg_temp.sidx(c.id) * 8192 + k)
    end,
    c.id,
    case when mod(k, 2) = 1 then c.user_low else c.user_high end,
    case when mod(k, 2) = 1 then c.user_high else c.user_low end,  -- as the insert trigger sets it
    pg_temp.pick(array['Hi! Is this still open?', 'Yes, happy to chat. When can you start?',
        'I can start Monday. Here is my plan for the first week.', 'Sounds good, sending the brief now.',
        'Thanks, I pushed a first draft for review.', 'Looks great. Two small comments inline.',
        'Done. Anything else before we wrap up?', 'Could we move our call to Thursday?'], pg_temp.h(pg_temp.sidx(c.id) * 64 + k, 51)),
    m.t,
    m.t
from public.conversations as c
cross join lateral (
    select pg_temp.message_count(pg_temp.sidx(c.id), %(messages_per_conversation)s) as n
) as cnt
cross join lateral generate_series(1, cnt.n) as k
cross join lateral (
    select c.created_at + (%(t0)s::timestamptz - c.created_at) * (k::float8 / (cnt.n + 1)) as t
) as m
where c.id >= pg_temp.sid(4, %(lo)s) and c.id < pg_temp.sid(4, %(hi)s)
on conflict do nothing
