/**
 * Outgoing webhook deliveries (SPEC §6): the delivery worker's calls: claim with a lease, record
 * an outcome (backoff, dead, disabling), purge.
 */

/** Section - Delivery worker */
-- Claims up to p_limit due deliveries of active webhooks for one worker: a lease of p_lease
-- (next_attempt_at moves past it, so a crashed worker's rows come back) and a claim token that
-- alone may record the outcome. Committed before anything is sent. At most 4 deliveries per
-- webhook are in flight across all workers, so a receiver that hangs holds at most 4 sending
-- slots while the others go on to healthy receivers.
-- The claim walks the webhooks that have unfinished deliveries (a skip scan of
-- webhook_deliveries_unfinished_idx, one step per webhook) and takes each one's oldest due rows
-- up to its free slots: its cost follows the number of such webhooks, not their backlogs, so a
-- hanging receiver's queue neither crowds out the others nor slows every claim down.
-- rule: DELIVERY-CLAIM, DELIVERY-ISOLATION, HOOK-INACTIVE
create or replace function private.claim_webhook_deliveries(p_limit integer, p_lease interval, p_worker text)
returns table (
    id uuid,
    claim_token uuid,
    webhook_id uuid,
    url text,
    secret text,
    payload jsonb,
    attempts integer
)
language plpgsql
security definer
-- The worker's role has no table privilege; this is its only way to the due rows and secrets.
set search_path = ''
as $$
begin
    return query
    with recursive hooks (webhook_id) as (
        (
            select d.webhook_id
            from public.webhook_deliveries as d
            where d.status in ('pending', 'failed')
            order by d.webhook_id
            limit 1
        )
        union all
        select (
            select d.webhook_id
            from public.webhook_deliveries as d
            where d.status in ('pending', 'failed') and d.webhook_id > h.webhook_id
            order by d.webhook_id
            limit 1
        )
        from hooks as h
        where h.webhook_id is not null
    ),
    in_flight as (
        select d.webhook_id, count(*) as n
        from public.webhook_deliveries as d
        where d.claim_token is not null and d.next_attempt_at > now()
        group by d.webhook_id
    ),
    candidates as (
        select x.id, x.next_attempt_at
        from hooks as h
        left join in_flight as f on f.webhook_id = h.webhook_id
        cross join lateral (
            select d.id, d.next_attempt_at
            from public.webhook_deliveries as d
            where d.webhook_id = h.webhook_id and d.status in ('pending', 'failed') and d.next_attempt_at <= now()
                -- per webhook found (a join would scan every webhook when the estimate is off)
                and exists (select 1 from public.webhooks as w where w.id = h.webhook_id and w.active)
            order by d.next_attempt_at
            limit greatest(0, 4 - coalesce(f.n, 0))
        ) as x
        order by x.next_attempt_at
        limit p_limit * 2  -- some may be locked by a concurrent claim
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
$$;
-- rule: AGENT-SERVICE-FUNCTIONS
revoke execute on function private.claim_webhook_deliveries(integer, interval, text) from public, anon, authenticated;
grant execute on function private.claim_webhook_deliveries(integer, interval, text) to service_role;
grant execute on function private.claim_webhook_deliveries(integer, interval, text) to ugig_service;

-- Records one attempt's outcome and decides what follows: 2xx succeeded; 410 dead and the
-- webhook disabled; anything else retried with exponential backoff and jitter (30 s doubling,
-- capped at 2 h) until the delivery is a day old, then dead. A webhook whose last 5 finished
-- deliveries all died is disabled and its owner notified. Returns the new status, or null when
-- the claim was lost (the lease expired and another worker holds the row).
-- rule: DELIVERY-CLAIM, DELIVERY-RETRY, DELIVERY-410, DELIVERY-DEAD-DISABLES
create or replace function private.record_webhook_delivery(
    p_id uuid, p_claim_token uuid, p_status_code integer, p_error text
)
returns text
language plpgsql
security definer
-- The worker's role has no table privilege; this writes the outcome and may disable the webhook.
set search_path = ''
as $$
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
$$;
-- rule: AGENT-SERVICE-FUNCTIONS
revoke execute on function private.record_webhook_delivery(uuid, uuid, integer, text) from public, anon, authenticated;
grant execute on function private.record_webhook_delivery(uuid, uuid, integer, text) to service_role;
grant execute on function private.record_webhook_delivery(uuid, uuid, integer, text) to ugig_service;

-- rule: DELIVERY-410, DELIVERY-DEAD-DISABLES
create or replace function private.disable_webhook(p_webhook_id uuid, p_reason text)
returns void
language plpgsql
security definer
-- Called for the worker; notifies the owner (and e-mails them, per their settings).
set search_path = ''
as $$
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
$$;
revoke execute on function private.disable_webhook(uuid, text) from public, anon, authenticated;

-- Deliveries older than p_older_than (30 days by default) are removed; returns how many.
-- rule: DELIVERY-PURGE
create or replace function private.purge_webhook_deliveries(p_older_than interval default interval '30 days')
returns bigint
language plpgsql
security definer
-- The worker's role has no table privilege.
set search_path = ''
as $$
declare
    v_count bigint;
begin
    delete from public.webhook_deliveries as d
    where d.created_at < now() - p_older_than;
    get diagnostics v_count = row_count;
    return v_count;
end
$$;
-- rule: AGENT-SERVICE-FUNCTIONS
revoke execute on function private.purge_webhook_deliveries(interval) from public, anon, authenticated;
grant execute on function private.purge_webhook_deliveries(interval) to service_role;
grant execute on function private.purge_webhook_deliveries(interval) to ugig_service;
