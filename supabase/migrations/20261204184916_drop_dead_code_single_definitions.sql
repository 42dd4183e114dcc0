-- Issue 13 clean-up: private.mark_call_joined (unused since jitsi_call_access starts the call)
-- goes; jitsi_call_access returns the token's expiry (the call's end + 30 minutes, decided here)
-- instead of scheduled_at and ends_at; "processed" Stripe outcomes are defined once,
-- private.stripe_outcome_processed, which the service asks too.
--
-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

drop function if exists private.jitsi_call_access(uuid,uuid);

drop function if exists private.mark_call_joined(uuid);

create or replace function private.jitsi_call_access(p_call_id uuid, p_user_id uuid)
 returns table(room_name text, role text, token_expires_at timestamp with time zone, display_name text, avatar_url text)
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function private.stripe_outcome_processed(p_outcome text)
 returns boolean
 language sql
 immutable
 set search_path to ''
as $function$ select p_outcome in ('applied', 'ignored', 'stale', 'duplicate') $function$;

create or replace function private.stripe_process(p_id text, p_event jsonb, p_pro_price_ids text[])
 returns text
 language plpgsql
 set search_path to ''
as $function$
declare
    v_outcome text;
    v_error text;
begin
    begin
        v_outcome := private.stripe_dispatch(p_id, p_event, p_pro_price_ids);
    exception when others then
        v_outcome := 'failed';
        v_error := left(sqlstate || ': ' || sqlerrm, 1000);
    end;
    update private.stripe_events as e
    set outcome = v_outcome,
        last_error = v_error,
        processed_at = case when private.stripe_outcome_processed(v_outcome) then now() end
    where e.id = p_id;
    return v_outcome;
end
$function$;

create or replace function private.stripe_apply_event(p_event jsonb, p_pro_price_ids text[])
 returns text
 language plpgsql
 set search_path to ''
as $function$
declare
    v_id text := p_event ->> 'id';
    v_processed_at timestamptz;
    v_stored record;
    v_outcome text;
    v_error text;
begin
    if v_id is null or p_event ->> 'type' is null or jsonb_typeof(p_event -> 'created') <> 'number' then
        raise exception using errcode = '22023', message = 'not a Stripe event: id, type and created are required';
    end if;
    -- Key space 1 of the two-key advisory locks: Stripe event ids (see above).
    perform pg_catalog.pg_advisory_xact_lock(1, pg_catalog.hashtext(v_id));
    select e.processed_at into v_processed_at from private.stripe_events as e where e.id = v_id;
    if found then
        if v_processed_at is not null then
            return 'duplicate';
        end if;
        -- Recorded before without effect (failed, or its user unknown then): try again, unless a
        -- replay (which locks the row, not the id) applied it meanwhile.
        select e.processed_at, e.payload into v_stored from private.stripe_events as e where e.id = v_id for update;
        if v_stored.processed_at is not null then
            return 'duplicate';
        end if;
        update private.stripe_events as e set attempts = e.attempts + 1 where e.id = v_id;
        return private.stripe_process(v_id, v_stored.payload, p_pro_price_ids);
    end if;

    begin
        v_outcome := private.stripe_dispatch(v_id, p_event, p_pro_price_ids);
    exception when others then
        v_outcome := 'failed';
        v_error := left(sqlstate || ': ' || sqlerrm, 1000);
    end;
    insert into private.stripe_events (
        id, type, created, livemode, customer_id, payload, outcome, last_error, processed_at
    ) values (
        v_id,
        p_event ->> 'type',
        pg_catalog.to_timestamp((p_event ->> 'created')::double precision),
        coalesce((p_event ->> 'livemode')::boolean, false),
        coalesce(p_event #>> '{data,object,customer,id}', p_event #>> '{data,object,customer}'),
        p_event,
        v_outcome,
        v_error,
        case when private.stripe_outcome_processed(v_outcome) then now() end
    );
    return v_outcome;
end
$function$;

revoke all on function private.jitsi_call_access(uuid,uuid) from anon, authenticated, public, service_role;

grant execute on function private.jitsi_call_access(uuid,uuid) to service_role;

revoke all on function private.stripe_outcome_processed(text) from anon, authenticated, public, service_role;

grant execute on function private.stripe_outcome_processed(text) to service_role;
