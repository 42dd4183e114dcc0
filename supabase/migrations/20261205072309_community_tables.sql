/**
 * Community and trust, foundation (SPEC §7): follows and tag follows, the profile columns the
 * community features derive (follower counts, reputation, verification), the notification types
 * of §7 and the e-mail switches that govern them.
 *
 * The functions, triggers, policies and grants live in supabase/functions_sql/71_community_social.sql,
 * 72_trust.sql and supabase/policies/; docs/community.md describes the behaviour.
 */

/** Section - Profiles: counters, reputation, verification */
-- Maintained by security definer triggers only; no client has a column grant on them.
alter table public.profiles add column followers_count integer not null default 0;
alter table public.profiles add column following_count integer not null default 0;
alter table public.profiles add column reputation integer not null default 0;
alter table public.profiles add column verified_at timestamptz;
alter table public.profiles add column verification_type text;

-- Profiles verified before verification was recorded: when is unknown, so their last change.
update public.profiles set verified_at = updated_at, verification_type = 'manual' where is_verified;

alter table public.profiles add constraint profiles_follow_counts_non_negative
check (followers_count >= 0 and following_count >= 0);
alter table public.profiles add constraint profiles_verification_type
check (verification_type in ('auto', 'manual'));
-- A verified profile says when and how; an unverified one carries neither.
alter table public.profiles add constraint profiles_verification_consistent
check (
    (is_verified and verified_at is not null and verification_type is not null)
    or (not is_verified and verified_at is null and verification_type is null)
);

comment on column public.profiles.followers_count is 'How many users follow this profile (maintained by the database).';
comment on column public.profiles.following_count is 'How many users this profile follows (maintained by the database).';
comment on column public.profiles.reputation is
'Derived by the database from reviews, endorsements, votes received and accepted applications (docs/community.md).';
comment on column public.profiles.verified_at is 'When the profile was verified; null while unverified.';
comment on column public.profiles.verification_type is
'How the profile was verified: auto (the criteria held) or manual (a reviewed request); null while unverified.';

/** Section - Follows */
create table public.follows (
    follower_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
    followed_id uuid not null references public.profiles (id) on delete cascade,
    created_at timestamptz not null default now(),
    primary key (follower_id, followed_id),
    constraint follows_not_self check (follower_id <> followed_id)
);
-- A profile's followers, newest first (the primary key serves "whom does X follow").
create index follows_followed_id_idx on public.follows (followed_id, created_at);

comment on table public.follows is
'Who follows whom. Public; each user follows and unfollows as themselves. Rules: docs/rules.md (FOLLOW-*).';

/** Section - Tag follows */
create table public.tag_follows (
    user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
    tag text not null,
    created_at timestamptz not null default now(),
    primary key (user_id, tag),
    -- Tags are compared lower-case and trimmed, as posts store them.
    constraint tag_follows_tag_format check (tag = lower(btrim(tag)) and char_length(tag) between 1 and 50)
);
-- Who follows a tag (fan-out and counts per tag).
create index tag_follows_tag_idx on public.tag_follows (tag);

comment on table public.tag_follows is
'Tags the caller follows (their posts appear in the following feed). Private to the owner.';

/** Section - Notifications */
alter table public.notifications drop constraint notifications_type;
alter table public.notifications add constraint notifications_type check (
    type in (
        'application_received', 'application_status_changed', 'message_received',
        'call_scheduled', 'call_updated', 'call_cancelled', 'review_received', 'gig_filled',
        'subscription_changed', 'payment_succeeded', 'payment_failed', 'webhook_disabled',
        'question_received', 'question_answered', 'new_follower', 'endorsement_received',
        'verification_decided'
    )
);

-- email_questions: question_received, question_answered; email_social: new_follower,
-- endorsement_received; email_verification: verification_decided.
alter table public.notification_settings add column email_questions boolean not null default true;
alter table public.notification_settings add column email_social boolean not null default true;
alter table public.notification_settings add column email_verification boolean not null default true;

comment on column public.notification_settings.email_questions is
'E-mail for questions on your gigs and answers to your questions.';
comment on column public.notification_settings.email_social is 'E-mail for new followers and endorsements.';
comment on column public.notification_settings.email_verification is 'E-mail when a verification request is decided.';
