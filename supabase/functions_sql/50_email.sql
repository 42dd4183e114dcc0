/**
 * E-mail delivery: the worker's claim and completion of private.email_outbox rows, and the
 * welcome e-mail when a user confirms their address.
 *
 * The worker (webhook_service/email/) calls claim_emails in its own short transaction and commits
 * before calling Resend, so a lease is visible to every other worker while the e-mail is in
 * flight; rows are claimed with `for update skip locked`, so any number of workers drain the
 * outbox without waiting on each other. A worker that dies leaves its rows 'sending' with a lease
 * that expires: the next claim takes them again, and Resend's Idempotency-Key (the outbox id)
 * makes the second send return the first one's message instead of a duplicate.
 */

/** Section - Claim */
-- Returns, with each row, the notification_settings column that governs its kind (null for
-- kinds no setting turns off, like welcome): the worker offers one-click unsubscribe for those.
-- With p_rate (sends per second for all workers together), each row also gets send_in: seconds
-- from now until its slot in private.email_send_rate; a claim takes no more rows than fit
-- before half the lease has passed, so a worker never holds a row past its lease waiting.
drop function if exists private.claim_emails(integer, interval, integer, text);
drop function if exists private.claim_emails(integer, interval, integer, text, double precision);
-- rule: SVC-EMAIL-CLAIM, SVC-EMAIL-AT-SEND
create function private.claim_emails(
    p_limit integer,
    p_lease interval,
    p_max_attempts integer default 10,
    p_worker text default null,
    p_rate double precision default 0
)
returns table (
    id uuid,
    claim_token uuid,
    user_id uuid,
    kind text,
    payload jsonb,
    attempts integer,
    email text,
    username text,
    full_name text,
    setting text,
    send_in double precision
)
language plpgsql
security definer
-- Reads recipients' addresses in auth.users, which the service role cannot read on hosted Supabase.
set search_path = ''
as $$
declare
    v_token uuid := gen_random_uuid();
    v_limit integer := p_limit;
    v_start double precision := 0;  -- seconds from now to the first free slot
    v_claimed integer;
begin
    if p_limit is null or p_limit < 1 or p_limit > 1000 then
        raise exception using errcode = '22023', message = 'claim_emails: limit must be between 1 and 1000';
    end if;
    if p_lease is null or p_lease < interval '1 second' then
        raise exception using errcode = '22023', message = 'claim_emails: lease must be at least one second';
    end if;
    if p_rate is null or p_rate < 0 then
        raise exception using errcode = '22023', message = 'claim_emails: rate must be 0 (off) or positive';
    end if;
    if p_rate > 0 then
        -- Locks the slot row until this claim commits: rate-limited claims take turns.
        select greatest(extract(epoch from r.next_slot - now()), 0) into v_start
        from private.email_send_rate as r
        for update;
        if not found then
            raise exception using errcode = 'P0002', message = 'claim_emails: private.email_send_rate has no row';
        end if;
        v_limit := least(p_limit, floor((extract(epoch from p_lease) / 2 - v_start) * p_rate))::integer;
        if v_limit < 1 then
            return;  -- every slot until half a lease from now is booked: nothing to claim yet
        end if;
    end if;

    return query
    with due as (
        -- Pending rows whose time has come, and 'sending' rows whose lease expired (dead worker),
        -- with what decides whether to send: the user's account and their setting for the kind
        -- (private.email_allowed's rule, joined here rather than called per row).
        select
            o.id,
            o.attempts,
            u.id as account,
            u.deleted_at,
            u.banned_until,
            u.email::text as email,
            private.email_setting_for(o.kind) as setting,
            coalesce((to_jsonb(s) ->> private.email_setting_for(o.kind))::boolean, true) as allowed
        from private.email_outbox as o
        left join auth.users as u on o.user_id = u.id
        left join public.notification_settings as s on o.user_id = s.user_id
        where o.status in ('pending', 'sending') and o.next_attempt_at <= now()
        order by o.next_attempt_at
        limit v_limit
        for update of o skip locked
    ),

    judged as (
        select
            due.id,
            due.email,
            due.setting,
            case
                when due.attempts >= p_max_attempts
                    then pg_catalog.format('gave up after %s attempts', due.attempts)
                when due.account is null or due.deleted_at is not null then 'recipient deleted'
                when coalesce(due.email, '') = '' then 'recipient has no e-mail address'
                when due.banned_until > now() then 'recipient is banned'
                when not due.allowed then 'recipient turned this e-mail off'
            end as reason
        from due
    ),

    claimed as (
        update private.email_outbox as o
        set
            status = case
                when j.reason is null then 'sending'
                when o.attempts >= p_max_attempts then 'failed'
                else 'skipped'
            end,
            attempts = o.attempts + (j.reason is null)::integer,
            claim_token = case when j.reason is null then v_token end,
            claimed_by = case when j.reason is null then p_worker else o.claimed_by end,
            locked_until = case when j.reason is null then now() + p_lease end,
            next_attempt_at = case when j.reason is null then now() + p_lease else o.next_attempt_at end,
            last_error = coalesce(j.reason, o.last_error)
        from judged as j
        where o.id = j.id
        returning o.id, o.user_id, o.kind, o.payload, o.attempts, o.status, j.email, j.setting
    )

    select
        c.id, v_token, c.user_id, c.kind, c.payload, c.attempts, c.email, p.username, p.full_name, c.setting,
        case when p_rate > 0 then v_start + (row_number() over (order by c.id) - 1) / p_rate end
    from claimed as c
    left join public.profiles as p on c.user_id = p.id
    where c.status = 'sending';

    get diagnostics v_claimed = row_count;
    if p_rate > 0 and v_claimed > 0 then
        update private.email_send_rate
        set next_slot = now() + pg_catalog.make_interval(secs => v_start + v_claimed / p_rate)
        where singleton;
    end if;
end
$$;
revoke execute on function private.claim_emails(integer, interval, integer, text, double precision)
from public, anon, authenticated;
grant execute on function private.claim_emails(integer, interval, integer, text, double precision) to service_role;
grant execute on function private.claim_emails(integer, interval, integer, text, double precision) to ugig_service;

/** Section - Completion */
-- p_results: [{"id", "outcome": "sent"|"retry"|"failed", "provider_message_id", "error",
-- "retry_in" (seconds)}]. Rows whose lease was taken over by another claim are left alone.
-- rule: SVC-EMAIL-CLAIM
create or replace function private.complete_emails(p_claim_token uuid, p_results jsonb)
returns integer
language plpgsql
security definer
-- Writes the private outbox for the service role, the same owner as claim_emails.
set search_path = ''
as $$
declare
    v_count integer;
begin
    if pg_catalog.jsonb_typeof(p_results) is distinct from 'array' then
        raise exception using errcode = '22023', message = 'complete_emails: results must be a JSON array';
    end if;
    if exists (
        select 1 from pg_catalog.jsonb_array_elements(p_results) as r (value)
        where r.value ->> 'outcome' is null or r.value ->> 'outcome' not in ('sent', 'retry', 'failed')
    ) then
        raise exception using errcode = '22023', message = 'complete_emails: outcome must be sent, retry or failed';
    end if;

    update private.email_outbox as o
    set
        status = case r.outcome when 'sent' then 'sent' when 'failed' then 'failed' else 'pending' end,
        provider_message_id = coalesce(r.provider_message_id, o.provider_message_id),
        sent_at = case when r.outcome = 'sent' then now() else o.sent_at end,
        last_error = case when r.outcome = 'sent' then o.last_error else left(r.error, 1000) end,
        next_attempt_at = case
            when r.outcome = 'retry' then now() + pg_catalog.make_interval(secs => greatest(coalesce(r.retry_in, 0), 0))
            else o.next_attempt_at
        end,
        locked_until = null,
        claim_token = null
    from pg_catalog.jsonb_to_recordset(p_results) as r (
        id uuid, outcome text, provider_message_id text, error text, retry_in double precision
    )
    where o.id = r.id and o.claim_token = p_claim_token and o.status = 'sending';
    get diagnostics v_count = row_count;
    return v_count;
end
$$;
revoke execute on function private.complete_emails(uuid, jsonb) from public, anon, authenticated;
grant execute on function private.complete_emails(uuid, jsonb) to service_role;
grant execute on function private.complete_emails(uuid, jsonb) to ugig_service;

/** Section - Welcome e-mail */
-- Exactly one welcome per user, once their address is confirmed: when Auth confirms it later
-- (sign-up with e-mail confirmation), or at once when the user is created confirmed (the Auth
-- admin API with email_confirm, OAuth, auto-confirm). Its throttle key, with no window, makes it
-- once per user (see enqueue_email).
-- rule: EMAIL-WELCOME
create or replace function private.handle_email_confirmed()
returns trigger
language plpgsql
security definer
-- Runs as Supabase Auth's role, which may not write the private outbox.
set search_path = ''
as $$
begin
    perform private.enqueue_email(new.id, 'welcome', '{}'::jsonb, 'welcome:' || new.id::text);
    return new;
end
$$;
revoke execute on function private.handle_email_confirmed() from public, anon, authenticated;

drop trigger if exists on_auth_user_email_confirmed on auth.users;
create trigger on_auth_user_email_confirmed
after update of email_confirmed_at on auth.users
for each row
when (old.email_confirmed_at is null and new.email_confirmed_at is not null)
execute function private.handle_email_confirmed();

-- Named to fire after on_auth_user_created (triggers fire in name order), which writes the profile.
drop trigger if exists on_auth_user_created_confirmed on auth.users;
create trigger on_auth_user_created_confirmed
after insert on auth.users
for each row
when (new.email_confirmed_at is not null)
execute function private.handle_email_confirmed();

/** Section - One-click unsubscribe */
-- Turns off the e-mail of one kind for one user (the service verified the signed link first).
-- Returns false when the user has no settings (deleted); 22023 for a kind no setting governs.
-- rule: SVC-UNSUBSCRIBE
create or replace function private.email_unsubscribe(p_user_id uuid, p_kind text)
returns boolean
language plpgsql
security definer
-- Writes the recipient's settings for the service, which acts without the user's session.
set search_path = ''
as $$
declare
    v_setting text := private.email_setting_for(p_kind);
    v_found boolean;
begin
    if v_setting is null then
        raise exception using
            errcode = '22023',
            message = pg_catalog.format('no setting turns off %s e-mails', p_kind);
    end if;
    -- The column name comes from email_setting_for's fixed list, never from the caller.
    execute pg_catalog.format(
        'update public.notification_settings set %I = false where user_id = $1 returning true', v_setting
    ) into v_found using p_user_id;
    return coalesce(v_found, false);
end
$$;
revoke execute on function private.email_unsubscribe(uuid, text) from public, anon, authenticated;
grant execute on function private.email_unsubscribe(uuid, text) to service_role;
grant execute on function private.email_unsubscribe(uuid, text) to ugig_service;
