-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

create or replace function private.stripe_apply_event(p_event jsonb, p_pro_price_ids text[])
 returns text
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_id text := p_event ->> 'id';
    v_processed_at timestamptz;
    v_stored record;
    v_outcome text;
    v_error text;
begin
    if v_id is null or p_event ->> 'type' is null or jsonb_typeof(p_event -> 'created') <> 'number' then
        raise exception using errcode = '22023', message = 'not a Stripe event: id, type and created are required';
    end if;
    -- Key space 1 of the two-key advisory locks: Stripe event ids (see above).
    perform pg_catalog.pg_advisory_xact_lock(1, pg_catalog.hashtext(v_id));
    select e.processed_at into v_processed_at from private.stripe_events as e where e.id = v_id;
    if found then
        if v_processed_at is not null then
            return 'duplicate';
        end if;
        -- Recorded before without effect (failed, or its user unknown then): try again, unless a
        -- replay (which locks the row, not the id) applied it meanwhile.
        select e.processed_at, e.payload into v_stored from private.stripe_events as e where e.id = v_id for update;
        if v_stored.processed_at is not null then
            return 'duplicate';
        end if;
        update private.stripe_events as e set attempts = e.attempts + 1 where e.id = v_id;
        return private.stripe_process(v_id, v_stored.payload, p_pro_price_ids);
    end if;

    begin
        v_outcome := private.stripe_dispatch(v_id, p_event, p_pro_price_ids);
    exception when others then
        v_outcome := 'failed';
        v_error := left(sqlstate || ': ' || sqlerrm, 1000);
    end;
    insert into private.stripe_events (
        id, type, created, livemode, customer_id, payload, outcome, last_error, processed_at
    ) values (
        v_id,
        p_event ->> 'type',
        pg_catalog.to_timestamp((p_event ->> 'created')::double precision),
        coalesce((p_event ->> 'livemode')::boolean, false),
        coalesce(p_event #>> '{data,object,customer,id}', p_event #>> '{data,object,customer}'),
        p_event,
        v_outcome,
        v_error,
        case when v_outcome in ('applied', 'ignored', 'stale') then now() end
    );
    return v_outcome;
end
$function$;

create or replace function private.stripe_replay_pending(p_pro_price_ids text[], p_min_age interval default '00:01:00'::interval, p_limit integer default 500)
 returns table(event_id text, event_type text, outcome text)
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_event record;
begin
    for v_event in
        select e.id, e.type, e.payload
        from private.stripe_events as e
        where e.processed_at is null
            and e.outcome in ('failed', 'unmatched')
            and e.received_at < now() - p_min_age
        order by e.created, e.id
        limit p_limit
        for update skip locked
    loop
        update private.stripe_events as e set attempts = e.attempts + 1 where e.id = v_event.id;
        event_id := v_event.id;
        event_type := v_event.type;
        outcome := private.stripe_process(v_event.id, v_event.payload, p_pro_price_ids);
        return next;
    end loop;
end
$function$;

create or replace function private.stripe_prune_events(p_keep interval default '30 days'::interval, p_limit integer default 10000)
 returns integer
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_deleted integer;
begin
    if p_keep < interval '3 days' then
        raise exception using errcode = '22023',
            message = 'keep processed Stripe events at least 3 days: Stripe retries a delivery that long';
    end if;
    delete from private.stripe_events as e
    where e.id in (
        select o.id
        from private.stripe_events as o
        where o.processed_at < now() - p_keep
        order by o.processed_at
        limit p_limit
    );
    get diagnostics v_deleted = row_count;
    return v_deleted;
end
$function$;

create or replace function private.stripe_billing_account(p_user_id uuid)
 returns table(has_pro boolean, stripe_customer_id text)
 language sql
 stable security definer
 set search_path to ''
as $function$
    select private.has_pro(s.user_id), s.stripe_customer_id
    from public.subscriptions as s
    where s.user_id = p_user_id
$function$;

create or replace function private.stripe_link_customer(p_user_id uuid, p_customer_id text)
 returns text
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_customer text;
begin
    update public.subscriptions as s
    set stripe_customer_id = p_customer_id
    where s.user_id = p_user_id and s.stripe_customer_id is null;
    select s.stripe_customer_id into v_customer from public.subscriptions as s where s.user_id = p_user_id;
    if not found then
        raise exception using errcode = 'PT404', message = 'no subscription row for this user';
    end if;
    return v_customer;
end
$function$;

create or replace function private.stripe_stale_subscriptions(p_grace interval default '01:00:00'::interval, p_limit integer default 500)
 returns table(user_id uuid, stripe_subscription_id text)
 language sql
 stable security definer
 set search_path to ''
as $function$
    select s.user_id, s.stripe_subscription_id
    from public.subscriptions as s
    where s.stripe_subscription_id is not null
        and s.status not in ('canceled', 'incomplete_expired')
        and (
            s.current_period_end < now() - p_grace
            or (s.status in ('incomplete', 'past_due', 'unpaid') and s.updated_at < now() - p_grace)
        )
    order by s.updated_at
    limit p_limit
$function$;

revoke all on function private.stripe_apply_event(jsonb,text[]) from anon, authenticated, public, service_role, ugig_service;

grant execute on function private.stripe_apply_event(jsonb,text[]) to service_role;

grant execute on function private.stripe_apply_event(jsonb,text[]) to ugig_service;

revoke all on function private.stripe_replay_pending(text[],interval,integer) from anon, authenticated, public, service_role, ugig_service;

grant execute on function private.stripe_replay_pending(text[],interval,integer) to service_role;

grant execute on function private.stripe_replay_pending(text[],interval,integer) to ugig_service;

revoke all on function private.stripe_prune_events(interval,integer) from anon, authenticated, public, service_role, ugig_service;

grant execute on function private.stripe_prune_events(interval,integer) to service_role;

grant execute on function private.stripe_prune_events(interval,integer) to ugig_service;

revoke all on function private.stripe_billing_account(uuid) from anon, authenticated, public, service_role, ugig_service;

grant execute on function private.stripe_billing_account(uuid) to service_role;

grant execute on function private.stripe_billing_account(uuid) to ugig_service;

revoke all on function private.stripe_link_customer(uuid,text) from anon, authenticated, public, service_role, ugig_service;

grant execute on function private.stripe_link_customer(uuid,text) to service_role;

grant execute on function private.stripe_link_customer(uuid,text) to ugig_service;

revoke all on function private.stripe_stale_subscriptions(interval,integer) from anon, authenticated, public, service_role, ugig_service;

grant execute on function private.stripe_stale_subscriptions(interval,integer) to service_role;

grant execute on function private.stripe_stale_subscriptions(interval,integer) to ugig_service;

revoke all on function private.complete_emails(uuid,jsonb) from anon, authenticated, public, service_role, ugig_service;

grant execute on function private.complete_emails(uuid,jsonb) to service_role;

grant execute on function private.complete_emails(uuid,jsonb) to ugig_service;

revoke all on function private.email_unsubscribe(uuid,text) from anon, authenticated, public, service_role, ugig_service;

grant execute on function private.email_unsubscribe(uuid,text) to service_role;

grant execute on function private.email_unsubscribe(uuid,text) to ugig_service;

revoke all on function private.jitsi_call_access(uuid,uuid) from anon, authenticated, public, service_role, ugig_service;

grant execute on function private.jitsi_call_access(uuid,uuid) to service_role;

grant execute on function private.jitsi_call_access(uuid,uuid) to ugig_service;

revoke all on function private.claim_emails(integer,interval,integer,text,double precision) from anon, authenticated, public, service_role, ugig_service;

grant execute on function private.claim_emails(integer,interval,integer,text,double precision) to service_role;

grant execute on function private.claim_emails(integer,interval,integer,text,double precision) to ugig_service;
