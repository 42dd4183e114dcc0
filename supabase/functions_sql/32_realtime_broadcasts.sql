/**
 * Realtime broadcasts from the database: every change a client shows live is sent, by a trigger in
 * the same transaction, to the private topic of the people who may see it (docs/realtime.md):
 *
 * - `conversation:<id>` (its participants): message_created, message_updated, message_deleted,
 *   read.
 * - `user:<id>` (that user): notification_created, conversation_updated (their inbox row, as
 *   my_conversations() returns it), call_created, call_updated.
 *
 * Only Realtime's own `realtime.send()` is called, which hosted Supabase provides and the local
 * bootstrap stands in for. Triggers are AFTER triggers, so a change that a BEFORE trigger refuses
 * (an edit after 15 minutes, a blocked sender) broadcasts nothing, and a rolled-back transaction
 * takes its broadcasts with it. A failing broadcast is a warning and never loses the change: each
 * trigger's work runs in its own exception block. Idempotent; re-applied when changed.
 */

/** Section - Payloads */
-- A participant's inbox row for one conversation, with the keys and values my_conversations()
-- returns for it (without next_cursor): the client replaces or inserts the row as it is. One row
-- per participant, or only p_user_id's.
create or replace function private.realtime_inbox_rows(p_conversation_id uuid, p_user_id uuid default null)
returns table (user_id uuid, inbox_row jsonb)
language sql
stable
set search_path = ''
as $$
    select
        me.user_id,
        jsonb_build_object(
            'conversation_id', me.conversation_id,
            'gig_id', c.gig_id,
            'created_at', c.created_at,
            'last_message_at', c.last_message_at,
            'last_read_at', me.last_read_at,
            'unread_count', (
                select count(*)
                from public.messages as m
                where m.conversation_id = me.conversation_id
                    and m.created_at > coalesce(me.last_read_at, '-infinity'::timestamptz)
                    and m.sender_id is distinct from me.user_id
                    and m.deleted_at is null
            ),
            'other_participant', (
                select jsonb_build_object(
                    'id', pr.id,
                    'username', pr.username,
                    'full_name', pr.full_name,
                    'avatar_url', pr.avatar_url,
                    'headline', pr.headline,
                    'account_type', pr.account_type,
                    'is_verified', pr.is_verified
                )
                from public.conversation_participants as other
                join public.profiles as pr on pr.id = other.user_id
                where other.conversation_id = me.conversation_id and other.user_id <> me.user_id
            ),
            'last_message', (
                select jsonb_build_object(
                    'id', m.id,
                    'sender_id', m.sender_id,
                    'body', m.body,
                    'attachments', m.attachments,
                    'created_at', m.created_at,
                    'edited_at', m.edited_at,
                    'deleted_at', m.deleted_at
                )
                from public.messages as m
                where m.conversation_id = me.conversation_id
                order by m.created_at desc, m.id desc
                limit 1
            )
        )
    from public.conversation_participants as me
    join public.conversations as c on c.id = me.conversation_id
    where me.conversation_id = p_conversation_id
        and (p_user_id is null or me.user_id = p_user_id)
$$;
revoke execute on function private.realtime_inbox_rows(uuid, uuid) from public, anon, authenticated;

-- Sends every participant's (or p_user_id's) inbox row to their own topic.
create or replace function private.realtime_send_inbox_rows(p_conversation_id uuid, p_user_id uuid default null)
returns void
language plpgsql
set search_path = ''
as $$
declare
    v_row record;
begin
    for v_row in select * from private.realtime_inbox_rows(p_conversation_id, p_user_id) loop
        perform realtime.send(
            jsonb_build_object('conversation', v_row.inbox_row),
            'conversation_updated',
            'user:' || v_row.user_id::text,
            true
        );
    end loop;
end
$$;
revoke execute on function private.realtime_send_inbox_rows(uuid, uuid) from public, anon, authenticated;

/** Section - Messages */
-- conversation:<id>: the new message as a participant reads it, or an edit or deletion (the
-- state the API shows: a deleted message's body and attachments are empty). Each participant's
-- inbox row follows a new message, a deletion, and an edit of the conversation's last message.
create or replace function private.messages_broadcast()
returns trigger
language plpgsql
security definer
-- Writes realtime.messages for every participant's topics (their own user:<id> included) and
-- reads both participants' inbox rows.
set search_path = ''
as $$
declare
    v_topic text := 'conversation:' || new.conversation_id::text;
    v_event text;
begin
    begin
        if tg_op = 'INSERT' then
            perform realtime.send(jsonb_build_object('message', to_jsonb(new)), 'message_created', v_topic, true);
        else
            v_event := case when new.deleted_at is not null then 'message_deleted' else 'message_updated' end;
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
                v_event, v_topic, true
            );
            if v_event = 'message_updated' and exists (
                -- Only the last message is in the inbox: an older one's edit changes no row there.
                select 1
                from public.messages as m
                where m.conversation_id = new.conversation_id
                    and (m.created_at, m.id) > (new.created_at, new.id)
            ) then
                return null;
            end if;
        end if;
        perform private.realtime_send_inbox_rows(new.conversation_id);
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
-- markers through the API); the reader's inbox row shows the new unread count.
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
        perform private.realtime_send_inbox_rows(new.conversation_id, new.user_id);
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
-- user:<id>: the new notification, as its owner reads it.
create or replace function private.notifications_broadcast()
returns trigger
language plpgsql
security definer
-- Writes realtime.messages for the recipient's topic, whoever caused the notification.
set search_path = ''
as $$
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
$$;
revoke execute on function private.notifications_broadcast() from public, anon, authenticated;

drop trigger if exists broadcast on public.notifications;
create trigger broadcast after insert on public.notifications
for each row execute function private.notifications_broadcast();

/** Section - Video calls */
-- user:<host> and user:<guest>: the call as both read it, without room_name (a participant gets
-- the room with a token from the service).
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
