-- A few people (one in 10,000) follow 500 others picked evenly, not the well-known: their
-- followees post rarely, the `following` feed's hardest case (no page among the newest posts).
-- A repeated pair or oneself is dropped; counts are recomputed in 94_follow_counts.sql.
insert into public.follows (follower_id, followed_id, created_at)
select
    pg_temp.sid(1, s.follower),
    pg_temp.sid(1, s.followed),
    %(t0)s::timestamptz - pg_temp.h(k * 512 + m, 162) * interval '365 days'
from generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) as k
cross join generate_series(0, 499) as m
cross join lateral (
    select
        pg_temp.perm(k, %(users)s, 0.97) as follower,
        floor(%(users)s * pg_temp.h(k * 512 + m, 161))::bigint as followed
) as s
where s.follower <> s.followed
on conflict do nothing
