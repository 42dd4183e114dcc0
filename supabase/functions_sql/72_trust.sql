/**
 * Trust (SPEC §7): reputation derived by triggers, and verification (automatic or a reviewed
 * request). The formula is in docs/community.md; no client writes reputation or the verification
 * columns (they have no column grant, and only these security definer functions change them).
 */

/** Section - Reputation */
-- The one way reputation changes: every source (reviews, endorsements, accepted applications
-- here; post and comment votes in the posts triggers) adds its points as they change, so
-- reputation always equals the formula over the current rows. The update's row lock makes
-- concurrent additions exact.
-- rule: REP-DERIVED
create or replace function private.add_reputation(p_user_id uuid, p_delta integer)
returns void
language plpgsql
security definer
-- Changes another user's profile on behalf of whoever voted, reviewed or endorsed.
set search_path = ''
as $$
begin
    if p_user_id is null or coalesce(p_delta, 0) = 0 then
        return;
    end if;
    update public.profiles as p set reputation = p.reputation + p_delta where p.id = p_user_id;
end
$$;
revoke execute on function private.add_reputation(uuid, integer) from public, anon, authenticated;
grant execute on function private.add_reputation(uuid, integer) to service_role;

-- The formula (docs/community.md): the points one row of a source is worth.
--   review received: (rating - 3) * 5, from -10 (1 star) to +10 (5 stars)
--   endorsement received: +5
--   application accepted: +10
--   vote received on a post or comment: its value, +1 or -1
-- rule: REP-DERIVED
create or replace function private.reputation_points(p_source text, p_value integer default null)
returns integer
language sql
immutable
set search_path = ''
as $$
    select case p_source
        when 'review' then (p_value - 3) * 5
        when 'endorsement' then 5
        when 'accepted_application' then 10
        when 'vote' then p_value
    end
$$;
revoke execute on function private.reputation_points(text, integer) from public, anon, authenticated;

-- rule: REP-DERIVED
create or replace function private.reviews_reputation()
returns trigger
language plpgsql
security definer
-- Writes the reviewee's reputation, whoever reviewed.
set search_path = ''
as $$
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
$$;
revoke execute on function private.reviews_reputation() from public, anon, authenticated;

drop trigger if exists reputation on public.reviews;
-- rule: REP-DERIVED
create trigger reputation after insert or delete or update of rating, reviewee_id on public.reviews
for each row execute function private.reviews_reputation();

-- rule: REP-DERIVED
create or replace function private.applications_reputation()
returns trigger
language plpgsql
security definer
-- Writes the applicant's reputation when the poster accepts them.
set search_path = ''
as $$
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
$$;
revoke execute on function private.applications_reputation() from public, anon, authenticated;

drop trigger if exists reputation on public.applications;
-- rule: REP-DERIVED
create trigger reputation after insert or delete or update of status on public.applications
for each row execute function private.applications_reputation();

/** Section - Verification */
-- verified_at and verification_type follow is_verified whoever sets it (the review, the
-- automatic check, or an admin with the service role): set when it turns on, cleared when off.
create or replace function private.profiles_verification_stamp()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if not new.is_verified then
        new.verified_at := null;
        new.verification_type := null;
    elsif tg_op = 'INSERT' or not old.is_verified then
        new.verified_at := coalesce(new.verified_at, now());
        new.verification_type := coalesce(new.verification_type, 'manual');
    end if;
    return new;
end
$$;
revoke execute on function private.profiles_verification_stamp() from public, anon, authenticated;

drop trigger if exists verification_stamp on public.profiles;
create trigger verification_stamp before insert or update of is_verified on public.profiles
for each row execute function private.profiles_verification_stamp();

/** Section - Endorsements */
-- Never yourself (42501, before the check constraint), only an existing profile (PT404), only a
-- skill listed on that profile, matched case-insensitively and stored with the profile's spelling
-- (22023), never across a block (42501). Duplicates fail on the unique index (23505).
-- rule: ENDORSE-NOT-SELF, ENDORSE-SKILL, ENDORSE-BLOCK
create or replace function private.endorsements_before_insert()
returns trigger
language plpgsql
security definer
-- Reads blocks, which are private to the blocker but bind the blocked user too.
set search_path = ''
as $$
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
$$;
revoke execute on function private.endorsements_before_insert() from public, anon, authenticated;

drop trigger if exists before_insert on public.endorsements;
-- rule: ENDORSE-NOT-SELF, ENDORSE-SKILL, ENDORSE-BLOCK
create trigger before_insert before insert on public.endorsements
for each row execute function private.endorsements_before_insert();

-- rule: NOTIF-ENDORSEMENT, REP-DERIVED
create or replace function private.endorsements_after_change()
returns trigger
language plpgsql
security definer
-- Writes the endorsed user's notification and reputation (only the database writes either).
set search_path = ''
as $$
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
$$;
revoke execute on function private.endorsements_after_change() from public, anon, authenticated;

drop trigger if exists after_change on public.endorsements;
-- rule: NOTIF-ENDORSEMENT, REP-DERIVED
create trigger after_change after insert or delete on public.endorsements
for each row execute function private.endorsements_after_change();

-- Each skill of the profile, in the profile's order, with how many endorsed it: one index range
-- per skill. Endorsements of a skill the profile no longer lists are kept but not counted here.
-- rule: ENDORSE-COUNTS
create or replace function public.endorsement_counts(user_id uuid)
returns table (skill text, endorsements bigint)
language sql
stable
security invoker
set search_path = ''
as $$
    select s.skill, count(e.id)
    from public.profiles as p
    cross join lateral unnest(p.skills) with ordinality as s (skill, ord)
    left join public.endorsements as e
        on e.endorsed_id = p.id and lower(e.skill) = lower(s.skill)
    where p.id = endorsement_counts.user_id
    group by s.skill, s.ord
    order by s.ord
$$;
revoke execute on function public.endorsement_counts(uuid) from public;
grant execute on function public.endorsement_counts(uuid) to anon, authenticated, service_role;
comment on function public.endorsement_counts(uuid) is
'Each skill on the profile, in the profile''s order, with its number of endorsements (0 included).';
