/**
 * Communication: video calls and the functions the Jitsi token endpoint calls.
 *
 * Row triggers that check other users' rows (blocks are private to the blocker, membership of
 * the other participant) or write tables clients may not write (conversations, participants,
 * notifications) are `security definer` in `private`. Idempotent; re-applied when changed.
 */

/** Section - Video calls */
-- rule: CALL-TIME
create or replace function private.check_call_time(p_scheduled_at timestamptz)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
    if p_scheduled_at is null or p_scheduled_at <= now() or p_scheduled_at > now() + interval '90 days' then
        raise exception using errcode = '22023', message = 'scheduled_at must be in the future and within 90 days';
    end if;
end
$$;
revoke execute on function private.check_call_time(timestamptz) from public, anon, authenticated;
-- Also called by the call update trigger, which runs with the participant's rights.
grant execute on function private.check_call_time(timestamptz) to authenticated, service_role;

-- rule: CALL-INVITE
create or replace function private.video_calls_before_insert()
returns trigger
language plpgsql
security definer
-- Checks the relation between host and guest through conversations, applications and blocks,
-- which the host cannot all read.
set search_path = ''
as $$
declare
    v_uid uuid := auth.uid();
    v_conv_gig uuid;
    v_app_gig uuid;
    v_applicant uuid;
    v_poster uuid;
begin
    if v_uid is not null and new.host_id is distinct from v_uid then
        raise exception using errcode = '42501', message = 'the host of a call is always the caller';
    end if;
    if new.host_id = new.guest_id then
        raise exception using errcode = '22023', message = 'a call needs a guest other than the host';
    end if;
    if new.status <> 'scheduled' or new.started_at is not null or new.ended_at is not null then
        raise exception using errcode = 'PT409', message = 'a call is created as scheduled';
    end if;
    perform private.check_call_time(new.scheduled_at);
    if private.is_blocked(new.host_id, new.guest_id) then
        raise exception using errcode = '42501', message = 'you cannot invite this user';
    end if;

    if new.conversation_id is not null then
        if not private.is_participant(new.conversation_id, new.host_id) then
            raise exception using errcode = 'PT404', message = 'conversation not found';
        end if;
        if not private.is_participant(new.conversation_id, new.guest_id) then
            raise exception using errcode = '22023', message = 'the guest is not in this conversation';
        end if;
        select c.gig_id into v_conv_gig from public.conversations as c where c.id = new.conversation_id;
    end if;
    if new.application_id is not null then
        select a.gig_id, a.applicant_id, g.poster_id into v_app_gig, v_applicant, v_poster
        from public.applications as a
        join public.gigs as g on g.id = a.gig_id
        where a.id = new.application_id;
        if not found or new.host_id not in (v_applicant, v_poster) then
            raise exception using errcode = 'PT404', message = 'application not found';
        end if;
        if new.guest_id not in (v_applicant, v_poster) then
            raise exception using errcode = '22023', message = 'the guest is not party to this application';
        end if;
    end if;
    if new.conversation_id is null and new.application_id is null
        and not private.share_conversation_or_application(new.host_id, new.guest_id) then
        raise exception using
            errcode = '42501',
            message = 'you can invite only someone you share a conversation or an application with';
    end if;
    -- The gig follows from the application or the conversation; a given one must agree.
    if new.gig_id is null then
        new.gig_id := coalesce(v_app_gig, v_conv_gig);
    elsif new.gig_id is distinct from coalesce(v_app_gig, v_conv_gig)
        and not exists (
            select 1
            from public.applications as a
            join public.gigs as g on g.id = a.gig_id
            where a.gig_id = new.gig_id
                and ((a.applicant_id = new.host_id and g.poster_id = new.guest_id)
                    or (a.applicant_id = new.guest_id and g.poster_id = new.host_id))
        ) then
        raise exception using errcode = '22023', message = 'the call''s gig does not match its application or conversation';
    end if;
    new.room_name := 'ugig-' || encode(extensions.gen_random_bytes(20), 'hex');
    return new;
end
$$;
revoke execute on function private.video_calls_before_insert() from public, anon, authenticated;

drop trigger if exists before_insert on public.video_calls;
create trigger before_insert before insert on public.video_calls
for each row execute function private.video_calls_before_insert();

-- The call's state machine and who may drive it. The service (no user in the JWT) starts calls
-- through private.jitsi_call_access() on the first join.
-- rule: CALL-STATE-MACHINE
create or replace function private.video_calls_before_update()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_uid uuid := auth.uid();
    v_is_host boolean := v_uid is null or v_uid = old.host_id;
begin
    -- gig, application and conversation may only become null: their row was deleted.
    if new.host_id is distinct from old.host_id
        or new.guest_id is distinct from old.guest_id
        or (new.gig_id is not null and new.gig_id is distinct from old.gig_id)
        or (new.application_id is not null and new.application_id is distinct from old.application_id)
        or (new.conversation_id is not null and new.conversation_id is distinct from old.conversation_id)
        or new.room_name is distinct from old.room_name
        or new.created_at is distinct from old.created_at then
        raise exception using errcode = '42501', message = 'only the schedule and status of a call can change';
    end if;

    if new.scheduled_at is distinct from old.scheduled_at
        or new.duration_minutes is distinct from old.duration_minutes then
        if not v_is_host then
            raise exception using errcode = '42501', message = 'only the host reschedules a call';
        end if;
        if old.status <> 'scheduled' or new.status <> 'scheduled' then
            raise exception using errcode = 'PT409', message = 'only a scheduled call can be rescheduled';
        end if;
        if new.scheduled_at is distinct from old.scheduled_at then
            perform private.check_call_time(new.scheduled_at);
        end if;
    end if;

    if new.status is distinct from old.status then
        if new.status = 'completed' and not v_is_host then
            raise exception using errcode = '42501', message = 'only the host ends a call';
        end if;
        if new.status = 'in_progress' and v_uid is not null then
            raise exception using errcode = '42501', message = 'a call starts when its participants join';
        end if;
        if not (
            (old.status = 'scheduled' and new.status in ('in_progress', 'cancelled'))
            or (old.status = 'in_progress' and new.status = 'completed')
        ) then
            raise exception using
                errcode = 'PT409',
                message = pg_catalog.format('a %s call cannot become %s', replace(old.status, '_', ' '), new.status);
        end if;
        new.started_at := case when new.status = 'in_progress' then now() else old.started_at end;
        new.ended_at := case when new.status in ('completed', 'cancelled') then now() else old.ended_at end;
    else
        new.started_at := old.started_at;
        new.ended_at := old.ended_at;
    end if;
    return new;
end
$$;
revoke execute on function private.video_calls_before_update() from public, anon, authenticated;

drop trigger if exists before_update on public.video_calls;
create trigger before_update before update on public.video_calls
for each row execute function private.video_calls_before_update();

drop trigger if exists set_updated_at on public.video_calls;
create trigger set_updated_at before update on public.video_calls
for each row execute function private.set_updated_at();

-- rule: NOTIF-CALL
create or replace function private.video_calls_notify()
returns trigger
language plpgsql
security definer
-- Notifies the other participant of the call (only the database writes notifications).
set search_path = ''
as $$
declare
    v_actor uuid := coalesce(auth.uid(), new.host_id);
    v_data jsonb := jsonb_build_object(
        'call_id', new.id,
        'scheduled_at', new.scheduled_at,
        'duration_minutes', new.duration_minutes,
        'gig_id', new.gig_id,
        'conversation_id', new.conversation_id
    );
    v_when text := to_char(new.scheduled_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"');
begin
    if tg_op = 'INSERT' then
        perform private.notify(
            new.guest_id, 'call_scheduled',
            private.display_name(new.host_id) || ' scheduled a video call',
            'For ' || v_when || ', ' || new.duration_minutes || ' minutes.', v_data
        );
    elsif new.status = 'cancelled' and old.status <> 'cancelled' then
        perform private.notify(
            case when v_actor = new.guest_id then new.host_id else new.guest_id end, 'call_cancelled',
            private.display_name(v_actor) || ' cancelled the video call',
            'The call planned for ' || v_when || ' is cancelled.', v_data
        );
    elsif new.status = 'scheduled'
        and (new.scheduled_at is distinct from old.scheduled_at
            or new.duration_minutes is distinct from old.duration_minutes) then
        perform private.notify(
            new.guest_id, 'call_updated',
            private.display_name(new.host_id) || ' rescheduled the video call',
            'Now for ' || v_when || ', ' || new.duration_minutes || ' minutes.', v_data
        );
    end if;
    return null;
end
$$;
revoke execute on function private.video_calls_notify() from public, anon, authenticated;

drop trigger if exists notify on public.video_calls;
-- rule: NOTIF-CALL
create trigger notify after insert or update on public.video_calls
for each row execute function private.video_calls_notify();

/** Section - Jitsi token access (called by the service) */
-- The whole decision for one `POST /jitsi/token`, in one call: participant, not blocked, status
-- `scheduled` or `in_progress`, from 15 minutes before the start until the end; the first join
-- moves the call to `in_progress` (later joins write nothing and take no row lock); when the
-- room token expires (the call's end plus 30 minutes: decided here, the service only signs);
-- and the caller's display name and avatar for the token. One statement the plan cache keeps,
-- instead of nested function calls re-planned per request.
drop function if exists private.jitsi_call_access(uuid, uuid);
-- rule: CALL-JOIN, CALL-FIRST-JOIN, CALL-TOKEN-EXPIRY
create function private.jitsi_call_access(p_call_id uuid, p_user_id uuid)
returns table (
    room_name text,
    role text,
    token_expires_at timestamptz,
    display_name text,
    avatar_url text
)
language plpgsql
security definer
-- The service asks on behalf of a user it authenticated; reads any call and starts it.
set search_path = ''
as $$
declare
    v_call record;
begin
    if p_user_id is null then
        raise exception using errcode = '42501', message = 'sign in to join a call';
    end if;
    select
        v.room_name,
        v.host_id,
        v.status,
        v.scheduled_at,
        v.scheduled_at + make_interval(mins => v.duration_minutes) as ends_at,
        coalesce(p.full_name, p.username) as display_name,
        p.avatar_url,
        private.is_blocked(v.host_id, v.guest_id) as blocked
    into v_call
    from public.video_calls as v
    left join public.profiles as p on p.id = p_user_id
    where v.id = p_call_id and p_user_id in (v.host_id, v.guest_id);
    if not found then
        raise exception using errcode = 'PT404', message = 'call not found';
    end if;
    if v_call.blocked then
        raise exception using errcode = '42501', message = 'you cannot join this call';
    end if;
    if v_call.status not in ('scheduled', 'in_progress') then
        raise exception using
            errcode = 'PT409',
            message = pg_catalog.format('the call is %s', v_call.status);
    end if;
    if now() < v_call.scheduled_at - interval '15 minutes' then
        raise exception using errcode = 'PT409', message = 'the call opens 15 minutes before its start';
    end if;
    if now() >= v_call.ends_at then
        raise exception using errcode = 'PT409', message = 'the call has ended';
    end if;
    if v_call.status = 'scheduled' then
        -- Concurrent first joins: the row lock serialises them and only the first finds it scheduled.
        update public.video_calls as v set status = 'in_progress'
        where v.id = p_call_id and v.status = 'scheduled';
    end if;
    room_name := v_call.room_name;
    role := case when p_user_id = v_call.host_id then 'host' else 'guest' end;
    token_expires_at := v_call.ends_at + interval '30 minutes';
    display_name := v_call.display_name;
    avatar_url := v_call.avatar_url;
    return next;
end
$$;
revoke execute on function private.jitsi_call_access(uuid, uuid) from public, anon, authenticated;
grant execute on function private.jitsi_call_access(uuid, uuid) to service_role;
grant execute on function private.jitsi_call_access(uuid, uuid) to ugig_service;
