-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

create or replace function private.email_setting_for(p_type text)
 returns text
 language plpgsql
 immutable
 set search_path to ''
as $function$
begin
    -- plpgsql for its session-long plan (see has_pro).
    return case p_type
        when 'application_received' then 'email_application_received'
        when 'application_status_changed' then 'email_application_status'
        when 'gig_filled' then 'email_application_status'
        when 'message_received' then 'email_message_received'
        when 'call_scheduled' then 'email_call'
        when 'call_updated' then 'email_call'
        when 'call_cancelled' then 'email_call'
        when 'review_received' then 'email_review_received'
        when 'subscription_changed' then 'email_billing'
        when 'payment_succeeded' then 'email_billing'
        when 'payment_failed' then 'email_billing'
        -- Always e-mailed: the owner must learn that deliveries stopped.
        when 'webhook_disabled' then null
    end;
end
$function$;

create or replace function private.notify(p_user_id uuid, p_type text, p_title text, p_body text, p_data jsonb default '{}'::jsonb, p_email_throttle_key text default null::text, p_email_throttle interval default null::interval)
 returns uuid
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_id uuid;
begin
    insert into public.notifications (user_id, type, title, body, data)
    values (p_user_id, p_type, left(p_title, 200), left(p_body, 2000), coalesce(p_data, '{}'))
    returning id into v_id;
    -- The recipient's webhooks hear of it in this same transaction (61_webhooks.sql).
    perform private.enqueue_webhook_deliveries(p_user_id, p_type, p_data);

    if private.email_allowed(p_user_id, p_type) then
        -- enqueue_email keeps its failures to itself: a lost e-mail never loses the notification.
        perform private.enqueue_email(
            p_user_id,
            p_type,
            jsonb_build_object('title', p_title, 'body', p_body, 'data', coalesce(p_data, '{}')),
            p_email_throttle_key,
            v_id,
            p_email_throttle
        );
    end if;
    return v_id;
exception when others then
    -- A failing side effect never loses the main write: the block's work is rolled back alone.
    raise warning 'notify(%, %) failed: % (SQLSTATE %)', p_user_id, p_type, sqlerrm, sqlstate;
    return null;
end
$function$;

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

create or replace function private.webhook_url_problem(p_url text)
 returns text
 language plpgsql
 immutable
 set search_path to ''
as $function$
declare
    v_authority text;
    v_host text;
    v_ip inet;
begin
    if p_url is null or char_length(p_url) > 2048 then
        return 'a webhook URL must be at most 2048 characters';
    end if;
    if p_url !~* '^https://[^\s/?#]+([/?#]\S*)?$' then
        return 'a webhook URL must be an https:// URL without spaces';
    end if;
    v_authority := substring(p_url from '(?i)^https://([^/?#]+)');
    if position('@' in v_authority) > 0 then
        return 'a webhook URL must not carry a user name or password';
    end if;
    if v_authority ~ '^\[' then
        v_host := substring(v_authority from '^\[([^\]]*)\](:[0-9]{1,5})?$');
        if v_host is null then
            return 'a webhook URL has a malformed IPv6 address';
        end if;
    else
        v_host := substring(v_authority from '^([^:]+)(:[0-9]{1,5})?$');
        if v_host is null then
            return 'a webhook URL has a malformed host or port';
        end if;
    end if;
    v_host := rtrim(lower(v_host), '.');
    if v_host = '' or v_host = 'localhost' or v_host ~ '\.(localhost|local|internal)$' then
        return 'a webhook URL must not point at a local or internal host';
    end if;
    -- A host that is an address, in any spelling resolvers accept (dotted, hex, octal, a single
    -- number, IPv6): only canonical public unicast literals pass.
    if v_host ~ '^[0-9.]+$' or v_host ~ '^0x' or v_host ~ '\.0x' or position(':' in v_host) > 0 then
        begin
            v_ip := v_host::inet;
        exception when others then
            return 'a webhook URL has a malformed IP address';
        end;
        if masklen(v_ip) <> (case family(v_ip) when 4 then 32 else 128 end) or host(v_ip) <> v_host then
            return 'a webhook URL has a malformed IP address';
        end if;
        if not private.is_public_address(v_ip) then
            return 'a webhook URL must not point at a private, loopback, link-local or reserved address';
        end if;
    end if;
    return null;
end
$function$;

create or replace function private.is_public_address(p_ip inet)
 returns boolean
 language sql
 immutable
 set search_path to ''
as $function$
    select case family(p_ip)
        when 4 then not (p_ip << any (array[
            '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
            '192.0.0.0/24', '192.0.2.0/24', '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15',
            '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4'
        ]::inet []))
        else p_ip << '2000::/3'::inet and not (p_ip << any (array[
            '2001::/23', '2001:db8::/32', '2002::/16', '3fff::/20'
        ]::inet []))
    end
$function$;

create or replace function private.webhooks_check()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
declare
    v_problem text;
begin
    new.url := btrim(new.url);
    new.description := nullif(btrim(new.description), '');
    if tg_op = 'INSERT' or new.url is distinct from old.url then
        v_problem := private.webhook_url_problem(new.url);
        if v_problem is not null then
            raise exception using errcode = '22023', message = v_problem;
        end if;
    end if;
    if new.active and (tg_op = 'INSERT' or not old.active) then
        new.disabled_reason := null;
    end if;
    return new;
end
$function$;

create or replace function private.new_webhook_secret()
 returns text
 language sql
 set search_path to ''
as $function$
    select 'whsec_' || pg_catalog.encode(extensions.gen_random_bytes(32), 'base64')
$function$;

create or replace function private.create_webhook(p_url text, p_events text[], p_description text)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_user uuid := auth.uid();
    v_id uuid;
    v_secret text := private.new_webhook_secret();
begin
    if v_user is null then
        raise exception using errcode = '42501', message = 'sign in to create a webhook';
    end if;
    -- Serialise this user's creations so the cap is exact.
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('webhooks:' || v_user::text, 0));
    if (select count(*) from public.webhooks as w where w.user_id = v_user) >= 10 then
        raise exception using errcode = 'PT409', message = 'at most 10 webhooks per user: delete one first';
    end if;
    insert into public.webhooks (user_id, url, events, description)
    values (v_user, p_url, p_events, p_description)
    returning id into v_id;
    insert into private.webhook_secrets (webhook_id, secret) values (v_id, v_secret);
    return jsonb_build_object('id', v_id, 'secret', v_secret);
end
$function$;

create or replace function public.create_webhook(url text, events text[], description text default null::text)
 returns jsonb
 language sql
 set search_path to ''
as $function$
    select private.create_webhook(create_webhook.url, create_webhook.events, create_webhook.description)
$function$;

create or replace function private.rotate_webhook_secret(p_id uuid)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_secret text := private.new_webhook_secret();
begin
    if not exists (select 1 from public.webhooks as w where w.id = p_id and w.user_id = (select auth.uid())) then
        raise exception using errcode = 'PT404', message = 'no such webhook';
    end if;
    update private.webhook_secrets as s set secret = v_secret where s.webhook_id = p_id;
    return jsonb_build_object('id', p_id, 'secret', v_secret);
end
$function$;

create or replace function public.rotate_webhook_secret(id uuid)
 returns jsonb
 language sql
 set search_path to ''
as $function$
    select private.rotate_webhook_secret(rotate_webhook_secret.id)
$function$;

create or replace function private.redeliver_webhook_delivery(p_id uuid)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    update public.webhook_deliveries as d
    set status = 'pending', attempts = 0, next_attempt_at = now(), claim_token = null, delivered_at = null
    where d.id = p_id and d.user_id = (select auth.uid())
        -- Not while a worker's lease on it runs.
        and not (d.claim_token is not null and d.next_attempt_at > now());
    if not found then
        if exists (select 1 from public.webhook_deliveries as d where d.id = p_id and d.user_id = (select auth.uid())) then
            raise exception using errcode = 'PT409', message = 'this delivery is being sent right now';
        end if;
        raise exception using errcode = 'PT404', message = 'no such webhook delivery';
    end if;
end
$function$;

create or replace function public.redeliver_webhook_delivery(id uuid)
 returns void
 language sql
 set search_path to ''
as $function$
    select private.redeliver_webhook_delivery(redeliver_webhook_delivery.id)
$function$;

create or replace function private.webhook_event_for(p_type text)
 returns text
 language sql
 immutable
 set search_path to ''
as $function$
    select case p_type
        when 'application_received' then 'application.received'
        when 'application_status_changed' then 'application.status_changed'
        when 'message_received' then 'message.received'
        when 'question_received' then 'question.received'
        when 'review_received' then 'review.received'
        when 'call_scheduled' then 'call.scheduled'
        when 'call_updated' then 'call.updated'
        when 'call_cancelled' then 'call.cancelled'
    end
$function$;

create or replace function private.enqueue_webhook_deliveries(p_user_id uuid, p_type text, p_data jsonb)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_event text := private.webhook_event_for(p_type);
begin
    if v_event is null then
        return;
    end if;
    insert into public.webhook_deliveries (webhook_id, user_id, event_type, payload)
    select w.id, w.user_id, v_event, jsonb_build_object(
        'type', v_event,
        'timestamp', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'data', coalesce(p_data, '{}')
    )
    from public.webhooks as w
    where w.user_id = p_user_id and w.active and v_event = any (w.events);
end
$function$;

create or replace function private.claim_webhook_deliveries(p_limit integer, p_lease interval, p_worker text)
 returns table(id uuid, claim_token uuid, webhook_id uuid, url text, secret text, payload jsonb, attempts integer)
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    return query
    with in_flight as (
        select d.webhook_id, count(*) as n
        from public.webhook_deliveries as d
        where d.claim_token is not null and d.next_attempt_at > now()
        group by d.webhook_id
    ),
    candidates as (
        select x.id
        from (
            select
                d.id, d.webhook_id, d.next_attempt_at,
                row_number() over (partition by d.webhook_id order by d.next_attempt_at) as nth
            from public.webhook_deliveries as d
            join public.webhooks as w on w.id = d.webhook_id
            where d.status in ('pending', 'failed') and d.next_attempt_at <= now() and w.active
            order by d.next_attempt_at
            limit p_limit * 4
        ) as x
        left join in_flight as f on f.webhook_id = x.webhook_id
        where x.nth + coalesce(f.n, 0) <= 4
    ),
    due as (
        select d.id
        from public.webhook_deliveries as d
        where d.id in (select c.id from candidates as c)
            and d.status in ('pending', 'failed') and d.next_attempt_at <= now()
        order by d.next_attempt_at
        limit p_limit
        for update of d skip locked
    ),
    claimed as (
        update public.webhook_deliveries as d
        set claim_token = gen_random_uuid(), claimed_by = p_worker, attempts = d.attempts + 1,
            next_attempt_at = now() + p_lease
        from due
        where d.id = due.id
        returning d.id, d.claim_token, d.webhook_id, d.payload, d.attempts
    )
    select c.id, c.claim_token, c.webhook_id, w.url, s.secret, c.payload, c.attempts
    from claimed as c
    join public.webhooks as w on w.id = c.webhook_id
    join private.webhook_secrets as s on s.webhook_id = c.webhook_id;
end
$function$;

create or replace function private.record_webhook_delivery(p_id uuid, p_claim_token uuid, p_status_code integer, p_error text)
 returns text
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_row public.webhook_deliveries;
    v_status text;
    v_delay interval;
    v_reason text;
begin
    select * into v_row from public.webhook_deliveries as d
    where d.id = p_id and d.claim_token = p_claim_token
    for update;
    if not found then
        return null;
    end if;
    v_delay := least(interval '2 hours', interval '30 seconds' * power(2, greatest(v_row.attempts - 1, 0)))
        * (0.75 + random() * 0.5);
    v_status := case
        when p_status_code between 200 and 299 then 'succeeded'
        when p_status_code = 410 then 'dead'
        when now() + v_delay > v_row.created_at + interval '1 day' then 'dead'
        else 'failed'
    end;
    update public.webhook_deliveries as d
    set status = v_status,
        last_status_code = p_status_code,
        last_error = left(p_error, 1000),
        delivered_at = case when v_status = 'succeeded' then now() end,
        next_attempt_at = case when v_status = 'failed' then now() + v_delay else d.next_attempt_at end,
        claim_token = null
    where d.id = p_id;

    if p_status_code = 410 then
        v_reason := 'the receiver answered 410 Gone';
    elsif v_status = 'dead' and (
        select count(*) = 5 and bool_and(x.status = 'dead')
        from (
            select d.status from public.webhook_deliveries as d
            where d.webhook_id = v_row.webhook_id and d.status in ('succeeded', 'dead')
            order by d.created_at desc
            limit 5
        ) as x
    ) then
        v_reason := 'its last 5 deliveries failed for a day each';
    end if;
    if v_reason is not null then
        perform private.disable_webhook(v_row.webhook_id, v_reason);
    end if;
    return v_status;
end
$function$;

create or replace function private.disable_webhook(p_webhook_id uuid, p_reason text)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_hook public.webhooks;
begin
    update public.webhooks as w set active = false, disabled_reason = p_reason
    where w.id = p_webhook_id and w.active
    returning * into v_hook;
    if found then
        perform private.notify(
            v_hook.user_id, 'webhook_disabled', 'A webhook was disabled',
            'Deliveries to ' || v_hook.url || ' stopped: ' || p_reason || '. Fix the receiver, then activate it again.',
            jsonb_build_object('webhook_id', v_hook.id, 'reason', p_reason)
        );
    end if;
end
$function$;

create or replace function private.purge_webhook_deliveries(p_older_than interval default '30 days'::interval)
 returns bigint
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_count bigint;
begin
    delete from public.webhook_deliveries as d
    where d.created_at < now() - p_older_than;
    get diagnostics v_count = row_count;
    return v_count;
end
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

revoke all on function private.webhook_url_problem(text) from anon, authenticated, public, service_role;

grant execute on function private.webhook_url_problem(text) to authenticated;

grant execute on function private.webhook_url_problem(text) to service_role;

revoke all on function private.is_public_address(inet) from anon, authenticated, public, service_role;

grant execute on function private.is_public_address(inet) to authenticated;

grant execute on function private.is_public_address(inet) to service_role;

revoke all on function private.webhooks_check() from anon, authenticated, public;

revoke all on function private.new_webhook_secret() from anon, authenticated, public;

revoke all on function private.create_webhook(text,text[],text) from anon, authenticated, public;

grant execute on function private.create_webhook(text,text[],text) to authenticated;

revoke all on function public.create_webhook(text,text[],text) from anon, authenticated, public, service_role;

grant execute on function public.create_webhook(text,text[],text) to authenticated;

grant execute on function public.create_webhook(text,text[],text) to service_role;

comment on function public.create_webhook(text,text[],text) is 'Creates a webhook for the caller and returns {id, secret} (whsec_..., Standard Webhooks; the only time it is shown). url: https, at most 2048 characters, no user-info, not localhost, *.local, *.internal or a non-public IP address (22023); events: a non-empty subset of the webhook events (23514); at most 10 webhooks (PT409).';

revoke all on function private.rotate_webhook_secret(uuid) from anon, authenticated, public;

grant execute on function private.rotate_webhook_secret(uuid) to authenticated;

revoke all on function public.rotate_webhook_secret(uuid) from anon, authenticated, public, service_role;

grant execute on function public.rotate_webhook_secret(uuid) to authenticated;

grant execute on function public.rotate_webhook_secret(uuid) to service_role;

comment on function public.rotate_webhook_secret(uuid) is 'Replaces a webhook''s secret and returns {id, secret}; deliveries from now on are signed with it. PT404 for a webhook that is not the caller''s.';

revoke all on function private.redeliver_webhook_delivery(uuid) from anon, authenticated, public;

grant execute on function private.redeliver_webhook_delivery(uuid) to authenticated;

revoke all on function public.redeliver_webhook_delivery(uuid) from anon, authenticated, public, service_role;

grant execute on function public.redeliver_webhook_delivery(uuid) to authenticated;

grant execute on function public.redeliver_webhook_delivery(uuid) to service_role;

comment on function public.redeliver_webhook_delivery(uuid) is 'Queues one of the caller''s webhook deliveries again, now, with a fresh retry schedule (the same webhook-id, so receivers can drop a repeat). PT404 for a delivery that is not the caller''s; PT409 while it is being sent.';

revoke all on function private.webhook_event_for(text) from anon, authenticated, public;

revoke all on function private.enqueue_webhook_deliveries(uuid,text,jsonb) from anon, authenticated, public;

revoke all on function private.claim_webhook_deliveries(integer,interval,text) from anon, authenticated, public, service_role;

grant execute on function private.claim_webhook_deliveries(integer,interval,text) to service_role;

revoke all on function private.record_webhook_delivery(uuid,uuid,integer,text) from anon, authenticated, public, service_role;

grant execute on function private.record_webhook_delivery(uuid,uuid,integer,text) to service_role;

revoke all on function private.disable_webhook(uuid,text) from anon, authenticated, public;

revoke all on function private.purge_webhook_deliveries(interval) from anon, authenticated, public, service_role;

grant execute on function private.purge_webhook_deliveries(interval) to service_role;

drop trigger if exists normalize_agent on public.profiles;

create trigger normalize_agent before insert or update of agent_description, agent_version, agent_source_url, agent_operator_url on public.profiles for each row execute function private.profiles_normalize_agent();

drop trigger if exists check_webhook on public.webhooks;

create trigger check_webhook before insert or update on public.webhooks for each row execute function private.webhooks_check();

drop trigger if exists set_updated_at on public.webhooks;

create trigger set_updated_at before update on public.webhooks for each row execute function private.set_updated_at();

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
