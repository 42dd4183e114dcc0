/**
 * Communication: conversations between two people, their messages, user blocks and video calls,
 * the private `attachments` bucket and the tables Realtime publishes.
 *
 * Clients never insert conversations or participants themselves: `start_conversation()` does,
 * so that the pair rules, blocks and the rate limit hold. One conversation per pair and gig
 * (and one direct conversation per pair) is a unique index, so concurrent callers cannot race
 * past it. Links to gigs and applications are added by a later migration, once the marketplace
 * tables exist (see 20261124002010_communication_marketplace_links.sql).
 */

/** Section - Conversations */
create table public.conversations (
    id uuid primary key default gen_random_uuid(),
    gig_id uuid,
    -- The pair, ordered, and the gig it was started about (nil uuid for a direct conversation):
    -- the key of the one-conversation-per-pair-and-gig constraint. gig_key keeps its value when
    -- the gig is deleted (gig_id then becomes null), so the direct conversation stays distinct.
    user_low uuid references auth.users (id) on delete set null,
    user_high uuid references auth.users (id) on delete set null,
    gig_key uuid not null default '00000000-0000-0000-0000-000000000000',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    last_message_at timestamptz,
    constraint conversations_pair_ordered check (user_low < user_high),
    constraint conversations_gig_key check (gig_id is null or gig_id = gig_key)
);

comment on table public.conversations is
'A conversation between exactly two people, optionally about a gig. Created by start_conversation(); visible to its participants.';
comment on column public.conversations.gig_id is
'The gig the conversation is about; null for a direct conversation (or once the gig is deleted).';
comment on column public.conversations.last_message_at is
'Time of the latest message, maintained by the database.';
comment on column public.conversations.user_low is
'The participant with the smaller id (null once that user is deleted); part of the uniqueness key.';
comment on column public.conversations.user_high is
'The participant with the greater id (null once that user is deleted); part of the uniqueness key.';
comment on column public.conversations.gig_key is
'gig_id at creation, or the nil uuid for a direct conversation; part of the uniqueness key.';

create unique index conversations_pair_gig_key on public.conversations (user_low, user_high, gig_key);
create index conversations_user_high_idx on public.conversations (user_high);
create index conversations_gig_id_idx on public.conversations (gig_id);

create table public.conversation_participants (
    conversation_id uuid not null references public.conversations (id) on delete cascade,
    user_id uuid not null references auth.users (id) on delete cascade,
    last_read_at timestamptz,
    -- The conversation's latest activity, copied here so a user's inbox is one index range.
    last_activity_at timestamptz not null default now(),
    created_at timestamptz not null default now(),
    primary key (conversation_id, user_id)
);

comment on table public.conversation_participants is
'The two people in each conversation and how far each has read. Written by the database only.';
comment on column public.conversation_participants.last_read_at is
'Messages after this time count as unread; set by mark_conversation_read().';
comment on column public.conversation_participants.last_activity_at is
'The conversation''s last message time (or creation time): the inbox sort key.';

-- A user's inbox page is a (backward) range of this index.
create index conversation_participants_inbox_idx
on public.conversation_participants (user_id, last_activity_at, conversation_id);

/** Section - Messages */
create table public.messages (
    id uuid primary key default gen_random_uuid(),
    conversation_id uuid not null references public.conversations (id) on delete cascade,
    -- Always the caller (column default, not client-writable); null once the sender is deleted.
    sender_id uuid default auth.uid() references auth.users (id) on delete set null,
    body text not null,
    attachments jsonb not null default '[]',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    edited_at timestamptz,
    deleted_at timestamptz,
    constraint messages_body_length check (
        (deleted_at is null and char_length(body) between 1 and 5000)
        or (deleted_at is not null and body = '')
    ),
    constraint messages_attachments_shape check (
        jsonb_typeof(attachments) = 'array'
        and jsonb_array_length(attachments) <= 10
        and (deleted_at is null or attachments = '[]')
    )
);

comment on table public.messages is
'Messages of a conversation. Participants read and send; the sender edits the body within 15 minutes and soft-deletes by setting deleted_at.';
comment on column public.messages.sender_id is
'Always the caller; null once the sender''s account is deleted.';
comment on column public.messages.body is
'1-5000 characters, trimmed; empty once the message is deleted.';
comment on column public.messages.attachments is
'Array (at most 10) of {"path", "name", "size", "mime_type"} objects; each path is an object of the attachments bucket inside "<conversation_id>/".';
comment on column public.messages.edited_at is
'Set by the database when the sender edits the body.';
comment on column public.messages.deleted_at is
'Set (to any value; the database stores now()) to delete the message: body and attachments are emptied.';

-- The message page (newest first, a backward scan) and the unread count are ranges of this index.
create index messages_conversation_created_idx on public.messages (conversation_id, created_at, id);
create index messages_sender_idx on public.messages (sender_id);

/** Section - Blocks */
create table public.user_blocks (
    blocker_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
    blocked_id uuid not null references auth.users (id) on delete cascade,
    created_at timestamptz not null default now(),
    primary key (blocker_id, blocked_id),
    constraint user_blocks_not_self check (blocker_id <> blocked_id)
);

comment on table public.user_blocks is
'Users the caller blocked. Private to the blocker; a block stops new conversations and messages in both directions.';

create index user_blocks_blocked_idx on public.user_blocks (blocked_id, blocker_id);

/** Section - Video calls */
create table public.video_calls (
    id uuid primary key default gen_random_uuid(),
    host_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
    guest_id uuid not null references auth.users (id) on delete cascade,
    gig_id uuid,
    application_id uuid,
    conversation_id uuid references public.conversations (id) on delete set null,
    -- 160 random bits, generated here; no client privilege covers this column.
    room_name text not null default 'ugig-' || encode(extensions.gen_random_bytes(20), 'hex'),
    scheduled_at timestamptz not null,
    duration_minutes integer not null default 30,
    status text not null default 'scheduled',
    started_at timestamptz,
    ended_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint video_calls_room_name_key unique (room_name),
    constraint video_calls_not_self check (host_id <> guest_id),
    constraint video_calls_duration_range check (duration_minutes between 15 and 240),
    constraint video_calls_status check (status in ('scheduled', 'in_progress', 'completed', 'cancelled'))
);

comment on table public.video_calls is
'Scheduled video calls between a host and a guest who share a conversation or an application. Visible to both.';
comment on column public.video_calls.room_name is
'The Jitsi room: generated by the database with 160 random bits; not client-writable.';
comment on column public.video_calls.scheduled_at is
'Start time: in the future and at most 90 days ahead. The host reschedules while the call is scheduled.';
comment on column public.video_calls.duration_minutes is
'15-240 minutes.';
comment on column public.video_calls.status is
'scheduled -> in_progress (first join, set by the service) -> completed (host ends); scheduled -> cancelled (either participant).';

create index video_calls_host_idx on public.video_calls (host_id, scheduled_at desc);
create index video_calls_guest_idx on public.video_calls (guest_id, scheduled_at desc);
create index video_calls_gig_idx on public.video_calls (gig_id);
create index video_calls_application_idx on public.video_calls (application_id);
create index video_calls_conversation_idx on public.video_calls (conversation_id);

/** Section - Attachments bucket (policies in policies/storage_attachments.sql) */
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values (
    'attachments',
    'attachments',
    false,
    26214400,
    array[
        'image/jpeg', 'image/png', 'image/webp', 'image/gif', 'application/pdf', 'text/plain',
        'text/markdown', 'text/csv', 'application/zip', 'application/x-zip-compressed'
    ]
)
on conflict (id) do update
set public = excluded.public,
    file_size_limit = excluded.file_size_limit,
    allowed_mime_types = excluded.allowed_mime_types;

/** Section - Realtime */
-- Idempotent: the publication may already carry these or other tables (hosted Supabase).
do $$
declare
    v_table text;
begin
    foreach v_table in array array['messages', 'notifications', 'conversation_participants', 'video_calls'] loop
        if not exists (
            select 1
            from pg_catalog.pg_publication_tables
            where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = v_table
        ) then
            execute pg_catalog.format('alter publication supabase_realtime add table public.%I', v_table);
        end if;
    end loop;
end
$$;
