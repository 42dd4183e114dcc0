/**
 * Marketplace (files 2x): gigs, their state machine, the plan limit and the shared helpers.
 * Idempotent; re-applied when changed.
 *
 * Trigger functions that enforce who may do what are `security invoker`: `current_user` is then
 * the role that sent the statement (anon/authenticated for clients), while changes made by the
 * database itself (the `security definer` bookkeeping triggers, foreign-key cascades) run as the
 * owner and only have to respect the state machines. Trigger functions cannot be called outside
 * a trigger, so the `security definer` ones are not reachable by clients directly.
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
