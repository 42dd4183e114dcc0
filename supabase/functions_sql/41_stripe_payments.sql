/**
 * Billing (files 4x): invoices, payments and refunds from Stripe events. See
 * 40_stripe_subscriptions.sql for how events are applied. Idempotent; re-applied when changed.
 */

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
