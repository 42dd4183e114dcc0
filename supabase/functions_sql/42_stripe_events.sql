/**
 * Billing: one Stripe event applied once (dispatch, outcome, replay, pruning). See
 * 40_stripe_subscriptions.sql for the ordering rules. Idempotent; re-applied when changed.
 */

/** Section - Events */
-- What one event means, by type (no error handling: callers catch and record failures).
-- rule: STRIPE-UNKNOWN-TYPE
create or replace function private.stripe_dispatch(p_id text, p_event jsonb, p_pro_price_ids text [])
returns text
language plpgsql
set search_path = ''
as $$
declare
    v_type text := p_event ->> 'type';
    v_object jsonb := p_event #> '{data,object}';
begin
    return case
        when v_type in (
            'customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted',
            'customer.subscription.paused', 'customer.subscription.resumed', 'customer.subscription.trial_will_end'
        ) then private.stripe_apply_subscription(
            p_id, v_type, pg_catalog.to_timestamp((p_event ->> 'created')::double precision), v_object, p_pro_price_ids
        )
        when v_type = 'checkout.session.completed' then private.stripe_apply_checkout(v_object, p_pro_price_ids)
        when v_type in ('invoice.paid', 'invoice.payment_failed') then private.stripe_apply_invoice(v_type, v_object)
        when v_type = 'charge.refunded' then private.stripe_apply_refund(v_object)
        else 'ignored'
    end;
end
$$;
revoke execute on function private.stripe_dispatch(text, jsonb, text []) from public, anon, authenticated;
grant execute on function private.stripe_dispatch(text, jsonb, text []) to service_role;

-- The one definition of "processed": the event took effect (or never will), so it is never
-- applied again and a redelivery is answered `duplicate`. `failed` and `unmatched` events stay
-- unprocessed: reconcile replays them. The service asks this too (which ids it may remember).
-- rule: STRIPE-ONCE
create or replace function private.stripe_outcome_processed(p_outcome text)
returns boolean
language sql
immutable
set search_path = ''
as $$ select p_outcome in ('applied', 'ignored', 'stale', 'duplicate') $$;
revoke execute on function private.stripe_outcome_processed(text) from public, anon, authenticated;
grant execute on function private.stripe_outcome_processed(text) to service_role;
grant execute on function private.stripe_outcome_processed(text) to ugig_service;

-- Apply an event recorded before (its row locked by the caller) and record the outcome. Any
-- error is caught here: the block's writes roll back and the event stays replayable as `failed`.
-- rule: STRIPE-REPLAY
create or replace function private.stripe_process(p_id text, p_event jsonb, p_pro_price_ids text [])
returns text
language plpgsql
set search_path = ''
as $$
declare
    v_outcome text;
    v_error text;
begin
    begin
        v_outcome := private.stripe_dispatch(p_id, p_event, p_pro_price_ids);
    exception when others then
        v_outcome := 'failed';
        v_error := left(sqlstate || ': ' || sqlerrm, 1000);
    end;
    update private.stripe_events as e
    set outcome = v_outcome,
        last_error = v_error,
        processed_at = case when private.stripe_outcome_processed(v_outcome) then now() end
    where e.id = p_id;
    return v_outcome;
end
$$;
revoke execute on function private.stripe_process(text, jsonb, text []) from public, anon, authenticated;
grant execute on function private.stripe_process(text, jsonb, text []) to service_role;

-- checkout's replay loop calls stripe_process, so its grants follow the latter's definition.
revoke execute on function private.stripe_apply_checkout(jsonb, text []) from public, anon, authenticated;
grant execute on function private.stripe_apply_checkout(jsonb, text []) to service_role;

-- The service's one call per webhook. Returns applied | ignored | stale | unmatched | failed, or
-- duplicate when the event already took effect.
-- Deliveries of one event id are serialised by a transaction-scoped advisory lock on the id: a
-- concurrent redelivery waits until the first delivery's transaction ends, then (a new snapshot)
-- finds its row. A processed row is never unprocessed again, so `duplicate` is only answered for
-- an event whose effects committed. A new event is applied first and recorded once, with its
-- outcome (one insert, no update); a failure inside is caught and recorded as `failed`.
-- security definer: the service's role (ugig_service) holds no table privilege; this function is
-- its only way to these rows (executable by service_role and ugig_service only).
-- rule: STRIPE-ONCE, STRIPE-EVENT-SHAPE
create or replace function private.stripe_apply_event(p_event jsonb, p_pro_price_ids text [])
returns text
language plpgsql
security definer
set search_path = ''
as $$
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
        case when private.stripe_outcome_processed(v_outcome) then now() end
    );
    return v_outcome;
end
$$;
revoke execute on function private.stripe_apply_event(jsonb, text []) from public, anon, authenticated;
grant execute on function private.stripe_apply_event(jsonb, text []) to service_role;
grant execute on function private.stripe_apply_event(jsonb, text []) to ugig_service;

-- Replay events that have not taken effect (failed, or unmatched), oldest first; several
-- reconcilers may run at once (skip locked).
-- security definer: the service's role (ugig_service) holds no table privilege; this function is
-- its only way to these rows (executable by service_role and ugig_service only).
-- rule: STRIPE-REPLAY
create or replace function private.stripe_replay_pending(
    p_pro_price_ids text [],
    p_min_age interval default interval '1 minute',
    p_limit integer default 500
)
returns table (event_id text, event_type text, outcome text)
language plpgsql
security definer
set search_path = ''
as $$
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
$$;
revoke execute on function private.stripe_replay_pending(text [], interval, integer) from public, anon, authenticated;
grant execute on function private.stripe_replay_pending(text [], interval, integer) to service_role;
grant execute on function private.stripe_replay_pending(text [], interval, integer) to ugig_service;

-- Retention: forget events that took effect more than p_keep ago, p_limit at a time (oldest
-- first); failed and unmatched events stay until they are replayed. An event's row is what
-- answers its redeliveries `duplicate`, so p_keep must outlast Stripe's retries (up to 3 days).
-- security definer: the service's role (ugig_service) holds no table privilege; this function is
-- its only way to these rows (executable by service_role and ugig_service only).
create or replace function private.stripe_prune_events(
    p_keep interval default interval '30 days',
    p_limit integer default 10000
)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
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
$$;
revoke execute on function private.stripe_prune_events(interval, integer) from public, anon, authenticated;
grant execute on function private.stripe_prune_events(interval, integer) to service_role;
grant execute on function private.stripe_prune_events(interval, integer) to ugig_service;
