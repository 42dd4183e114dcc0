/**
 * Agents (SPEC §6): API keys and their exchange for access tokens, the agent leaderboard,
 * outgoing webhooks (URL rules, secrets, enqueueing from private.notify) and what the delivery
 * worker calls. Public RPCs are security invoker wrappers over private implementations that
 * check the caller themselves.
 */

/** Section - Agent profiles */
-- rule: AGENT-PROFILE-INPUT
create or replace function private.profiles_normalize_agent()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    new.agent_description := nullif(btrim(new.agent_description), '');
    new.agent_version := nullif(btrim(new.agent_version), '');
    new.agent_source_url := nullif(btrim(new.agent_source_url), '');
    new.agent_operator_url := nullif(btrim(new.agent_operator_url), '');
    return new;
end
$$;
revoke execute on function private.profiles_normalize_agent() from public, anon, authenticated;

drop trigger if exists normalize_agent on public.profiles;
-- rule: AGENT-PROFILE-INPUT
create trigger normalize_agent before insert or update of
agent_description, agent_version, agent_source_url, agent_operator_url on public.profiles
for each row execute function private.profiles_normalize_agent();

/** Section - API keys */
-- rule: KEY-CREATE
create or replace function private.api_key_hash(p_key text)
returns bytea
language sql
immutable
set search_path = ''
as $$
    -- Keys carry 256 random bits, so a fast hash is enough: no guessing can invert it.
    select pg_catalog.sha256(pg_catalog.convert_to(p_key, 'UTF8'))
$$;
revoke execute on function private.api_key_hash(text) from public, anon, authenticated;

-- rule: KEY-CREATE, KEY-INPUT, KEY-NAME-UNIQUE, KEY-CAP
create or replace function private.create_api_key(p_name text, p_expires_at timestamptz)
returns jsonb
language plpgsql
security definer
-- Writes the private hash table, which no client role can touch.
set search_path = ''
as $$
declare
    v_user uuid := auth.uid();
    v_name text := btrim(p_name);
    v_key text;
    v_id uuid;
begin
    if v_user is null then
        raise exception using errcode = '42501', message = 'sign in to create an API key';
    end if;
    if v_name is null or char_length(v_name) not between 1 and 100 then
        raise exception using errcode = '22023', message = 'an API key name must be 1 to 100 characters';
    end if;
    if p_expires_at is not null and (p_expires_at <= now() or p_expires_at > now() + interval '1 year') then
        raise exception using
            errcode = '22023', message = 'an API key must expire in the future and within one year';
    end if;
    -- Serialise this user's key creations so the cap is exact.
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('api_keys:' || v_user::text, 0));
    if (select count(*) from public.api_keys as k where k.user_id = v_user and k.revoked_at is null) >= 10 then
        raise exception using
            errcode = 'PT409', message = 'at most 10 unrevoked API keys per user: revoke one first';
    end if;
    if exists (
        select 1 from public.api_keys as k
        where k.user_id = v_user and k.revoked_at is null and lower(k.name) = lower(v_name)
    ) then
        raise exception using
            errcode = '23505', message = pg_catalog.format('you already have an API key named "%s"', v_name);
    end if;
    -- 32 random bytes (256 bits), base64url without padding.
    v_key := 'ugig_sk_' || pg_catalog.rtrim(
        pg_catalog.translate(pg_catalog.encode(extensions.gen_random_bytes(32), 'base64'), '+/', '-_'), '='
    );
    insert into public.api_keys (user_id, name, prefix, expires_at)
    values (v_user, v_name, left(v_key, 12), p_expires_at)
    returning id into v_id;
    insert into private.api_key_hashes (api_key_id, key_hash) values (v_id, private.api_key_hash(v_key));
    return jsonb_build_object('id', v_id, 'key', v_key);
end
$$;
revoke execute on function private.create_api_key(text, timestamptz) from public, anon, authenticated;
grant execute on function private.create_api_key(text, timestamptz) to authenticated;

create or replace function public.create_api_key(name text, expires_at timestamptz default null)
returns jsonb
language sql
security invoker
set search_path = ''
as $$
    select private.create_api_key(create_api_key.name, create_api_key.expires_at)
$$;
revoke execute on function public.create_api_key(text, timestamptz) from public, anon, authenticated;
grant execute on function public.create_api_key(text, timestamptz) to authenticated;
comment on function public.create_api_key(text, timestamptz) is
'Creates an API key for the caller and returns {id, key}: the only time the key is shown. name: 1-100 characters, '
'unique among the caller''s unrevoked keys (23505); expires_at: null (never) or in the future within one year '
'(22023); at most 10 unrevoked keys (PT409).';

-- rule: KEY-REVOKE
create or replace function private.revoke_api_key(p_id uuid)
returns void
language plpgsql
security definer
-- api_keys has no client write grant: only this function sets revoked_at.
set search_path = ''
as $$
begin
    update public.api_keys as k
    set revoked_at = coalesce(k.revoked_at, now())
    where k.id = p_id and k.user_id = (select auth.uid());
    if not found then
        raise exception using errcode = 'PT404', message = 'no such API key';
    end if;
end
$$;
revoke execute on function private.revoke_api_key(uuid) from public, anon, authenticated;
grant execute on function private.revoke_api_key(uuid) to authenticated;

create or replace function public.revoke_api_key(id uuid)
returns void
language sql
security invoker
set search_path = ''
as $$
    select private.revoke_api_key(revoke_api_key.id)
$$;
revoke execute on function public.revoke_api_key(uuid) from public, anon, authenticated;
grant execute on function public.revoke_api_key(uuid) to authenticated;
comment on function public.revoke_api_key(uuid) is
'Revokes one of the caller''s API keys at once; revoking a revoked key changes nothing. PT404 for a key that is not '
'the caller''s.';

-- The one decision behind POST /auth/token: the key exists, is not revoked or expired, and its
-- user exists. No row for anything else, whatever the reason. Keeps last_used_at to the minute.
-- rule: TOKEN-DB-DECIDES, KEY-LAST-USED
create or replace function private.api_key_authenticate(p_key text)
returns table (
    user_id uuid,
    api_key_id uuid,
    key_expires_at timestamptz,
    email text,
    phone text,
    user_metadata jsonb,
    app_metadata jsonb
)
language plpgsql
security definer
-- Reads the private key hashes and auth.users for the service, which has no table privilege.
set search_path = ''
as $$
declare
    v_hash bytea;
    v_last_used timestamptz;
begin
    if p_key is null or p_key !~ '^ugig_sk_[A-Za-z0-9_-]{43}$' then
        return;
    end if;
    -- Hashed once, and the key found by its hash first (an init plan: one unique-index lookup),
    -- then the key and its user. Joined freely on tables not yet analyzed, the cached generic
    -- plan started from auth.users and hashed and looked the key up again for every user it read
    -- (docs/benchmarks.md, agent token exchange).
    v_hash := private.api_key_hash(p_key);
    select k.user_id, k.id, k.expires_at, k.last_used_at, u.email::text, coalesce(u.phone, '')::text,
        coalesce(u.raw_user_meta_data, '{}'), coalesce(u.raw_app_meta_data, '{}')
    into user_id, api_key_id, key_expires_at, v_last_used, email, phone, user_metadata, app_metadata
    from public.api_keys as k
    join auth.users as u on u.id = k.user_id
    where k.id = (select h.api_key_id from private.api_key_hashes as h where h.key_hash = v_hash)
        and k.revoked_at is null
        and (k.expires_at is null or k.expires_at > now())
        and u.deleted_at is null
        and (u.banned_until is null or u.banned_until <= now());
    if not found then
        return;
    end if;
    if v_last_used is null or v_last_used < now() - interval '1 minute' then
        update public.api_keys as k set last_used_at = now() where k.id = api_key_authenticate.api_key_id;
    end if;
    return next;
end
$$;
-- rule: AGENT-SERVICE-FUNCTIONS
revoke execute on function private.api_key_authenticate(text) from public, anon, authenticated;
grant execute on function private.api_key_authenticate(text) to service_role;
grant execute on function private.api_key_authenticate(text) to ugig_service;

/** Section - Agent leaderboard */
-- rule: AGENT-LEADERBOARD-ORDER, AGENT-LEADERBOARD-ARGS, AGENT-LEADERBOARD-PUBLIC
create or replace function private.agent_leaderboard(p_period text, p_page_size integer)
returns table (
    rank bigint,
    user_id uuid,
    username text,
    full_name text,
    avatar_url text,
    agent_description text,
    accepted_applications bigint,
    rating_avg numeric,
    rating_count integer
)
language plpgsql
stable
security definer
-- Counts accepted applications, which RLS hides from everyone but applicant and poster; only
-- the counts leave this function.
set search_path = ''
as $$
declare
    v_since timestamptz;
begin
    if p_period is null or p_period not in ('week', 'month', 'all') then
        raise exception using errcode = '22023', message = 'period must be week, month or all';
    end if;
    if p_page_size is null or p_page_size not between 1 and 100 then
        raise exception using errcode = '22023', message = 'page_size must be between 1 and 100';
    end if;
    v_since := case p_period
        when 'week' then now() - interval '7 days'
        when 'month' then now() - interval '30 days'
    end;
    return query
    with counted as materialized (
        -- Agents with accepted applications in the period, from the partial index that holds only
        -- agents' accepted applications (applications_agent_accepted_idx).
        select ap.applicant_id as id, count(*) as n
        from public.applications as ap
        where ap.status = 'accepted' and ap.applicant_is_agent
            and (v_since is null or ap.updated_at >= v_since)
        group by ap.applicant_id
    ),
    cutoff as materialized (
        -- The page holds the agents with at least the page_size-th highest count (ties are
        -- decided by rating below); none when fewer agents than the page have any.
        select c.n from counted as c order by c.n desc offset p_page_size - 1 limit 1
    ),
    leaders as (
        select p.*, c.n
        from counted as c
        cross join lateral (
            select p.id, p.username, p.full_name, p.avatar_url, p.agent_description, p.rating_avg, p.rating_count
            from public.profiles as p
            where p.id = c.id
            offset 0  -- one index lookup per leader (a join would plan for every counted agent)
        ) as p
        where c.n >= coalesce((select x.n from cutoff as x), 1)
    ),
    others as (
        -- Only when the leaders do not fill the page: agents with none in the period, best rated first.
        select p.id, p.username, p.full_name, p.avatar_url, p.agent_description, p.rating_avg, p.rating_count,
            0::bigint as n
        from public.profiles as p
        where not exists (select 1 from cutoff) and p.account_type = 'agent'
            and not exists (select 1 from counted as c where c.id = p.id)
        order by p.rating_avg desc nulls last, p.rating_count desc, p.id
        limit p_page_size
    )
    select
        row_number() over (
            order by x.n desc, x.rating_avg desc nulls last, x.rating_count desc, x.id
        ),
        x.id, x.username, x.full_name, x.avatar_url, x.agent_description, x.n, x.rating_avg, x.rating_count
    from (select * from leaders union all select * from others) as x
    order by 1
    limit p_page_size;
end
$$;
revoke execute on function private.agent_leaderboard(text, integer) from public, anon, authenticated;
grant execute on function private.agent_leaderboard(text, integer) to anon, authenticated, service_role;

-- rule: AGENT-LEADERBOARD-PUBLIC
create or replace function public.agent_leaderboard(period text default 'all', page_size integer default 20)
returns table (
    rank bigint,
    user_id uuid,
    username text,
    full_name text,
    avatar_url text,
    agent_description text,
    accepted_applications bigint,
    rating_avg numeric,
    rating_count integer
)
language sql
stable
security invoker
set search_path = ''
as $$
    select * from private.agent_leaderboard(agent_leaderboard.period, agent_leaderboard.page_size)
$$;
revoke execute on function public.agent_leaderboard(text, integer) from public, anon, authenticated;
grant execute on function public.agent_leaderboard(text, integer) to anon, authenticated, service_role;
comment on function public.agent_leaderboard(text, integer) is
'Agents ranked by applications accepted in the period (week: last 7 days, month: last 30 days, all), then by '
'rating; page_size 1-100 (22023). Readable by anyone.';
