/**
 * Outgoing webhooks (SPEC §6): URL rules, secrets, the RPCs, and enqueueing deliveries from
 * private.notify (same transaction as the notification). The delivery worker's calls are in
 * 62_webhook_deliveries.sql.
 */

/** Section - URL rules */
-- Null when the URL may receive webhooks, else the reason. The worker checks again after
-- resolving the name (DNS can point anywhere); this refuses what is wrong on its face.
-- rule: HOOK-URL
create or replace function private.webhook_url_problem(p_url text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
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
$$;
revoke execute on function private.webhook_url_problem(text) from public, anon, authenticated;
-- Called by the webhooks trigger, which runs with the rights of the owner editing the row.
grant execute on function private.webhook_url_problem(text) to authenticated, service_role;

-- Public unicast only: IPv4 outside the special-purpose registry's non-global blocks; IPv6 in
-- 2000::/3 outside its non-global blocks (IPv4-mapped, -compatible, NAT64 and 6to4 forms are
-- refused whole: they name an IPv4 address another way).
-- rule: HOOK-URL
create or replace function private.is_public_address(p_ip inet)
returns boolean
language sql
immutable
set search_path = ''
as $$
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
$$;
revoke execute on function private.is_public_address(inet) from public, anon, authenticated;
grant execute on function private.is_public_address(inet) to authenticated, service_role;

-- On insert and on every update: the URL rules, a trimmed description, and re-activation
-- clears the worker's reason for disabling.
-- rule: HOOK-URL, HOOK-INACTIVE
create or replace function private.webhooks_check()
returns trigger
language plpgsql
set search_path = ''
as $$
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
$$;
revoke execute on function private.webhooks_check() from public, anon, authenticated;

drop trigger if exists check_webhook on public.webhooks;
-- rule: HOOK-URL, HOOK-INACTIVE
create trigger check_webhook before insert or update on public.webhooks
for each row execute function private.webhooks_check();
drop trigger if exists set_updated_at on public.webhooks;
create trigger set_updated_at before update on public.webhooks
for each row execute function private.set_updated_at();

/** Section - Webhook RPCs */
-- Standard Webhooks' secret form: whsec_ + base64 of 32 random bytes.
-- rule: HOOK-SECRET
create or replace function private.new_webhook_secret()
returns text
language sql
volatile
set search_path = ''
as $$
    select 'whsec_' || pg_catalog.encode(extensions.gen_random_bytes(32), 'base64')
$$;
revoke execute on function private.new_webhook_secret() from public, anon, authenticated;

-- rule: HOOK-SECRET, HOOK-CAP, HOOK-OWNER
create or replace function private.create_webhook(p_url text, p_events text [], p_description text)
returns jsonb
language plpgsql
security definer
-- Writes the private secret table; the webhook row itself is checked as the owner's would be.
set search_path = ''
as $$
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
$$;
revoke execute on function private.create_webhook(text, text [], text) from public, anon, authenticated;
grant execute on function private.create_webhook(text, text [], text) to authenticated;

create or replace function public.create_webhook(url text, events text [], description text default null)
returns jsonb
language sql
security invoker
set search_path = ''
as $$
    select private.create_webhook(create_webhook.url, create_webhook.events, create_webhook.description)
$$;
revoke execute on function public.create_webhook(text, text [], text) from public, anon, authenticated;
grant execute on function public.create_webhook(text, text [], text) to authenticated;
comment on function public.create_webhook(text, text [], text) is
'Creates a webhook for the caller and returns {id, secret} (whsec_..., Standard Webhooks; the only time it is '
'shown). url: https, at most 2048 characters, no user-info, not localhost, *.local, *.internal or a non-public IP '
'address (22023); events: a non-empty subset of the webhook events (23514); at most 10 webhooks (PT409).';

-- rule: HOOK-SECRET
create or replace function private.rotate_webhook_secret(p_id uuid)
returns jsonb
language plpgsql
security definer
-- Writes the private secret table for the webhook's owner only.
set search_path = ''
as $$
declare
    v_secret text := private.new_webhook_secret();
begin
    if not exists (select 1 from public.webhooks as w where w.id = p_id and w.user_id = (select auth.uid())) then
        raise exception using errcode = 'PT404', message = 'no such webhook';
    end if;
    update private.webhook_secrets as s set secret = v_secret where s.webhook_id = p_id;
    return jsonb_build_object('id', p_id, 'secret', v_secret);
end
$$;
revoke execute on function private.rotate_webhook_secret(uuid) from public, anon, authenticated;
grant execute on function private.rotate_webhook_secret(uuid) to authenticated;

create or replace function public.rotate_webhook_secret(id uuid)
returns jsonb
language sql
security invoker
set search_path = ''
as $$
    select private.rotate_webhook_secret(rotate_webhook_secret.id)
$$;
revoke execute on function public.rotate_webhook_secret(uuid) from public, anon, authenticated;
grant execute on function public.rotate_webhook_secret(uuid) to authenticated;
comment on function public.rotate_webhook_secret(uuid) is
'Replaces a webhook''s secret and returns {id, secret}; deliveries from now on are signed with it. PT404 for a '
'webhook that is not the caller''s.';

-- rule: DELIVERY-REDELIVER
create or replace function private.redeliver_webhook_delivery(p_id uuid)
returns void
language plpgsql
security definer
-- Deliveries have no client write grant: only the owner, through this function, re-queues one.
set search_path = ''
as $$
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
$$;
revoke execute on function private.redeliver_webhook_delivery(uuid) from public, anon, authenticated;
grant execute on function private.redeliver_webhook_delivery(uuid) to authenticated;

create or replace function public.redeliver_webhook_delivery(id uuid)
returns void
language sql
security invoker
set search_path = ''
as $$
    select private.redeliver_webhook_delivery(redeliver_webhook_delivery.id)
$$;
revoke execute on function public.redeliver_webhook_delivery(uuid) from public, anon, authenticated;
grant execute on function public.redeliver_webhook_delivery(uuid) to authenticated;
comment on function public.redeliver_webhook_delivery(uuid) is
'Queues one of the caller''s webhook deliveries again, now, with a fresh retry schedule (the same webhook-id, so '
'receivers can drop a repeat). PT404 for a delivery that is not the caller''s; PT409 while it is being sent.';

/** Section - Enqueueing */
-- The webhook event of a notification type, or null for types no webhook receives.
-- rule: HOOK-ENQUEUE
create or replace function private.webhook_event_for(p_type text)
returns text
language sql
immutable
set search_path = ''
as $$
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
$$;
revoke execute on function private.webhook_event_for(text) from public, anon, authenticated;

-- Called by private.notify in the notification's transaction: one delivery per active webhook
-- of the recipient subscribed to the event. The payload is the notification's data (ids and
-- changed fields, which the recipient reads in the notification too).
-- rule: HOOK-ENQUEUE, HOOK-PAYLOAD, HOOK-INACTIVE
create or replace function private.enqueue_webhook_deliveries(p_user_id uuid, p_type text, p_data jsonb)
returns void
language plpgsql
security definer
-- Writes deliveries for the recipient's webhooks, whoever's action caused the event.
set search_path = ''
as $$
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
$$;
revoke execute on function private.enqueue_webhook_deliveries(uuid, text, jsonb) from public, anon, authenticated;
