/**
 * Billing: what each Stripe event means for ugig, applied in SQL.
 *
 * The Flask service verifies a webhook's signature and calls private.stripe_apply_event() once,
 * in one transaction. That function applies the event and records it in private.stripe_events
 * (its id is the primary key; deliveries of one id are serialised, so a redelivery, even a
 * concurrent one, waits for the first delivery and finds its row):
 * - Ordering: subscription state carries the (created, rank) of the event it came from; an
 *   event with a smaller key is stale. Stripe's `created` has one-second resolution, so within
 *   a second the rank decides: created (1) < updated, paused, resumed, trial_will_end (2) <
 *   deleted (3); with equal keys the later delivery wins. A canceled subscription never comes
 *   back to life (a late `updated` after `deleted` is stale).
 * - The customer -> user mapping is stored before checkout starts (the service creates the
 *   customer with metadata.user_id), so subscription events that beat checkout.session.completed
 *   find their user; events that still find none are kept as `unmatched` and replayed when the
 *   mapping appears (checkout completion) or by `ugig-db stripe-reconcile`.
 * - Shapes: period dates are read from the subscription item (current API) or the subscription
 *   (older versions); an invoice's subscription from parent.subscription_details (current) or
 *   `subscription` (older). The plan is `pro` only for the Pro price ids the service passes in.
 * - A failure while applying is caught: the event is kept as `failed` with its error (for replay)
 *   and nothing else it did is written.
 * Execute rights: service_role only. These functions are security invoker; the service role
 * already owns the writes they make.
 */

/** Section - Helpers */
-- Small helpers are written inline in the plpgsql bodies below (e.g. a Stripe timestamp as
-- `to_timestamp((obj ->> 'created')::double precision)`, a reference that may be expanded as
-- `coalesce(obj -> 'customer' ->> 'id', obj ->> 'customer')`): a SQL function with a pinned
-- search_path cannot be inlined, and calling one per field cost more than the rest of the work.
drop function if exists private.stripe_ts(jsonb);
drop function if exists private.stripe_ref(jsonb);
drop function if exists private.stripe_event_rank(text);
drop function if exists private.stripe_user_for(text, jsonb);

-- The user named by metadata.user_id (set by our checkout on the customer, the session and the
-- subscription): the fallback when an object's customer is not linked to a user yet.
create or replace function private.stripe_user_from_metadata(p_metadata jsonb)
returns uuid
language sql
stable
set search_path = ''
as $$
    select s.user_id
    from public.subscriptions as s
    where p_metadata ->> 'user_id' ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
        and s.user_id = (p_metadata ->> 'user_id')::uuid
$$;
revoke execute on function private.stripe_user_from_metadata(jsonb) from public, anon, authenticated;
grant execute on function private.stripe_user_from_metadata(jsonb) to service_role;

/** Section - Subscriptions */
-- customer.subscription.* : take the subscription's state unless newer state is already applied.
-- rule: STRIPE-NO-STALE, STRIPE-PRO-PRICES
create or replace function private.stripe_apply_subscription(
    p_event_id text,
    p_type text,
    p_created timestamptz,
    p_sub jsonb,
    p_pro_price_ids text []
)
returns text
language plpgsql
set search_path = ''
as $$
declare
    -- Tie-break within one second (see the header).
    v_rank smallint := case p_type
        when 'customer.subscription.created' then 1 when 'customer.subscription.deleted' then 3 else 2
    end;
    v_sub_id text := p_sub ->> 'id';
    v_customer text := coalesce(p_sub -> 'customer' ->> 'id', p_sub ->> 'customer');
    v_status text := case when p_type = 'customer.subscription.deleted' then 'canceled' else p_sub ->> 'status' end;
    v_item jsonb;
    v_price text;
    v_plan text;
    v_user uuid;
    v_old public.subscriptions;
    v_new public.subscriptions;
    v_had_pro boolean;
    v_has_pro boolean;
    v_title text;
    v_body text;
begin
    if v_sub_id is null or v_status is null then
        raise exception using errcode = '22023', message = 'subscription object without id or status';
    end if;
    -- The Pro item if there is one (an item carries its price; very old versions: the plan).
    select i.item into v_item
    from jsonb_array_elements(coalesce(p_sub #> '{items,data}', '[]')) as i (item)
    order by coalesce(i.item #>> '{price,id}', i.item #>> '{plan,id}') = any(p_pro_price_ids) desc nulls last
    limit 1;
    v_price := coalesce(v_item #>> '{price,id}', v_item #>> '{plan,id}', p_sub #>> '{plan,id}');
    v_plan := case
        when v_price = any(p_pro_price_ids) and v_status not in ('canceled', 'incomplete_expired') then 'pro'
        else 'free'
    end;

    select s.user_id into v_user from public.subscriptions as s where s.stripe_customer_id = v_customer;
    v_user := coalesce(v_user, private.stripe_user_from_metadata(p_sub -> 'metadata'));
    if v_user is null then
        return 'unmatched';
    end if;
    select * into v_old from public.subscriptions as s where s.user_id = v_user for update;

    if v_old.stripe_event_created is not null
        and (p_created, v_rank) < (v_old.stripe_event_created, v_old.stripe_event_rank) then
        return 'stale';
    end if;
    if v_old.stripe_subscription_id = v_sub_id then
        if v_old.status = 'canceled' and v_status <> 'canceled' then
            return 'stale';  -- deleted stays deleted
        end if;
    elsif v_old.stripe_subscription_id is not null then
        -- Another subscription of the same user: it takes over only if it is not over, and the
        -- current one is over or the new one is running.
        if v_status in ('canceled', 'incomplete_expired')
            or not (
                v_old.status in ('canceled', 'incomplete_expired')
                or v_status in ('trialing', 'active', 'past_due', 'unpaid', 'paused')
            ) then
            return 'ignored';
        end if;
    end if;

    v_had_pro := private.has_pro(v_user);
    update public.subscriptions as s
    set plan = v_plan,
        status = v_status,
        stripe_customer_id = coalesce(s.stripe_customer_id, v_customer),
        stripe_subscription_id = v_sub_id,
        price_id = v_price,
        current_period_start = coalesce(
            pg_catalog.to_timestamp((v_item ->> 'current_period_start')::double precision), pg_catalog.to_timestamp((p_sub ->> 'current_period_start')::double precision)
        ),
        current_period_end = coalesce(
            pg_catalog.to_timestamp((v_item ->> 'current_period_end')::double precision), pg_catalog.to_timestamp((p_sub ->> 'current_period_end')::double precision)
        ),
        cancel_at_period_end = coalesce((p_sub ->> 'cancel_at_period_end')::boolean, false),
        canceled_at = pg_catalog.to_timestamp((p_sub ->> 'canceled_at')::double precision),
        trial_end = pg_catalog.to_timestamp((p_sub ->> 'trial_end')::double precision),
        stripe_event_created = p_created,
        stripe_event_rank = v_rank,
        stripe_event_id = p_event_id
    where s.user_id = v_user
    returning * into v_new;
    v_has_pro := private.has_pro(v_user);

    if p_type = 'customer.subscription.trial_will_end' then
        v_title := 'Your Pro trial ends soon';
        v_body := 'Your Pro trial ends on ' || coalesce(pg_catalog.to_char(v_new.trial_end, 'FMMonth FMDD, YYYY'), 'its end date')
            || '. Your subscription continues unless you cancel it before then.';
    elsif (v_new.plan, v_new.status, v_new.cancel_at_period_end) is not distinct from
        (v_old.plan, v_old.status, v_old.cancel_at_period_end) and v_had_pro = v_has_pro
        or v_new.status in ('incomplete', 'incomplete_expired') then
        -- Nothing the user would notice (a metadata change), or a checkout that never completed.
        return 'applied';
    elsif v_new.status = 'canceled' then
        v_title := 'Your Pro subscription has ended';
        v_body := 'You are on the free plan now. You can subscribe again at any time.';
    elsif v_new.status = 'past_due' then
        v_title := 'Payment needed to keep Pro';
        v_body := 'We could not renew your Pro subscription. Please update your payment method.';
    elsif v_new.status = 'paused' then
        v_title := 'Your Pro subscription is paused';
        v_body := 'Pro features are off until the subscription resumes.';
    elsif v_has_pro and v_new.cancel_at_period_end and not v_old.cancel_at_period_end then
        v_title := 'Your Pro subscription will end';
        v_body := 'Pro stays active until ' || coalesce(pg_catalog.to_char(v_new.current_period_end, 'FMMonth FMDD, YYYY'), 'the end of the period') || '.';
    elsif v_has_pro and not v_had_pro then
        v_title := case when v_new.status = 'trialing' then 'Your Pro trial has started' else 'Welcome to Pro' end;
        v_body := 'Your Pro subscription is active.';
    elsif v_has_pro and v_old.status in ('past_due', 'unpaid', 'paused') and v_new.status = 'active' then
        v_title := 'Your Pro subscription is active again';
        v_body := 'Thank you! Everything in Pro is available again.';
    elsif v_has_pro then
        v_title := 'Your Pro subscription was updated';
        v_body := case when v_old.cancel_at_period_end and not v_new.cancel_at_period_end
            then 'Your subscription will renew automatically.'
            else 'Your subscription is ' || v_new.status || '.' end;
    else
        v_title := 'Your subscription changed';
        v_body := 'Plan: ' || v_new.plan || ', status: ' || replace(v_new.status, '_', ' ') || '.';
    end if;
    perform private.notify(
        v_user, 'subscription_changed', v_title, v_body,
        jsonb_build_object(
            'plan', v_new.plan, 'status', v_new.status, 'has_pro', v_has_pro,
            'cancel_at_period_end', v_new.cancel_at_period_end,
            'current_period_end', v_new.current_period_end, 'stripe_event_id', p_event_id
        )
    );
    return 'applied';
end
$$;
revoke execute on function private.stripe_apply_subscription(text, text, timestamptz, jsonb, text [])
from public, anon, authenticated;
grant execute on function private.stripe_apply_subscription(text, text, timestamptz, jsonb, text [])
to service_role;

/** Section - Checkout */
-- checkout.session.completed: link the customer to the user, then replay the events that
-- arrived for that customer before anyone knew whose it was.
-- rule: STRIPE-REPLAY
create or replace function private.stripe_apply_checkout(p_session jsonb, p_pro_price_ids text [])
returns text
language plpgsql
set search_path = ''
as $$
declare
    v_customer text := coalesce(p_session -> 'customer' ->> 'id', p_session ->> 'customer');
    v_user uuid;
    v_event record;
begin
    v_user := coalesce(
        private.stripe_user_from_metadata(jsonb_build_object('user_id', p_session ->> 'client_reference_id')),
        private.stripe_user_from_metadata(p_session -> 'metadata'),
        (select s.user_id from public.subscriptions as s where s.stripe_customer_id = v_customer)
    );
    if v_user is null then
        return 'unmatched';
    end if;
    if v_customer is not null then
        update public.subscriptions as s
        set stripe_customer_id = v_customer
        where s.user_id = v_user and s.stripe_customer_id is null;
        for v_event in
            select e.id, e.payload
            from private.stripe_events as e
            where e.outcome = 'unmatched' and e.customer_id = v_customer
            order by e.created, e.id
            for update skip locked
        loop
            update private.stripe_events as e set attempts = e.attempts + 1 where e.id = v_event.id;
            perform private.stripe_process(v_event.id, v_event.payload, p_pro_price_ids);
        end loop;
    end if;
    return 'applied';
end
$$;

/** Section - Invoices and payments */
-- Stripe amounts are integers in the currency's minor unit: cents for most currencies, the unit
-- itself for zero-decimal ones (JPY, KRW, ...), thousandths for three-decimal ones (BHD, ...).
-- https://docs.stripe.com/currencies#zero-decimal and #three-decimal
create or replace function private.stripe_currency_exponent(p_currency text)
returns integer
language plpgsql
immutable
set search_path = ''
as $$
begin
    return case lower(p_currency)
        when 'bif' then 0 when 'clp' then 0 when 'djf' then 0 when 'gnf' then 0 when 'jpy' then 0
        when 'kmf' then 0 when 'krw' then 0 when 'mga' then 0 when 'pyg' then 0 when 'rwf' then 0
        when 'ugx' then 0 when 'vnd' then 0 when 'vuv' then 0 when 'xaf' then 0 when 'xof' then 0
        when 'xpf' then 0
        when 'bhd' then 3 when 'jod' then 3 when 'kwd' then 3 when 'omr' then 3 when 'tnd' then 3
        else 2
    end;
end
$$;
revoke execute on function private.stripe_currency_exponent(text) from public, anon, authenticated;
grant execute on function private.stripe_currency_exponent(text) to service_role;

-- An amount in minor units as people read it: 1900 usd -> '19.00 USD', 1900 jpy -> '1900 JPY',
-- 1900 bhd -> '1.900 BHD'.
create or replace function private.stripe_money(p_amount bigint, p_currency text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
    v_exponent integer := private.stripe_currency_exponent(p_currency);
begin
    return pg_catalog.to_char(
        p_amount / (10::numeric ^ v_exponent),
        'FM999999999990' || case when v_exponent > 0 then '.' || repeat('0', v_exponent) else '' end
    ) || ' ' || upper(p_currency);
end
$$;
revoke execute on function private.stripe_money(bigint, text) from public, anon, authenticated;
grant execute on function private.stripe_money(bigint, text) to service_role;

-- invoice.paid / invoice.payment_failed: one payments row per invoice. Its status only moves
-- forward (failed -> paid -> refunded), so a late `payment_failed` never undoes a payment.
-- rule: STRIPE-NO-STALE
create or replace function private.stripe_apply_invoice(p_type text, p_invoice jsonb)
returns text
language plpgsql
set search_path = ''
as $$
declare
    v_invoice_id text := p_invoice ->> 'id';
    v_paid boolean := p_type = 'invoice.paid';
    v_customer text := coalesce(p_invoice -> 'customer' ->> 'id', p_invoice ->> 'customer');
    v_details jsonb := coalesce(p_invoice #> '{parent,subscription_details}', p_invoice -> 'subscription_details');
    v_user uuid;
    v_old_status text;
    v_payment public.payments;
    v_amount bigint;
    v_currency text := lower(p_invoice ->> 'currency');
    v_money text;
begin
    if v_invoice_id is null or v_currency is null then
        raise exception using errcode = '22023', message = 'invoice object without id or currency';
    end if;
    select s.user_id into v_user from public.subscriptions as s where s.stripe_customer_id = v_customer;
    v_user := coalesce(v_user, private.stripe_user_from_metadata(coalesce(v_details -> 'metadata', p_invoice -> 'metadata')));
    if v_user is null then
        return 'unmatched';
    end if;
    v_amount := case when v_paid then (p_invoice ->> 'amount_paid')::bigint else (p_invoice ->> 'amount_due')::bigint end;

    select p.status into v_old_status from public.payments as p where p.stripe_invoice_id = v_invoice_id for update;
    insert into public.payments as p (
        user_id, stripe_invoice_id, stripe_subscription_id, stripe_payment_intent_id, stripe_charge_id,
        amount_cents, currency, status, description, hosted_invoice_url
    ) values (
        v_user,
        v_invoice_id,
        coalesce(coalesce(v_details -> 'subscription' ->> 'id', v_details ->> 'subscription'), coalesce(p_invoice -> 'subscription' ->> 'id', p_invoice ->> 'subscription')),
        coalesce(
            coalesce(p_invoice -> 'payment_intent' ->> 'id', p_invoice ->> 'payment_intent'),
            (
                select coalesce(ip.payment #>> '{payment,payment_intent,id}', ip.payment #>> '{payment,payment_intent}')
                from jsonb_array_elements(coalesce(p_invoice #> '{payments,data}', '[]')) as ip (payment)
                where ip.payment #>> '{payment,payment_intent}' is not null
                limit 1
            )
        ),
        coalesce(p_invoice -> 'charge' ->> 'id', p_invoice ->> 'charge'),
        coalesce(v_amount, 0),
        v_currency,
        case when v_paid then 'paid' else 'failed' end,
        left(coalesce(p_invoice ->> 'description', p_invoice #>> '{lines,data,0,description}', 'ugig Pro'), 500),
        p_invoice ->> 'hosted_invoice_url'
    )
    on conflict (stripe_invoice_id) do update
    set status = case when p.status = 'failed' then excluded.status else p.status end,
        amount_cents = case when p.status = 'failed' then excluded.amount_cents else p.amount_cents end,
        stripe_subscription_id = coalesce(p.stripe_subscription_id, excluded.stripe_subscription_id),
        stripe_payment_intent_id = coalesce(excluded.stripe_payment_intent_id, p.stripe_payment_intent_id),
        stripe_charge_id = coalesce(excluded.stripe_charge_id, p.stripe_charge_id),
        hosted_invoice_url = coalesce(excluded.hosted_invoice_url, p.hosted_invoice_url)
    returning * into v_payment;
    v_money := private.stripe_money(v_payment.amount_cents, v_payment.currency);

    if v_paid and v_payment.amount_cents > 0 and v_old_status is distinct from v_payment.status then
        perform private.notify(
            v_user, 'payment_succeeded', 'Payment received',
            'We received your payment of ' || v_money || '. Thank you!',
            jsonb_build_object('payment_id', v_payment.id, 'amount_cents', v_payment.amount_cents,
                'currency', v_payment.currency, 'amount_display', v_money,
                'hosted_invoice_url', v_payment.hosted_invoice_url)
        );
    elsif not v_paid and v_payment.status = 'failed' then
        -- Every failed attempt is shown in the app; at most one e-mail per invoice a day.
        perform private.notify(
            v_user, 'payment_failed', 'Payment failed',
            'Your payment of ' || v_money
                || ' did not go through. Please update your payment method to keep Pro.',
            jsonb_build_object('payment_id', v_payment.id, 'amount_cents', v_payment.amount_cents,
                'currency', v_payment.currency, 'amount_display', v_money,
                'hosted_invoice_url', v_payment.hosted_invoice_url),
            'payment_failed:' || v_invoice_id, interval '20 hours'
        );
    end if;
    return 'applied';
end
$$;
revoke execute on function private.stripe_apply_invoice(text, jsonb) from public, anon, authenticated;
grant execute on function private.stripe_apply_invoice(text, jsonb) to service_role;

-- charge.refunded: the refunded amount only grows (amount_refunded is cumulative on the charge).
create or replace function private.stripe_apply_refund(p_charge jsonb)
returns text
language plpgsql
set search_path = ''
as $$
declare
    v_charge_id text := p_charge ->> 'id';
    v_payment_id uuid;
begin
    select p.id into v_payment_id
    from public.payments as p
    where p.stripe_charge_id = v_charge_id
        or p.stripe_payment_intent_id = coalesce(p_charge -> 'payment_intent' ->> 'id', p_charge ->> 'payment_intent')
        or p.stripe_invoice_id = coalesce(p_charge -> 'invoice' ->> 'id', p_charge ->> 'invoice')
    limit 1
    for update;
    if v_payment_id is null then
        return 'unmatched';
    end if;
    update public.payments as p
    set amount_refunded_cents = greatest(p.amount_refunded_cents, least(p.amount_cents, (p_charge ->> 'amount_refunded')::bigint)),
        stripe_charge_id = coalesce(p.stripe_charge_id, v_charge_id)
    where p.id = v_payment_id;
    update public.payments as p
    set status = case
        when p.amount_refunded_cents >= p.amount_cents then 'refunded'
        when p.amount_refunded_cents > 0 then 'partially_refunded'
        else p.status
    end
    where p.id = v_payment_id and p.status <> 'failed';
    return 'applied';
end
$$;
revoke execute on function private.stripe_apply_refund(jsonb) from public, anon, authenticated;
grant execute on function private.stripe_apply_refund(jsonb) to service_role;

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

/** Section - Service helpers (checkout, portal, reconcile) */
-- What checkout and portal need to know about a user: Pro right now, and their Stripe customer.
-- security definer: the service's role (ugig_service) holds no table privilege; this function is
-- its only way to these rows (executable by service_role and ugig_service only).
create or replace function private.stripe_billing_account(p_user_id uuid)
returns table (has_pro boolean, stripe_customer_id text)
language sql
stable
security definer
set search_path = ''
as $$
    select private.has_pro(s.user_id), s.stripe_customer_id
    from public.subscriptions as s
    where s.user_id = p_user_id
$$;
revoke execute on function private.stripe_billing_account(uuid) from public, anon, authenticated;
grant execute on function private.stripe_billing_account(uuid) to service_role;
grant execute on function private.stripe_billing_account(uuid) to ugig_service;

-- Store the user's Stripe customer unless one is stored already; returns the stored one. The
-- row lock serialises concurrent checkouts: the first customer id wins and all callers use it.
-- security definer: the service's role (ugig_service) holds no table privilege; this function is
-- its only way to these rows (executable by service_role and ugig_service only).
-- rule: STRIPE-ONE-CUSTOMER
create or replace function private.stripe_link_customer(p_user_id uuid, p_customer_id text)
returns text
language plpgsql
security definer
set search_path = ''
as $$
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
$$;
revoke execute on function private.stripe_link_customer(uuid, text) from public, anon, authenticated;
grant execute on function private.stripe_link_customer(uuid, text) to service_role;
grant execute on function private.stripe_link_customer(uuid, text) to ugig_service;

-- Subscriptions whose stored state looks out of date: still running past their period end
-- (a renewal or cancellation event went missing), or stuck in a transitional status.
-- security definer: the service's role (ugig_service) holds no table privilege; this function is
-- its only way to these rows (executable by service_role and ugig_service only).
create or replace function private.stripe_stale_subscriptions(
    p_grace interval default interval '1 hour',
    p_limit integer default 500
)
returns table (user_id uuid, stripe_subscription_id text)
language sql
stable
security definer
set search_path = ''
as $$
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
$$;
revoke execute on function private.stripe_stale_subscriptions(interval, integer) from public, anon, authenticated;
grant execute on function private.stripe_stale_subscriptions(interval, integer) to service_role;
grant execute on function private.stripe_stale_subscriptions(interval, integer) to ugig_service;
