/**
 * Marketplace: what a profile shows beside the gigs: saved gigs, work history, portfolio items.
 * Idempotent; re-applied when changed.
 *
 * Trigger functions that enforce who may do what are `security invoker`: `current_user` is then
 * the role that sent the statement (anon/authenticated for clients), while changes made by the
 * database itself (the `security definer` bookkeeping triggers, foreign-key cascades) run as the
 * owner and only have to respect the state machines. Trigger functions cannot be called outside
 * a trigger, so the `security definer` ones are not reachable by clients directly.
 */

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
