-- Follows: a few people are followed by thousands (strong skew over the followed), and a few
-- follow hundreds (milder skew over followers); nobody follows themselves; a repeated pair is
-- dropped. Counters on profiles are recomputed in 94_follow_counts.sql.
insert into public.follows (follower_id, followed_id, created_at)
select
    pg_temp.sid(1, s.follower),
    pg_temp.sid(1, s.followed),
    %(t0)s::timestamptz - pg_temp.h(i, 83) * interval '365 days'
from generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) as i
cross join lateral (
    select
        pg_temp.perm(pg_temp.skew(pg_temp.h(i, 81), %(users)s, 2), %(users)s, 0.41) as follower,
        pg_temp.perm(pg_temp.skew(pg_temp.h(i, 82), %(users)s, 4), %(users)s, 0.57) as followed
) as s
where s.follower <> s.followed
on conflict do nothing
