/**
 * Realtime broadcasts from the database: every change a client shows live is sent, by a trigger in
 * the same transaction, to the private topic of the people who may see it (docs/realtime.md):
 *
 * - `conversation:<id>` (its participants): message_created, message_updated, message_deleted,
 *   read.
 * - `user:<id>` (that user): notification_created (a new message's carries the recipient's inbox
 *   patch), conversation_updated (the changed fields of their my_conversations() row), call_created,
 *   call_updated.
 *
 * Only Realtime's own `realtime.send()` is called, which hosted Supabase provides and the local
 * bootstrap stands in for. Triggers are AFTER triggers, so a change that a BEFORE trigger refuses
 * (an edit after 15 minutes, a blocked sender) broadcasts nothing, and a rolled-back transaction
 * takes its broadcasts with it. A failing broadcast is a warning and never loses the change: each
 * trigger's work runs in its own exception block. Idempotent; re-applied when changed.
 *
 * A new message costs two broadcasts (docs/realtime.md, "What a message costs"): each
 * realtime.send() is a function call, a subtransaction and an insert into a partitioned table,
 * which is most of what broadcasting costs, so a message sends no more rows than its readers need.
 */

/** Section - Inbox */
-- A participant's unread count, as my_conversations() counts it: the other's undeleted messages
-- after last_read_at. plpgsql for its session-long plan (see private.has_pro).
create or replace function private.unread_count(p_conversation_id uuid, p_user_id uuid, p_last_read_at timestamptz)
returns bigint
language plpgsql
stable
set search_path = ''
as $$
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
$$;
revoke execute on function private.unread_count(uuid, uuid, timestamptz) from public, anon, authenticated;

/** Section - Messages */
-- conversation:<id>: the new message as a participant reads it, or an edit or deletion (the
-- state the API shows: a deleted message's body and attachments are empty).
-- user:<id>: conversation_updated, the fields of that user's my_conversations() row that changed,
-- keyed as there, with conversation_id (a merge patch: absent keys keep their value). A new
-- message sends no inbox patch of its own: the recipient's travels in its notification_created
-- (notifications_broadcast below), and the sender's devices have the message from
-- message_created. An edit or deletion of the last message changes both participants'
-- last_message; a deletion changes the recipient's unread_count. (Whole rows, with the other
-- participant's profile, doubled this trigger's time: docs/realtime.md.)
-- rule: RT-CONVERSATION-EVENTS, RT-BROADCAST-SAFE
create or replace function private.messages_broadcast()
returns trigger
language plpgsql
security definer
-- Writes realtime.messages for the conversation's and both participants' topics, and reads the
-- recipient's read marker.
set search_path = ''
as $$
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
            return null;
        end if;
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
        -- The inbox shows the conversation's latest message (deleted or not).
        if not exists (
            select 1
            from public.messages as m
            where m.conversation_id = new.conversation_id
                and (m.created_at, m.id) > (new.created_at, new.id)
        ) then
            v_last := jsonb_build_object(
                'conversation_id', new.conversation_id,
                'last_message', private.message_preview(new)
            );
            if new.sender_id is not null then
                perform realtime.send(
                    jsonb_build_object('conversation', v_last),
                    'conversation_updated', 'user:' || new.sender_id::text, true
                );
            end if;
        end if;
        if new.recipient_id is not null and (v_last <> '{}' or new.deleted_at is not null) then
            v_recipient := v_last || jsonb_build_object('conversation_id', new.conversation_id);
            if new.deleted_at is not null then
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
$$;
revoke execute on function private.messages_broadcast() from public, anon, authenticated;

drop trigger if exists broadcast_insert on public.messages;
create trigger broadcast_insert after insert on public.messages
for each row execute function private.messages_broadcast();

-- Only what a reader sees: the body, the attachments, the deletion (not a deleted account's
-- sender_id or recipient_id becoming null).
drop trigger if exists broadcast_update on public.messages;
create trigger broadcast_update after update on public.messages
for each row
when (
    new.body is distinct from old.body
    or new.attachments is distinct from old.attachments
    or new.deleted_at is distinct from old.deleted_at
)
execute function private.messages_broadcast();

/** Section - Read state */
-- conversation:<id>: a participant read up to last_read_at (both participants read both
-- markers through the API); the reader's inbox patch has the new marker and unread count.
-- rule: RT-CONVERSATION-EVENTS
create or replace function private.conversation_participants_broadcast_read()
returns trigger
language plpgsql
security definer
-- Writes realtime.messages for the conversation's topic and the reader's own topic.
set search_path = ''
as $$
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
$$;
revoke execute on function private.conversation_participants_broadcast_read() from public, anon, authenticated;

drop trigger if exists broadcast_read on public.conversation_participants;
create trigger broadcast_read after update of last_read_at on public.conversation_participants
for each row
when (new.last_read_at is distinct from old.last_read_at)
execute function private.conversation_participants_broadcast_read();

/** Section - Notifications */
-- user:<id>: the new notification, as its owner reads it. A message_received notification also
-- carries the recipient's inbox patch for that message, `conversation`: conversation_id,
-- last_message and last_message_at as my_conversations() returns them, when the message is the
-- conversation's latest (a message inserted with an earlier time is not). One broadcast instead of
-- a notification and a conversation_updated. unread_count is left out: the message adds one to it
-- (docs/realtime.md), and counting it here cost nearly as much as another broadcast.
-- rule: RT-USER-EVENTS, RT-PAYLOAD-PRIVATE
create or replace function private.notifications_broadcast()
returns trigger
language plpgsql
security definer
-- Writes realtime.messages for the recipient's topic, whoever caused the notification, and reads
-- the message it announces.
set search_path = ''
as $$
declare
    v_payload jsonb := jsonb_build_object('notification', to_jsonb(new));
    v_message_id uuid;
    v_conversation jsonb;
begin
    begin
        if new.type = 'message_received' then
            begin
                v_message_id := (new.data ->> 'message_id')::uuid;
            exception when invalid_text_representation then
                -- Only the service could write a malformed id: the notification goes alone.
                v_message_id := null;
            end;
        end if;
        if v_message_id is not null then
            select jsonb_build_object(
                'conversation_id', m.conversation_id,
                'last_message', private.message_preview(m),
                'last_message_at', m.created_at
            )
            into v_conversation
            from public.messages as m
            where m.id = v_message_id
                -- Only a message sent to the notified user: nothing from others' conversations.
                and m.recipient_id = new.user_id
                and not exists (
                    select 1
                    from public.messages as later
                    where later.conversation_id = m.conversation_id
                        and (later.created_at, later.id) > (m.created_at, m.id)
                );
            if v_conversation is not null then
                v_payload := v_payload || jsonb_build_object('conversation', v_conversation);
            end if;
        end if;
        perform realtime.send(v_payload, 'notification_created', 'user:' || new.user_id::text, true);
    exception when others then
        raise warning 'notifications_broadcast(%) failed: % (SQLSTATE %)', new.id, sqlerrm, sqlstate;
    end;
    return null;
end
$$;
revoke execute on function private.notifications_broadcast() from public, anon, authenticated;

drop trigger if exists broadcast on public.notifications;
create trigger broadcast after insert on public.notifications
for each row execute function private.notifications_broadcast();

/** Section - Video calls */
-- user:<host> and user:<guest>: the call as both read it, without room_name (a participant gets
-- the room with a token from the service).
-- rule: RT-USER-EVENTS, RT-PAYLOAD-PRIVATE
create or replace function private.video_calls_broadcast()
returns trigger
language plpgsql
security definer
-- Writes realtime.messages for both participants' topics, whichever of them (or the service)
-- changed the call.
set search_path = ''
as $$
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
$$;
revoke execute on function private.video_calls_broadcast() from public, anon, authenticated;

drop trigger if exists broadcast_insert on public.video_calls;
create trigger broadcast_insert after insert on public.video_calls
for each row execute function private.video_calls_broadcast();

-- Schedule and status only (not a link becoming null when its conversation or gig is deleted).
drop trigger if exists broadcast_update on public.video_calls;
create trigger broadcast_update after update on public.video_calls
for each row
when (
    new.scheduled_at is distinct from old.scheduled_at
    or new.duration_minutes is distinct from old.duration_minutes
    or new.status is distinct from old.status
)
execute function private.video_calls_broadcast();
