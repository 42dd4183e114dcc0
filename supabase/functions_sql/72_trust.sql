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
-- rule: VERIFY-COLUMNS
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

-- SPEC's automatic criteria: at least 3 accepted applications on gigs now filled or closed, an
-- average rating of at least 4.0 over at least 3 reviews, and an account at least 7 days old.
-- rule: VERIFY-AUTO
create or replace function private.verification_criteria_met(p_user_id uuid)
returns boolean
language plpgsql
stable
security definer
-- Reads the account's age in auth.users and applications on other people's gigs.
set search_path = ''
as $$
begin
    return exists (
        select 1
        from auth.users as u
        where u.id = p_user_id and u.created_at <= now() - interval '7 days'
    )
    and exists (
        select 1
        from public.profiles as p
        where p.id = p_user_id and p.rating_count >= 3 and p.rating_avg >= 4.0
    )
    and (
        select count(*)
        from public.applications as a
        inner join public.gigs as g on a.gig_id = g.id
        where a.applicant_id = p_user_id and a.status = 'accepted' and g.status in ('filled', 'closed')
    ) >= 3;
end
$$;
revoke execute on function private.verification_criteria_met(uuid) from public, anon, authenticated;

-- Verified at once when the criteria hold; otherwise the evidence opens a pending request (one at
-- a time). Returns {verified, verification_type} or {verified, request_id, status}.
-- rule: VERIFY-AUTO, VERIFY-REQUEST
create or replace function private.request_verification(p_evidence text)
returns jsonb
language plpgsql
security definer
-- Writes the caller's verification columns and request, which no client may write directly.
set search_path = ''
as $$
declare
    v_uid uuid := auth.uid();
    v_verified boolean;
    v_evidence text := btrim(p_evidence);
    v_id uuid;
begin
    if v_uid is null then
        raise exception using errcode = '42501', message = 'sign in to request verification';
    end if;
    -- One decision at a time per user: the profile's row lock serialises their requests.
    select p.is_verified into v_verified from public.profiles as p where p.id = v_uid for no key update;
    if not found then
        raise exception using errcode = 'PT404', message = 'no profile for this user';
    end if;
    if v_verified then
        raise exception using errcode = 'PT409', message = 'your profile is already verified';
    end if;
    if private.verification_criteria_met(v_uid) then
        update public.profiles as p
        set is_verified = true, verified_at = now(), verification_type = 'auto'
        where p.id = v_uid;
        -- A request still waiting is settled by this.
        update public.verification_requests as r
        set status = 'approved', note = 'verified automatically: the criteria hold', decided_at = now()
        where r.user_id = v_uid and r.status = 'pending';
        return jsonb_build_object('verified', true, 'verification_type', 'auto');
    end if;
    if exists (select 1 from public.verification_requests as r where r.user_id = v_uid and r.status = 'pending') then
        raise exception using errcode = 'PT409', message = 'a verification request of yours is already pending';
    end if;
    if v_evidence is null or char_length(v_evidence) not between 20 and 2000 then
        raise exception using
            errcode = '22023',
            message = 'the criteria for automatic verification do not hold yet: '
            || 'describe your evidence in 20 to 2000 characters';
    end if;
    insert into public.verification_requests (user_id, evidence) values (v_uid, v_evidence)
    returning id into v_id;
    return jsonb_build_object('verified', false, 'request_id', v_id, 'status', 'pending');
end
$$;
revoke execute on function private.request_verification(text) from public, anon, authenticated;
grant execute on function private.request_verification(text) to authenticated;

create or replace function public.request_verification(evidence text default null)
returns jsonb
language sql
security invoker
set search_path = ''
as $$
    select private.request_verification(request_verification.evidence)
$$;
revoke execute on function public.request_verification(text) from public, anon, authenticated;
grant execute on function public.request_verification(text) to authenticated;
comment on function public.request_verification(text) is
'Verifies the caller at once (verification_type auto) when they have at least 3 accepted applications on gigs now '
'filled or closed, an average rating of at least 4.0 over at least 3 reviews and an account at least 7 days old: '
'returns {verified: true, verification_type}. Otherwise evidence (20-2000 characters, 22023) opens a pending '
'verification request: returns {verified: false, request_id, status}. PT409 when already verified or a request '
'is pending.';

-- Approves or rejects a pending request, with an optional note for the requester; approval
-- verifies the profile (verification_type manual). For admins and the service only.
-- rule: VERIFY-REVIEW, NOTIF-VERIFICATION
create or replace function private.review_verification_request(p_id uuid, p_approve boolean, p_note text)
returns jsonb
language plpgsql
security definer
-- Writes another user's verification columns, request and notification.
set search_path = ''
as $$
declare
    v_note text := nullif(btrim(p_note), '');
    v_user uuid;
begin
    if p_approve is null then
        raise exception using errcode = '22023', message = 'approve must be true or false';
    end if;
    if char_length(v_note) > 2000 then
        raise exception using errcode = '22023', message = 'the note must be at most 2000 characters';
    end if;
    update public.verification_requests as r
    set status = case when p_approve then 'approved' else 'rejected' end, note = v_note, decided_at = now()
    where r.id = p_id and r.status = 'pending'
    returning r.user_id into v_user;
    if not found then
        if exists (select 1 from public.verification_requests as r where r.id = p_id) then
            raise exception using errcode = 'PT409', message = 'this verification request was already decided';
        end if;
        raise exception using errcode = 'PT404', message = 'no such verification request';
    end if;
    if p_approve then
        update public.profiles as p
        set is_verified = true, verified_at = now(), verification_type = 'manual'
        where p.id = v_user and not p.is_verified;
    end if;
    perform private.notify(
        v_user, 'verification_decided',
        case when p_approve then 'Your profile is verified' else 'Your verification request was not approved' end,
        v_note,
        jsonb_build_object('request_id', p_id, 'approved', p_approve)
    );
    return jsonb_build_object('id', p_id, 'user_id', v_user, 'status', case when p_approve then 'approved' else 'rejected' end);
end
$$;
revoke execute on function private.review_verification_request(uuid, boolean, text) from public, anon, authenticated;
-- rule: VERIFY-REVIEW
grant execute on function private.review_verification_request(uuid, boolean, text) to service_role, ugig_service;

create or replace function public.review_verification_request(id uuid, approve boolean, note text default null)
returns jsonb
language sql
security invoker
set search_path = ''
as $$
    select private.review_verification_request(
        review_verification_request.id, review_verification_request.approve, review_verification_request.note
    )
$$;
revoke execute on function public.review_verification_request(uuid, boolean, text) from public, anon, authenticated;
grant execute on function public.review_verification_request(uuid, boolean, text) to service_role;
comment on function public.review_verification_request(uuid, boolean, text) is
'For admins (service role) only: approves (verifying the profile, verification_type manual) or rejects a pending '
'verification request with an optional note (at most 2000 characters); notifies the requester. PT404 unknown, '
'PT409 already decided.';

drop trigger if exists set_updated_at on public.verification_requests;
create trigger set_updated_at before update on public.verification_requests
for each row execute function private.set_updated_at();
