-- Endorsement rules, per-skill counts, reputation from reviews, endorsements and acceptances
--
-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

create or replace function private.reputation_points(p_source text, p_value integer default null::integer)
 returns integer
 language sql
 immutable
 set search_path to ''
as $function$
    select case p_source
        when 'review' then (p_value - 3) * 5
        when 'endorsement' then 5
        when 'accepted_application' then 10
        when 'vote' then p_value
    end
$function$;

create or replace function private.reviews_reputation()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    if tg_op = 'UPDATE' and new.reviewee_id = old.reviewee_id then
        perform private.add_reputation(
            new.reviewee_id,
            private.reputation_points('review', new.rating) - private.reputation_points('review', old.rating)
        );
        return null;
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
        perform private.add_reputation(old.reviewee_id, -private.reputation_points('review', old.rating));
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform private.add_reputation(new.reviewee_id, private.reputation_points('review', new.rating));
    end if;
    return null;
end
$function$;

create or replace function private.applications_reputation()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_old integer := 0;
    v_new integer := 0;
begin
    if tg_op in ('UPDATE', 'DELETE') and old.status = 'accepted' then
        v_old := private.reputation_points('accepted_application');
    end if;
    if tg_op in ('INSERT', 'UPDATE') and new.status = 'accepted' then
        v_new := private.reputation_points('accepted_application');
    end if;
    perform private.add_reputation(coalesce(new.applicant_id, old.applicant_id), v_new - v_old);
    return null;
end
$function$;

create or replace function private.endorsements_before_insert()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_skills text [];
    v_skill text;
begin
    if new.endorser_id = new.endorsed_id then
        raise exception using errcode = '42501', message = 'you cannot endorse yourself';
    end if;
    select p.skills into v_skills from public.profiles as p where p.id = new.endorsed_id;
    if not found then
        raise exception using errcode = 'PT404', message = 'no such user';
    end if;
    select s.skill into v_skill
    from unnest(v_skills) as s (skill)
    where lower(s.skill) = lower(btrim(new.skill))
    limit 1;
    if v_skill is null then
        raise exception using
            errcode = '22023', message = pg_catalog.format('"%s" is not a skill on this profile', btrim(new.skill));
    end if;
    if private.is_blocked(new.endorser_id, new.endorsed_id) then
        raise exception using errcode = '42501', message = 'you cannot endorse this user';
    end if;
    new.skill := v_skill;
    new.comment := nullif(btrim(new.comment), '');
    new.created_at := now();
    return new;
end
$function$;

create or replace function private.endorsements_after_change()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    if tg_op = 'DELETE' then
        perform private.add_reputation(old.endorsed_id, -private.reputation_points('endorsement'));
        return null;
    end if;
    perform private.add_reputation(new.endorsed_id, private.reputation_points('endorsement'));
    perform private.notify(
        new.endorsed_id, 'endorsement_received',
        private.display_name(new.endorser_id) || ' endorsed your ' || new.skill,
        new.comment,
        jsonb_build_object('endorsement_id', new.id, 'endorser_id', new.endorser_id, 'skill', new.skill)
    );
    return null;
end
$function$;

create or replace function public.endorsement_counts(user_id uuid)
 returns table(skill text, endorsements bigint)
 language sql
 stable
 set search_path to ''
as $function$
    select s.skill, count(e.id)
    from public.profiles as p
    cross join lateral unnest(p.skills) with ordinality as s (skill, ord)
    left join public.endorsements as e
        on e.endorsed_id = p.id and lower(e.skill) = lower(s.skill)
    where p.id = endorsement_counts.user_id
    group by s.skill, s.ord
    order by s.ord
$function$;

revoke all on function private.reputation_points(text,integer) from anon, authenticated, public;

revoke all on function private.reviews_reputation() from anon, authenticated, public;

revoke all on function private.applications_reputation() from anon, authenticated, public;

revoke all on function private.endorsements_before_insert() from anon, authenticated, public;

revoke all on function private.endorsements_after_change() from anon, authenticated, public;

revoke all on function public.endorsement_counts(uuid) from anon, authenticated, public, service_role;

grant execute on function public.endorsement_counts(uuid) to anon;

grant execute on function public.endorsement_counts(uuid) to authenticated;

grant execute on function public.endorsement_counts(uuid) to service_role;

comment on function public.endorsement_counts(uuid) is 'Each skill on the profile, in the profile''s order, with its number of endorsements (0 included).';

drop trigger if exists reputation on public.reviews;

create trigger reputation after insert or delete or update of rating, reviewee_id on public.reviews for each row execute function private.reviews_reputation();

drop trigger if exists reputation on public.applications;

create trigger reputation after insert or delete or update of status on public.applications for each row execute function private.applications_reputation();

drop trigger if exists before_insert on public.endorsements;

create trigger before_insert before insert on public.endorsements for each row execute function private.endorsements_before_insert();

drop trigger if exists after_change on public.endorsements;

create trigger after_change after insert or delete on public.endorsements for each row execute function private.endorsements_after_change();

revoke all on table public.endorsements from anon, authenticated, service_role;

grant select on table public.endorsements to anon;

grant delete, select on table public.endorsements to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.endorsements to service_role;

grant insert (comment, endorsed_id, skill) on table public.endorsements to authenticated;

alter table public.endorsements enable row level security;

drop policy if exists "endorsements are public" on public.endorsements;

create policy "endorsements are public" on public.endorsements as permissive for select to anon, authenticated using (true);

drop policy if exists "users endorse as themselves" on public.endorsements;

create policy "users endorse as themselves" on public.endorsements as permissive for insert to authenticated with check ((endorser_id = ( select auth.uid() as uid)));

drop policy if exists "endorsers delete their endorsements" on public.endorsements;

create policy "endorsers delete their endorsements" on public.endorsements as permissive for delete to authenticated using ((endorser_id = ( select auth.uid() as uid)));
