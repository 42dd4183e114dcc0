/**
 * Marketplace: applications, their state machine, the rate limit and the counters.
 * Idempotent; re-applied when changed.
 *
 * Trigger functions that enforce who may do what are `security invoker`: `current_user` is then
 * the role that sent the statement (anon/authenticated for clients), while changes made by the
 * database itself (the `security definer` bookkeeping triggers, foreign-key cascades) run as the
 * owner and only have to respect the state machines. Trigger functions cannot be called outside
 * a trigger, so the `security definer` ones are not reachable by clients directly.
 */

/** Section - Applications */
-- rule: APP-STATUS-MACHINE
create or replace function private.application_transition_allowed(p_from text, p_to text, p_actor text)
returns boolean
language sql
immutable
set search_path = ''
as $$
    select p_from = p_to or case p_actor
        when 'applicant' then p_to = 'withdrawn' and p_from in ('pending', 'reviewing', 'shortlisted')
        when 'poster' then (p_from, p_to) in (
            ('pending', 'reviewing'), ('pending', 'shortlisted'), ('pending', 'rejected'), ('pending', 'accepted'),
            ('reviewing', 'shortlisted'), ('reviewing', 'rejected'), ('reviewing', 'accepted'),
            ('shortlisted', 'reviewing'), ('shortlisted', 'rejected'), ('shortlisted', 'accepted'),
            ('rejected', 'reviewing')
        )
        else private.application_transition_allowed(p_from, p_to, 'applicant')
            or private.application_transition_allowed(p_from, p_to, 'poster')
    end
$$;
revoke execute on function private.application_transition_allowed(text, text, text) from public, anon, authenticated;
grant execute on function private.application_transition_allowed(text, text, text) to authenticated, service_role;

-- Who may change what: the applicant edits the proposal while pending and withdraws; the poster
-- moves the status; the state machine holds for everyone, the database included.
-- rule: APP-GIG-ACTIVE, APP-NOT-OWN-GIG, APP-STARTS-PENDING, APP-PROPOSAL-EDIT, APP-COLUMNS
-- rule: APP-FILL
create or replace function private.applications_guard()
returns trigger
language plpgsql
set search_path = ''
as $$
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
$$;
revoke execute on function private.applications_guard() from public, anon, authenticated;

drop trigger if exists guard on public.applications;
-- rule: APP-STATUS-MACHINE
create trigger guard before insert or update on public.applications
for each row execute function private.applications_guard();

-- Status changes by one caller run one statement at a time. Accepting locks the gig and then
-- rejects the gig's other open applications; without this, two acceptances racing on one gig would
-- each hold an application row the other needs (a deadlock instead of a clean PT409).
create or replace function private.applications_serialize()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    perform pg_catalog.pg_advisory_xact_lock(
        pg_catalog.hashtextextended('applications.update:' || coalesce((select auth.uid())::text, ''), 0)
    );
    return null;
end
$$;
revoke execute on function private.applications_serialize() from public, anon, authenticated;

drop trigger if exists serialize on public.applications;
create trigger serialize before update on public.applications
for each statement execute function private.applications_serialize();

drop trigger if exists set_updated_at on public.applications;
create trigger set_updated_at before update on public.applications
for each row execute function private.set_updated_at();

-- At most 50 applications per user per 24 hours, for requests made with a user's JWT.
-- rule: APP-RATE-LIMIT
create or replace function private.applications_rate_limit()
returns trigger
language plpgsql
security definer
-- private.rate_limit writes the private counters, which the applicant may not touch.
set search_path = ''
as $$
begin
    if (select auth.role()) in ('anon', 'authenticated') then
        perform private.rate_limit('applications.create', new.applicant_id, 50, interval '24 hours');
    end if;
    return new;
end
$$;
revoke execute on function private.applications_rate_limit() from public, anon, authenticated;

drop trigger if exists rate_limit on public.applications;
-- rule: APP-RATE-LIMIT
create trigger rate_limit before insert on public.applications
for each row execute function private.applications_rate_limit();

-- gigs.applications_count follows inserts and deletes; accepting the last position fills the gig.
-- rule: GIG-APPLICATIONS-COUNT, APP-FILL
create or replace function private.applications_after_change()
returns trigger
language plpgsql
security definer
-- Updates the gig's counters and status, which the applicant may not write.
set search_path = ''
as $$
declare
    v_accepted integer;
begin
    if tg_op = 'INSERT' then
        update public.gigs as g set applications_count = g.applications_count + 1 where g.id = new.gig_id;
    elsif tg_op = 'DELETE' then
        update public.gigs as g set applications_count = greatest(g.applications_count - 1, 0)
        where g.id = old.gig_id;
    elsif new.status = 'accepted' and old.status <> 'accepted' then
        select count(*) into v_accepted
        from public.applications as a
        where a.gig_id = new.gig_id and a.status = 'accepted';
        update public.gigs as g set status = 'filled'
        where g.id = new.gig_id and g.status in ('active', 'paused') and v_accepted >= g.positions;
    end if;
    return null;
end
$$;
revoke execute on function private.applications_after_change() from public, anon, authenticated;

drop trigger if exists after_change on public.applications;
-- rule: GIG-APPLICATIONS-COUNT
create trigger after_change after insert or delete or update of status on public.applications
for each row execute function private.applications_after_change();
