/**
 * Marketplace rules: gig and application state machines, the plan limit, the application rate
 * limit, counters and ratings, and the marketplace RPCs. Idempotent; re-applied when changed.
 *
 * Trigger functions that enforce who may do what are `security invoker`: `current_user` is then
 * the role that sent the statement (anon/authenticated for clients), while changes made by the
 * database itself (the `security definer` bookkeeping triggers below, foreign-key cascades) run
 * as the owner and only have to respect the state machines. Trigger functions cannot be called
 * outside a trigger, so the `security definer` ones are not reachable by clients directly.
 */

/** Section - Shared helpers */
-- True when the statement was sent by a client role (not the service, not the database itself).
create or replace function private.is_client()
returns boolean
language sql
stable
set search_path = ''
as $$
    select current_user in ('anon', 'authenticated')
$$;
revoke execute on function private.is_client() from public, anon, authenticated;
grant execute on function private.is_client() to anon, authenticated, service_role;

-- Raises 22023 unless every entry is an http(s) URL of at most 2048 characters.
-- rule: APP-INPUT
create or replace function private.check_urls(p_urls text [], p_column text)
returns void
language plpgsql
immutable
set search_path = ''
as $$
declare
    v_url text;
begin
    foreach v_url in array coalesce(p_urls, '{}') loop
        if v_url !~ '^https?://\S+$' or char_length(v_url) > 2048 then
            raise exception using
                errcode = '22023',
                message = pg_catalog.format('each entry of %s must be an http(s) URL of at most 2048 characters', p_column);
        end if;
    end loop;
end
$$;
revoke execute on function private.check_urls(text [], text) from public, anon, authenticated;
grant execute on function private.check_urls(text [], text) to authenticated, service_role;

/** Section - Gigs */
-- rule: GIG-STATUS-MACHINE
create or replace function private.gig_transition_allowed(p_from text, p_to text)
returns boolean
language sql
immutable
set search_path = ''
as $$
    select p_from = p_to or (p_from, p_to) in (
        ('draft', 'active'),
        ('active', 'paused'), ('paused', 'active'),
        ('active', 'closed'), ('active', 'filled'),
        ('paused', 'closed'), ('paused', 'filled'),
        ('closed', 'active')
    )
$$;
revoke execute on function private.gig_transition_allowed(text, text) from public, anon, authenticated;
grant execute on function private.gig_transition_allowed(text, text) to authenticated, service_role;

-- Normalises input, enforces the status machine, sets published_at and the search vector.
-- rule: GIG-INPUT, GIG-CREATE-STATUS, GIG-PUBLISHED-AT, GIG-POSITIONS
create or replace function private.gigs_guard()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_accepted integer;
begin
    new.title := btrim(new.title);
    new.description := btrim(new.description);
    new.duration := nullif(btrim(new.duration), '');
    new.location := nullif(btrim(new.location), '');
    new.currency := upper(btrim(new.currency));
    new.skills_required := private.clean_tags(new.skills_required, 'skills_required');
    new.ai_tools_preferred := private.clean_tags(new.ai_tools_preferred, 'ai_tools_preferred');

    if tg_op = 'INSERT' then
        if new.status not in ('draft', 'active') then
            raise exception using
                errcode = 'PT409',
                message = pg_catalog.format('a gig is created as draft or active, not %s', new.status);
        end if;
    else
        if new.id <> old.id or new.poster_id <> old.poster_id or new.created_at <> old.created_at then
            raise exception using errcode = '42501', message = 'a gig''s id, poster and creation time cannot change';
        end if;
        if old.published_at is not null and new.published_at is distinct from old.published_at then
            raise exception using errcode = '42501', message = 'published_at is set by the database and never reset';
        end if;
        if not private.gig_transition_allowed(old.status, new.status) then
            raise exception using
                errcode = 'PT409',
                message = pg_catalog.format('a gig cannot go from %s to %s', old.status, new.status);
        end if;
        if new.positions < old.positions then
            select count(*) into v_accepted
            from public.applications as a
            where a.gig_id = new.id and a.status = 'accepted';
            if new.positions < v_accepted then
                raise exception using
                    errcode = 'PT409',
                    message = pg_catalog.format('%s applications are already accepted: positions cannot go below that', v_accepted);
            end if;
        end if;
    end if;

    if new.status <> 'draft' and new.published_at is null then
        new.published_at := now();
    end if;
    new.search_vector :=
        setweight(to_tsvector('english'::regconfig, coalesce(new.title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(array_to_string(new.skills_required, ' '), '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(new.description, '')), 'C');
    -- Counters change often; only a change of the gig itself moves updated_at.
    if tg_op = 'UPDATE' and (
        to_jsonb(new) - array['applications_count', 'views_count', 'updated_at']
    ) is distinct from (
        to_jsonb(old) - array['applications_count', 'views_count', 'updated_at']
    ) then
        new.updated_at := now();
    end if;
    return new;
end
$$;
revoke execute on function private.gigs_guard() from public, anon, authenticated;

drop trigger if exists guard on public.gigs;
-- rule: GIG-STATUS-MACHINE
create trigger guard before insert or update on public.gigs
for each row execute function private.gigs_guard();

-- Plan limit: without Pro, at most 10 gigs first published per UTC calendar month. Counts
-- private.gig_publications, which outlives deleted gigs (deleting refunds nothing).
-- rule: GIG-PLAN-LIMIT
create or replace function private.gigs_plan_limit()
returns trigger
language plpgsql
security definer
-- Reads the poster's subscription and writes the private publications log.
set search_path = ''
as $$
declare
    v_count integer;
begin
    if new.status <> 'active'
        or (tg_op = 'UPDATE' and old.published_at is not null)
        or exists (select 1 from private.gig_publications as p where p.gig_id = new.id) then
        return new;
    end if;
    -- One publisher at a time per poster, so two concurrent activations cannot both be the 10th.
    perform pg_catalog.pg_advisory_xact_lock(
        pg_catalog.hashtextextended('gigs.publish:' || new.poster_id::text, 0)
    );
    if not private.has_pro(new.poster_id) then
        select count(*) into v_count
        from private.gig_publications as p
        where p.poster_id = new.poster_id
            and p.published_at >= pg_catalog.date_trunc('month', now(), 'UTC');
        if v_count >= 10 then
            raise exception using
                errcode = 'PT402',
                message = 'plan limit reached: without Pro you can publish at most 10 new gigs per calendar month (UTC)',
                hint = 'upgrade to Pro, re-activate a gig you published before, or wait until next month';
        end if;
    end if;
    insert into private.gig_publications (gig_id, poster_id, published_at)
    values (new.id, new.poster_id, now());
    return new;
end
$$;
revoke execute on function private.gigs_plan_limit() from public, anon, authenticated;

drop trigger if exists plan_limit on public.gigs;
-- rule: GIG-PLAN-LIMIT
create trigger plan_limit before insert or update of status on public.gigs
for each row execute function private.gigs_plan_limit();

-- A gig with applications cannot be deleted (close it instead), except when its poster is
-- being deleted: then the profile is already gone and everything cascades.
-- rule: GIG-DELETE-WITH-APPLICATIONS
create or replace function private.gigs_before_delete()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if exists (select 1 from public.applications as a where a.gig_id = old.id)
        and exists (select 1 from public.profiles as p where p.id = old.poster_id) then
        raise exception using
            errcode = 'PT409',
            message = 'this gig has applications and cannot be deleted: close it instead';
    end if;
    return old;
end
$$;
revoke execute on function private.gigs_before_delete() from public, anon, authenticated;

drop trigger if exists before_delete on public.gigs;
-- rule: GIG-DELETE-WITH-APPLICATIONS
create trigger before_delete before delete on public.gigs
for each row execute function private.gigs_before_delete();

-- A filled gig takes nobody else: its open applications are rejected.
-- rule: APP-FILL
create or replace function private.gigs_after_filled()
returns trigger
language plpgsql
security definer
-- Rejects applications of other applicants, which the caller may not update directly.
set search_path = ''
as $$
begin
    update public.applications as a
    set status = 'rejected'
    where a.gig_id = new.id and a.status in ('pending', 'reviewing', 'shortlisted');
    return null;
end
$$;
revoke execute on function private.gigs_after_filled() from public, anon, authenticated;

drop trigger if exists after_filled on public.gigs;
-- rule: APP-FILL
create trigger after_filled after update of status on public.gigs
for each row when (new.status = 'filled' and old.status <> 'filled')
execute function private.gigs_after_filled();

-- Positions lowered to exactly the accepted number: every position is taken. A separate
-- `update ... set status` (not a change of NEW in the guard) so that every trigger on a gig's
-- status sees it, the notification of the filled gig included.
create or replace function private.gigs_after_positions()
returns trigger
language plpgsql
security definer
-- Fills the gig and, through after_filled, rejects other applicants' open applications.
set search_path = ''
as $$
begin
    update public.gigs as g
    set status = 'filled'
    where g.id = new.id
        and g.status in ('active', 'paused')
        and g.positions <= (
            select count(*) from public.applications as a where a.gig_id = g.id and a.status = 'accepted'
        );
    return null;
end
$$;
revoke execute on function private.gigs_after_positions() from public, anon, authenticated;

drop trigger if exists after_positions on public.gigs;
-- rule: GIG-POSITIONS
create trigger after_positions after update of positions on public.gigs
for each row when (new.positions < old.positions)
execute function private.gigs_after_positions();

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

/** Section - Saved gigs */
-- rule: SAVED-VISIBLE-NOT-OWN
create or replace function private.saved_gigs_guard()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_poster uuid;
begin
    -- Runs with the caller's rights: a gig the caller cannot see is not found.
    select g.poster_id into v_poster from public.gigs as g where g.id = new.gig_id;
    if not found then
        raise exception using errcode = 'PT404', message = 'gig not found';
    end if;
    if v_poster = new.user_id then
        raise exception using errcode = '42501', message = 'you cannot save your own gig';
    end if;
    return new;
end
$$;
revoke execute on function private.saved_gigs_guard() from public, anon, authenticated;

drop trigger if exists guard on public.saved_gigs;
-- rule: SAVED-VISIBLE-NOT-OWN
create trigger guard before insert or update on public.saved_gigs
for each row execute function private.saved_gigs_guard();

/** Section - Work history */
-- rule: WORK-INPUT
create or replace function private.work_history_normalize()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    new.company := btrim(new.company);
    new.title := btrim(new.title);
    new.description := nullif(btrim(new.description), '');
    return new;
end
$$;
revoke execute on function private.work_history_normalize() from public, anon, authenticated;

drop trigger if exists normalize on public.work_history;
create trigger normalize before insert or update on public.work_history
for each row execute function private.work_history_normalize();

drop trigger if exists set_updated_at on public.work_history;
create trigger set_updated_at before update on public.work_history
for each row execute function private.set_updated_at();

/** Section - Portfolio items */
-- True when p_user posted the gig or was accepted on it.
-- rule: PORTFOLIO-GIG
create or replace function private.worked_on_gig(p_gig_id uuid, p_user uuid)
returns boolean
language sql
stable
security definer
-- Looks at the gig's applications, which the caller may not see all of.
set search_path = ''
as $$
    select exists (select 1 from public.gigs as g where g.id = p_gig_id and g.poster_id = p_user)
        or exists (
            select 1 from public.applications as a
            where a.gig_id = p_gig_id and a.applicant_id = p_user and a.status = 'accepted'
        )
$$;
revoke execute on function private.worked_on_gig(uuid, uuid) from public, anon, authenticated;
grant execute on function private.worked_on_gig(uuid, uuid) to authenticated, service_role;

-- rule: PORTFOLIO-IMAGE-PATH, PORTFOLIO-GIG
create or replace function private.portfolio_items_guard()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    new.title := btrim(new.title);
    new.description := nullif(btrim(new.description), '');
    new.url := nullif(btrim(new.url), '');
    new.image_path := nullif(btrim(new.image_path), '');
    new.tags := private.clean_tags(new.tags, 'tags');
    if new.image_path is not null and split_part(new.image_path, '/', 1) <> new.user_id::text then
        raise exception using
            errcode = '22023', message = 'image_path must be a file in your own folder of the portfolio bucket (<your id>/...)';
    end if;
    if new.gig_id is not null
        and (tg_op = 'INSERT' or new.gig_id is distinct from old.gig_id)
        and not private.worked_on_gig(new.gig_id, new.user_id) then
        raise exception using
            errcode = '42501', message = 'a portfolio item can only link a gig you posted or were accepted on';
    end if;
    return new;
end
$$;
revoke execute on function private.portfolio_items_guard() from public, anon, authenticated;

drop trigger if exists guard on public.portfolio_items;
create trigger guard before insert or update on public.portfolio_items
for each row execute function private.portfolio_items_guard();

drop trigger if exists set_updated_at on public.portfolio_items;
create trigger set_updated_at before update on public.portfolio_items
for each row execute function private.set_updated_at();

/** Section - Reviews */
-- True when one of the two is the gig's poster and the other was accepted on it.
-- rule: REVIEW-PARTIES
create or replace function private.review_allowed(p_gig_id uuid, p_reviewer uuid, p_reviewee uuid)
returns boolean
language sql
stable
security definer
-- Checks the other party's application, which the caller may not see.
set search_path = ''
as $$
    select p_reviewer <> p_reviewee and exists (
        select 1
        from public.gigs as g
        join public.applications as a on a.gig_id = g.id and a.status = 'accepted'
        where g.id = p_gig_id
            and (
                (g.poster_id = p_reviewer and a.applicant_id = p_reviewee)
                or (g.poster_id = p_reviewee and a.applicant_id = p_reviewer)
            )
    )
$$;
revoke execute on function private.review_allowed(uuid, uuid, uuid) from public, anon, authenticated;
grant execute on function private.review_allowed(uuid, uuid, uuid) to authenticated, service_role;

-- rule: REVIEW-PARTIES, REVIEW-NOT-SELF, REVIEW-EDIT-WINDOW
create or replace function private.reviews_guard()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    new.comment := nullif(btrim(new.comment), '');
    if tg_op = 'INSERT' then
        if not private.review_allowed(new.gig_id, new.reviewer_id, new.reviewee_id) then
            raise exception using
                errcode = '42501',
                message = 'reviews are only between a gig''s poster and an applicant accepted on that gig, never yourself';
        end if;
        return new;
    end if;
    if (new.id, new.gig_id, new.reviewer_id, new.reviewee_id, new.created_at)
        is distinct from (old.id, old.gig_id, old.reviewer_id, old.reviewee_id, old.created_at) then
        raise exception using errcode = '42501', message = 'only a review''s rating and comment can change';
    end if;
    if private.is_client() and old.created_at < now() - interval '14 days' then
        raise exception using errcode = 'PT409', message = 'a review can only be edited within 14 days';
    end if;
    return new;
end
$$;
revoke execute on function private.reviews_guard() from public, anon, authenticated;

drop trigger if exists guard on public.reviews;
create trigger guard before insert or update on public.reviews
for each row execute function private.reviews_guard();

drop trigger if exists set_updated_at on public.reviews;
create trigger set_updated_at before update on public.reviews
for each row execute function private.set_updated_at();

-- profiles.rating_avg / rating_count follow every change to a user's reviews.
-- rule: REVIEW-RATINGS
create or replace function private.refresh_rating(p_user uuid)
returns void
language sql
security definer
-- Writes another user's profile columns, which no client may write.
set search_path = ''
as $$
    update public.profiles as p
    set rating_avg = r.avg, rating_count = r.count
    from (
        select round(avg(v.rating), 2) as avg, count(*)::integer as count
        from public.reviews as v
        where v.reviewee_id = p_user
    ) as r
    where p.id = p_user
        and (p.rating_avg, p.rating_count) is distinct from (r.avg, r.count)
$$;
revoke execute on function private.refresh_rating(uuid) from public, anon, authenticated;
grant execute on function private.refresh_rating(uuid) to service_role;

create or replace function private.reviews_after_change()
returns trigger
language plpgsql
security definer
-- Calls refresh_rating for the reviewee, whoever wrote the review.
set search_path = ''
as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform private.refresh_rating(old.reviewee_id);
    end if;
    if tg_op in ('INSERT', 'UPDATE') and (tg_op = 'INSERT' or new.reviewee_id <> old.reviewee_id
        or new.rating <> old.rating) then
        perform private.refresh_rating(new.reviewee_id);
    end if;
    return null;
end
$$;
revoke execute on function private.reviews_after_change() from public, anon, authenticated;

drop trigger if exists after_change on public.reviews;
-- rule: REVIEW-RATINGS
create trigger after_change after insert or delete or update of rating, reviewee_id on public.reviews
for each row execute function private.reviews_after_change();

/** Section - Storage */
-- Ids (as text, like storage folder names) of everyone who applied to one of the caller's gigs:
-- the resumes policy evaluates it once per statement.
-- rule: STORE-RESUMES-READ
create or replace function private.my_applicant_ids()
returns text []
language sql
stable
security definer
-- Reads applications to the caller's gigs without re-entering their row-level policies.
set search_path = ''
as $$
    select coalesce(array_agg(distinct a.applicant_id::text), '{}')
    from public.applications as a
    join public.gigs as g on g.id = a.gig_id
    where g.poster_id = (select auth.uid())
$$;
revoke execute on function private.my_applicant_ids() from public, anon, authenticated;
grant execute on function private.my_applicant_ids() to authenticated, service_role;

-- A deleted user leaves nothing behind that the foreign keys cannot reach: their files in the
-- marketplace buckets and their rate-limit events (keyed by user id, no foreign key). Never blocks
-- the deletion: a Storage that forbids direct deletes leaves the file rows for the Storage API
-- (see docs/marketplace.md).
-- rule: ID-USER-DELETE, STORE-DELETED-USER
create or replace function private.marketplace_forget_user()
returns trigger
language plpgsql
security definer
-- Deletes storage.objects rows (owned by Supabase Storage) and private rate-limit events.
set search_path = ''
as $$
begin
    delete from private.rate_limit_events as e where e.subject = old.id;
    begin
        delete from storage.objects as o
        where o.bucket_id in ('avatars', 'portfolio', 'resumes')
            and (storage.foldername(o.name))[1] = old.id::text;
    exception when others then
        raise warning 'files of deleted user % were not removed: % (SQLSTATE %)', old.id, sqlerrm, sqlstate;
    end;
    return null;
end
$$;
revoke execute on function private.marketplace_forget_user() from public, anon, authenticated;

-- profiles belongs to the identity base: the trigger's name says whose it is.
drop trigger if exists after_delete on public.profiles;  -- its first name, before the rename
drop function if exists private.profiles_after_delete();
drop trigger if exists marketplace_forget_user on public.profiles;
-- rule: ID-USER-DELETE
create trigger marketplace_forget_user after delete on public.profiles
for each row execute function private.marketplace_forget_user();
