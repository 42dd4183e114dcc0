-- Comments: the post of popularity rank r gets its share of them (pg_temp.comment_count: a few
-- thousand on the hottest posts, most get one to three), threaded in blocks of 8 whose shape
-- keeps depth <= 4 (pg_temp.comment_parent). Comment m of a thread is written after every
-- comment before it, within two weeks of the post; about 2%% are deleted (empty body) at the
-- generator's "now", after their replies and votes.
insert into public.post_comments (id, post_id, author_id, parent_id, depth, body, created_at, updated_at, deleted_at)
select
    pg_temp.sid(31, c.idx),
    pg_temp.sid(30, p.j),
    pg_temp.sid(1, pg_temp.comment_author(c.idx, %(users)s)),
    case when c.parent is not null then pg_temp.sid(31, pg_temp.comment_index(p.j, m - mod(m, 8) + c.parent)) end,
    pg_temp.comment_depth(m, c.shape),
    case when c.deleted then '' else pg_temp.pick(array['Great write-up, thanks for sharing.',
        'How did you handle the edge cases around retries?', 'Agreed. We saw the same thing in production.',
        'Could you share the repo?', 'This saved me an afternoon.', 'I would push back on the pricing part.'],
        pg_temp.h(c.idx, 133)) end,
    c.written_at,
    case when c.deleted then %(t0)s::timestamptz else c.written_at end,
    case when c.deleted then %(t0)s::timestamptz end
from generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) as r
cross join lateral (
    select pg_temp.post_of_rank(r, %(posts)s) as j, pg_temp.comment_count(r, %(posts)s, %(post_comments)s) as n
) as p
cross join lateral generate_series(0, p.n - 1) as m
cross join lateral (
    select pg_temp.post_created(p.j, %(posts)s, %(t0)s::timestamptz) as created_at
) as pc
cross join lateral (
    select
        pg_temp.comment_index(p.j, m) as idx,
        floor(4 * pg_temp.h(p.j * 4096 + m / 8, 134))::integer as shape
) as ci
cross join lateral (
    select
        ci.idx,
        ci.shape,
        pg_temp.comment_parent(m, ci.shape) as parent,
        pg_temp.comment_deleted(ci.idx) as deleted,
        pc.created_at + least(%(t0)s::timestamptz - pc.created_at, interval '14 days') * ((m + 1)::float8 / (p.n + 1))
            as written_at
) as c
on conflict do nothing
