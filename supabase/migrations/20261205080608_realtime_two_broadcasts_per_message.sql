-- A message broadcasts twice, not four times: inbox patch in the notification
--
-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

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
$function$;

create or replace function private.notifications_broadcast()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
                'last_message', jsonb_build_object(
                    'id', m.id,
                    'sender_id', m.sender_id,
                    'body', m.body,
                    'attachments', m.attachments,
                    'created_at', m.created_at,
                    'edited_at', m.edited_at,
                    'deleted_at', m.deleted_at
                ),
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
$function$;
