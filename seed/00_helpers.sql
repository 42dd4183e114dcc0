/**
 * Helpers for the demo seed, created in pg_temp (they vanish with the seed's session).
 *
 * The seed runs as the database owner, but everything a user would do through the API is done
 * as that user: pg_temp.act_as(user) switches to `authenticated` with the user's JWT claims, so
 * RLS, column grants, state machines, rate limits and notification triggers all apply, exactly
 * as for a PostgREST request. pg_temp.act_as(null) switches back. Only history that no client
 * can write (backdated timestamps, calls in the past) is set by the owner, in 90_history.sql.
 */

-- Demo ids: 5eedKKKK-0000-4000-8000-<n>; kind 0 users, 3 messages, 4 calls (the rows whose id a
-- client may choose; gigs and applications are known by natural keys, see 10_ and 20_).
create function pg_temp.demo_id(p_kind integer, p_n integer) returns uuid
language sql immutable
as $$
    select ('5eed' || lpad(p_kind::text, 4, '0') || '-0000-4000-8000-' || lpad(p_n::text, 12, '0'))::uuid
$$;
-- Pure; evaluated as whoever the seed is acting as at the moment.
grant execute on function pg_temp.demo_id(integer, integer) to public;

create function pg_temp.act_as(p_user uuid) returns void
language plpgsql
as $$
begin
    perform set_config('role', 'none', true);
    perform set_config('request.jwt.claims', '', true);
    if p_user is not null then
        perform set_config(
            'request.jwt.claims',
            (
                select json_build_object(
                    'sub', u.id, 'role', 'authenticated', 'aud', 'authenticated', 'email', u.email,
                    'app_metadata', u.raw_app_meta_data, 'user_metadata', u.raw_user_meta_data,
                    'aal', 'aal1', 'is_anonymous', false
                )::text
                from auth.users as u where u.id = p_user
            ),
            true
        );
        perform set_config('role', 'authenticated', true);
    end if;
end
$$;
-- Callable as any role: it is how the seed switches back.
grant execute on function pg_temp.act_as(uuid) to public;

-- When the demo was first loaded: history is laid out backwards from here, so a second load
-- computes the very same timestamps.
create function pg_temp.seeded_at() returns timestamptz
language sql stable
as $$
    select created_at from auth.users where id = pg_temp.demo_id(0, 1)
$$;
