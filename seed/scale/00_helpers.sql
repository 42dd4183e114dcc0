/**
 * Helpers for the scale generator, created in pg_temp: they live only for its session.
 *
 * Ids are a fixed prefix per kind of row plus the row's index, so a rerun hits the same rows
 * (`on conflict do nothing`) and a stage can address a range of them. Attributes that other
 * stages must agree on (a gig's poster and status) are hashes of the index, not random().
 */

-- Kinds: 1 users, 2 gigs, 3 applications, 4 conversations, 5 messages, 6 notifications,
-- 7 reviews, 8 video calls, 9 messages of long threads (past the 64 ids kind 5 gives each
-- conversation), 10 API keys (4 per user), 11 webhooks (2 per user).
create function pg_temp.sid(p_kind integer, p_i bigint) returns uuid
language sql immutable
as $$
    -- 5ca1eKKK-0000-4000-8000-IIIIIIIIIIII, built from bytes (text formatting is twice as slow)
    select encode(
        int8send((x'5ca1e00000004000'::bigint) | (p_kind::bigint << 32))
        || int8send(p_i | x'8000000000000000'::bigint),
        'hex'
    )::uuid
$$;

-- The index back from an id made by sid().
create function pg_temp.sidx(p_id uuid) returns bigint
language sql immutable
as $$
    select ('x' || lpad(right(p_id::text, 12), 16, '0'))::bit(64)::bigint
$$;

-- A stable pseudo-random number in [0, 1) for (index, salt).
create function pg_temp.h(p_i bigint, p_salt integer) returns double precision
language sql immutable
as $$
    select (hashint8(p_i * 64 + p_salt)::bigint + 2147483648)::float8 / 4294967296.0::float8
$$;

-- Skew: an index in [0, n) where low indexes are far more likely (power law; higher k, more skew).
create function pg_temp.skew(p_u double precision, p_n bigint, p_k double precision) returns bigint
language sql immutable
as $$
    select least(p_n - 1, floor(p_n * power(p_u, p_k))::bigint)
$$;

-- A fixed permutation of [0, n): spreads the popular indexes over the whole range. The shift
-- (a fraction of n) gives each role its own popular people: the busiest poster is not also the
-- busiest applicant and the busiest correspondent.
create function pg_temp.perm(p_x bigint, p_n bigint, p_shift double precision default 0) returns bigint
language sql immutable
as $$
    select mod(p_x * 2147483647 + 7919 + floor(p_n * p_shift)::bigint, p_n)
$$;

create function pg_temp.pick(p_items text [], p_u double precision) returns text
language sql immutable
as $$
    select p_items[1 + floor(p_u * cardinality(p_items))::integer]
$$;

-- The poster of gig j (posters are the first p_posters users).
create function pg_temp.gig_poster(p_j bigint, p_posters bigint) returns bigint
language sql immutable
as $$
    select pg_temp.perm(pg_temp.skew(pg_temp.h(p_j, 1), p_posters, 3), p_posters)
$$;

create function pg_temp.gig_status(p_j bigint) returns text
language sql immutable
as $$
    select case
        when pg_temp.h(p_j, 2) < 0.08 then 'draft'
        when pg_temp.h(p_j, 2) < 0.63 then 'active'
        when pg_temp.h(p_j, 2) < 0.70 then 'paused'
        when pg_temp.h(p_j, 2) < 0.90 then 'closed'
        else 'filled'
    end
$$;

-- How many messages conversation i has: mean p_mean, a long tail up to ~6x (capped at 63),
-- and 3 in 10,000 long threads of 1,000-5,000 messages (a working relationship of months: the
-- conversations a messages page must serve without reading them whole).
create function pg_temp.message_count(p_i bigint, p_mean double precision) returns integer
language sql immutable
as $$
    select case
        when pg_temp.h(p_i, 57) < 0.0003 then 1000 + floor(4000 * pg_temp.h(p_i, 58))::integer
        else least(63, 1 + floor((p_mean - 0.5) * 6 * power(pg_temp.h(p_i, 56), 5)))::integer
    end
$$;

-- Community posts (kinds 30 posts, 31 comments). Post j's author and time are functions of j, so
-- the vote and comment stages know them without a join: authors are skewed towards the people
-- many follow (the same permutation as follows' followed side), so a `following` feed reads
-- busy authors.
create function pg_temp.post_author(p_j bigint, p_users bigint) returns bigint
language sql immutable
as $$
    select pg_temp.perm(pg_temp.skew(pg_temp.h(p_j, 101), p_users, 2.5), p_users, 0.57)
$$;

-- Post j of p_posts is written in the order of j over the last year (a little jitter), so the
-- table's rows lie in time order as a live table's do: a day's posts share a few heap pages.
create function pg_temp.post_created(p_j bigint, p_posts bigint, p_t0 timestamptz) returns timestamptz
language sql immutable
as $$
    select p_t0 - interval '365 days' * (1 - (p_j + pg_temp.h(p_j, 102)) / p_posts)
$$;

-- Popularity: the post of popularity rank r (0 = most voted and commented on). Votes pick a rank
-- with skew 2 (rank r draws a share sqrt((r+1)/n) - sqrt(r/n) of them); comments give each rank
-- the same share, so the most voted posts also carry the longest threads.
create function pg_temp.post_of_rank(p_r bigint, p_posts bigint) returns bigint
language sql immutable
as $$
    select pg_temp.perm(p_r, p_posts, 0.23)
$$;

-- How many comments the post of rank r gets: its share of p_comments, rounded by a hash so the
-- total matches.
create function pg_temp.comment_count(p_r bigint, p_posts bigint, p_comments bigint) returns integer
language sql immutable
as $$
    select floor(
        p_comments * (sqrt((p_r + 1)::float8 / p_posts) - sqrt(p_r::float8 / p_posts)) + pg_temp.h(p_r, 130)
    )::integer
$$;

-- Comment m of a post's thread: threads come in blocks of 8 comments, each block one of four
-- shapes (a deep chain, a wide fan, a mix, mostly top-level); the parent's offset in the block
-- (null: a top-level comment) always precedes the comment, so any prefix of a block is a thread.
create function pg_temp.comment_parent(p_m bigint, p_shape integer) returns integer
language sql immutable
as $$
    select (array[
        array[null, 0, 1, 0, 3, 4, 5, 0],
        array[null, 0, 0, 0, 0, 1, 1, 2],
        array[null, 0, 1, 2, 3, 1, 0, 6],
        array[null, null, null, 0, 1, null, 3, null]
    ]::integer [])[p_shape + 1][mod(p_m, 8)::integer + 1]
$$;

create function pg_temp.comment_depth(p_m bigint, p_shape integer) returns smallint
language sql immutable
as $$
    select (array[
        array[0, 1, 2, 1, 2, 3, 4, 1],
        array[0, 1, 1, 1, 1, 2, 2, 2],
        array[0, 1, 2, 3, 4, 2, 1, 2],
        array[0, 0, 0, 1, 1, 0, 2, 0]
    ]::smallint [])[p_shape + 1][mod(p_m, 8)::integer + 1]
$$;

-- The comment's index (for sid(31, …)): the post's index, then the comment's place in its thread.
create function pg_temp.comment_index(p_j bigint, p_m bigint) returns bigint
language sql immutable
as $$
    select p_j * 268435456 + p_m
$$;

create function pg_temp.comment_author(p_c bigint, p_users bigint) returns bigint
language sql immutable
as $$
    select pg_temp.perm(pg_temp.skew(pg_temp.h(p_c, 131), p_users, 2), p_users, 0.19)
$$;

create function pg_temp.comment_deleted(p_c bigint) returns boolean
language sql immutable
as $$
    select pg_temp.h(p_c, 132) < 0.02
$$;

-- Tags: a vocabulary with a few very common tags (skew over the list's order).
create function pg_temp.post_tag(p_u double precision) returns text
language sql immutable
as $$
    select (array['ai', 'python', 'javascript', 'react', 'showcase', 'hiring', 'freelance', 'llm',
        'agents', 'design', 'devops', 'rust', 'go', 'postgres', 'career', 'remote', 'startups',
        'typescript', 'data', 'ml', 'security', 'mobile', 'ux', 'writing', 'marketing', 'seo',
        'cloud', 'kubernetes', 'open-source', 'tooling', 'testing', 'pricing', 'contracts',
        'productivity', 'automation', 'prompting', 'video', 'audio', 'nocode', 'web3'])[
        1 + pg_temp.skew(p_u, 40, 2.5)::integer]
$$;
