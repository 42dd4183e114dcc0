-- Post votes: the post by popularity rank with skew 2 (the top posts get thousands, most a few),
-- voters skewed (some vote a lot), 85%% up; never on one's own post, one per user and post (a
-- repeated pair is dropped). Cast after the post, mostly soon after it.
insert into public.post_votes (post_id, user_id, value, created_at, updated_at)
select
    pg_temp.sid(30, s.post),
    pg_temp.sid(1, s.voter),
    case when pg_temp.h(i, 122) < 0.85 then 1 else -1 end,
    t.voted_at,
    t.voted_at
from generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) as i
cross join lateral (
    select
        pg_temp.post_of_rank(pg_temp.skew(pg_temp.h(i, 120), %(posts)s, 2), %(posts)s) as post,
        pg_temp.perm(pg_temp.skew(pg_temp.h(i, 121), %(users)s, 1.5), %(users)s, 0.67) as voter
) as s
cross join lateral (
    select pg_temp.post_created(s.post, %(posts)s, %(t0)s::timestamptz) as created_at
) as p
cross join lateral (
    select p.created_at + (%(t0)s::timestamptz - p.created_at) * power(pg_temp.h(i, 123), 4) as voted_at
) as t
where s.voter <> pg_temp.post_author(s.post, %(users)s)
on conflict do nothing
