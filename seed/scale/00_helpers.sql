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
