/**
 * Billing: what the service's checkout, portal and reconcile commands ask the database.
 * Idempotent; re-applied when changed.
 */

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
