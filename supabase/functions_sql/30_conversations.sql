/**
 * Communication (files 3x): membership helpers and conversations.
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
