/**
 * Identity base: signup, profile hygiene, the Pro rule, notifications with their e-mail, and
 * the shared rate limiter. Idempotent; re-applied whenever this file changes.
 */

/** Section - Timestamps */
-- rule: ID-UPDATED-AT
create or replace function private.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    new.updated_at := now();
    return new;
end
$$;
revoke execute on function private.set_updated_at() from public, anon, authenticated;

drop trigger if exists set_updated_at on public.profiles;
create trigger set_updated_at before update on public.profiles
for each row execute function private.set_updated_at();
drop trigger if exists set_updated_at on public.subscriptions;
create trigger set_updated_at before update on public.subscriptions
for each row execute function private.set_updated_at();
drop trigger if exists set_updated_at on public.notification_settings;
create trigger set_updated_at before update on public.notification_settings
for each row execute function private.set_updated_at();
drop trigger if exists set_updated_at on private.email_outbox;
create trigger set_updated_at before update on private.email_outbox
for each row execute function private.set_updated_at();

/** Section - Usernames */
-- rule: ID-USERNAME-RESERVED
create or replace function private.is_reserved_username(p_username text)
returns boolean
language sql
immutable
set search_path = ''
as $$
    select lower(p_username) = any (array[
        'admin', 'administrator', 'root', 'support', 'help', 'api', 'www', 'mail', 'ugig',
        'staff', 'system', 'moderator', 'null', 'undefined', 'me', 'settings', 'dashboard',
        'login', 'signup'
    ])
$$;
revoke execute on function private.is_reserved_username(text) from public, anon, authenticated;
-- Called by the profile trigger, which runs with the rights of the user editing their profile.
grant execute on function private.is_reserved_username(text) to authenticated, service_role;

-- A username that is valid, not reserved and free right now (a race is caught by the unique
-- index and retried by the caller).
-- rule: ID-USERNAME-PICK
create or replace function private.username_available(p_username text)
returns boolean
language sql
stable
security definer
-- Reads every profile's username, whoever signs up.
set search_path = ''
as $$
    select p_username ~ '^[a-z0-9_]{3,30}$'
        and not private.is_reserved_username(p_username)
        -- usernames are stored in lower case (profiles_username_format): an equality on profiles_username_key
        and not exists (select 1 from public.profiles p where p.username = p_username)
$$;
revoke execute on function private.username_available(text) from public, anon, authenticated;

-- The requested username when valid and free, else one derived from the e-mail's local part,
-- made unique with a random suffix on later attempts.
-- rule: ID-USERNAME-PICK
create or replace function private.pick_username(p_requested text, p_email text, p_attempt integer)
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
    v_requested text := lower(btrim(coalesce(p_requested, '')));
    v_base text;
begin
    if p_attempt = 0 and private.username_available(v_requested) then
        return v_requested;
    end if;
    v_base := regexp_replace(lower(split_part(coalesce(p_email, ''), '@', 1)), '[^a-z0-9_]+', '_', 'g');
    v_base := left(btrim(v_base, '_'), 23);
    if char_length(v_base) < 3 then
        v_base := 'user' || v_base;
    end if;
    if p_attempt = 0 and private.username_available(v_base) then
        return v_base;
    end if;
    return v_base || '_' || substr(md5(random()::text), 1, 6);
end
$$;
revoke execute on function private.pick_username(text, text, integer) from public, anon, authenticated;

/** Section - Signup */
-- rule: ID-SIGNUP, BILL-FREE-ROW
create or replace function private.handle_new_user()
returns trigger
language plpgsql
security definer
-- Runs as the Auth server's role on auth.users; must write public tables nobody else may insert.
set search_path = ''
as $$
declare
    v_meta jsonb := case
        when jsonb_typeof(new.raw_user_meta_data) = 'object' then new.raw_user_meta_data
        else '{}'::jsonb
    end;
    v_full_name text := nullif(left(btrim(coalesce(v_meta ->> 'full_name', v_meta ->> 'name', '')), 100), '');
    v_avatar text := v_meta ->> 'avatar_url';
    v_account_type text := case
        when v_meta ->> 'account_type' in ('human', 'agent') then v_meta ->> 'account_type'
        else 'human'
    end;
    v_attempt integer := 0;
begin
    if v_avatar !~ '^https?://\S+$' or char_length(v_avatar) > 2048 then
        v_avatar := null;
    end if;
    loop
        begin
            insert into public.profiles (id, username, full_name, avatar_url, account_type)
            values (
                new.id,
                private.pick_username(v_meta ->> 'username', new.email, v_attempt),
                v_full_name,
                v_avatar,
                v_account_type
            )
            on conflict (id) do nothing;
            exit;
        exception when unique_violation then
            -- Another signup took the username meanwhile: derive another one.
            v_attempt := v_attempt + 1;
            if v_attempt > 20 then
                raise;
            end if;
        end;
    end loop;
    insert into public.subscriptions (user_id) values (new.id) on conflict (user_id) do nothing;
    insert into public.notification_settings (user_id) values (new.id) on conflict (user_id) do nothing;
    return new;
end
$$;
revoke execute on function private.handle_new_user() from public, anon, authenticated;

drop trigger if exists on_auth_user_created on auth.users;
-- rule: ID-SIGNUP
create trigger on_auth_user_created after insert on auth.users
for each row execute function private.handle_new_user();

/** Section - Profile hygiene */
-- Trims text, normalises the username and arrays, and refuses reserved usernames.
-- rule: ID-USERNAME-FORMAT, ID-USERNAME-RESERVED, ID-PROFILE-INPUT
create or replace function private.profiles_normalize()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    new.username := lower(btrim(new.username));
    new.full_name := nullif(btrim(new.full_name), '');
    new.headline := nullif(btrim(new.headline), '');
    new.bio := nullif(btrim(new.bio), '');
    new.avatar_url := nullif(btrim(new.avatar_url), '');
    new.location := nullif(btrim(new.location), '');
    new.timezone := nullif(btrim(new.timezone), '');
    new.website := nullif(btrim(new.website), '');
    new.github_url := nullif(btrim(new.github_url), '');
    new.linkedin_url := nullif(btrim(new.linkedin_url), '');
    new.currency := upper(btrim(new.currency));
    new.skills := private.clean_tags(new.skills, 'skills');
    new.ai_tools := private.clean_tags(new.ai_tools, 'ai_tools');
    if (tg_op = 'INSERT' or new.username is distinct from old.username)
        and private.is_reserved_username(new.username) then
        raise exception using
            errcode = '22023',
            message = pg_catalog.format('the username "%s" is reserved', new.username);
    end if;
    return new;
end
$$;
revoke execute on function private.profiles_normalize() from public, anon, authenticated;

-- Tags (skills, tools): trimmed, empty ones dropped, duplicates removed keeping first order,
-- each 1-50 characters.
-- rule: ID-PROFILE-INPUT
create or replace function private.clean_tags(p_tags text [], p_column text)
returns text []
language plpgsql
immutable
set search_path = ''
as $$
declare
    v_out text [] := '{}';
    v_tag text;
begin
    if p_tags is null then
        return null;
    end if;
    foreach v_tag in array p_tags loop
        v_tag := btrim(v_tag);
        continue when v_tag is null or v_tag = '';
        if char_length(v_tag) > 50 then
            raise exception using
                errcode = '22023',
                message = pg_catalog.format('each entry of %s must be at most 50 characters', p_column);
        end if;
        if not v_tag = any (v_out) then
            v_out := v_out || v_tag;
        end if;
    end loop;
    return v_out;
end
$$;
revoke execute on function private.clean_tags(text [], text) from public, anon, authenticated;
-- Called by row triggers that run with the rights of the user editing the row.
grant execute on function private.clean_tags(text [], text) to authenticated, service_role;

drop trigger if exists normalize on public.profiles;
create trigger normalize before insert or update on public.profiles
for each row execute function private.profiles_normalize();

/** Section - Plan */
-- rule: BILL-PRO
create or replace function private.has_pro(p_user_id uuid)
returns boolean
language plpgsql
stable
security definer
-- Reads another user's subscription (plan limits are checked for the gig's poster).
set search_path = ''
as $$
begin
    -- plpgsql, not sql: a SQL function with a pinned search_path is never inlined and re-plans
    -- its body in every transaction; plpgsql keeps the plan for the session.
    return exists (
        select 1
        from public.subscriptions as s
        where s.user_id = p_user_id
            and s.plan = 'pro'
            and (
                s.status in ('active', 'trialing')
                or (
                    s.status = 'past_due'
                    and s.current_period_end is not null
                    and now() <= s.current_period_end + interval '7 days'
                )
            )
    );
end
$$;
revoke execute on function private.has_pro(uuid) from public, anon, authenticated;
grant execute on function private.has_pro(uuid) to service_role;

/** Section - Notifications and e-mail */
-- Which notification_settings column governs a notification type's e-mail.
-- rule: EMAIL-SETTING
create or replace function private.email_setting_for(p_type text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
    -- plpgsql for its session-long plan (see has_pro).
    return case p_type
        when 'application_received' then 'email_application_received'
        when 'application_status_changed' then 'email_application_status'
        when 'gig_filled' then 'email_application_status'
        when 'message_received' then 'email_message_received'
        when 'call_scheduled' then 'email_call'
        when 'call_updated' then 'email_call'
        when 'call_cancelled' then 'email_call'
        when 'review_received' then 'email_review_received'
        when 'subscription_changed' then 'email_billing'
        when 'payment_succeeded' then 'email_billing'
        when 'payment_failed' then 'email_billing'
        when 'question_received' then 'email_questions'
        when 'question_answered' then 'email_questions'
        when 'new_follower' then 'email_social'
        when 'endorsement_received' then 'email_social'
        when 'verification_decided' then 'email_verification'
        -- Always e-mailed: the owner must learn that deliveries stopped.
        when 'webhook_disabled' then null
    end;
end
$$;
revoke execute on function private.email_setting_for(text) from public, anon, authenticated;

-- rule: EMAIL-SETTING
create or replace function private.email_allowed(p_user_id uuid, p_type text)
returns boolean
language plpgsql
stable
security definer
-- Reads the recipient's settings, not the caller's.
set search_path = ''
as $$
begin
    -- plpgsql for its session-long plan (see has_pro).
    return coalesce(
        (
            select (to_jsonb(s) ->> private.email_setting_for(p_type))::boolean
            from public.notification_settings as s
            where s.user_id = p_user_id
        ),
        true
    );
end
$$;
revoke execute on function private.email_allowed(uuid, text) from public, anon, authenticated;

-- With a throttle key, at most one e-mail per key: ever (p_throttle null), or per p_throttle window.
drop function if exists private.enqueue_email(uuid, text, jsonb, text, uuid);
-- rule: EMAIL-ENQUEUE, EMAIL-MESSAGE-THROTTLE, NOTIF-SIDE-EFFECT
create or replace function private.enqueue_email(
    p_user_id uuid,
    p_kind text,
    p_payload jsonb,
    p_throttle_key text default null,
    p_notification_id uuid default null,
    p_throttle interval default null
)
returns uuid
language plpgsql
security definer
-- Writes the private outbox on behalf of whichever user's action caused the e-mail.
set search_path = ''
as $$
declare
    v_id uuid;
begin
    if p_throttle_key is not null then
        -- Serialise senders of the same throttled e-mail so that only one is enqueued.
        perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(p_throttle_key, 0));
        if exists (
            select 1
            from private.email_outbox as o
            where o.throttle_key = p_throttle_key
                and (p_throttle is null or o.created_at > now() - p_throttle)
        ) then
            return null;
        end if;
    end if;
    insert into private.email_outbox (user_id, kind, payload, throttle_key, notification_id)
    values (p_user_id, p_kind, coalesce(p_payload, '{}'), p_throttle_key, p_notification_id)
    returning id into v_id;
    return v_id;
exception when others then
    -- A failing side effect never loses the main write.
    raise warning 'enqueue_email(%, %) failed: % (SQLSTATE %)', p_user_id, p_kind, sqlerrm, sqlstate;
    return null;
end
$$;
revoke execute on function private.enqueue_email(uuid, text, jsonb, text, uuid, interval)
from public, anon, authenticated;
grant execute on function private.enqueue_email(uuid, text, jsonb, text, uuid, interval) to service_role;

-- The e-mail follows the recipient's settings; with p_email_throttle_key, at most one per key and
-- p_email_throttle window (see enqueue_email).
-- rule: NOTIF-DB-ONLY, EMAIL-ENQUEUE, NOTIF-SIDE-EFFECT
create or replace function private.notify(
    p_user_id uuid,
    p_type text,
    p_title text,
    p_body text,
    p_data jsonb default '{}',
    p_email_throttle_key text default null,
    p_email_throttle interval default null
)
returns uuid
language plpgsql
security definer
-- Notifications and the outbox are written only by the database, for any recipient.
set search_path = ''
as $$
declare
    v_id uuid;
begin
    insert into public.notifications (user_id, type, title, body, data)
    values (p_user_id, p_type, left(p_title, 200), left(p_body, 2000), coalesce(p_data, '{}'))
    returning id into v_id;
    -- The recipient's webhooks hear of it in this same transaction (61_webhooks.sql).
    perform private.enqueue_webhook_deliveries(p_user_id, p_type, p_data);

    if private.email_allowed(p_user_id, p_type) then
        -- enqueue_email keeps its failures to itself: a lost e-mail never loses the notification.
        perform private.enqueue_email(
            p_user_id,
            p_type,
            jsonb_build_object('title', p_title, 'body', p_body, 'data', coalesce(p_data, '{}')),
            p_email_throttle_key,
            v_id,
            p_email_throttle
        );
    end if;
    return v_id;
exception when others then
    -- A failing side effect never loses the main write: the block's work is rolled back alone.
    raise warning 'notify(%, %) failed: % (SQLSTATE %)', p_user_id, p_type, sqlerrm, sqlstate;
    return null;
end
$$;
revoke execute on function private.notify(uuid, text, text, text, jsonb, text, interval)
from public, anon, authenticated;
grant execute on function private.notify(uuid, text, text, text, jsonb, text, interval) to service_role;

/** Section - Rate limits */
-- Exact sliding window: at most p_limit actions by p_subject in any p_window. Concurrent callers
-- for the same subject and action are serialised by an advisory lock, so the count is exact.
-- rule: APP-RATE-LIMIT, CONV-RATE-LIMIT, MSG-RATE-LIMIT
create or replace function private.rate_limit(
    p_action text,
    p_subject uuid,
    p_limit integer,
    p_window interval
)
returns void
language plpgsql
security definer
-- Reads and writes the private counters whoever the caller is.
set search_path = ''
as $$
declare
    v_now timestamptz := clock_timestamp();
    v_count integer;
    v_oldest timestamptz;
    v_retry_seconds integer;
begin
    perform pg_catalog.pg_advisory_xact_lock(
        pg_catalog.hashtextextended(p_action || ':' || p_subject::text, 0)
    );
    delete from private.rate_limit_events as e
    where e.action = p_action and e.subject = p_subject and e.occurred_at <= v_now - p_window;
    select count(*), min(e.occurred_at) into v_count, v_oldest
    from private.rate_limit_events as e
    where e.action = p_action and e.subject = p_subject;
    if v_count >= p_limit then
        v_retry_seconds := greatest(1, ceil(extract(epoch from (v_oldest + p_window - v_now)))::integer);
        raise exception using
            errcode = 'PT429',
            message = pg_catalog.format(
                'rate limit reached: at most %s %s per %s; retry in %s seconds',
                p_limit, p_action, p_window, v_retry_seconds
            ),
            hint = pg_catalog.format('retry-after: %s', v_retry_seconds);
    end if;
    insert into private.rate_limit_events (action, subject, occurred_at)
    values (p_action, p_subject, v_now);
end
$$;
revoke execute on function private.rate_limit(text, uuid, integer, interval) from public, anon, authenticated;
grant execute on function private.rate_limit(text, uuid, integer, interval) to service_role;
