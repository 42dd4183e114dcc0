-- Conversations between two users; some people have hundreds (power law over one side).
-- A third are about a gig (once gigs exist), the rest direct; a repeated pair (and gig) is dropped.
-- last_message_at is known in advance: message times are a function of the conversation.
insert into public.conversations (id, gig_id, user_low, user_high, gig_key, created_at, updated_at, last_message_at)
select
    pg_temp.sid(4, i),
    c.gig_id,
    pg_temp.sid(1, least(c.a, c.b)),
    pg_temp.sid(1, greatest(c.a, c.b)),
    coalesce(c.gig_id, '00000000-0000-0000-0000-000000000000'),
    c.created_at,
    c.created_at,
    -- the time of its last message, as 42_messages.sql will lay them out
    c.created_at + (%(t0)s::timestamptz - c.created_at) * (c.n::float8 / (c.n + 1))
from generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) as i
cross join lateral (
    select
        x.a,
        case when x.b = x.a then mod(x.b + 1, %(users)s) else x.b end as b,
        case when %(with_gigs)s and pg_temp.h(i, 51) < 0.33 then pg_temp.sid(2, pg_temp.perm(floor(pg_temp.h(i, 52) * %(gigs)s)::bigint, %(gigs)s)) end as gig_id,
        %(t0)s::timestamptz - pg_temp.h(i, 53) * interval '300 days' as created_at
        , pg_temp.message_count(i, %(messages_per_conversation)s) as n
    from (
        select
            pg_temp.perm(pg_temp.skew(pg_temp.h(i, 54), %(users)s, 2), %(users)s, 0.61) as a,
            floor(pg_temp.h(i, 55) * %(users)s)::bigint as b
    ) as x
) as c
on conflict do nothing
