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
