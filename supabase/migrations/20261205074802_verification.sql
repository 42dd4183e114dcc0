-- request_verification (automatic or a pending request) and its review by admins
--
-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

create or replace function private.verification_criteria_met(p_user_id uuid)
 returns boolean
 language plpgsql
 stable security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function private.request_verification(p_evidence text)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function public.request_verification(evidence text default null::text)
 returns jsonb
 language sql
 set search_path to ''
as $function$
    select private.request_verification(request_verification.evidence)
$function$;

create or replace function private.review_verification_request(p_id uuid, p_approve boolean, p_note text)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function public.review_verification_request(id uuid, approve boolean, note text default null::text)
 returns jsonb
 language sql
 set search_path to ''
as $function$
    select private.review_verification_request(
        review_verification_request.id, review_verification_request.approve, review_verification_request.note
    )
$function$;

revoke all on function private.verification_criteria_met(uuid) from anon, authenticated, public;

revoke all on function private.request_verification(text) from anon, authenticated, public;

grant execute on function private.request_verification(text) to authenticated;

revoke all on function public.request_verification(text) from anon, authenticated, public, service_role;

grant execute on function public.request_verification(text) to authenticated;

grant execute on function public.request_verification(text) to service_role;

comment on function public.request_verification(text) is 'Verifies the caller at once (verification_type auto) when they have at least 3 accepted applications on gigs now filled or closed, an average rating of at least 4.0 over at least 3 reviews and an account at least 7 days old: returns {verified: true, verification_type}. Otherwise evidence (20-2000 characters, 22023) opens a pending verification request: returns {verified: false, request_id, status}. PT409 when already verified or a request is pending.';

revoke all on function private.review_verification_request(uuid,boolean,text) from anon, authenticated, public, service_role, ugig_service;

grant execute on function private.review_verification_request(uuid,boolean,text) to service_role;

grant execute on function private.review_verification_request(uuid,boolean,text) to ugig_service;

revoke all on function public.review_verification_request(uuid,boolean,text) from anon, authenticated, public, service_role;

grant execute on function public.review_verification_request(uuid,boolean,text) to service_role;

comment on function public.review_verification_request(uuid,boolean,text) is 'For admins (service role) only: approves (verifying the profile, verification_type manual) or rejects a pending verification request with an optional note (at most 2000 characters); notifies the requester. PT404 unknown, PT409 already decided.';

drop trigger if exists set_updated_at on public.verification_requests;

create trigger set_updated_at before update on public.verification_requests for each row execute function private.set_updated_at();

revoke all on table public.verification_requests from authenticated, service_role;

grant select on table public.verification_requests to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.verification_requests to service_role;

alter table public.verification_requests enable row level security;

drop policy if exists "owners read their verification requests" on public.verification_requests;

create policy "owners read their verification requests" on public.verification_requests as permissive for select to authenticated using ((user_id = ( select auth.uid() as uid)));
