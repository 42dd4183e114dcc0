-- the leaderboard reads agents' accepted applications from their own partial index
--
-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

create or replace function private.applications_guard()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
declare
    v_uid uuid := (select auth.uid());
    v_gig record;
    v_actor text := 'system';
    v_proposal_changed boolean;
    v_accepted integer;
begin
    new.cover_letter := btrim(new.cover_letter);
    new.proposed_timeline := nullif(btrim(new.proposed_timeline), '');
    new.portfolio_urls := private.clean_tags(new.portfolio_urls, 'portfolio_urls');
    new.ai_tools := private.clean_tags(new.ai_tools, 'ai_tools');
    perform private.check_urls(new.portfolio_urls, 'portfolio_urls');

    if tg_op = 'INSERT' then
        if new.status <> 'pending' then
            raise exception using errcode = 'PT409', message = 'an application starts as pending';
        end if;
        -- Runs with the caller's rights: a gig the caller cannot see is not found.
        select g.poster_id, g.status into v_gig from public.gigs as g where g.id = new.gig_id;
        if not found then
            raise exception using errcode = 'PT404', message = 'gig not found';
        end if;
        if v_gig.poster_id = new.applicant_id then
            raise exception using errcode = '42501', message = 'you cannot apply to your own gig';
        end if;
        if v_gig.status <> 'active' then
            raise exception using
                errcode = 'PT409',
                message = pg_catalog.format('this gig is %s and does not accept applications', v_gig.status);
        end if;
        -- The poster reads the application through this copy (policy on an indexed column).
        new.poster_id := v_gig.poster_id;
        -- The leaderboard's partial index holds agents' applications only (account_type never
        -- changes after signup, so the copy never goes stale).
        new.applicant_is_agent := exists (
            select 1 from public.profiles as p where p.id = new.applicant_id and p.account_type = 'agent'
        );
        return new;
    end if;

    if new.id <> old.id or new.gig_id <> old.gig_id or new.applicant_id <> old.applicant_id
        or new.poster_id <> old.poster_id or new.created_at <> old.created_at then
        raise exception using
            errcode = '42501', message = 'an application''s id, gig, applicant, poster and creation time cannot change';
    end if;
    new.applicant_is_agent := old.applicant_is_agent;  -- the database's copy, whoever writes
    v_proposal_changed := (new.cover_letter, new.proposed_rate, new.proposed_timeline, new.portfolio_urls, new.ai_tools)
        is distinct from (old.cover_letter, old.proposed_rate, old.proposed_timeline, old.portfolio_urls, old.ai_tools);

    if private.is_client() then
        if v_uid = old.applicant_id then
            v_actor := 'applicant';
            if new.status <> old.status and new.status <> 'withdrawn' then
                raise exception using
                    errcode = '42501', message = 'only the gig''s poster changes an application''s status; you may withdraw';
            end if;
            if v_proposal_changed and old.status <> 'pending' then
                raise exception using
                    errcode = 'PT409',
                    message = pg_catalog.format('the proposal can only be edited while pending, not %s', old.status);
            end if;
        else
            v_actor := 'poster';
            if v_proposal_changed then
                raise exception using errcode = '42501', message = 'only the applicant edits the proposal';
            end if;
            if new.status = 'withdrawn' and old.status <> 'withdrawn' then
                raise exception using errcode = '42501', message = 'only the applicant withdraws an application';
            end if;
        end if;
    end if;

    if not private.application_transition_allowed(old.status, new.status, v_actor) then
        raise exception using
            errcode = 'PT409',
            message = pg_catalog.format('an application cannot go from %s to %s', old.status, new.status);
    end if;

    if new.status = 'accepted' and old.status <> 'accepted' then
        -- Lock the gig so concurrent acceptances count each other.
        select g.status, g.positions into v_gig from public.gigs as g where g.id = new.gig_id for update;
        if v_gig.status not in ('active', 'paused') then
            raise exception using
                errcode = 'PT409',
                message = pg_catalog.format('this gig is %s: nobody more can be accepted', v_gig.status);
        end if;
        select count(*) into v_accepted
        from public.applications as a
        where a.gig_id = new.gig_id and a.status = 'accepted' and a.id <> new.id;
        if v_accepted >= v_gig.positions then
            raise exception using
                errcode = 'PT409', message = 'all positions of this gig are already filled';
        end if;
    end if;
    return new;
end
$function$;

create or replace function private.agent_leaderboard(p_period text, p_page_size integer)
 returns table(rank bigint, user_id uuid, username text, full_name text, avatar_url text, agent_description text, accepted_applications bigint, rating_avg numeric, rating_count integer)
 language plpgsql
 stable security definer
 set search_path to ''
as $function$
declare
    v_since timestamptz;
    v_ids uuid [];
    v_counts bigint [];
    v_cutoff bigint;
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
    -- Agents with accepted applications in the period, from the partial index that holds only
    -- agents' accepted applications (applications_agent_accepted_idx).
    select coalesce(array_agg(c.applicant_id), '{}'), coalesce(array_agg(c.accepted), '{}')
    into v_ids, v_counts
    from (
        select ap.applicant_id, count(*) as accepted
        from public.applications as ap
        where ap.status = 'accepted' and ap.applicant_is_agent
            and (v_since is null or ap.updated_at >= v_since)
        group by ap.applicant_id
    ) as c;
    -- The page holds the agents with at least the page_size-th highest count (ties decided by
    -- rating below); only when fewer have any does it go on to agents with none, best rated first.
    select c.n into v_cutoff
    from unnest(v_counts) as c (n)
    order by c.n desc
    offset p_page_size - 1
    limit 1;
    return query
    select
        row_number() over (
            order by x.accepted desc, x.rating_avg desc nulls last, x.rating_count desc, x.user_id
        ),
        x.user_id, x.username, x.full_name, x.avatar_url, x.agent_description, x.accepted, x.rating_avg,
        x.rating_count
    from (
        select p.id, p.username, p.full_name, p.avatar_url, p.agent_description, c.n, p.rating_avg, p.rating_count
        from unnest(v_ids, v_counts) as c (id, n)
        join public.profiles as p on p.id = c.id
        where c.n >= coalesce(v_cutoff, 1)
        union all
        (
            select
                p.id, p.username, p.full_name, p.avatar_url, p.agent_description, 0::bigint, p.rating_avg,
                p.rating_count
            from public.profiles as p
            where v_cutoff is null and p.account_type = 'agent' and p.id <> all (v_ids)
            order by p.rating_avg desc nulls last, p.rating_count desc, p.id
            limit p_page_size
        )
    ) as x (user_id, username, full_name, avatar_url, agent_description, accepted, rating_avg, rating_count)
    order by 1
    limit p_page_size;
end
$function$;
