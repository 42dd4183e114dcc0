/**
 * Communication: membership helpers, conversations, messages, video calls, their notifications,
 * the Realtime topic rules and the functions the Jitsi token endpoint calls.
 *
 * Row triggers that check other users' rows (blocks are private to the blocker, membership of
 * the other participant) or write tables clients may not write (conversations, participants,
 * notifications) are `security definer` in `private`. Idempotent; re-applied when changed.
 */

/** Section - Helpers */
-- A text that may or may not be a uuid (storage folder names, Realtime topics): null when not.
create or replace function private.try_uuid(p_text text)
returns uuid
language plpgsql
immutable
set search_path = ''
as $$
begin
    return p_text::uuid;
exception when invalid_text_representation then
    return null;
end
$$;
revoke execute on function private.try_uuid(text) from public, anon, authenticated;
grant execute on function private.try_uuid(text) to authenticated, service_role;

create or replace function private.my_conversation_ids()
returns setof uuid
language sql
stable
security definer
-- Policies on conversation_participants call this: reading it with the caller's rights would
-- recurse into the same policy.
set search_path = ''
as $$
    select p.conversation_id
    from public.conversation_participants as p
    where p.user_id = (select auth.uid())
$$;
revoke execute on function private.my_conversation_ids() from public, anon, authenticated;
grant execute on function private.my_conversation_ids() to authenticated, service_role;

create or replace function private.is_participant(p_conversation_id uuid, p_user_id uuid default null)
returns boolean
language plpgsql
stable
security definer
-- Membership of any user is checked, also where the caller cannot see the row (storage, Realtime).
set search_path = ''
as $$
begin
    -- plpgsql for its session-long plan (see private.has_pro).
    return exists (
        select 1
        from public.conversation_participants as p
        where p.conversation_id = p_conversation_id
            and p.user_id = coalesce(p_user_id, (select auth.uid()))
    );
end
$$;
revoke execute on function private.is_participant(uuid, uuid) from public, anon, authenticated;
grant execute on function private.is_participant(uuid, uuid) to authenticated, service_role;

-- rule: CONV-BLOCK, MSG-BLOCK
create or replace function private.is_blocked(p_a uuid, p_b uuid)
returns boolean
language plpgsql
stable
security definer
-- Blocks are private to the blocker, but they bind the blocked user too.
set search_path = ''
as $$
begin
    -- plpgsql for its session-long plan (see private.has_pro): the Jitsi token path calls it per request.
    return exists (
        select 1
        from public.user_blocks as b
        where (b.blocker_id = p_a and b.blocked_id = p_b)
            or (b.blocker_id = p_b and b.blocked_id = p_a)
    );
end
$$;
revoke execute on function private.is_blocked(uuid, uuid) from public, anon, authenticated;
grant execute on function private.is_blocked(uuid, uuid) to service_role;

create or replace function private.display_name(p_user_id uuid)
returns text
language sql
stable
set search_path = ''
as $$
    select coalesce(
        (select coalesce(p.full_name, '@' || p.username) from public.profiles as p where p.id = p_user_id),
        'Someone'
    )
$$;
revoke execute on function private.display_name(uuid) from public, anon, authenticated;

-- Whether two users share a conversation or an application (either one the applicant, the
-- other the gig's poster): who may invite whom to a video call.
-- rule: CALL-INVITE
create or replace function private.share_conversation_or_application(p_a uuid, p_b uuid)
returns boolean
language plpgsql
stable
set search_path = ''
as $$
begin
    if exists (
        select 1
        from public.conversations as c
        where c.user_low = least(p_a, p_b) and c.user_high = greatest(p_a, p_b)
    ) then
        return true;
    end if;
    return exists (
        select 1
        from public.applications as a
        join public.gigs as g on g.id = a.gig_id
        where (a.applicant_id = p_a and g.poster_id = p_b)
            or (a.applicant_id = p_b and g.poster_id = p_a)
    );
end
$$;
revoke execute on function private.share_conversation_or_application(uuid, uuid) from public, anon, authenticated;

-- A message's attachments: at most 10 objects whose "path" lies inside the conversation's folder
-- of the attachments bucket.
-- rule: MSG-ATTACHMENTS
create or replace function private.check_attachments(p_conversation_id uuid, p_attachments jsonb)
returns void
language plpgsql
immutable
set search_path = ''
as $$
declare
    v_item jsonb;
    v_path text;
begin
    if jsonb_typeof(p_attachments) is distinct from 'array' then
        raise exception using errcode = '22023', message = 'attachments must be a JSON array';
    end if;
    if jsonb_array_length(p_attachments) > 10 then
        raise exception using errcode = '22023', message = 'a message has at most 10 attachments';
    end if;
    for v_item in select value from jsonb_array_elements(p_attachments) loop
        v_path := case when jsonb_typeof(v_item -> 'path') = 'string' then v_item ->> 'path' end;
        if jsonb_typeof(v_item) <> 'object'
            or v_path is null
            or char_length(v_path) > 1024
            or v_path !~ ('^' || p_conversation_id::text || '/[^/].*$')
            or v_path ~ '(^|/)\.\.?(/|$)'
            or v_path ~ '//' then
            raise exception using
                errcode = '22023',
                message = pg_catalog.format(
                    'each attachment must be an object whose "path" lies inside "%s/" of the attachments bucket',
                    p_conversation_id
                );
        end if;
    end loop;
end
$$;
revoke execute on function private.check_attachments(uuid, jsonb) from public, anon, authenticated;
-- Also called by the message update trigger, which runs with the sender's rights.
grant execute on function private.check_attachments(uuid, jsonb) to authenticated, service_role;

/** Section - Conversations */
-- rule: CONV-ONE-PER-PAIR, CONV-START, CONV-BLOCK, CONV-RATE-LIMIT
create or replace function private.start_conversation(p_other_user_id uuid, p_gig_id uuid)
returns uuid
language plpgsql
security definer
-- Creates the conversation and both participant rows (no client may insert them) after checking
-- the other user's blocks and the gig's applications, which the caller cannot all read.
set search_path = ''
as $$
declare
    v_uid uuid := auth.uid();
    v_low uuid;
    v_high uuid;
    v_key uuid := coalesce(p_gig_id, '00000000-0000-0000-0000-000000000000'::uuid);
    v_id uuid;
    v_poster uuid;
    v_status text;
begin
    if v_uid is null then
        raise exception using errcode = '42501', message = 'sign in to start a conversation';
    end if;
    if p_other_user_id is null or p_other_user_id = v_uid then
        raise exception using errcode = '22023', message = 'a conversation needs another user';
    end if;
    if not exists (select 1 from public.profiles as p where p.id = p_other_user_id) then
        raise exception using errcode = 'PT404', message = 'user not found';
    end if;
    v_low := least(v_uid, p_other_user_id);
    v_high := greatest(v_uid, p_other_user_id);

    -- An existing conversation is always returned to its participants.
    select c.id into v_id
    from public.conversations as c
    where c.user_low = v_low and c.user_high = v_high and c.gig_key = v_key;
    if found then
        return v_id;
    end if;

    if private.is_blocked(v_uid, p_other_user_id) then
        raise exception using errcode = '42501', message = 'you cannot start a conversation with this user';
    end if;
    if p_gig_id is not null then
        select g.poster_id, g.status into v_poster, v_status from public.gigs as g where g.id = p_gig_id;
        if not found or (v_status = 'draft' and v_poster <> v_uid) then
            raise exception using errcode = 'PT404', message = 'gig not found';
        end if;
        if not (
            (v_poster = v_uid and exists (
                select 1 from public.applications as a
                where a.gig_id = p_gig_id and a.applicant_id = p_other_user_id
            ))
            or (v_poster = p_other_user_id and (v_status = 'active' or exists (
                select 1 from public.applications as a
                where a.gig_id = p_gig_id and a.applicant_id = v_uid
            )))
        ) then
            raise exception using
                errcode = '42501',
                message = 'conversations about a gig are between its poster and its applicants, '
                    || 'or with the poster of an active gig';
        end if;
    end if;

    -- The unique index decides between concurrent callers: the loser waits for the winner's
    -- commit, inserts nothing and returns the winner's conversation.
    insert into public.conversations (gig_id, user_low, user_high, gig_key)
    values (p_gig_id, v_low, v_high, v_key)
    on conflict (user_low, user_high, gig_key) do nothing
    returning id into v_id;
    if v_id is null then
        select c.id into strict v_id
        from public.conversations as c
        where c.user_low = v_low and c.user_high = v_high and c.gig_key = v_key;
        return v_id;
    end if;
    -- Only conversations actually created count against the limit.
    perform private.rate_limit('conversations.create', v_uid, 20, interval '24 hours');
    insert into public.conversation_participants (conversation_id, user_id)
    values (v_id, v_uid), (v_id, p_other_user_id);
    return v_id;
end
$$;
revoke execute on function private.start_conversation(uuid, uuid) from public, anon, authenticated;
grant execute on function private.start_conversation(uuid, uuid) to authenticated, service_role;

-- rule: CONV-START
create or replace function public.start_conversation(other_user_id uuid, gig_id uuid default null)
returns uuid
language sql
volatile
security invoker
set search_path = ''
as $$
    select private.start_conversation(other_user_id, gig_id)
$$;
comment on function public.start_conversation(uuid, uuid) is
'Returns the id of the conversation between the caller and other_user_id about gig_id (null: direct), creating it when allowed: a gig''s poster with its applicants, anyone with the poster of an active gig, any two users directly; never when either blocked the other; at most 20 new conversations per 24 h (PT429).';
revoke execute on function public.start_conversation(uuid, uuid) from public, anon, authenticated;
grant execute on function public.start_conversation(uuid, uuid) to authenticated, service_role;

-- rule: CONV-MARK-READ
create or replace function private.mark_conversation_read(p_conversation_id uuid)
returns timestamptz
language plpgsql
security definer
-- Participants rows are not client-writable; this sets only the caller's own read marker.
set search_path = ''
as $$
declare
    v_uid uuid := auth.uid();
    v_now timestamptz := now();
begin
    if v_uid is null then
        raise exception using errcode = '42501', message = 'sign in to read conversations';
    end if;
    update public.conversation_participants as p
    set last_read_at = v_now
    where p.conversation_id = p_conversation_id and p.user_id = v_uid;
    if not found then
        raise exception using errcode = 'PT404', message = 'conversation not found';
    end if;
    -- The conversation's message notifications are read with it.
    update public.notifications as n
    set read_at = v_now
    where n.user_id = v_uid
        and n.read_at is null
        and n.type = 'message_received'
        and n.data ->> 'conversation_id' = p_conversation_id::text;
    return v_now;
end
$$;
revoke execute on function private.mark_conversation_read(uuid) from public, anon, authenticated;
grant execute on function private.mark_conversation_read(uuid) to authenticated;

create or replace function public.mark_conversation_read(conversation_id uuid)
returns timestamptz
language sql
volatile
security invoker
set search_path = ''
as $$
    select private.mark_conversation_read(conversation_id)
$$;
comment on function public.mark_conversation_read(uuid) is
'Marks the conversation read for the caller up to now (and its message notifications); returns the new last_read_at. PT404 when the caller is not a participant.';
revoke execute on function public.mark_conversation_read(uuid) from public, anon, authenticated;
grant execute on function public.mark_conversation_read(uuid) to authenticated;

-- The inbox itself. Security definer because under the caller's RLS every table reference
-- (participants, conversations, messages twice) re-derived the caller's whole conversation list
-- through private.my_conversation_ids(): O(conversations) per request, 9-14x the same query
-- without RLS (docs/benchmarks.md). It needs no RLS: it starts from the caller's own participant
-- rows (me.user_id = auth.uid()) and returns only what those conversations show the caller.
-- rule: CONV-INBOX
create or replace function private.my_conversations(page_size integer, cursor text)
returns table (
    conversation_id uuid,
    gig_id uuid,
    created_at timestamptz,
    last_message_at timestamptz,
    last_read_at timestamptz,
    unread_count bigint,
    other_participant jsonb,
    last_message jsonb,
    next_cursor text
)
language plpgsql
stable
security definer
set search_path = ''
as $$
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
$$;
revoke execute on function private.my_conversations(integer, text) from public, anon, authenticated;
grant execute on function private.my_conversations(integer, text) to authenticated;

-- rule: CONV-INBOX
create or replace function public.my_conversations(page_size integer default 20, cursor text default null)
returns table (
    conversation_id uuid,
    gig_id uuid,
    created_at timestamptz,
    last_message_at timestamptz,
    last_read_at timestamptz,
    unread_count bigint,
    other_participant jsonb,
    last_message jsonb,
    next_cursor text
)
language sql
stable
security invoker
set search_path = ''
as $$
    select * from private.my_conversations(page_size, cursor)
$$;
comment on function public.my_conversations(integer, text) is
'The caller''s conversations, most recent activity first: the other participant''s public profile, the last message and the unread count. Keyset-paginated: pass a row''s next_cursor as cursor; page_size 1-50.';
revoke execute on function public.my_conversations(integer, text) from public, anon, authenticated;
grant execute on function public.my_conversations(integer, text) to authenticated;

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

/** Section - Notifications */
-- rule: NOTIF-MARK-ALL
create or replace function public.mark_all_notifications_read()
returns integer
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
    v_count integer;
begin
    if (select auth.uid()) is null then
        raise exception using errcode = '42501', message = 'sign in to read notifications';
    end if;
    update public.notifications as n
    set read_at = now()
    where n.user_id = (select auth.uid()) and n.read_at is null;
    get diagnostics v_count = row_count;
    return v_count;
end
$$;
comment on function public.mark_all_notifications_read() is
'Sets read_at on all of the caller''s unread notifications; returns how many.';
revoke execute on function public.mark_all_notifications_read() from public, anon, authenticated;
grant execute on function public.mark_all_notifications_read() to authenticated;

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

/** Section - Realtime topics */
-- conversation:<id>: its participants receive and send (typing, presence), unless either
-- blocked the other: a block stops messages, typing and presence in both directions.
-- user:<id>: that user receives; nobody sends from a client.
-- rule: RT-TOPICS
create or replace function private.realtime_topic_allowed(p_topic text, p_send boolean)
returns boolean
language plpgsql
stable
security definer
-- Realtime evaluates this for any member's topic; membership rows and blocks are not all readable.
set search_path = ''
as $$
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
$$;
revoke execute on function private.realtime_topic_allowed(text, boolean) from public, anon, authenticated;
grant execute on function private.realtime_topic_allowed(text, boolean) to authenticated;
