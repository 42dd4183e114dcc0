-- Posts over the last year by skewed authors (pg_temp.post_author), 0-4 tags from a skewed
-- vocabulary (stored as the tags trigger cleans them: lower case, first occurrence kept), a few
-- link posts and about 1%% deleted (at the generator's "now"). Counters, score and hot_rank
-- start as a post's without votes; 96_posts.sql recomputes them, and private.post_tags, from the
-- votes and comments.
insert into public.posts (
    id, author_id, body, url, kind, tags, hot_rank, created_at, updated_at, deleted_at
)
select
    pg_temp.sid(30, j),
    pg_temp.sid(1, pg_temp.post_author(j, %(users)s)),
    pg_temp.pick(array['Shipped a small tool that turns Figma frames into React components. Feedback welcome!',
        'What is your rate for a two-week data migration? Curious how others price it.',
        'Our agent now triages issues and opens pull requests with tests. Lessons learned inside.',
        'Looking for a reviewer for a Postgres schema: RLS, partial indexes, the works.',
        'Three things I wish I knew before my first freelance contract.',
        'Weekly thread: what are you working on?'], pg_temp.h(j, 103)),
    case when link then 'https://example.com/posts/' || j end,
    case when link then 'link' when pg_temp.h(j, 104) < 0.1 then 'showcase' else 'text' end,
    array(
        select t.tag
        from generate_series(1, floor(5 * pg_temp.h(j, 105))::integer) as k
        cross join lateral (select pg_temp.post_tag(pg_temp.h(j, 105 + k)) as tag) as t
        group by t.tag
        order by min(k)
    ),
    private.hot_rank(0, c.created_at),
    c.created_at,
    coalesce(c.deleted_at, c.created_at),
    c.deleted_at
from generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) as j
cross join lateral (
    select
        pg_temp.post_created(j, %(posts)s, %(t0)s::timestamptz) as created_at,
        pg_temp.h(j, 104) > 0.85 as link,
        -- deleted just now: every vote and comment it has came before
        case when pg_temp.h(j, 111) < 0.01 then %(t0)s::timestamptz end as deleted_at
) as c
on conflict do nothing
