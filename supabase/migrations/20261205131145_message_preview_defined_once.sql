-- The last-message JSON of the inbox and its realtime patches built by one function
--
-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

create or replace function private.message_preview(p_message public.messages)
 returns jsonb
 language sql
 stable
 set search_path to ''
as $function$
    select jsonb_build_object(
        'id', p_message.id,
        'sender_id', p_message.sender_id,
        'body', p_message.body,
        'attachments', p_message.attachments,
        'created_at', p_message.created_at,
        'edited_at', p_message.edited_at,
        'deleted_at', p_message.deleted_at
    )
$function$;

create or replace function private.my_conversations(page_size integer, cursor text)
 returns table(conversation_id uuid, gig_id uuid, created_at timestamp with time zone, last_message_at timestamp with time zone, last_read_at timestamp with time zone, unread_count bigint, other_participant jsonb, last_message jsonb, next_cursor text)
 language plpgsql
 stable security definer
 set search_path to ''
as $function$
declare
    v_uid uuid := auth.uid();
    v_after_at timestamptz;
    v_after_id uuid;
begin
    if v_uid is null then
        raise exception using errcode = '42501', message = 'sign in to list conversations';
    end if;
    if page_size is null or page_size not between 1 and 50 then
        raise exception using errcode = '22023', message = 'page_size must be between 1 and 50';
    end if;
    if cursor is not null then
        begin
            v_after_at := split_part(cursor, '|', 1)::timestamptz;
            v_after_id := split_part(cursor, '|', 2)::uuid;
        exception when others then
            raise exception using errcode = '22023', message = 'invalid cursor';
        end;
    end if;
    -- One query: a range of the caller's inbox index, then per conversation one index probe for
    -- the other participant, the last message and the unread count.
    return query
    select
        me.conversation_id,
        c.gig_id,
        c.created_at,
        c.last_message_at,
        me.last_read_at,
        (
            select count(*)
            from public.messages as m
            where m.conversation_id = me.conversation_id
                and m.created_at > coalesce(me.last_read_at, '-infinity'::timestamptz)
                and m.sender_id is distinct from v_uid
                and m.deleted_at is null
        ),
        (
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
            where other.conversation_id = me.conversation_id and other.user_id <> v_uid
        ),
        (
            select private.message_preview(m)
            from public.messages as m
            where m.conversation_id = me.conversation_id
            order by m.created_at desc, m.id desc
            limit 1
        ),
        to_char(me.last_activity_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
        || '|' || me.conversation_id::text
    from public.conversation_participants as me
    join public.conversations as c on c.id = me.conversation_id
    where me.user_id = v_uid
        and (v_after_at is null or (me.last_activity_at, me.conversation_id) < (v_after_at, v_after_id))
    order by me.last_activity_at desc, me.conversation_id desc
    limit page_size;
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
$function$;

revoke all on function private.message_preview(public.messages) from anon, authenticated, public;
