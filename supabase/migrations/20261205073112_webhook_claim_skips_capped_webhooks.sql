-- a hanging receiver's backlog filled the claim window and starved healthy webhooks
--
-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

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
                -- A webhook already at its cap is skipped before the window is cut: the backlog
                -- of a hanging receiver must not fill the window and starve everyone else.
                and not exists (
                    select 1 from in_flight as f where f.webhook_id = d.webhook_id and f.n >= 4
                )
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
