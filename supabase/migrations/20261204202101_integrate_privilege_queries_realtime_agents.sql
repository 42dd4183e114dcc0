-- Carries the function, trigger, policy and grant changes of issues 14-17 as merged together:
-- ugig_service's grants on the agents' and Stripe outcome functions, the Realtime broadcast triggers
-- (issue 17), and whatever the branches' own captures did not see of each other.
--
-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

create or replace function private.unread_count(p_conversation_id uuid, p_user_id uuid, p_last_read_at timestamp with time zone)
 returns bigint
 language plpgsql
 stable
 set search_path to ''
as $function$
begin
    return (
        select count(*)
        from public.messages as m
        where m.conversation_id = p_conversation_id
            and m.created_at > coalesce(p_last_read_at, '-infinity'::timestamptz)
            and m.sender_id is distinct from p_user_id
            and m.deleted_at is null
    );
end
$function$;

create or replace function private.messages_broadcast()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_last jsonb := '{}';
    v_recipient jsonb;
begin
    begin
        if tg_op = 'INSERT' then
            perform realtime.send(
                jsonb_build_object('message', to_jsonb(new)),
                'message_created', 'conversation:' || new.conversation_id::text, true
            );
        else
            perform realtime.send(
                jsonb_build_object('message', jsonb_build_object(
                    'id', new.id,
                    'conversation_id', new.conversation_id,
                    'body', new.body,
                    'attachments', new.attachments,
                    'edited_at', new.edited_at,
                    'deleted_at', new.deleted_at,
                    'updated_at', new.updated_at
                )),
                case when new.deleted_at is not null then 'message_deleted' else 'message_updated' end,
                'conversation:' || new.conversation_id::text, true
            );
        end if;
        -- The inbox shows the conversation's latest message (deleted or not).
        if not exists (
            select 1
            from public.messages as m
            where m.conversation_id = new.conversation_id
                and (m.created_at, m.id) > (new.created_at, new.id)
        ) then
            v_last := jsonb_build_object(
                'conversation_id', new.conversation_id,
                'last_message', jsonb_build_object(
                    'id', new.id,
                    'sender_id', new.sender_id,
                    'body', new.body,
                    'attachments', new.attachments,
                    'created_at', new.created_at,
                    'edited_at', new.edited_at,
                    'deleted_at', new.deleted_at
                )
            );
            if tg_op = 'INSERT' then
                v_last := v_last || jsonb_build_object('last_message_at', new.created_at);
            end if;
            if new.sender_id is not null then
                perform realtime.send(
                    jsonb_build_object('conversation', v_last),
                    'conversation_updated', 'user:' || new.sender_id::text, true
                );
            end if;
        end if;
        if new.recipient_id is not null and (v_last <> '{}' or new.deleted_at is not null) then
            v_recipient := v_last || jsonb_build_object('conversation_id', new.conversation_id);
            if tg_op = 'INSERT' or new.deleted_at is not null then
                select v_recipient || jsonb_build_object(
                    'unread_count', private.unread_count(p.conversation_id, p.user_id, p.last_read_at)
                )
                into v_recipient
                from public.conversation_participants as p
                where p.conversation_id = new.conversation_id and p.user_id = new.recipient_id;
            end if;
            perform realtime.send(
                jsonb_build_object('conversation', v_recipient),
                'conversation_updated', 'user:' || new.recipient_id::text, true
            );
        end if;
    exception when others then
        -- A failing broadcast never loses the message: only this block's work is rolled back.
        raise warning 'messages_broadcast(%, %) failed: % (SQLSTATE %)', tg_op, new.id, sqlerrm, sqlstate;
    end;
    return null;
end
$function$;

create or replace function private.conversation_participants_broadcast_read()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    begin
        perform realtime.send(
            jsonb_build_object(
                'conversation_id', new.conversation_id,
                'user_id', new.user_id,
                'last_read_at', new.last_read_at
            ),
            'read', 'conversation:' || new.conversation_id::text, true
        );
        perform realtime.send(
            jsonb_build_object('conversation', jsonb_build_object(
                'conversation_id', new.conversation_id,
                'last_read_at', new.last_read_at,
                'unread_count', private.unread_count(new.conversation_id, new.user_id, new.last_read_at)
            )),
            'conversation_updated', 'user:' || new.user_id::text, true
        );
    exception when others then
        raise warning 'conversation_participants_broadcast_read(%, %) failed: % (SQLSTATE %)',
            new.conversation_id, new.user_id, sqlerrm, sqlstate;
    end;
    return null;
end
$function$;

create or replace function private.notifications_broadcast()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    begin
        perform realtime.send(
            jsonb_build_object('notification', to_jsonb(new)),
            'notification_created', 'user:' || new.user_id::text, true
        );
    exception when others then
        raise warning 'notifications_broadcast(%) failed: % (SQLSTATE %)', new.id, sqlerrm, sqlstate;
    end;
    return null;
end
$function$;

create or replace function private.video_calls_broadcast()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_payload jsonb := jsonb_build_object('call', to_jsonb(new) - 'room_name');
    v_event text := case when tg_op = 'INSERT' then 'call_created' else 'call_updated' end;
begin
    begin
        perform realtime.send(v_payload, v_event, 'user:' || new.host_id::text, true);
        perform realtime.send(v_payload, v_event, 'user:' || new.guest_id::text, true);
    exception when others then
        raise warning 'video_calls_broadcast(%, %) failed: % (SQLSTATE %)', tg_op, new.id, sqlerrm, sqlstate;
    end;
    return null;
end
$function$;

create or replace function private.realtime_topic_allowed(p_topic text, p_send boolean)
 returns boolean
 language plpgsql
 stable security definer
 set search_path to ''
as $function$
declare
    v_uid uuid := auth.uid();
    v_conversation uuid;
begin
    if v_uid is null or p_topic is null then
        return false;
    end if;
    if p_topic like 'conversation:%' then
        v_conversation := private.try_uuid(substr(p_topic, 14));
        return private.is_participant(v_conversation, v_uid)
            and not exists (
                select 1
                from public.conversation_participants as other
                where other.conversation_id = v_conversation
                    and other.user_id <> v_uid
                    and private.is_blocked(other.user_id, v_uid)
            );
    end if;
    if p_topic like 'user:%' then
        return not p_send and private.try_uuid(substr(p_topic, 6)) = v_uid;
    end if;
    return false;
end
$function$;

create or replace function private.stripe_apply_event(p_event jsonb, p_pro_price_ids text[])
 returns text
 language plpgsql
 security definer
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

revoke all on function private.stripe_outcome_processed(text) from anon, authenticated, public, service_role, ugig_service;

grant execute on function private.stripe_outcome_processed(text) to service_role;

grant execute on function private.stripe_outcome_processed(text) to ugig_service;

revoke all on function private.api_key_authenticate(text) from anon, authenticated, public, service_role, ugig_service;

grant execute on function private.api_key_authenticate(text) to service_role;

grant execute on function private.api_key_authenticate(text) to ugig_service;

revoke all on function private.claim_webhook_deliveries(integer,interval,text) from anon, authenticated, public, service_role, ugig_service;

grant execute on function private.claim_webhook_deliveries(integer,interval,text) to service_role;

grant execute on function private.claim_webhook_deliveries(integer,interval,text) to ugig_service;

revoke all on function private.record_webhook_delivery(uuid,uuid,integer,text) from anon, authenticated, public, service_role, ugig_service;

grant execute on function private.record_webhook_delivery(uuid,uuid,integer,text) to service_role;

grant execute on function private.record_webhook_delivery(uuid,uuid,integer,text) to ugig_service;

revoke all on function private.purge_webhook_deliveries(interval) from anon, authenticated, public, service_role, ugig_service;

grant execute on function private.purge_webhook_deliveries(interval) to service_role;

grant execute on function private.purge_webhook_deliveries(interval) to ugig_service;

revoke all on function private.unread_count(uuid,uuid,timestamp with time zone) from anon, authenticated, public;

revoke all on function private.messages_broadcast() from anon, authenticated, public;

revoke all on function private.conversation_participants_broadcast_read() from anon, authenticated, public;

revoke all on function private.notifications_broadcast() from anon, authenticated, public;

revoke all on function private.video_calls_broadcast() from anon, authenticated, public;

drop trigger if exists broadcast_insert on public.messages;

create trigger broadcast_insert after insert on public.messages for each row execute function private.messages_broadcast();

drop trigger if exists broadcast_update on public.messages;

create trigger broadcast_update after update on public.messages for each row when (((new.body is distinct from old.body) or (new.attachments is distinct from old.attachments) or (new.deleted_at is distinct from old.deleted_at))) execute function private.messages_broadcast();

drop trigger if exists broadcast_read on public.conversation_participants;

create trigger broadcast_read after update of last_read_at on public.conversation_participants for each row when ((new.last_read_at is distinct from old.last_read_at)) execute function private.conversation_participants_broadcast_read();

drop trigger if exists broadcast on public.notifications;

create trigger broadcast after insert on public.notifications for each row execute function private.notifications_broadcast();

drop trigger if exists broadcast_insert on public.video_calls;

create trigger broadcast_insert after insert on public.video_calls for each row execute function private.video_calls_broadcast();

drop trigger if exists broadcast_update on public.video_calls;

create trigger broadcast_update after update on public.video_calls for each row when (((new.scheduled_at is distinct from old.scheduled_at) or (new.duration_minutes is distinct from old.duration_minutes) or (new.status is distinct from old.status))) execute function private.video_calls_broadcast();
