/**
 * Identity base: profiles, subscriptions, notification settings, notifications, the e-mail
 * outbox and rate-limit counters.
 *
 * Every other area builds on these: a profile, a `free` subscription and default notification
 * settings exist for every auth user from signup (see functions_sql/10_identity.sql), the
 * marketplace plan limit reads subscriptions, and every notification goes through
 * private.notify() so that e-mail follows the recipient's settings in the same transaction.
 */

/** Section - Profiles */
create table public.profiles (
    id uuid primary key references auth.users (id) on delete cascade,
    username text not null,
    full_name text,
    headline text,
    bio text,
    avatar_url text,
    location text,
    timezone text,
    website text,
    github_url text,
    linkedin_url text,
    skills text [] not null default '{}',
    ai_tools text [] not null default '{}',
    hourly_rate numeric(10, 2),
    currency text not null default 'USD',
    is_available boolean not null default true,
    account_type text not null default 'human',
    is_verified boolean not null default false,
    rating_avg numeric(3, 2),
    rating_count integer not null default 0,
    profile_completed boolean generated always as (
        coalesce(full_name, '') <> '' and coalesce(bio, '') <> '' and cardinality(skills) > 0
    ) stored,
    last_active_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint profiles_username_format check (username ~ '^[a-z0-9_]{3,30}$'),
    constraint profiles_full_name_length check (char_length(full_name) between 1 and 100),
    constraint profiles_headline_length check (char_length(headline) between 1 and 160),
    constraint profiles_bio_length check (char_length(bio) between 1 and 2000),
    constraint profiles_avatar_url_length check (char_length(avatar_url) between 1 and 2048),
    constraint profiles_location_length check (char_length(location) between 1 and 120),
    constraint profiles_timezone_length check (char_length(timezone) between 1 and 64),
    constraint profiles_website_format check (website ~ '^https?://\S+$' and char_length(website) <= 2048),
    constraint profiles_github_url_format check (
        github_url ~ '^https?://\S+$' and char_length(github_url) <= 2048
    ),
    constraint profiles_linkedin_url_format check (
        linkedin_url ~ '^https?://\S+$' and char_length(linkedin_url) <= 2048
    ),
    constraint profiles_skills_count check (cardinality(skills) <= 20),
    constraint profiles_ai_tools_count check (cardinality(ai_tools) <= 20),
    constraint profiles_hourly_rate_range check (hourly_rate between 0 and 10000),
    constraint profiles_currency_format check (currency ~ '^[A-Z]{3}$'),
    constraint profiles_account_type check (account_type in ('human', 'agent')),
    constraint profiles_rating_avg_range check (rating_avg between 1 and 5),
    constraint profiles_rating_count_range check (rating_count >= 0)
);

comment on table public.profiles is
'One public profile per user, created at signup. Everyone reads; the owner edits the editable columns.';
comment on column public.profiles.username is
'Unique case-insensitively; ^[a-z0-9_]{3,30}$; reserved names refused.';
comment on column public.profiles.profile_completed is
'Derived: full name, bio and at least one skill.';

create unique index profiles_username_key on public.profiles (lower(username));
create index profiles_skills_idx on public.profiles using gin (skills);
create index profiles_ai_tools_idx on public.profiles using gin (ai_tools);
create index profiles_available_idx on public.profiles (is_available, created_at desc);

/** Section - Subscriptions */
create table public.subscriptions (
    user_id uuid primary key references auth.users (id) on delete cascade,
    plan text not null default 'free',
    status text not null default 'active',
    stripe_customer_id text unique,
    stripe_subscription_id text unique,
    price_id text,
    current_period_start timestamptz,
    current_period_end timestamptz,
    cancel_at_period_end boolean not null default false,
    canceled_at timestamptz,
    trial_end timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint subscriptions_plan check (plan in ('free', 'pro')),
    constraint subscriptions_status check (
        status in (
            'incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled',
            'unpaid', 'paused'
        )
    )
);

comment on table public.subscriptions is
'The caller''s plan (free or pro) and Stripe subscription state. Owner reads; only the service writes.';

/** Section - Notification settings */
create table public.notification_settings (
    user_id uuid primary key references auth.users (id) on delete cascade,
    email_application_received boolean not null default true,
    email_application_status boolean not null default true,
    email_message_received boolean not null default true,
    email_call boolean not null default true,
    email_review_received boolean not null default true,
    email_billing boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

comment on table public.notification_settings is
'Which notification types also send e-mail. Owner only; created at signup with everything on.';

/** Section - Notifications */
create table public.notifications (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null references auth.users (id) on delete cascade,
    type text not null,
    title text not null,
    body text,
    data jsonb not null default '{}',
    read_at timestamptz,
    created_at timestamptz not null default now(),
    constraint notifications_type check (
        type in (
            'application_received', 'application_status_changed', 'message_received',
            'call_scheduled', 'call_updated', 'call_cancelled', 'review_received', 'gig_filled',
            'subscription_changed', 'payment_succeeded', 'payment_failed'
        )
    ),
    constraint notifications_title_length check (char_length(title) between 1 and 200),
    constraint notifications_body_length check (char_length(body) <= 2000)
);

comment on table public.notifications is
'In-app notifications, written only by the database. The owner reads, sets read_at and deletes.';

create index notifications_user_created_idx on public.notifications (user_id, created_at desc);
create index notifications_user_unread_idx on public.notifications (user_id) where read_at is null;

/** Section - E-mail outbox (private: drained by the service's worker) */
create table private.email_outbox (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null references auth.users (id) on delete cascade,
    kind text not null,
    notification_id uuid references public.notifications (id) on delete set null,
    payload jsonb not null default '{}',
    throttle_key text,
    status text not null default 'pending',
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    locked_until timestamptz,
    provider_message_id text,
    last_error text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    sent_at timestamptz,
    constraint email_outbox_status check (status in ('pending', 'sending', 'sent', 'failed', 'skipped'))
);

create index email_outbox_user_idx on private.email_outbox (user_id);
create index email_outbox_notification_idx on private.email_outbox (notification_id);
create index email_outbox_due_idx on private.email_outbox (next_attempt_at)
where status in ('pending', 'sending');
create index email_outbox_throttle_idx on private.email_outbox (throttle_key, created_at desc)
where throttle_key is not null;

/** Section - Rate-limit log (private: one mechanism for every throttled action) */
create table private.rate_limit_events (
    id bigint generated always as identity primary key,
    action text not null,
    subject uuid not null,
    occurred_at timestamptz not null default clock_timestamp()
);

comment on table private.rate_limit_events is
'One row per counted action inside its window: an exact sliding window, pruned as it is read.';

create index rate_limit_events_lookup_idx on private.rate_limit_events (action, subject, occurred_at);
