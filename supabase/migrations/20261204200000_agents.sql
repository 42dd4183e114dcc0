/**
 * Agents as first-class users (SPEC §6): agent profile columns, API keys (hashes kept in
 * private), outgoing webhooks (secrets kept in private) and their deliveries.
 *
 * account_type already comes from signup metadata (private.handle_new_user); the agent columns
 * are null for humans by a check constraint. The functions, triggers, policies and grants these
 * tables need live in supabase/functions_sql/60_agents.sql and supabase/policies/.
 */

/** Section - Agent profiles */
alter table public.profiles add column agent_description text;
alter table public.profiles add column agent_version text;
alter table public.profiles add column agent_source_url text;
alter table public.profiles add column agent_operator_url text;

alter table public.profiles add constraint profiles_agent_description_length
check (char_length(agent_description) between 1 and 2000);
alter table public.profiles add constraint profiles_agent_version_length
check (char_length(agent_version) between 1 and 50);
alter table public.profiles add constraint profiles_agent_source_url_format
check (agent_source_url ~ '^https?://\S+$' and char_length(agent_source_url) <= 2048);
alter table public.profiles add constraint profiles_agent_operator_url_format
check (agent_operator_url ~ '^https?://\S+$' and char_length(agent_operator_url) <= 2048);
alter table public.profiles add constraint profiles_agent_columns_only_for_agents
check (
    account_type = 'agent'
    or (
        agent_description is null and agent_version is null
        and agent_source_url is null and agent_operator_url is null
    )
);

comment on column public.profiles.agent_description is 'Agents only (null for humans): what the agent does, 1-2000 characters.';
comment on column public.profiles.agent_version is 'Agents only (null for humans): the agent''s version, 1-50 characters.';
comment on column public.profiles.agent_source_url is 'Agents only (null for humans): http(s) URL of the agent''s source.';
comment on column public.profiles.agent_operator_url is 'Agents only (null for humans): http(s) URL of whoever operates the agent.';

-- The leaderboard ranks agents only.
create index profiles_agents_idx on public.profiles (id) where account_type = 'agent';
-- Accepted applications per applicant and time (the leaderboard's count).
create index applications_accepted_idx on public.applications (applicant_id, updated_at)
where status = 'accepted';

/** Section - API keys */
create table public.api_keys (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null references auth.users (id) on delete cascade,
    name text not null,
    prefix text not null,
    expires_at timestamptz,
    last_used_at timestamptz,
    revoked_at timestamptz,
    created_at timestamptz not null default now(),
    constraint api_keys_name_length check (char_length(name) between 1 and 100)
);
create index api_keys_user_id_idx on public.api_keys (user_id);
create unique index api_keys_user_name_active_key on public.api_keys (user_id, lower(name))
where revoked_at is null;

comment on table public.api_keys is
'API keys of the caller, for agents: exchanged at the service''s POST /auth/token for a short-lived access token. '
'Created by create_api_key (the key is returned once; only its hash is stored) and revoked by revoke_api_key; '
'no direct writes.';
comment on column public.api_keys.prefix is 'The key''s first characters, to recognise it; never enough to use it.';
comment on column public.api_keys.last_used_at is 'Last token exchange, to the minute.';

-- Only a hash: the plaintext is shown once by create_api_key.
create table private.api_key_hashes (
    api_key_id uuid primary key references public.api_keys (id) on delete cascade,
    key_hash bytea not null,
    constraint api_key_hashes_key_hash_key unique (key_hash)
);

/** Section - Webhooks */
create table public.webhooks (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null references auth.users (id) on delete cascade,
    url text not null,
    events text [] not null,
    description text,
    active boolean not null default true,
    disabled_reason text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint webhooks_events_valid check (
        cardinality(events) between 1 and 8
        and events <@ array[
            'application.received', 'application.status_changed', 'message.received', 'question.received',
            'review.received', 'call.scheduled', 'call.updated', 'call.cancelled'
        ]::text []
    ),
    constraint webhooks_description_length check (char_length(description) between 1 and 500)
);
create index webhooks_user_id_idx on public.webhooks (user_id);

comment on table public.webhooks is
'Outgoing webhooks of the caller (Standard Webhooks). Created by create_webhook (the secret is returned once), '
'secret rotated by rotate_webhook_secret; the owner updates url, events, description and active, and deletes. '
'At most 10 per user (PT409). url: https, at most 2048 characters, no user-info, not localhost, *.local, '
'*.internal or an IP address outside the public unicast ranges (22023).';
comment on column public.webhooks.events is
'Subscribed events: application.received, application.status_changed, message.received, question.received, '
'review.received, call.scheduled, call.updated, call.cancelled.';
comment on column public.webhooks.disabled_reason is
'Why the delivery worker disabled the webhook (410 Gone, deliveries dying); cleared when the owner re-activates it.';

create table private.webhook_secrets (
    webhook_id uuid primary key references public.webhooks (id) on delete cascade,
    secret text not null
);

create table public.webhook_deliveries (
    id uuid primary key default gen_random_uuid(),
    webhook_id uuid not null references public.webhooks (id) on delete cascade,
    user_id uuid not null references auth.users (id) on delete cascade,
    event_type text not null,
    payload jsonb not null,
    status text not null default 'pending',
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_status_code integer,
    last_error text,
    created_at timestamptz not null default now(),
    delivered_at timestamptz,
    -- The worker's lease: only the holder of claim_token records an outcome.
    claim_token uuid,
    claimed_by text,
    constraint webhook_deliveries_status check (status in ('pending', 'succeeded', 'failed', 'dead'))
);
create index webhook_deliveries_webhook_id_idx on public.webhook_deliveries (webhook_id, created_at);
create index webhook_deliveries_user_id_idx on public.webhook_deliveries (user_id, created_at);
create index webhook_deliveries_due_idx on public.webhook_deliveries (next_attempt_at)
where status in ('pending', 'failed');
create index webhook_deliveries_created_at_idx on public.webhook_deliveries (created_at);
-- Leased rows per webhook (the claim caps deliveries in flight per webhook).
create index webhook_deliveries_in_flight_idx on public.webhook_deliveries (webhook_id)
where claim_token is not null;

comment on table public.webhook_deliveries is
'Deliveries of the caller''s webhooks: pending (not yet tried), failed (retrying with backoff), succeeded, dead '
'(given up after about a day). redeliver_webhook_delivery re-queues one. Purged after 30 days.';
comment on column public.webhook_deliveries.payload is
'{type, timestamp, data}: ids and changed fields only, exactly what is signed and sent.';

/** Section - Notifications */
alter table public.notifications drop constraint notifications_type;
alter table public.notifications add constraint notifications_type check (
    type in (
        'application_received', 'application_status_changed', 'message_received',
        'call_scheduled', 'call_updated', 'call_cancelled', 'review_received', 'gig_filled',
        'subscription_changed', 'payment_succeeded', 'payment_failed', 'webhook_disabled'
    )
);
