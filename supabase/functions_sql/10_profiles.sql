/**
 * Identity: timestamps, usernames, signup, profile hygiene and the Pro rule. Idempotent;
 * re-applied whenever this file changes. Files numbered 1x hold identity and the shared
 * infrastructure every area uses (notifications with their e-mail, rate limits).
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
-- rule: ID-SIGNUP, BILL-FREE-ROW, AGENT-ACCOUNT-TYPE
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
