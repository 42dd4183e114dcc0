/**
 * Communication: messages (checks, counters, edits and deletions).
 *
 * Row triggers that check other users' rows (blocks are private to the blocker, membership of
 * the other participant) or write tables clients may not write (conversations, participants,
 * notifications) are `security definer` in `private`. Idempotent; re-applied when changed.
 */

/** Section - Message preview */
-- The last message as a conversation list shows it: my_conversations() and the inbox patches of
-- the broadcast triggers (34_realtime_broadcasts.sql) build it here, so they cannot drift apart.
create or replace function private.message_preview(p_message public.messages)
returns jsonb
language sql
stable
set search_path = ''
as $$
    select jsonb_build_object(
        'id', p_message.id,
        'sender_id', p_message.sender_id,
        'body', p_message.body,
        'attachments', p_message.attachments,
        'created_at', p_message.created_at,
        'edited_at', p_message.edited_at,
        'deleted_at', p_message.deleted_at
    )
$$;
revoke execute on function private.message_preview(public.messages) from public, anon, authenticated;

/** Section - Messages */
-- rule: MSG-SEND, MSG-BLOCK, MSG-RATE-LIMIT
create or replace function private.messages_before_insert()
returns trigger
language plpgsql
security definer
-- Checks blocks (private to the blocker) and counts the sender's rate limit.
set search_path = ''
as $$
declare
    v_member boolean;
begin
    if new.sender_id is null then
        raise exception using errcode = '42501', message = 'sign in to send messages';
    end if;
    -- One read of the participants: is the sender one, and who is the other. The other reads the
    -- message through recipient_id (the read policy compares the row's own columns).
    select
        coalesce(bool_or(p.user_id = new.sender_id), false),
        (array_agg(p.user_id) filter (where p.user_id <> new.sender_id))[1]
    into v_member, new.recipient_id
    from public.conversation_participants as p
    where p.conversation_id = new.conversation_id;
    if not v_member then
        raise exception using errcode = '42501', message = 'only participants send messages in a conversation';
    end if;
    if new.recipient_id is not null and private.is_blocked(new.recipient_id, new.sender_id) then
        raise exception using errcode = '42501', message = 'you cannot message this user';
    end if;
    new.body := btrim(new.body);
    new.attachments := coalesce(new.attachments, '[]');
    perform private.check_attachments(new.conversation_id, new.attachments);
    new.edited_at := null;
    new.deleted_at := null;
    perform private.rate_limit('messages.send', new.sender_id, 30, interval '1 minute');
    return new;
end
$$;
revoke execute on function private.messages_before_insert() from public, anon, authenticated;

drop trigger if exists before_insert on public.messages;
create trigger before_insert before insert on public.messages
for each row execute function private.messages_before_insert();

-- rule: MSG-ACTIVITY, NOTIF-MESSAGE, EMAIL-MESSAGE-THROTTLE
create or replace function private.messages_after_insert()
returns trigger
language plpgsql
security definer
-- Updates the conversation's activity (not client-writable) and notifies the other participant.
set search_path = ''
as $$
declare
    v_recipient uuid;
begin
    update public.conversations as c
    set last_message_at = new.created_at
    where c.id = new.conversation_id and (c.last_message_at is null or c.last_message_at < new.created_at);
    update public.conversation_participants as p
    set last_activity_at = new.created_at
    where p.conversation_id = new.conversation_id and p.last_activity_at < new.created_at;

    for v_recipient in
        select p.user_id
        from public.conversation_participants as p
        where p.conversation_id = new.conversation_id and p.user_id <> new.sender_id
    loop
        -- In-app for every message; e-mail at most once per conversation and recipient per hour.
        perform private.notify(
            p_user_id => v_recipient,
            p_type => 'message_received',
            p_title => 'New message from ' || private.display_name(new.sender_id),
            p_body => left(new.body, 200),
            p_data => jsonb_build_object(
                'conversation_id', new.conversation_id,
                'message_id', new.id,
                'sender_id', new.sender_id
            ),
            p_email_throttle_key => 'message_received:' || new.conversation_id::text || ':' || v_recipient::text,
            p_email_throttle => interval '1 hour'
        );
    end loop;
    return null;
end
$$;
revoke execute on function private.messages_after_insert() from public, anon, authenticated;

drop trigger if exists after_insert on public.messages;
-- rule: MSG-ACTIVITY
create trigger after_insert after insert on public.messages
for each row execute function private.messages_after_insert();

-- Edits (body within 15 minutes) and soft deletes (deleted_at set: body and attachments emptied),
-- by the sender only. Columns outside the client's column grants are refused by privilege first.
-- rule: MSG-COLUMNS, MSG-EDIT-WINDOW, MSG-SOFT-DELETE
create or replace function private.messages_before_update()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_uid uuid := auth.uid();
begin
    if (old.sender_id is not null and new.sender_id is null)
        or (old.recipient_id is not null and new.recipient_id is null) then
        -- A participant's account was deleted (foreign key action): the message stays as it is.
        return new;
    end if;
    if new.conversation_id is distinct from old.conversation_id
        or new.sender_id is distinct from old.sender_id
        or new.recipient_id is distinct from old.recipient_id
        or new.created_at is distinct from old.created_at then
        raise exception using
            errcode = '42501', message = 'a message''s conversation, sender, recipient and time cannot change';
    end if;
    if v_uid is not null and old.sender_id is distinct from v_uid then
        raise exception using errcode = '42501', message = 'only the sender may edit or delete a message';
    end if;
    if old.deleted_at is not null then
        raise exception using errcode = 'PT409', message = 'a deleted message cannot change';
    end if;
    if new.deleted_at is not null then
        new.deleted_at := now();
        new.body := '';
        new.attachments := '[]';
        new.edited_at := old.edited_at;
        return new;
    end if;
    new.body := btrim(new.body);
    if new.body is distinct from old.body or new.attachments is distinct from old.attachments then
        if now() > old.created_at + interval '15 minutes' then
            raise exception using errcode = 'PT409', message = 'messages can be edited for 15 minutes after sending';
        end if;
        perform private.check_attachments(new.conversation_id, new.attachments);
        new.edited_at := now();
    else
        new.edited_at := old.edited_at;
    end if;
    return new;
end
$$;
revoke execute on function private.messages_before_update() from public, anon, authenticated;

drop trigger if exists before_update on public.messages;
create trigger before_update before update on public.messages
for each row execute function private.messages_before_update();

drop trigger if exists set_updated_at on public.messages;
create trigger set_updated_at before update on public.messages
for each row execute function private.set_updated_at();
drop trigger if exists set_updated_at on public.conversations;
create trigger set_updated_at before update on public.conversations
for each row execute function private.set_updated_at();
