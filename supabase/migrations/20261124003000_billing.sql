/**
 * Billing: the Stripe event log, payments, and the ordering watermark on subscriptions.
 *
 * Stripe delivers webhooks at least once, in any order and possibly concurrently. Every event
 * is recorded in private.stripe_events (its primary key makes each event id take effect once)
 * and applied by the functions in functions_sql/40_billing.sql in the same transaction. The
 * watermark columns on subscriptions remember which event the row's Stripe state came from, so
 * an older event never overwrites newer state.
 */

/** Section - Stripe events (private: written only by the service) */
create table private.stripe_events (
    id text primary key,
    type text not null,
    created timestamptz not null,
    livemode boolean not null default false,
    received_at timestamptz not null default now(),
    processed_at timestamptz,
    attempts integer not null default 1,
    last_error text,
    -- applied | ignored | stale | unmatched | failed; null while the first attempt runs.
    outcome text,
    -- data.object.customer, kept so events that arrived before their customer was known can be
    -- replayed once it is.
    customer_id text,
    payload jsonb not null,
    constraint stripe_events_outcome check (
        outcome in ('applied', 'ignored', 'stale', 'unmatched', 'failed')
    )
);

comment on table private.stripe_events is
'Every Stripe webhook event received, once per event id, with what applying it did.';

-- Events that have not taken effect yet, for replay (reconcile, late customer mapping).
create index stripe_events_pending_idx on private.stripe_events (outcome, created)
where processed_at is null;
create index stripe_events_unmatched_customer_idx on private.stripe_events (customer_id, created)
where outcome = 'unmatched';

/** Section - Subscriptions: ordering watermark */
-- The (created, rank) of the Stripe event the row's Stripe state was last taken from; rank breaks
-- ties between events of the same second (created < updated < deleted).
alter table public.subscriptions
add column stripe_event_created timestamptz,
add column stripe_event_rank smallint,
add column stripe_event_id text;

/** Section - Payments */
create table public.payments (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null references auth.users (id) on delete cascade,
    stripe_invoice_id text not null,
    stripe_subscription_id text,
    stripe_payment_intent_id text,
    stripe_charge_id text,
    amount_cents bigint not null,
    amount_refunded_cents bigint not null default 0,
    currency text not null,
    status text not null,
    description text,
    hosted_invoice_url text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint payments_stripe_invoice_id_key unique (stripe_invoice_id),
    constraint payments_amount check (amount_cents >= 0),
    constraint payments_amount_refunded check (amount_refunded_cents between 0 and amount_cents),
    constraint payments_currency check (currency ~ '^[a-z]{3}$'),
    constraint payments_status check (status in ('failed', 'paid', 'partially_refunded', 'refunded'))
);

comment on table public.payments is
'Invoices of the caller''s subscription and whether they were paid. Owner reads; only the service writes.';

create index payments_user_created_idx on public.payments (user_id, created_at desc);
create index payments_payment_intent_idx on public.payments (stripe_payment_intent_id)
where stripe_payment_intent_id is not null;
create index payments_charge_idx on public.payments (stripe_charge_id)
where stripe_charge_id is not null;
