/**
 * Notifications and their e-mail: which setting governs which type, the outbox enqueueing with
 * its throttle, private.notify() that every area's triggers call, and the owner's
 * mark-all-read RPC. Idempotent; re-applied whenever this file changes.
 */

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
-- rule: NOTIF-DB-ONLY, EMAIL-ENQUEUE, NOTIF-SIDE-EFFECT, HOOK-ENQUEUE
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
