-- Comment votes: a comment of a popular post's thread (rank skewed as for post votes), skewed
-- voters, 80%% up; never on one's own or a deleted comment, one per user and comment.
insert into public.comment_votes (comment_id, user_id, value, created_at, updated_at)
select
    pg_temp.sid(31, c.idx),
    pg_temp.sid(1, s.voter),
    case when pg_temp.h(i, 142) < 0.8 then 1 else -1 end,
    %(t0)s::timestamptz - pg_temp.h(i, 143) * interval '14 days',
    %(t0)s::timestamptz - pg_temp.h(i, 143) * interval '14 days'
from generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) as i
cross join lateral (
    select
        pg_temp.skew(pg_temp.h(i, 140), %(posts)s, 2) as r,
        pg_temp.perm(pg_temp.skew(pg_temp.h(i, 141), %(users)s, 1.5), %(users)s, 0.31) as voter
) as s
cross join lateral (
    select pg_temp.comment_count(s.r, %(posts)s, %(post_comments)s) as n
) as n
cross join lateral (
    select pg_temp.comment_index(pg_temp.post_of_rank(s.r, %(posts)s), floor(n.n * pg_temp.h(i, 144))::bigint) as idx
) as c
where n.n > 0
    and not pg_temp.comment_deleted(c.idx)
    and s.voter <> pg_temp.comment_author(c.idx, %(users)s)
on conflict do nothing
