-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

create or replace function private.profiles_normalize_agent()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
begin
    new.agent_description := nullif(btrim(new.agent_description), '');
    new.agent_version := nullif(btrim(new.agent_version), '');
    new.agent_source_url := nullif(btrim(new.agent_source_url), '');
    new.agent_operator_url := nullif(btrim(new.agent_operator_url), '');
    return new;
end
$function$;

create or replace function private.api_key_hash(p_key text)
 returns bytea
 language sql
 immutable
 set search_path to ''
as $function$
    -- Keys carry 256 random bits, so a fast hash is enough: no guessing can invert it.
    select pg_catalog.sha256(pg_catalog.convert_to(p_key, 'UTF8'))
$function$;

create or replace function private.create_api_key(p_name text, p_expires_at timestamp with time zone)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function public.create_api_key(name text, expires_at timestamp with time zone default null::timestamp with time zone)
 returns jsonb
 language sql
 set search_path to ''
as $function$
    select private.create_api_key(create_api_key.name, create_api_key.expires_at)
$function$;

create or replace function private.revoke_api_key(p_id uuid)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    update public.api_keys as k
    set revoked_at = coalesce(k.revoked_at, now())
    where k.id = p_id and k.user_id = (select auth.uid());
    if not found then
        raise exception using errcode = 'PT404', message = 'no such API key';
    end if;
end
$function$;

create or replace function public.revoke_api_key(id uuid)
 returns void
 language sql
 set search_path to ''
as $function$
    select private.revoke_api_key(revoke_api_key.id)
$function$;

create or replace function private.api_key_authenticate(p_key text)
 returns table(user_id uuid, api_key_id uuid, key_expires_at timestamp with time zone, email text, phone text, user_metadata jsonb, app_metadata jsonb)
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_key_id uuid;
    v_last_used timestamptz;
begin
    if p_key is null or p_key !~ '^ugig_sk_[A-Za-z0-9_-]{43}$' then
        return;
    end if;
    select k.id, k.last_used_at into v_key_id, v_last_used
    from private.api_key_hashes as h
    join public.api_keys as k on k.id = h.api_key_id
    join auth.users as u on u.id = k.user_id
    where h.key_hash = private.api_key_hash(p_key)
        and k.revoked_at is null
        and (k.expires_at is null or k.expires_at > now())
        and u.deleted_at is null
        and (u.banned_until is null or u.banned_until <= now());
    if v_key_id is null then
        return;
    end if;
    if v_last_used is null or v_last_used < now() - interval '1 minute' then
        update public.api_keys as k set last_used_at = now() where k.id = v_key_id;
    end if;
    return query
    select
        k.user_id, k.id, k.expires_at, u.email::text, coalesce(u.phone, '')::text,
        coalesce(u.raw_user_meta_data, '{}'), coalesce(u.raw_app_meta_data, '{}')
    from public.api_keys as k
    join auth.users as u on u.id = k.user_id
    where k.id = v_key_id;
end
$function$;

create or replace function private.agent_leaderboard(p_period text, p_page_size integer)
 returns table(rank bigint, user_id uuid, username text, full_name text, avatar_url text, agent_description text, accepted_applications bigint, rating_avg numeric, rating_count integer)
 language plpgsql
 stable security definer
 set search_path to ''
as $function$
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
    select
        row_number() over (
            order by coalesce(a.accepted, 0) desc, p.rating_avg desc nulls last, p.rating_count desc, p.id
        ),
        p.id, p.username, p.full_name, p.avatar_url, p.agent_description,
        coalesce(a.accepted, 0), p.rating_avg, p.rating_count
    from public.profiles as p
    left join lateral (
        select count(*) as accepted
        from public.applications as ap
        where ap.applicant_id = p.id
            and ap.status = 'accepted'
            and (v_since is null or ap.updated_at >= v_since)
    ) as a on true
    where p.account_type = 'agent'
    order by 1
    limit p_page_size;
end
$function$;

create or replace function public.agent_leaderboard(period text default 'all'::text, page_size integer default 20)
 returns table(rank bigint, user_id uuid, username text, full_name text, avatar_url text, agent_description text, accepted_applications bigint, rating_avg numeric, rating_count integer)
 language sql
 stable
 set search_path to ''
as $function$
    select * from private.agent_leaderboard(agent_leaderboard.period, agent_leaderboard.page_size)
$function$;

revoke all on function private.profiles_normalize_agent() from anon, authenticated, public;

revoke all on function private.api_key_hash(text) from anon, authenticated, public;

revoke all on function private.create_api_key(text,timestamp with time zone) from anon, authenticated, public;

grant execute on function private.create_api_key(text,timestamp with time zone) to authenticated;

revoke all on function public.create_api_key(text,timestamp with time zone) from anon, authenticated, public, service_role;

grant execute on function public.create_api_key(text,timestamp with time zone) to authenticated;

grant execute on function public.create_api_key(text,timestamp with time zone) to service_role;

comment on function public.create_api_key(text,timestamp with time zone) is 'Creates an API key for the caller and returns {id, key}: the only time the key is shown. name: 1-100 characters, unique among the caller''s unrevoked keys (23505); expires_at: null (never) or in the future within one year (22023); at most 10 unrevoked keys (PT409).';

revoke all on function private.revoke_api_key(uuid) from anon, authenticated, public;

grant execute on function private.revoke_api_key(uuid) to authenticated;

revoke all on function public.revoke_api_key(uuid) from anon, authenticated, public, service_role;

grant execute on function public.revoke_api_key(uuid) to authenticated;

grant execute on function public.revoke_api_key(uuid) to service_role;

comment on function public.revoke_api_key(uuid) is 'Revokes one of the caller''s API keys at once; revoking a revoked key changes nothing. PT404 for a key that is not the caller''s.';

revoke all on function private.api_key_authenticate(text) from anon, authenticated, public, service_role;

grant execute on function private.api_key_authenticate(text) to service_role;

revoke all on function private.agent_leaderboard(text,integer) from anon, authenticated, public, service_role;

grant execute on function private.agent_leaderboard(text,integer) to anon;

grant execute on function private.agent_leaderboard(text,integer) to authenticated;

grant execute on function private.agent_leaderboard(text,integer) to service_role;

revoke all on function public.agent_leaderboard(text,integer) from anon, authenticated, public, service_role;

grant execute on function public.agent_leaderboard(text,integer) to anon;

grant execute on function public.agent_leaderboard(text,integer) to authenticated;

grant execute on function public.agent_leaderboard(text,integer) to service_role;

comment on function public.agent_leaderboard(text,integer) is 'Agents ranked by applications accepted in the period (week: last 7 days, month: last 30 days, all), then by rating; page_size 1-100 (22023). Readable by anyone.';

drop trigger if exists normalize_agent on public.profiles;

create trigger normalize_agent before insert or update of agent_description, agent_version, agent_source_url, agent_operator_url on public.profiles for each row execute function private.profiles_normalize_agent();

revoke all on table public.api_keys from authenticated, service_role;

grant select on table public.api_keys to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.api_keys to service_role;

alter table public.api_keys enable row level security;

revoke all on table public.profiles from anon, authenticated, service_role;

grant select on table public.profiles to anon;

grant select on table public.profiles to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.profiles to service_role;

grant update (agent_description, agent_operator_url, agent_source_url, agent_version, ai_tools, avatar_url, bio, currency, full_name, github_url, headline, hourly_rate, is_available, linkedin_url, location, skills, timezone, username, website) on table public.profiles to authenticated;

revoke all on table public.webhook_deliveries from authenticated, service_role;

grant delete, insert, references, select, trigger, truncate, update on table public.webhook_deliveries to service_role;

grant select (attempts, created_at, delivered_at, event_type, id, last_error, last_status_code, next_attempt_at, payload, status, user_id, webhook_id) on table public.webhook_deliveries to authenticated;

alter table public.webhook_deliveries enable row level security;

revoke all on table public.webhooks from authenticated, service_role;

grant delete, select on table public.webhooks to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.webhooks to service_role;

grant update (active, description, events, url) on table public.webhooks to authenticated;

alter table public.webhooks enable row level security;

drop policy if exists "owners read their api keys" on public.api_keys;

create policy "owners read their api keys" on public.api_keys as permissive for select to authenticated using ((user_id = ( select auth.uid() as uid)));

drop policy if exists "owners read their webhook deliveries" on public.webhook_deliveries;

create policy "owners read their webhook deliveries" on public.webhook_deliveries as permissive for select to authenticated using ((user_id = ( select auth.uid() as uid)));

drop policy if exists "owners read their webhooks" on public.webhooks;

create policy "owners read their webhooks" on public.webhooks as permissive for select to authenticated using ((user_id = ( select auth.uid() as uid)));

drop policy if exists "owners update their webhooks" on public.webhooks;

create policy "owners update their webhooks" on public.webhooks as permissive for update to authenticated using ((user_id = ( select auth.uid() as uid))) with check ((user_id = ( select auth.uid() as uid)));

drop policy if exists "owners delete their webhooks" on public.webhooks;

create policy "owners delete their webhooks" on public.webhooks as permissive for delete to authenticated using ((user_id = ( select auth.uid() as uid)));
