-- needs: public.posts, public.post_votes, public.post_comments, public.comment_votes, private.post_tags
-- What the posts triggers keep (supabase/functions_sql/75_community_posts.sql): vote counters,
-- score and hot_rank of posts and comments, comments_count (comments not deleted), and
-- private.post_tags (one row per live post and tag with its sort keys).
update public.posts as p
set upvotes = n.upvotes, downvotes = n.downvotes, score = n.upvotes - n.downvotes,
    comments_count = n.comments, hot_rank = private.hot_rank(n.upvotes - n.downvotes, p.created_at)
from (
    select p.id, coalesce(v.up, 0) as upvotes, coalesce(v.down, 0) as downvotes, coalesce(c.n, 0) as comments
    from public.posts as p
    left join (
        select post_id, count(*) filter (where value = 1)::integer as up, count(*) filter (where value = -1)::integer as down
        from public.post_votes group by post_id
    ) as v on v.post_id = p.id
    left join (
        select post_id, count(*)::integer as n from public.post_comments where deleted_at is null group by post_id
    ) as c on c.post_id = p.id
) as n
where p.id = n.id
    and (p.upvotes, p.downvotes, p.score, p.comments_count, p.hot_rank)
    is distinct from (n.upvotes, n.downvotes, n.upvotes - n.downvotes, n.comments,
                      private.hot_rank(n.upvotes - n.downvotes, p.created_at));

update public.post_comments as c
set upvotes = v.up, downvotes = v.down, score = v.up - v.down
from (
    select c.id, coalesce(x.up, 0) as up, coalesce(x.down, 0) as down
    from public.post_comments as c
    left join (
        select comment_id, count(*) filter (where value = 1)::integer as up, count(*) filter (where value = -1)::integer as down
        from public.comment_votes group by comment_id
    ) as x on x.comment_id = c.id
) as v
where c.id = v.id and (c.upvotes, c.downvotes, c.score) is distinct from (v.up, v.down, v.up - v.down);

-- Derived from posts alone: rebuilt whole (its secondary indexes are rebuilt after this file).
truncate private.post_tags;

insert into private.post_tags (tag, post_id, created_at, score, hot_rank)
select distinct t.tag, p.id, p.created_at, p.score, p.hot_rank
from public.posts as p
cross join lateral unnest(p.tags) as t (tag)
where p.deleted_at is null;
