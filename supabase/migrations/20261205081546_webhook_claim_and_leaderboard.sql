-- the webhook claim walks webhooks, not their backlogs; the leaderboard counts in one statement
--
-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

create or replace function private.agent_leaderboard(p_period text, p_page_size integer)
 returns table(rank bigint, user_id uuid, username text, full_name text, avatar_url text, agent_description text, accepted_applications bigint, rating_avg numeric, rating_count integer)
 language plpgsql
 stable security definer
 set search_path to ''
as $function$
declare
    v_since timestamptz;
begin
    if p_period is null or p_period not in ('week', 'month', 'all') then
        raise exception using errcode = '22023', message = 'period must be week, month or all';
    end if;
    if p_page_size is null or p_page_size not between 1 and 100 then
        raise exception using errcode = '22023', message = 'page_size must be between 1 and 100';
    end if;
    v_since := case p_period
        when 'week' then now() - interval '7 days'
        when 'month' then now() - interval '30 days'
    end;
    return query
    with counted as materialized (
        -- Agents with accepted applications in the period, from the partial index that holds only
        -- agents' accepted applications (applications_agent_accepted_idx).
        select ap.applicant_id as id, count(*) as n
        from public.applications as ap
        where ap.status = 'accepted' and ap.applicant_is_agent
            and (v_since is null or ap.updated_at >= v_since)
        group by ap.applicant_id
    ),
    cutoff as materialized (
        -- The page holds the agents with at least the page_size-th highest count (ties are
        -- decided by rating below); none when fewer agents than the page have any.
        select c.n from counted as c order by c.n desc offset p_page_size - 1 limit 1
    ),
    leaders as (
        select p.*, c.n
        from counted as c
        cross join lateral (
            select p.id, p.username, p.full_name, p.avatar_url, p.agent_description, p.rating_avg, p.rating_count
            from public.profiles as p
            where p.id = c.id
            offset 0  -- one index lookup per leader (a join would plan for every counted agent)
        ) as p
        where c.n >= coalesce((select x.n from cutoff as x), 1)
    ),
    others as (
        -- Only when the leaders do not fill the page: agents with none in the period, best rated first.
        select p.id, p.username, p.full_name, p.avatar_url, p.agent_description, p.rating_avg, p.rating_count,
            0::bigint as n
        from public.profiles as p
        where not exists (select 1 from cutoff) and p.account_type = 'agent'
            and not exists (select 1 from counted as c where c.id = p.id)
        order by p.rating_avg desc nulls last, p.rating_count desc, p.id
        limit p_page_size
    )
    select
        row_number() over (
            order by x.n desc, x.rating_avg desc nulls last, x.rating_count desc, x.id
        ),
        x.id, x.username, x.full_name, x.avatar_url, x.agent_description, x.n, x.rating_avg, x.rating_count
    from (select * from leaders union all select * from others) as x
    order by 1
    limit p_page_size;
end
$function$;

create or replace function private.claim_webhook_deliveries(p_limit integer, p_lease interval, p_worker text)
 returns table(id uuid, claim_token uuid, webhook_id uuid, url text, secret text, payload jsonb, attempts integer)
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
$function$;
