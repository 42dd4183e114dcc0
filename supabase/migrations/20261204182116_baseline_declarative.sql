-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

create or replace function private.set_updated_at()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
begin
    new.updated_at := now();
    return new;
end
$function$;

create or replace function private.is_reserved_username(p_username text)
 returns boolean
 language sql
 immutable
 set search_path to ''
as $function$
    select lower(p_username) = any (array[
        'admin', 'administrator', 'root', 'support', 'help', 'api', 'www', 'mail', 'ugig',
        'staff', 'system', 'moderator', 'null', 'undefined', 'me', 'settings', 'dashboard',
        'login', 'signup'
    ])
$function$;

create or replace function private.username_available(p_username text)
 returns boolean
 language sql
 stable security definer
 set search_path to ''
as $function$
    select p_username ~ '^[a-z0-9_]{3,30}$'
        and not private.is_reserved_username(p_username)
        and not exists (select 1 from public.profiles p where lower(p.username) = p_username)
$function$;

create or replace function private.pick_username(p_requested text, p_email text, p_attempt integer)
 returns text
 language plpgsql
 set search_path to ''
as $function$
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
$function$;

create or replace function private.handle_new_user()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function private.profiles_normalize()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
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
$function$;

create or replace function private.clean_tags(p_tags text[], p_column text)
 returns text[]
 language plpgsql
 immutable
 set search_path to ''
as $function$
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
$function$;

create or replace function private.has_pro(p_user_id uuid)
 returns boolean
 language plpgsql
 stable security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function private.email_setting_for(p_type text)
 returns text
 language plpgsql
 immutable
 set search_path to ''
as $function$
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
    end;
end
$function$;

create or replace function private.email_allowed(p_user_id uuid, p_type text)
 returns boolean
 language plpgsql
 stable security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function private.enqueue_email(p_user_id uuid, p_kind text, p_payload jsonb, p_throttle_key text default null::text, p_notification_id uuid default null::uuid, p_throttle interval default null::interval)
 returns uuid
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function private.notify(p_user_id uuid, p_type text, p_title text, p_body text, p_data jsonb default '{}'::jsonb, p_email_throttle_key text default null::text, p_email_throttle interval default null::interval)
 returns uuid
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_id uuid;
begin
    insert into public.notifications (user_id, type, title, body, data)
    values (p_user_id, p_type, left(p_title, 200), left(p_body, 2000), coalesce(p_data, '{}'))
    returning id into v_id;

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
$function$;

create or replace function private.rate_limit(p_action text, p_subject uuid, p_limit integer, p_window interval)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function private.is_client()
 returns boolean
 language sql
 stable
 set search_path to ''
as $function$
    select current_user in ('anon', 'authenticated')
$function$;

create or replace function private.check_urls(p_urls text[], p_column text)
 returns void
 language plpgsql
 immutable
 set search_path to ''
as $function$
declare
    v_url text;
begin
    foreach v_url in array coalesce(p_urls, '{}') loop
        if v_url !~ '^https?://\S+$' or char_length(v_url) > 2048 then
            raise exception using
                errcode = '22023',
                message = pg_catalog.format('each entry of %s must be an http(s) URL of at most 2048 characters', p_column);
        end if;
    end loop;
end
$function$;

create or replace function private.gig_transition_allowed(p_from text, p_to text)
 returns boolean
 language sql
 immutable
 set search_path to ''
as $function$
    select p_from = p_to or (p_from, p_to) in (
        ('draft', 'active'),
        ('active', 'paused'), ('paused', 'active'),
        ('active', 'closed'), ('active', 'filled'),
        ('paused', 'closed'), ('paused', 'filled'),
        ('closed', 'active')
    )
$function$;

create or replace function private.gigs_guard()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
declare
    v_accepted integer;
begin
    new.title := btrim(new.title);
    new.description := btrim(new.description);
    new.duration := nullif(btrim(new.duration), '');
    new.location := nullif(btrim(new.location), '');
    new.currency := upper(btrim(new.currency));
    new.skills_required := private.clean_tags(new.skills_required, 'skills_required');
    new.ai_tools_preferred := private.clean_tags(new.ai_tools_preferred, 'ai_tools_preferred');

    if tg_op = 'INSERT' then
        if new.status not in ('draft', 'active') then
            raise exception using
                errcode = 'PT409',
                message = pg_catalog.format('a gig is created as draft or active, not %s', new.status);
        end if;
    else
        if new.id <> old.id or new.poster_id <> old.poster_id or new.created_at <> old.created_at then
            raise exception using errcode = '42501', message = 'a gig''s id, poster and creation time cannot change';
        end if;
        if old.published_at is not null and new.published_at is distinct from old.published_at then
            raise exception using errcode = '42501', message = 'published_at is set by the database and never reset';
        end if;
        if not private.gig_transition_allowed(old.status, new.status) then
            raise exception using
                errcode = 'PT409',
                message = pg_catalog.format('a gig cannot go from %s to %s', old.status, new.status);
        end if;
        if new.positions < old.positions then
            select count(*) into v_accepted
            from public.applications as a
            where a.gig_id = new.id and a.status = 'accepted';
            if new.positions < v_accepted then
                raise exception using
                    errcode = 'PT409',
                    message = pg_catalog.format('%s applications are already accepted: positions cannot go below that', v_accepted);
            end if;
        end if;
    end if;

    if new.status <> 'draft' and new.published_at is null then
        new.published_at := now();
    end if;
    new.search_vector :=
        setweight(to_tsvector('english'::regconfig, coalesce(new.title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(array_to_string(new.skills_required, ' '), '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(new.description, '')), 'C');
    -- Counters change often; only a change of the gig itself moves updated_at.
    if tg_op = 'UPDATE' and (
        to_jsonb(new) - array['applications_count', 'views_count', 'updated_at']
    ) is distinct from (
        to_jsonb(old) - array['applications_count', 'views_count', 'updated_at']
    ) then
        new.updated_at := now();
    end if;
    return new;
end
$function$;

create or replace function private.gigs_plan_limit()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_count integer;
begin
    if new.status <> 'active'
        or (tg_op = 'UPDATE' and old.published_at is not null)
        or exists (select 1 from private.gig_publications as p where p.gig_id = new.id) then
        return new;
    end if;
    -- One publisher at a time per poster, so two concurrent activations cannot both be the 10th.
    perform pg_catalog.pg_advisory_xact_lock(
        pg_catalog.hashtextextended('gigs.publish:' || new.poster_id::text, 0)
    );
    if not private.has_pro(new.poster_id) then
        select count(*) into v_count
        from private.gig_publications as p
        where p.poster_id = new.poster_id
            and p.published_at >= pg_catalog.date_trunc('month', now(), 'UTC');
        if v_count >= 10 then
            raise exception using
                errcode = 'PT402',
                message = 'plan limit reached: without Pro you can publish at most 10 new gigs per calendar month (UTC)',
                hint = 'upgrade to Pro, re-activate a gig you published before, or wait until next month';
        end if;
    end if;
    insert into private.gig_publications (gig_id, poster_id, published_at)
    values (new.id, new.poster_id, now());
    return new;
end
$function$;

create or replace function private.gigs_before_delete()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
begin
    if exists (select 1 from public.applications as a where a.gig_id = old.id)
        and exists (select 1 from public.profiles as p where p.id = old.poster_id) then
        raise exception using
            errcode = 'PT409',
            message = 'this gig has applications and cannot be deleted: close it instead';
    end if;
    return old;
end
$function$;

create or replace function private.gigs_after_filled()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    update public.applications as a
    set status = 'rejected'
    where a.gig_id = new.id and a.status in ('pending', 'reviewing', 'shortlisted');
    return null;
end
$function$;

create or replace function private.gigs_after_positions()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    update public.gigs as g
    set status = 'filled'
    where g.id = new.id
        and g.status in ('active', 'paused')
        and g.positions <= (
            select count(*) from public.applications as a where a.gig_id = g.id and a.status = 'accepted'
        );
    return null;
end
$function$;

create or replace function private.application_transition_allowed(p_from text, p_to text, p_actor text)
 returns boolean
 language sql
 immutable
 set search_path to ''
as $function$
    select p_from = p_to or case p_actor
        when 'applicant' then p_to = 'withdrawn' and p_from in ('pending', 'reviewing', 'shortlisted')
        when 'poster' then (p_from, p_to) in (
            ('pending', 'reviewing'), ('pending', 'shortlisted'), ('pending', 'rejected'), ('pending', 'accepted'),
            ('reviewing', 'shortlisted'), ('reviewing', 'rejected'), ('reviewing', 'accepted'),
            ('shortlisted', 'reviewing'), ('shortlisted', 'rejected'), ('shortlisted', 'accepted'),
            ('rejected', 'reviewing')
        )
        else private.application_transition_allowed(p_from, p_to, 'applicant')
            or private.application_transition_allowed(p_from, p_to, 'poster')
    end
$function$;

create or replace function private.applications_guard()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
declare
    v_uid uuid := (select auth.uid());
    v_gig record;
    v_actor text := 'system';
    v_proposal_changed boolean;
    v_accepted integer;
begin
    new.cover_letter := btrim(new.cover_letter);
    new.proposed_timeline := nullif(btrim(new.proposed_timeline), '');
    new.portfolio_urls := private.clean_tags(new.portfolio_urls, 'portfolio_urls');
    new.ai_tools := private.clean_tags(new.ai_tools, 'ai_tools');
    perform private.check_urls(new.portfolio_urls, 'portfolio_urls');

    if tg_op = 'INSERT' then
        if new.status <> 'pending' then
            raise exception using errcode = 'PT409', message = 'an application starts as pending';
        end if;
        -- Runs with the caller's rights: a gig the caller cannot see is not found.
        select g.poster_id, g.status into v_gig from public.gigs as g where g.id = new.gig_id;
        if not found then
            raise exception using errcode = 'PT404', message = 'gig not found';
        end if;
        if v_gig.poster_id = new.applicant_id then
            raise exception using errcode = '42501', message = 'you cannot apply to your own gig';
        end if;
        if v_gig.status <> 'active' then
            raise exception using
                errcode = 'PT409',
                message = pg_catalog.format('this gig is %s and does not accept applications', v_gig.status);
        end if;
        -- The poster reads the application through this copy (policy on an indexed column).
        new.poster_id := v_gig.poster_id;
        return new;
    end if;

    if new.id <> old.id or new.gig_id <> old.gig_id or new.applicant_id <> old.applicant_id
        or new.poster_id <> old.poster_id or new.created_at <> old.created_at then
        raise exception using
            errcode = '42501', message = 'an application''s id, gig, applicant, poster and creation time cannot change';
    end if;
    v_proposal_changed := (new.cover_letter, new.proposed_rate, new.proposed_timeline, new.portfolio_urls, new.ai_tools)
        is distinct from (old.cover_letter, old.proposed_rate, old.proposed_timeline, old.portfolio_urls, old.ai_tools);

    if private.is_client() then
        if v_uid = old.applicant_id then
            v_actor := 'applicant';
            if new.status <> old.status and new.status <> 'withdrawn' then
                raise exception using
                    errcode = '42501', message = 'only the gig''s poster changes an application''s status; you may withdraw';
            end if;
            if v_proposal_changed and old.status <> 'pending' then
                raise exception using
                    errcode = 'PT409',
                    message = pg_catalog.format('the proposal can only be edited while pending, not %s', old.status);
            end if;
        else
            v_actor := 'poster';
            if v_proposal_changed then
                raise exception using errcode = '42501', message = 'only the applicant edits the proposal';
            end if;
            if new.status = 'withdrawn' and old.status <> 'withdrawn' then
                raise exception using errcode = '42501', message = 'only the applicant withdraws an application';
            end if;
        end if;
    end if;

    if not private.application_transition_allowed(old.status, new.status, v_actor) then
        raise exception using
            errcode = 'PT409',
            message = pg_catalog.format('an application cannot go from %s to %s', old.status, new.status);
    end if;

    if new.status = 'accepted' and old.status <> 'accepted' then
        -- Lock the gig so concurrent acceptances count each other.
        select g.status, g.positions into v_gig from public.gigs as g where g.id = new.gig_id for update;
        if v_gig.status not in ('active', 'paused') then
            raise exception using
                errcode = 'PT409',
                message = pg_catalog.format('this gig is %s: nobody more can be accepted', v_gig.status);
        end if;
        select count(*) into v_accepted
        from public.applications as a
        where a.gig_id = new.gig_id and a.status = 'accepted' and a.id <> new.id;
        if v_accepted >= v_gig.positions then
            raise exception using
                errcode = 'PT409', message = 'all positions of this gig are already filled';
        end if;
    end if;
    return new;
end
$function$;

create or replace function private.applications_serialize()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
begin
    perform pg_catalog.pg_advisory_xact_lock(
        pg_catalog.hashtextextended('applications.update:' || coalesce((select auth.uid())::text, ''), 0)
    );
    return null;
end
$function$;

create or replace function private.applications_rate_limit()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    if (select auth.role()) in ('anon', 'authenticated') then
        perform private.rate_limit('applications.create', new.applicant_id, 50, interval '24 hours');
    end if;
    return new;
end
$function$;

create or replace function private.applications_after_change()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_accepted integer;
begin
    if tg_op = 'INSERT' then
        update public.gigs as g set applications_count = g.applications_count + 1 where g.id = new.gig_id;
    elsif tg_op = 'DELETE' then
        update public.gigs as g set applications_count = greatest(g.applications_count - 1, 0)
        where g.id = old.gig_id;
    elsif new.status = 'accepted' and old.status <> 'accepted' then
        select count(*) into v_accepted
        from public.applications as a
        where a.gig_id = new.gig_id and a.status = 'accepted';
        update public.gigs as g set status = 'filled'
        where g.id = new.gig_id and g.status in ('active', 'paused') and v_accepted >= g.positions;
    end if;
    return null;
end
$function$;

create or replace function private.saved_gigs_guard()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
declare
    v_poster uuid;
begin
    -- Runs with the caller's rights: a gig the caller cannot see is not found.
    select g.poster_id into v_poster from public.gigs as g where g.id = new.gig_id;
    if not found then
        raise exception using errcode = 'PT404', message = 'gig not found';
    end if;
    if v_poster = new.user_id then
        raise exception using errcode = '42501', message = 'you cannot save your own gig';
    end if;
    return new;
end
$function$;

create or replace function private.work_history_normalize()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
begin
    new.company := btrim(new.company);
    new.title := btrim(new.title);
    new.description := nullif(btrim(new.description), '');
    return new;
end
$function$;

create or replace function private.worked_on_gig(p_gig_id uuid, p_user uuid)
 returns boolean
 language sql
 stable security definer
 set search_path to ''
as $function$
    select exists (select 1 from public.gigs as g where g.id = p_gig_id and g.poster_id = p_user)
        or exists (
            select 1 from public.applications as a
            where a.gig_id = p_gig_id and a.applicant_id = p_user and a.status = 'accepted'
        )
$function$;

create or replace function private.portfolio_items_guard()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
begin
    new.title := btrim(new.title);
    new.description := nullif(btrim(new.description), '');
    new.url := nullif(btrim(new.url), '');
    new.image_path := nullif(btrim(new.image_path), '');
    new.tags := private.clean_tags(new.tags, 'tags');
    if new.image_path is not null and split_part(new.image_path, '/', 1) <> new.user_id::text then
        raise exception using
            errcode = '22023', message = 'image_path must be a file in your own folder of the portfolio bucket (<your id>/...)';
    end if;
    if new.gig_id is not null
        and (tg_op = 'INSERT' or new.gig_id is distinct from old.gig_id)
        and not private.worked_on_gig(new.gig_id, new.user_id) then
        raise exception using
            errcode = '42501', message = 'a portfolio item can only link a gig you posted or were accepted on';
    end if;
    return new;
end
$function$;

create or replace function private.review_allowed(p_gig_id uuid, p_reviewer uuid, p_reviewee uuid)
 returns boolean
 language sql
 stable security definer
 set search_path to ''
as $function$
    select p_reviewer <> p_reviewee and exists (
        select 1
        from public.gigs as g
        join public.applications as a on a.gig_id = g.id and a.status = 'accepted'
        where g.id = p_gig_id
            and (
                (g.poster_id = p_reviewer and a.applicant_id = p_reviewee)
                or (g.poster_id = p_reviewee and a.applicant_id = p_reviewer)
            )
    )
$function$;

create or replace function private.reviews_guard()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
begin
    new.comment := nullif(btrim(new.comment), '');
    if tg_op = 'INSERT' then
        if not private.review_allowed(new.gig_id, new.reviewer_id, new.reviewee_id) then
            raise exception using
                errcode = '42501',
                message = 'reviews are only between a gig''s poster and an applicant accepted on that gig, never yourself';
        end if;
        return new;
    end if;
    if (new.id, new.gig_id, new.reviewer_id, new.reviewee_id, new.created_at)
        is distinct from (old.id, old.gig_id, old.reviewer_id, old.reviewee_id, old.created_at) then
        raise exception using errcode = '42501', message = 'only a review''s rating and comment can change';
    end if;
    if private.is_client() and old.created_at < now() - interval '14 days' then
        raise exception using errcode = 'PT409', message = 'a review can only be edited within 14 days';
    end if;
    return new;
end
$function$;

create or replace function private.refresh_rating(p_user uuid)
 returns void
 language sql
 security definer
 set search_path to ''
as $function$
    update public.profiles as p
    set rating_avg = r.avg, rating_count = r.count
    from (
        select round(avg(v.rating), 2) as avg, count(*)::integer as count
        from public.reviews as v
        where v.reviewee_id = p_user
    ) as r
    where p.id = p_user
        and (p.rating_avg, p.rating_count) is distinct from (r.avg, r.count)
$function$;

create or replace function private.reviews_after_change()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform private.refresh_rating(old.reviewee_id);
    end if;
    if tg_op in ('INSERT', 'UPDATE') and (tg_op = 'INSERT' or new.reviewee_id <> old.reviewee_id
        or new.rating <> old.rating) then
        perform private.refresh_rating(new.reviewee_id);
    end if;
    return null;
end
$function$;

create or replace function private.my_applicant_ids()
 returns text[]
 language sql
 stable security definer
 set search_path to ''
as $function$
    select coalesce(array_agg(distinct a.applicant_id::text), '{}')
    from public.applications as a
    join public.gigs as g on g.id = a.gig_id
    where g.poster_id = (select auth.uid())
$function$;

create or replace function private.marketplace_forget_user()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    delete from private.rate_limit_events as e where e.subject = old.id;
    begin
        delete from storage.objects as o
        where o.bucket_id in ('avatars', 'portfolio', 'resumes')
            and (storage.foldername(o.name))[1] = old.id::text;
    exception when others then
        raise warning 'files of deleted user % were not removed: % (SQLSTATE %)', old.id, sqlerrm, sqlstate;
    end;
    return null;
end
$function$;

create or replace function private.search_gigs(q text default null::text, category text default null::text, skills text[] default null::text[], budget_type text default null::text, budget_min numeric default null::numeric, budget_max numeric default null::numeric, location_type text default null::text, sort text default 'relevance'::text, cursor text default null::text, page_size integer default 20)
 returns setof public.gig_search_result
 language plpgsql
 stable security definer
 set search_path to ''
as $function$
declare
    v_query tsquery;
    v_sort text := coalesce(search_gigs.sort, 'relevance');
    v_key text;
    v_key_type text;
    v_after jsonb;
    v_after_key text;
    v_after_id uuid;
    -- Relevance ranks the gigs published since v_fresh_since first, then the older ones: ranking
    -- every match of a common word costs a heap visit per match, the fresh ones are few.
    v_fresh_since timestamptz;
    v_tier boolean;
    v_left integer := search_gigs.page_size;
    v_rows integer;
begin
    if search_gigs.page_size is null or search_gigs.page_size not between 1 and 50 then
        raise exception using errcode = '22023', message = 'page_size must be between 1 and 50';
    end if;
    if v_sort not in ('relevance', 'newest', 'budget') then
        raise exception using errcode = '22023', message = 'sort must be relevance, newest or budget';
    end if;
    if nullif(btrim(search_gigs.q), '') is not null then
        v_query := pg_catalog.websearch_to_tsquery('english'::regconfig, search_gigs.q);
        -- Only stop words ("the", "a"): nothing to match on, so no text filter at all.
        if pg_catalog.numnode(v_query) = 0 then
            v_query := null;
        end if;
    end if;
    -- Without a query every rank is equal: relevance means newest.
    if v_sort = 'relevance' and v_query is null then
        v_sort := 'newest';
    end if;
    -- The sort key as a plain expression, so `newest` and `budget` walk their indexes.
    v_key := case v_sort
        when 'relevance' then 'pg_catalog.ts_rank(g.search_vector, $1)'
        when 'budget' then 'coalesce(g.budget_max, g.budget_min, -1)'
        else 'g.published_at'
    end;
    v_key_type := case v_sort when 'relevance' then 'real' when 'budget' then 'numeric' else 'timestamptz' end;
    if v_sort = 'relevance' then
        v_fresh_since := now() - interval '7 days';
        v_tier := true;
    end if;
    if search_gigs.cursor is not null then
        begin
            v_after := convert_from(decode(search_gigs.cursor, 'base64'), 'UTF8')::jsonb;
            v_after_key := v_after ->> 'k';
            v_after_id := (v_after ->> 'id')::uuid;
            -- The key must read back as the sort's type.
            execute pg_catalog.format('select %L::%s', v_after_key, v_key_type);
            -- Later pages keep the first page's boundary, so no gig changes tier between pages.
            if v_sort = 'relevance' then
                v_fresh_since := (v_after ->> 'b')::timestamptz;
                v_tier := (v_after ->> 'f')::boolean;
            end if;
        exception when others then
            v_after := null;
        end;
        if v_after is null or v_after ->> 's' is distinct from v_sort or v_after_key is null or v_after_id is null
            or (v_sort = 'relevance' and (v_fresh_since is null or v_tier is null)) then
            raise exception using
                errcode = '22023', message = 'cursor is not valid for this search (use next_cursor of the same search)';
        end if;
    end if;

    loop
        -- The page is chosen first; only its rows build a cursor (cheap per row, not per match).
        -- $12/$13: the tier (fresh: an index condition; older: a filter, as it keeps most rows).
        return query execute pg_catalog.format(
            $sql$
            select
                h.id, h.poster_id, h.title, h.description, h.category, h.skills_required, h.ai_tools_preferred,
                h.budget_type, h.budget_min, h.budget_max, h.currency, h.duration, h.location_type, h.location,
                h.positions, h.status, h.published_at, h.applications_count, h.views_count, h.created_at, h.rank,
                translate(encode(convert_to(jsonb_strip_nulls(jsonb_build_object(
                    's', $11, 'k', h.k::text, 'id', h.id, 'f', $12, 'b', $13
                ))::text, 'UTF8'), 'base64'), E'\n', '')
            from (
                select
                    g.id, g.poster_id, g.title, g.description, g.category, g.skills_required,
                    g.ai_tools_preferred, g.budget_type, g.budget_min, g.budget_max, g.currency, g.duration,
                    g.location_type, g.location, g.positions, g.status, g.published_at, g.applications_count,
                    g.views_count, g.created_at,
                    case when $1 is null then 0::real else pg_catalog.ts_rank(g.search_vector, $1) end as rank,
                    %1$s as k
                from public.gigs as g
                where g.status = 'active'
                    and ($1 is null or g.search_vector @@ $1)
                    and ($2 is null or g.category = $2)
                    and ($3 is null or cardinality($3) = 0 or g.skills_required && $3)
                    and ($4 is null or g.budget_type = $4)
                    and ($5 is null or coalesce(g.budget_max, g.budget_min) >= $5)
                    and ($6 is null or coalesce(g.budget_min, g.budget_max) <= $6)
                    and ($7 is null or g.location_type = $7)
                    and ($8 is null or (%1$s, g.id) < ($8::%2$s, $9))
                    and ($12 is null or ($12 and g.published_at >= $13)
                        or (not $12 and (g.published_at < $13) is not false))
                order by %1$s desc, g.id desc
                limit $10
            ) as h
            order by h.k desc, h.id desc
            $sql$,
            v_key, v_key_type
        )
        using v_query, search_gigs.category, search_gigs.skills, search_gigs.budget_type, search_gigs.budget_min,
            search_gigs.budget_max, search_gigs.location_type, v_after_key, v_after_id, v_left, v_sort,
            v_tier, v_fresh_since;
        get diagnostics v_rows = row_count;
        v_left := v_left - v_rows;
        exit when v_left = 0 or v_tier is distinct from true;
        -- The fresh gigs ran out: the page goes on with the older ones, from their top.
        v_tier := false;
        v_after_key := null;
        v_after_id := null;
    end loop;
end
$function$;

create or replace function public.search_gigs(q text default null::text, category text default null::text, skills text[] default null::text[], budget_type text default null::text, budget_min numeric default null::numeric, budget_max numeric default null::numeric, location_type text default null::text, sort text default 'relevance'::text, cursor text default null::text, page_size integer default 20)
 returns setof public.gig_search_result
 language sql
 stable
 set search_path to ''
as $function$
    select
        h.id, h.poster_id, h.title, h.description, h.category, h.skills_required, h.ai_tools_preferred,
        h.budget_type, h.budget_min, h.budget_max, h.currency, h.duration, h.location_type, h.location,
        h.positions, h.status, h.published_at, h.applications_count, h.views_count, h.created_at,
        h.rank, h.next_cursor
    from private.search_gigs(
        search_gigs.q, search_gigs.category, search_gigs.skills, search_gigs.budget_type, search_gigs.budget_min,
        search_gigs.budget_max, search_gigs.location_type, search_gigs.sort, search_gigs.cursor, search_gigs.page_size
    ) with ordinality as h
    -- The caller's rights: each hit must be a gig the caller's policies let them read.
    where exists (select 1 from public.gigs as g where g.id = h.id)
    order by h.ordinality
$function$;

create or replace function private.record_gig_view(p_gig_id uuid)
 returns boolean
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_uid uuid := (select auth.uid());
    v_gig record;
    v_headers jsonb;
    v_client text;
    v_key text;
begin
    select g.poster_id, g.status into v_gig from public.gigs as g where g.id = p_gig_id;
    if not found or (v_gig.status = 'draft' and v_gig.poster_id is distinct from v_uid) then
        raise exception using errcode = 'PT404', message = 'gig not found';
    end if;
    if v_gig.poster_id = v_uid then
        return false;  -- posters looking at their own gig are not views
    end if;
    if v_uid is not null then
        v_key := v_uid::text;
    else
        -- Visitors without an account are told apart by the client address the API gateway saw.
        begin
            v_headers := nullif(current_setting('request.headers', true), '')::jsonb;
        exception when others then
            v_headers := null;
        end;
        v_client := coalesce(
            v_headers ->> 'cf-connecting-ip',
            v_headers ->> 'x-real-ip',
            btrim(split_part(v_headers ->> 'x-forwarded-for', ',', 1))
        );
        if nullif(v_client, '') is null then
            return false;
        end if;
        v_key := 'ip:' || md5(v_client);
    end if;
    insert into private.gig_views (gig_id, viewer_key, viewer_id, viewed_on)
    values (p_gig_id, v_key, v_uid, (now() at time zone 'UTC')::date)
    on conflict do nothing;
    if not found then
        return false;
    end if;
    update public.gigs as g set views_count = g.views_count + 1 where g.id = p_gig_id;
    return true;
end
$function$;

create or replace function public.record_gig_view(gig_id uuid)
 returns boolean
 language sql
 set search_path to ''
as $function$
    select private.record_gig_view(gig_id)
$function$;

create or replace function public.set_application_status(application_id uuid, status text)
 returns public.applications
 language plpgsql
 set search_path to ''
as $function$
#variable_conflict use_variable
declare
    v_row public.applications;
begin
    update public.applications as a
    set status = set_application_status.status
    where a.id = set_application_status.application_id
    returning a.* into v_row;
    if not found then
        raise exception using errcode = 'PT404', message = 'application not found';
    end if;
    return v_row;
end
$function$;

create or replace function public.bulk_set_application_status(application_ids uuid[], status text)
 returns setof public.applications
 language plpgsql
 set search_path to ''
as $function$
#variable_conflict use_variable
declare
    v_ids uuid [];
    v_count integer;
begin
    select coalesce(array_agg(distinct x), '{}') into v_ids
    from unnest(bulk_set_application_status.application_ids) as x
    where x is not null;
    if cardinality(v_ids) = 0 or cardinality(v_ids) > 50 then
        raise exception using errcode = '22023', message = 'application_ids must hold 1 to 50 ids';
    end if;
    return query
    update public.applications as a
    set status = bulk_set_application_status.status
    where a.id = any (v_ids)
    returning a.*;
    get diagnostics v_count = row_count;
    if v_count <> cardinality(v_ids) then
        -- All or nothing: one unknown or invisible id undoes the whole call.
        raise exception using
            errcode = 'PT404',
            message = pg_catalog.format('%s of the %s applications were not found', cardinality(v_ids) - v_count,
                cardinality(v_ids));
    end if;
end
$function$;

create or replace function private.try_uuid(p_text text)
 returns uuid
 language plpgsql
 immutable
 set search_path to ''
as $function$
begin
    return p_text::uuid;
exception when invalid_text_representation then
    return null;
end
$function$;

create or replace function private.my_conversation_ids()
 returns setof uuid
 language sql
 stable security definer
 set search_path to ''
as $function$
    select p.conversation_id
    from public.conversation_participants as p
    where p.user_id = (select auth.uid())
$function$;

create or replace function private.is_participant(p_conversation_id uuid, p_user_id uuid default null::uuid)
 returns boolean
 language plpgsql
 stable security definer
 set search_path to ''
as $function$
begin
    -- plpgsql for its session-long plan (see private.has_pro).
    return exists (
        select 1
        from public.conversation_participants as p
        where p.conversation_id = p_conversation_id
            and p.user_id = coalesce(p_user_id, (select auth.uid()))
    );
end
$function$;

create or replace function private.is_blocked(p_a uuid, p_b uuid)
 returns boolean
 language plpgsql
 stable security definer
 set search_path to ''
as $function$
begin
    -- plpgsql for its session-long plan (see private.has_pro): the Jitsi token path calls it per request.
    return exists (
        select 1
        from public.user_blocks as b
        where (b.blocker_id = p_a and b.blocked_id = p_b)
            or (b.blocker_id = p_b and b.blocked_id = p_a)
    );
end
$function$;

create or replace function private.display_name(p_user_id uuid)
 returns text
 language sql
 stable
 set search_path to ''
as $function$
    select coalesce(
        (select coalesce(p.full_name, '@' || p.username) from public.profiles as p where p.id = p_user_id),
        'Someone'
    )
$function$;

create or replace function private.share_conversation_or_application(p_a uuid, p_b uuid)
 returns boolean
 language plpgsql
 stable
 set search_path to ''
as $function$
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
$function$;

create or replace function private.check_attachments(p_conversation_id uuid, p_attachments jsonb)
 returns void
 language plpgsql
 immutable
 set search_path to ''
as $function$
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
$function$;

create or replace function private.start_conversation(p_other_user_id uuid, p_gig_id uuid)
 returns uuid
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function public.start_conversation(other_user_id uuid, gig_id uuid default null::uuid)
 returns uuid
 language sql
 set search_path to ''
as $function$
    select private.start_conversation(other_user_id, gig_id)
$function$;

create or replace function private.mark_conversation_read(p_conversation_id uuid)
 returns timestamp with time zone
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function public.mark_conversation_read(conversation_id uuid)
 returns timestamp with time zone
 language sql
 set search_path to ''
as $function$
    select private.mark_conversation_read(conversation_id)
$function$;

create or replace function private.my_conversations(page_size integer, cursor text)
 returns table(conversation_id uuid, gig_id uuid, created_at timestamp with time zone, last_message_at timestamp with time zone, last_read_at timestamp with time zone, unread_count bigint, other_participant jsonb, last_message jsonb, next_cursor text)
 language plpgsql
 stable security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function public.my_conversations(page_size integer default 20, cursor text default null::text)
 returns table(conversation_id uuid, gig_id uuid, created_at timestamp with time zone, last_message_at timestamp with time zone, last_read_at timestamp with time zone, unread_count bigint, other_participant jsonb, last_message jsonb, next_cursor text)
 language sql
 stable
 set search_path to ''
as $function$
    select * from private.my_conversations(page_size, cursor)
$function$;

create or replace function private.messages_before_insert()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function private.messages_after_insert()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function private.messages_before_update()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
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
$function$;

create or replace function public.mark_all_notifications_read()
 returns integer
 language plpgsql
 set search_path to ''
as $function$
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
$function$;

create or replace function private.check_call_time(p_scheduled_at timestamp with time zone)
 returns void
 language plpgsql
 stable
 set search_path to ''
as $function$
begin
    if p_scheduled_at is null or p_scheduled_at <= now() or p_scheduled_at > now() + interval '90 days' then
        raise exception using errcode = '22023', message = 'scheduled_at must be in the future and within 90 days';
    end if;
end
$function$;

create or replace function private.video_calls_before_insert()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function private.video_calls_before_update()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
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
$function$;

create or replace function private.video_calls_notify()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function private.jitsi_call_access(p_call_id uuid, p_user_id uuid)
 returns table(room_name text, role text, scheduled_at timestamp with time zone, ends_at timestamp with time zone, display_name text, avatar_url text)
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
    scheduled_at := v_call.scheduled_at;
    ends_at := v_call.ends_at;
    display_name := v_call.display_name;
    avatar_url := v_call.avatar_url;
    return next;
end
$function$;

create or replace function private.mark_call_joined(p_call_id uuid)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_status text;
begin
    select v.status into v_status from public.video_calls as v where v.id = p_call_id for update;
    if not found then
        raise exception using errcode = 'PT404', message = 'call not found';
    end if;
    if v_status = 'scheduled' then
        update public.video_calls as v set status = 'in_progress' where v.id = p_call_id;
    elsif v_status <> 'in_progress' then
        raise exception using errcode = 'PT409', message = pg_catalog.format('the call is %s', v_status);
    end if;
end
$function$;

create or replace function private.realtime_topic_allowed(p_topic text, p_send boolean)
 returns boolean
 language plpgsql
 stable security definer
 set search_path to ''
as $function$
declare
    v_uid uuid := auth.uid();
begin
    if v_uid is null or p_topic is null then
        return false;
    end if;
    if p_topic like 'conversation:%' then
        return private.is_participant(private.try_uuid(substr(p_topic, 14)), v_uid);
    end if;
    if p_topic like 'user:%' then
        return not p_send and private.try_uuid(substr(p_topic, 6)) = v_uid;
    end if;
    return false;
end
$function$;

create or replace function private.applications_notify()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_poster uuid;
    v_title text;
    v_data jsonb;
begin
    select g.poster_id, g.title into v_poster, v_title from public.gigs as g where g.id = new.gig_id;
    v_data := jsonb_build_object(
        'application_id', new.id, 'gig_id', new.gig_id, 'gig_title', v_title, 'status', new.status
    );
    if tg_op = 'INSERT' then
        perform private.notify(
            v_poster, 'application_received',
            private.display_name(new.applicant_id) || ' applied to ' || coalesce(v_title, 'your gig'),
            null, v_data
        );
    elsif new.status is distinct from old.status then
        if new.status = 'withdrawn' then
            -- The applicant withdrew: the poster is told.
            perform private.notify(
                v_poster, 'application_status_changed',
                private.display_name(new.applicant_id) || ' withdrew their application',
                'For ' || coalesce(v_title, 'your gig') || '.', v_data
            );
        else
            perform private.notify(
                new.applicant_id, 'application_status_changed',
                'Your application is ' || new.status,
                'For ' || coalesce(v_title, 'a gig') || '.', v_data || jsonb_build_object('previous_status', old.status)
            );
        end if;
    end if;
    return null;
end
$function$;

create or replace function private.gigs_notify_filled()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    perform private.notify(
        new.poster_id, 'gig_filled',
        'Your gig is filled',
        new.title || ': every position is taken.',
        jsonb_build_object('gig_id', new.id, 'gig_title', new.title)
    );
    return null;
end
$function$;

create or replace function private.reviews_notify()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    perform private.notify(
        new.reviewee_id, 'review_received',
        private.display_name(new.reviewer_id) || ' reviewed you: ' || new.rating || '/5',
        new.comment,
        jsonb_build_object(
            'review_id', new.id,
            'gig_id', new.gig_id,
            'reviewer_id', new.reviewer_id,
            'rating', new.rating
        )
    );
    return null;
end
$function$;

create or replace function private.stripe_user_from_metadata(p_metadata jsonb)
 returns uuid
 language sql
 stable
 set search_path to ''
as $function$
    select s.user_id
    from public.subscriptions as s
    where p_metadata ->> 'user_id' ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
        and s.user_id = (p_metadata ->> 'user_id')::uuid
$function$;

create or replace function private.stripe_apply_subscription(p_event_id text, p_type text, p_created timestamp with time zone, p_sub jsonb, p_pro_price_ids text[])
 returns text
 language plpgsql
 set search_path to ''
as $function$
declare
    -- Tie-break within one second (see the header).
    v_rank smallint := case p_type
        when 'customer.subscription.created' then 1 when 'customer.subscription.deleted' then 3 else 2
    end;
    v_sub_id text := p_sub ->> 'id';
    v_customer text := coalesce(p_sub -> 'customer' ->> 'id', p_sub ->> 'customer');
    v_status text := case when p_type = 'customer.subscription.deleted' then 'canceled' else p_sub ->> 'status' end;
    v_item jsonb;
    v_price text;
    v_plan text;
    v_user uuid;
    v_old public.subscriptions;
    v_new public.subscriptions;
    v_had_pro boolean;
    v_has_pro boolean;
    v_title text;
    v_body text;
begin
    if v_sub_id is null or v_status is null then
        raise exception using errcode = '22023', message = 'subscription object without id or status';
    end if;
    -- The Pro item if there is one (an item carries its price; very old versions: the plan).
    select i.item into v_item
    from jsonb_array_elements(coalesce(p_sub #> '{items,data}', '[]')) as i (item)
    order by coalesce(i.item #>> '{price,id}', i.item #>> '{plan,id}') = any(p_pro_price_ids) desc nulls last
    limit 1;
    v_price := coalesce(v_item #>> '{price,id}', v_item #>> '{plan,id}', p_sub #>> '{plan,id}');
    v_plan := case
        when v_price = any(p_pro_price_ids) and v_status not in ('canceled', 'incomplete_expired') then 'pro'
        else 'free'
    end;

    select s.user_id into v_user from public.subscriptions as s where s.stripe_customer_id = v_customer;
    v_user := coalesce(v_user, private.stripe_user_from_metadata(p_sub -> 'metadata'));
    if v_user is null then
        return 'unmatched';
    end if;
    select * into v_old from public.subscriptions as s where s.user_id = v_user for update;

    if v_old.stripe_event_created is not null
        and (p_created, v_rank) < (v_old.stripe_event_created, v_old.stripe_event_rank) then
        return 'stale';
    end if;
    if v_old.stripe_subscription_id = v_sub_id then
        if v_old.status = 'canceled' and v_status <> 'canceled' then
            return 'stale';  -- deleted stays deleted
        end if;
    elsif v_old.stripe_subscription_id is not null then
        -- Another subscription of the same user: it takes over only if it is not over, and the
        -- current one is over or the new one is running.
        if v_status in ('canceled', 'incomplete_expired')
            or not (
                v_old.status in ('canceled', 'incomplete_expired')
                or v_status in ('trialing', 'active', 'past_due', 'unpaid', 'paused')
            ) then
            return 'ignored';
        end if;
    end if;

    v_had_pro := private.has_pro(v_user);
    update public.subscriptions as s
    set plan = v_plan,
        status = v_status,
        stripe_customer_id = coalesce(s.stripe_customer_id, v_customer),
        stripe_subscription_id = v_sub_id,
        price_id = v_price,
        current_period_start = coalesce(
            pg_catalog.to_timestamp((v_item ->> 'current_period_start')::double precision), pg_catalog.to_timestamp((p_sub ->> 'current_period_start')::double precision)
        ),
        current_period_end = coalesce(
            pg_catalog.to_timestamp((v_item ->> 'current_period_end')::double precision), pg_catalog.to_timestamp((p_sub ->> 'current_period_end')::double precision)
        ),
        cancel_at_period_end = coalesce((p_sub ->> 'cancel_at_period_end')::boolean, false),
        canceled_at = pg_catalog.to_timestamp((p_sub ->> 'canceled_at')::double precision),
        trial_end = pg_catalog.to_timestamp((p_sub ->> 'trial_end')::double precision),
        stripe_event_created = p_created,
        stripe_event_rank = v_rank,
        stripe_event_id = p_event_id
    where s.user_id = v_user
    returning * into v_new;
    v_has_pro := private.has_pro(v_user);

    if p_type = 'customer.subscription.trial_will_end' then
        v_title := 'Your Pro trial ends soon';
        v_body := 'Your Pro trial ends on ' || coalesce(pg_catalog.to_char(v_new.trial_end, 'FMMonth FMDD, YYYY'), 'its end date')
            || '. Your subscription continues unless you cancel it before then.';
    elsif (v_new.plan, v_new.status, v_new.cancel_at_period_end) is not distinct from
        (v_old.plan, v_old.status, v_old.cancel_at_period_end) and v_had_pro = v_has_pro
        or v_new.status in ('incomplete', 'incomplete_expired') then
        -- Nothing the user would notice (a metadata change), or a checkout that never completed.
        return 'applied';
    elsif v_new.status = 'canceled' then
        v_title := 'Your Pro subscription has ended';
        v_body := 'You are on the free plan now. You can subscribe again at any time.';
    elsif v_new.status = 'past_due' then
        v_title := 'Payment needed to keep Pro';
        v_body := 'We could not renew your Pro subscription. Please update your payment method.';
    elsif v_new.status = 'paused' then
        v_title := 'Your Pro subscription is paused';
        v_body := 'Pro features are off until the subscription resumes.';
    elsif v_has_pro and v_new.cancel_at_period_end and not v_old.cancel_at_period_end then
        v_title := 'Your Pro subscription will end';
        v_body := 'Pro stays active until ' || coalesce(pg_catalog.to_char(v_new.current_period_end, 'FMMonth FMDD, YYYY'), 'the end of the period') || '.';
    elsif v_has_pro and not v_had_pro then
        v_title := case when v_new.status = 'trialing' then 'Your Pro trial has started' else 'Welcome to Pro' end;
        v_body := 'Your Pro subscription is active.';
    elsif v_has_pro and v_old.status in ('past_due', 'unpaid', 'paused') and v_new.status = 'active' then
        v_title := 'Your Pro subscription is active again';
        v_body := 'Thank you! Everything in Pro is available again.';
    elsif v_has_pro then
        v_title := 'Your Pro subscription was updated';
        v_body := case when v_old.cancel_at_period_end and not v_new.cancel_at_period_end
            then 'Your subscription will renew automatically.'
            else 'Your subscription is ' || v_new.status || '.' end;
    else
        v_title := 'Your subscription changed';
        v_body := 'Plan: ' || v_new.plan || ', status: ' || replace(v_new.status, '_', ' ') || '.';
    end if;
    perform private.notify(
        v_user, 'subscription_changed', v_title, v_body,
        jsonb_build_object(
            'plan', v_new.plan, 'status', v_new.status, 'has_pro', v_has_pro,
            'cancel_at_period_end', v_new.cancel_at_period_end,
            'current_period_end', v_new.current_period_end, 'stripe_event_id', p_event_id
        )
    );
    return 'applied';
end
$function$;

create or replace function private.stripe_apply_checkout(p_session jsonb, p_pro_price_ids text[])
 returns text
 language plpgsql
 set search_path to ''
as $function$
declare
    v_customer text := coalesce(p_session -> 'customer' ->> 'id', p_session ->> 'customer');
    v_user uuid;
    v_event record;
begin
    v_user := coalesce(
        private.stripe_user_from_metadata(jsonb_build_object('user_id', p_session ->> 'client_reference_id')),
        private.stripe_user_from_metadata(p_session -> 'metadata'),
        (select s.user_id from public.subscriptions as s where s.stripe_customer_id = v_customer)
    );
    if v_user is null then
        return 'unmatched';
    end if;
    if v_customer is not null then
        update public.subscriptions as s
        set stripe_customer_id = v_customer
        where s.user_id = v_user and s.stripe_customer_id is null;
        for v_event in
            select e.id, e.payload
            from private.stripe_events as e
            where e.outcome = 'unmatched' and e.customer_id = v_customer
            order by e.created, e.id
            for update skip locked
        loop
            update private.stripe_events as e set attempts = e.attempts + 1 where e.id = v_event.id;
            perform private.stripe_process(v_event.id, v_event.payload, p_pro_price_ids);
        end loop;
    end if;
    return 'applied';
end
$function$;

create or replace function private.stripe_currency_exponent(p_currency text)
 returns integer
 language plpgsql
 immutable
 set search_path to ''
as $function$
begin
    return case lower(p_currency)
        when 'bif' then 0 when 'clp' then 0 when 'djf' then 0 when 'gnf' then 0 when 'jpy' then 0
        when 'kmf' then 0 when 'krw' then 0 when 'mga' then 0 when 'pyg' then 0 when 'rwf' then 0
        when 'ugx' then 0 when 'vnd' then 0 when 'vuv' then 0 when 'xaf' then 0 when 'xof' then 0
        when 'xpf' then 0
        when 'bhd' then 3 when 'jod' then 3 when 'kwd' then 3 when 'omr' then 3 when 'tnd' then 3
        else 2
    end;
end
$function$;

create or replace function private.stripe_money(p_amount bigint, p_currency text)
 returns text
 language plpgsql
 immutable
 set search_path to ''
as $function$
declare
    v_exponent integer := private.stripe_currency_exponent(p_currency);
begin
    return pg_catalog.to_char(
        p_amount / (10::numeric ^ v_exponent),
        'FM999999999990' || case when v_exponent > 0 then '.' || repeat('0', v_exponent) else '' end
    ) || ' ' || upper(p_currency);
end
$function$;

create or replace function private.stripe_apply_invoice(p_type text, p_invoice jsonb)
 returns text
 language plpgsql
 set search_path to ''
as $function$
declare
    v_invoice_id text := p_invoice ->> 'id';
    v_paid boolean := p_type = 'invoice.paid';
    v_customer text := coalesce(p_invoice -> 'customer' ->> 'id', p_invoice ->> 'customer');
    v_details jsonb := coalesce(p_invoice #> '{parent,subscription_details}', p_invoice -> 'subscription_details');
    v_user uuid;
    v_old_status text;
    v_payment public.payments;
    v_amount bigint;
    v_currency text := lower(p_invoice ->> 'currency');
    v_money text;
begin
    if v_invoice_id is null or v_currency is null then
        raise exception using errcode = '22023', message = 'invoice object without id or currency';
    end if;
    select s.user_id into v_user from public.subscriptions as s where s.stripe_customer_id = v_customer;
    v_user := coalesce(v_user, private.stripe_user_from_metadata(coalesce(v_details -> 'metadata', p_invoice -> 'metadata')));
    if v_user is null then
        return 'unmatched';
    end if;
    v_amount := case when v_paid then (p_invoice ->> 'amount_paid')::bigint else (p_invoice ->> 'amount_due')::bigint end;

    select p.status into v_old_status from public.payments as p where p.stripe_invoice_id = v_invoice_id for update;
    insert into public.payments as p (
        user_id, stripe_invoice_id, stripe_subscription_id, stripe_payment_intent_id, stripe_charge_id,
        amount_cents, currency, status, description, hosted_invoice_url
    ) values (
        v_user,
        v_invoice_id,
        coalesce(coalesce(v_details -> 'subscription' ->> 'id', v_details ->> 'subscription'), coalesce(p_invoice -> 'subscription' ->> 'id', p_invoice ->> 'subscription')),
        coalesce(
            coalesce(p_invoice -> 'payment_intent' ->> 'id', p_invoice ->> 'payment_intent'),
            (
                select coalesce(ip.payment #>> '{payment,payment_intent,id}', ip.payment #>> '{payment,payment_intent}')
                from jsonb_array_elements(coalesce(p_invoice #> '{payments,data}', '[]')) as ip (payment)
                where ip.payment #>> '{payment,payment_intent}' is not null
                limit 1
            )
        ),
        coalesce(p_invoice -> 'charge' ->> 'id', p_invoice ->> 'charge'),
        coalesce(v_amount, 0),
        v_currency,
        case when v_paid then 'paid' else 'failed' end,
        left(coalesce(p_invoice ->> 'description', p_invoice #>> '{lines,data,0,description}', 'ugig Pro'), 500),
        p_invoice ->> 'hosted_invoice_url'
    )
    on conflict (stripe_invoice_id) do update
    set status = case when p.status = 'failed' then excluded.status else p.status end,
        amount_cents = case when p.status = 'failed' then excluded.amount_cents else p.amount_cents end,
        stripe_subscription_id = coalesce(p.stripe_subscription_id, excluded.stripe_subscription_id),
        stripe_payment_intent_id = coalesce(excluded.stripe_payment_intent_id, p.stripe_payment_intent_id),
        stripe_charge_id = coalesce(excluded.stripe_charge_id, p.stripe_charge_id),
        hosted_invoice_url = coalesce(excluded.hosted_invoice_url, p.hosted_invoice_url)
    returning * into v_payment;
    v_money := private.stripe_money(v_payment.amount_cents, v_payment.currency);

    if v_paid and v_payment.amount_cents > 0 and v_old_status is distinct from v_payment.status then
        perform private.notify(
            v_user, 'payment_succeeded', 'Payment received',
            'We received your payment of ' || v_money || '. Thank you!',
            jsonb_build_object('payment_id', v_payment.id, 'amount_cents', v_payment.amount_cents,
                'currency', v_payment.currency, 'amount_display', v_money,
                'hosted_invoice_url', v_payment.hosted_invoice_url)
        );
    elsif not v_paid and v_payment.status = 'failed' then
        -- Every failed attempt is shown in the app; at most one e-mail per invoice a day.
        perform private.notify(
            v_user, 'payment_failed', 'Payment failed',
            'Your payment of ' || v_money
                || ' did not go through. Please update your payment method to keep Pro.',
            jsonb_build_object('payment_id', v_payment.id, 'amount_cents', v_payment.amount_cents,
                'currency', v_payment.currency, 'amount_display', v_money,
                'hosted_invoice_url', v_payment.hosted_invoice_url),
            'payment_failed:' || v_invoice_id, interval '20 hours'
        );
    end if;
    return 'applied';
end
$function$;

create or replace function private.stripe_apply_refund(p_charge jsonb)
 returns text
 language plpgsql
 set search_path to ''
as $function$
declare
    v_charge_id text := p_charge ->> 'id';
    v_payment_id uuid;
begin
    select p.id into v_payment_id
    from public.payments as p
    where p.stripe_charge_id = v_charge_id
        or p.stripe_payment_intent_id = coalesce(p_charge -> 'payment_intent' ->> 'id', p_charge ->> 'payment_intent')
        or p.stripe_invoice_id = coalesce(p_charge -> 'invoice' ->> 'id', p_charge ->> 'invoice')
    limit 1
    for update;
    if v_payment_id is null then
        return 'unmatched';
    end if;
    update public.payments as p
    set amount_refunded_cents = greatest(p.amount_refunded_cents, least(p.amount_cents, (p_charge ->> 'amount_refunded')::bigint)),
        stripe_charge_id = coalesce(p.stripe_charge_id, v_charge_id)
    where p.id = v_payment_id;
    update public.payments as p
    set status = case
        when p.amount_refunded_cents >= p.amount_cents then 'refunded'
        when p.amount_refunded_cents > 0 then 'partially_refunded'
        else p.status
    end
    where p.id = v_payment_id and p.status <> 'failed';
    return 'applied';
end
$function$;

create or replace function private.stripe_dispatch(p_id text, p_event jsonb, p_pro_price_ids text[])
 returns text
 language plpgsql
 set search_path to ''
as $function$
declare
    v_type text := p_event ->> 'type';
    v_object jsonb := p_event #> '{data,object}';
begin
    return case
        when v_type in (
            'customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted',
            'customer.subscription.paused', 'customer.subscription.resumed', 'customer.subscription.trial_will_end'
        ) then private.stripe_apply_subscription(
            p_id, v_type, pg_catalog.to_timestamp((p_event ->> 'created')::double precision), v_object, p_pro_price_ids
        )
        when v_type = 'checkout.session.completed' then private.stripe_apply_checkout(v_object, p_pro_price_ids)
        when v_type in ('invoice.paid', 'invoice.payment_failed') then private.stripe_apply_invoice(v_type, v_object)
        when v_type = 'charge.refunded' then private.stripe_apply_refund(v_object)
        else 'ignored'
    end;
end
$function$;

create or replace function private.stripe_process(p_id text, p_event jsonb, p_pro_price_ids text[])
 returns text
 language plpgsql
 set search_path to ''
as $function$
declare
    v_outcome text;
    v_error text;
begin
    begin
        v_outcome := private.stripe_dispatch(p_id, p_event, p_pro_price_ids);
    exception when others then
        v_outcome := 'failed';
        v_error := left(sqlstate || ': ' || sqlerrm, 1000);
    end;
    update private.stripe_events as e
    set outcome = v_outcome,
        last_error = v_error,
        processed_at = case when v_outcome in ('applied', 'ignored', 'stale') then now() end
    where e.id = p_id;
    return v_outcome;
end
$function$;

create or replace function private.stripe_apply_event(p_event jsonb, p_pro_price_ids text[])
 returns text
 language plpgsql
 set search_path to ''
as $function$
declare
    v_id text := p_event ->> 'id';
    v_processed_at timestamptz;
    v_stored record;
    v_outcome text;
    v_error text;
begin
    if v_id is null or p_event ->> 'type' is null or jsonb_typeof(p_event -> 'created') <> 'number' then
        raise exception using errcode = '22023', message = 'not a Stripe event: id, type and created are required';
    end if;
    -- Key space 1 of the two-key advisory locks: Stripe event ids (see above).
    perform pg_catalog.pg_advisory_xact_lock(1, pg_catalog.hashtext(v_id));
    select e.processed_at into v_processed_at from private.stripe_events as e where e.id = v_id;
    if found then
        if v_processed_at is not null then
            return 'duplicate';
        end if;
        -- Recorded before without effect (failed, or its user unknown then): try again, unless a
        -- replay (which locks the row, not the id) applied it meanwhile.
        select e.processed_at, e.payload into v_stored from private.stripe_events as e where e.id = v_id for update;
        if v_stored.processed_at is not null then
            return 'duplicate';
        end if;
        update private.stripe_events as e set attempts = e.attempts + 1 where e.id = v_id;
        return private.stripe_process(v_id, v_stored.payload, p_pro_price_ids);
    end if;

    begin
        v_outcome := private.stripe_dispatch(v_id, p_event, p_pro_price_ids);
    exception when others then
        v_outcome := 'failed';
        v_error := left(sqlstate || ': ' || sqlerrm, 1000);
    end;
    insert into private.stripe_events (
        id, type, created, livemode, customer_id, payload, outcome, last_error, processed_at
    ) values (
        v_id,
        p_event ->> 'type',
        pg_catalog.to_timestamp((p_event ->> 'created')::double precision),
        coalesce((p_event ->> 'livemode')::boolean, false),
        coalesce(p_event #>> '{data,object,customer,id}', p_event #>> '{data,object,customer}'),
        p_event,
        v_outcome,
        v_error,
        case when v_outcome in ('applied', 'ignored', 'stale') then now() end
    );
    return v_outcome;
end
$function$;

create or replace function private.stripe_replay_pending(p_pro_price_ids text[], p_min_age interval default '00:01:00'::interval, p_limit integer default 500)
 returns table(event_id text, event_type text, outcome text)
 language plpgsql
 set search_path to ''
as $function$
declare
    v_event record;
begin
    for v_event in
        select e.id, e.type, e.payload
        from private.stripe_events as e
        where e.processed_at is null
            and e.outcome in ('failed', 'unmatched')
            and e.received_at < now() - p_min_age
        order by e.created, e.id
        limit p_limit
        for update skip locked
    loop
        update private.stripe_events as e set attempts = e.attempts + 1 where e.id = v_event.id;
        event_id := v_event.id;
        event_type := v_event.type;
        outcome := private.stripe_process(v_event.id, v_event.payload, p_pro_price_ids);
        return next;
    end loop;
end
$function$;

create or replace function private.stripe_prune_events(p_keep interval default '30 days'::interval, p_limit integer default 10000)
 returns integer
 language plpgsql
 set search_path to ''
as $function$
declare
    v_deleted integer;
begin
    if p_keep < interval '3 days' then
        raise exception using errcode = '22023',
            message = 'keep processed Stripe events at least 3 days: Stripe retries a delivery that long';
    end if;
    delete from private.stripe_events as e
    where e.id in (
        select o.id
        from private.stripe_events as o
        where o.processed_at < now() - p_keep
        order by o.processed_at
        limit p_limit
    );
    get diagnostics v_deleted = row_count;
    return v_deleted;
end
$function$;

create or replace function private.stripe_billing_account(p_user_id uuid)
 returns table(has_pro boolean, stripe_customer_id text)
 language sql
 stable
 set search_path to ''
as $function$
    select private.has_pro(s.user_id), s.stripe_customer_id
    from public.subscriptions as s
    where s.user_id = p_user_id
$function$;

create or replace function private.stripe_link_customer(p_user_id uuid, p_customer_id text)
 returns text
 language plpgsql
 set search_path to ''
as $function$
declare
    v_customer text;
begin
    update public.subscriptions as s
    set stripe_customer_id = p_customer_id
    where s.user_id = p_user_id and s.stripe_customer_id is null;
    select s.stripe_customer_id into v_customer from public.subscriptions as s where s.user_id = p_user_id;
    if not found then
        raise exception using errcode = 'PT404', message = 'no subscription row for this user';
    end if;
    return v_customer;
end
$function$;

create or replace function private.stripe_stale_subscriptions(p_grace interval default '01:00:00'::interval, p_limit integer default 500)
 returns table(user_id uuid, stripe_subscription_id text)
 language sql
 stable
 set search_path to ''
as $function$
    select s.user_id, s.stripe_subscription_id
    from public.subscriptions as s
    where s.stripe_subscription_id is not null
        and s.status not in ('canceled', 'incomplete_expired')
        and (
            s.current_period_end < now() - p_grace
            or (s.status in ('incomplete', 'past_due', 'unpaid') and s.updated_at < now() - p_grace)
        )
    order by s.updated_at
    limit p_limit
$function$;

create or replace function private.claim_emails(p_limit integer, p_lease interval, p_max_attempts integer default 10, p_worker text default null::text, p_rate double precision default 0)
 returns table(id uuid, claim_token uuid, user_id uuid, kind text, payload jsonb, attempts integer, email text, username text, full_name text, setting text, send_in double precision)
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function private.complete_emails(p_claim_token uuid, p_results jsonb)
 returns integer
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
$function$;

create or replace function private.handle_email_confirmed()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    perform private.enqueue_email(new.id, 'welcome', '{}'::jsonb, 'welcome:' || new.id::text);
    return new;
end
$function$;

create or replace function private.email_unsubscribe(p_user_id uuid, p_kind text)
 returns boolean
 language plpgsql
 security definer
 set search_path to ''
as $function$
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
$function$;

revoke all on function private.set_updated_at() from anon, authenticated, public;

revoke all on function private.is_reserved_username(text) from anon, authenticated, public, service_role;

grant execute on function private.is_reserved_username(text) to authenticated;

grant execute on function private.is_reserved_username(text) to service_role;

revoke all on function private.username_available(text) from anon, authenticated, public;

revoke all on function private.pick_username(text,text,integer) from anon, authenticated, public;

revoke all on function private.handle_new_user() from anon, authenticated, public;

revoke all on function private.profiles_normalize() from anon, authenticated, public;

revoke all on function private.clean_tags(text[],text) from anon, authenticated, public, service_role;

grant execute on function private.clean_tags(text[],text) to authenticated;

grant execute on function private.clean_tags(text[],text) to service_role;

revoke all on function private.has_pro(uuid) from anon, authenticated, public, service_role;

grant execute on function private.has_pro(uuid) to service_role;

revoke all on function private.email_setting_for(text) from anon, authenticated, public;

revoke all on function private.email_allowed(uuid,text) from anon, authenticated, public;

revoke all on function private.enqueue_email(uuid,text,jsonb,text,uuid,interval) from anon, authenticated, public, service_role;

grant execute on function private.enqueue_email(uuid,text,jsonb,text,uuid,interval) to service_role;

revoke all on function private.notify(uuid,text,text,text,jsonb,text,interval) from anon, authenticated, public, service_role;

grant execute on function private.notify(uuid,text,text,text,jsonb,text,interval) to service_role;

revoke all on function private.rate_limit(text,uuid,integer,interval) from anon, authenticated, public, service_role;

grant execute on function private.rate_limit(text,uuid,integer,interval) to service_role;

revoke all on function private.is_client() from anon, authenticated, public, service_role;

grant execute on function private.is_client() to anon;

grant execute on function private.is_client() to authenticated;

grant execute on function private.is_client() to service_role;

revoke all on function private.check_urls(text[],text) from anon, authenticated, public, service_role;

grant execute on function private.check_urls(text[],text) to authenticated;

grant execute on function private.check_urls(text[],text) to service_role;

revoke all on function private.gig_transition_allowed(text,text) from anon, authenticated, public, service_role;

grant execute on function private.gig_transition_allowed(text,text) to authenticated;

grant execute on function private.gig_transition_allowed(text,text) to service_role;

revoke all on function private.gigs_guard() from anon, authenticated, public;

revoke all on function private.gigs_plan_limit() from anon, authenticated, public;

revoke all on function private.gigs_before_delete() from anon, authenticated, public;

revoke all on function private.gigs_after_filled() from anon, authenticated, public;

revoke all on function private.gigs_after_positions() from anon, authenticated, public;

revoke all on function private.application_transition_allowed(text,text,text) from anon, authenticated, public, service_role;

grant execute on function private.application_transition_allowed(text,text,text) to authenticated;

grant execute on function private.application_transition_allowed(text,text,text) to service_role;

revoke all on function private.applications_guard() from anon, authenticated, public;

revoke all on function private.applications_serialize() from anon, authenticated, public;

revoke all on function private.applications_rate_limit() from anon, authenticated, public;

revoke all on function private.applications_after_change() from anon, authenticated, public;

revoke all on function private.saved_gigs_guard() from anon, authenticated, public;

revoke all on function private.work_history_normalize() from anon, authenticated, public;

revoke all on function private.worked_on_gig(uuid,uuid) from anon, authenticated, public, service_role;

grant execute on function private.worked_on_gig(uuid,uuid) to authenticated;

grant execute on function private.worked_on_gig(uuid,uuid) to service_role;

revoke all on function private.portfolio_items_guard() from anon, authenticated, public;

revoke all on function private.review_allowed(uuid,uuid,uuid) from anon, authenticated, public, service_role;

grant execute on function private.review_allowed(uuid,uuid,uuid) to authenticated;

grant execute on function private.review_allowed(uuid,uuid,uuid) to service_role;

revoke all on function private.reviews_guard() from anon, authenticated, public;

revoke all on function private.refresh_rating(uuid) from anon, authenticated, public, service_role;

grant execute on function private.refresh_rating(uuid) to service_role;

revoke all on function private.reviews_after_change() from anon, authenticated, public;

revoke all on function private.my_applicant_ids() from anon, authenticated, public, service_role;

grant execute on function private.my_applicant_ids() to authenticated;

grant execute on function private.my_applicant_ids() to service_role;

revoke all on function private.marketplace_forget_user() from anon, authenticated, public;

revoke all on function private.search_gigs(text,text,text[],text,numeric,numeric,text,text,text,integer) from anon, authenticated, public, service_role;

grant execute on function private.search_gigs(text,text,text[],text,numeric,numeric,text,text,text,integer) to anon;

grant execute on function private.search_gigs(text,text,text[],text,numeric,numeric,text,text,text,integer) to authenticated;

grant execute on function private.search_gigs(text,text,text[],text,numeric,numeric,text,text,text,integer) to service_role;

revoke all on function public.search_gigs(text,text,text[],text,numeric,numeric,text,text,text,integer) from anon, authenticated, public, service_role;

grant execute on function public.search_gigs(text,text,text[],text,numeric,numeric,text,text,text,integer) to anon;

grant execute on function public.search_gigs(text,text,text[],text,numeric,numeric,text,text,text,integer) to authenticated;

grant execute on function public.search_gigs(text,text,text[],text,numeric,numeric,text,text,text,integer) to service_role;

comment on function public.search_gigs(text,text,text[],text,numeric,numeric,text,text,text,integer) is 'Searches active gigs the caller can see. q: web-search syntax ("rust -java", "data pipeline", or), empty for all. Filters: category slug, skills (any of), budget_type, budget_min/budget_max (overlap with the gig''s range), location_type. sort: relevance (default: gigs published in the last 7 days first, then older ones, each by text rank; newest without q) | newest | budget (highest first). Keyset pagination: pass the next_cursor of the last row to get the next page; page_size 1-50 (22023 otherwise).';

revoke all on function private.record_gig_view(uuid) from anon, authenticated, public, service_role;

grant execute on function private.record_gig_view(uuid) to anon;

grant execute on function private.record_gig_view(uuid) to authenticated;

grant execute on function private.record_gig_view(uuid) to service_role;

revoke all on function public.record_gig_view(uuid) from anon, authenticated, public, service_role;

grant execute on function public.record_gig_view(uuid) to anon;

grant execute on function public.record_gig_view(uuid) to authenticated;

grant execute on function public.record_gig_view(uuid) to service_role;

comment on function public.record_gig_view(uuid) is 'Counts a view of a gig: at most one per viewer per gig per UTC day (signed-in users by id, visitors by client address); the poster''s own views do not count. Returns true when counted. PT404 for a gig the caller cannot see.';

revoke all on function public.set_application_status(uuid,text) from anon, authenticated, public, service_role;

grant execute on function public.set_application_status(uuid,text) to authenticated;

grant execute on function public.set_application_status(uuid,text) to service_role;

comment on function public.set_application_status(uuid,text) is 'Moves one application to a new status with the caller''s rights (poster: reviewing, shortlisted, rejected, accepted; applicant: withdrawn). Returns the application. PT404 not visible, 42501 not yours to change, PT409 transition not allowed or positions full.';

revoke all on function public.bulk_set_application_status(uuid[],text) from anon, authenticated, public, service_role;

grant execute on function public.bulk_set_application_status(uuid[],text) to authenticated;

grant execute on function public.bulk_set_application_status(uuid[],text) to service_role;

comment on function public.bulk_set_application_status(uuid[],text) is 'Moves 1-50 applications to the same status, all or nothing (the same rules as set_application_status). Returns the updated applications. 22023 for an empty or oversized list, PT404 when any id is not visible.';

revoke all on function private.try_uuid(text) from anon, authenticated, public, service_role;

grant execute on function private.try_uuid(text) to authenticated;

grant execute on function private.try_uuid(text) to service_role;

revoke all on function private.my_conversation_ids() from anon, authenticated, public, service_role;

grant execute on function private.my_conversation_ids() to authenticated;

grant execute on function private.my_conversation_ids() to service_role;

revoke all on function private.is_participant(uuid,uuid) from anon, authenticated, public, service_role;

grant execute on function private.is_participant(uuid,uuid) to authenticated;

grant execute on function private.is_participant(uuid,uuid) to service_role;

revoke all on function private.is_blocked(uuid,uuid) from anon, authenticated, public, service_role;

grant execute on function private.is_blocked(uuid,uuid) to service_role;

revoke all on function private.display_name(uuid) from anon, authenticated, public;

revoke all on function private.share_conversation_or_application(uuid,uuid) from anon, authenticated, public;

revoke all on function private.check_attachments(uuid,jsonb) from anon, authenticated, public, service_role;

grant execute on function private.check_attachments(uuid,jsonb) to authenticated;

grant execute on function private.check_attachments(uuid,jsonb) to service_role;

revoke all on function private.start_conversation(uuid,uuid) from anon, authenticated, public, service_role;

grant execute on function private.start_conversation(uuid,uuid) to authenticated;

grant execute on function private.start_conversation(uuid,uuid) to service_role;

revoke all on function public.start_conversation(uuid,uuid) from anon, authenticated, public, service_role;

grant execute on function public.start_conversation(uuid,uuid) to authenticated;

grant execute on function public.start_conversation(uuid,uuid) to service_role;

comment on function public.start_conversation(uuid,uuid) is 'Returns the id of the conversation between the caller and other_user_id about gig_id (null: direct), creating it when allowed: a gig''s poster with its applicants, anyone with the poster of an active gig, any two users directly; never when either blocked the other; at most 20 new conversations per 24 h (PT429).';

revoke all on function private.mark_conversation_read(uuid) from anon, authenticated, public;

grant execute on function private.mark_conversation_read(uuid) to authenticated;

revoke all on function public.mark_conversation_read(uuid) from anon, authenticated, public, service_role;

grant execute on function public.mark_conversation_read(uuid) to authenticated;

grant execute on function public.mark_conversation_read(uuid) to service_role;

comment on function public.mark_conversation_read(uuid) is 'Marks the conversation read for the caller up to now (and its message notifications); returns the new last_read_at. PT404 when the caller is not a participant.';

revoke all on function private.my_conversations(integer,text) from anon, authenticated, public;

grant execute on function private.my_conversations(integer,text) to authenticated;

revoke all on function public.my_conversations(integer,text) from anon, authenticated, public, service_role;

grant execute on function public.my_conversations(integer,text) to authenticated;

grant execute on function public.my_conversations(integer,text) to service_role;

comment on function public.my_conversations(integer,text) is 'The caller''s conversations, most recent activity first: the other participant''s public profile, the last message and the unread count. Keyset-paginated: pass a row''s next_cursor as cursor; page_size 1-50.';

revoke all on function private.messages_before_insert() from anon, authenticated, public;

revoke all on function private.messages_after_insert() from anon, authenticated, public;

revoke all on function private.messages_before_update() from anon, authenticated, public;

revoke all on function public.mark_all_notifications_read() from anon, authenticated, public, service_role;

grant execute on function public.mark_all_notifications_read() to authenticated;

grant execute on function public.mark_all_notifications_read() to service_role;

comment on function public.mark_all_notifications_read() is 'Sets read_at on all of the caller''s unread notifications; returns how many.';

revoke all on function private.check_call_time(timestamp with time zone) from anon, authenticated, public, service_role;

grant execute on function private.check_call_time(timestamp with time zone) to authenticated;

grant execute on function private.check_call_time(timestamp with time zone) to service_role;

revoke all on function private.video_calls_before_insert() from anon, authenticated, public;

revoke all on function private.video_calls_before_update() from anon, authenticated, public;

revoke all on function private.video_calls_notify() from anon, authenticated, public;

revoke all on function private.jitsi_call_access(uuid,uuid) from anon, authenticated, public, service_role;

grant execute on function private.jitsi_call_access(uuid,uuid) to service_role;

revoke all on function private.mark_call_joined(uuid) from anon, authenticated, public, service_role;

grant execute on function private.mark_call_joined(uuid) to service_role;

revoke all on function private.realtime_topic_allowed(text,boolean) from anon, authenticated, public;

grant execute on function private.realtime_topic_allowed(text,boolean) to authenticated;

revoke all on function private.applications_notify() from anon, authenticated, public;

revoke all on function private.gigs_notify_filled() from anon, authenticated, public;

revoke all on function private.reviews_notify() from anon, authenticated, public;

revoke all on function private.stripe_user_from_metadata(jsonb) from anon, authenticated, public, service_role;

grant execute on function private.stripe_user_from_metadata(jsonb) to service_role;

revoke all on function private.stripe_apply_subscription(text,text,timestamp with time zone,jsonb,text[]) from anon, authenticated, public, service_role;

grant execute on function private.stripe_apply_subscription(text,text,timestamp with time zone,jsonb,text[]) to service_role;

revoke all on function private.stripe_apply_checkout(jsonb,text[]) from anon, authenticated, public, service_role;

grant execute on function private.stripe_apply_checkout(jsonb,text[]) to service_role;

revoke all on function private.stripe_currency_exponent(text) from anon, authenticated, public, service_role;

grant execute on function private.stripe_currency_exponent(text) to service_role;

revoke all on function private.stripe_money(bigint,text) from anon, authenticated, public, service_role;

grant execute on function private.stripe_money(bigint,text) to service_role;

revoke all on function private.stripe_apply_invoice(text,jsonb) from anon, authenticated, public, service_role;

grant execute on function private.stripe_apply_invoice(text,jsonb) to service_role;

revoke all on function private.stripe_apply_refund(jsonb) from anon, authenticated, public, service_role;

grant execute on function private.stripe_apply_refund(jsonb) to service_role;

revoke all on function private.stripe_dispatch(text,jsonb,text[]) from anon, authenticated, public, service_role;

grant execute on function private.stripe_dispatch(text,jsonb,text[]) to service_role;

revoke all on function private.stripe_process(text,jsonb,text[]) from anon, authenticated, public, service_role;

grant execute on function private.stripe_process(text,jsonb,text[]) to service_role;

revoke all on function private.stripe_apply_event(jsonb,text[]) from anon, authenticated, public, service_role;

grant execute on function private.stripe_apply_event(jsonb,text[]) to service_role;

revoke all on function private.stripe_replay_pending(text[],interval,integer) from anon, authenticated, public, service_role;

grant execute on function private.stripe_replay_pending(text[],interval,integer) to service_role;

revoke all on function private.stripe_prune_events(interval,integer) from anon, authenticated, public, service_role;

grant execute on function private.stripe_prune_events(interval,integer) to service_role;

revoke all on function private.stripe_billing_account(uuid) from anon, authenticated, public, service_role;

grant execute on function private.stripe_billing_account(uuid) to service_role;

revoke all on function private.stripe_link_customer(uuid,text) from anon, authenticated, public, service_role;

grant execute on function private.stripe_link_customer(uuid,text) to service_role;

revoke all on function private.stripe_stale_subscriptions(interval,integer) from anon, authenticated, public, service_role;

grant execute on function private.stripe_stale_subscriptions(interval,integer) to service_role;

revoke all on function private.claim_emails(integer,interval,integer,text,double precision) from anon, authenticated, public, service_role;

grant execute on function private.claim_emails(integer,interval,integer,text,double precision) to service_role;

revoke all on function private.complete_emails(uuid,jsonb) from anon, authenticated, public, service_role;

grant execute on function private.complete_emails(uuid,jsonb) to service_role;

revoke all on function private.handle_email_confirmed() from anon, authenticated, public;

revoke all on function private.email_unsubscribe(uuid,text) from anon, authenticated, public, service_role;

grant execute on function private.email_unsubscribe(uuid,text) to service_role;

drop trigger if exists set_updated_at on public.profiles;

create trigger set_updated_at before update on public.profiles for each row execute function private.set_updated_at();

drop trigger if exists set_updated_at on public.subscriptions;

create trigger set_updated_at before update on public.subscriptions for each row execute function private.set_updated_at();

drop trigger if exists set_updated_at on public.notification_settings;

create trigger set_updated_at before update on public.notification_settings for each row execute function private.set_updated_at();

drop trigger if exists set_updated_at on private.email_outbox;

create trigger set_updated_at before update on private.email_outbox for each row execute function private.set_updated_at();

drop trigger if exists on_auth_user_created on auth.users;

create trigger on_auth_user_created after insert on auth.users for each row execute function private.handle_new_user();

drop trigger if exists "normalize" on public.profiles;

create trigger "normalize" before insert or update on public.profiles for each row execute function private.profiles_normalize();

drop trigger if exists guard on public.gigs;

create trigger guard before insert or update on public.gigs for each row execute function private.gigs_guard();

drop trigger if exists plan_limit on public.gigs;

create trigger plan_limit before insert or update of status on public.gigs for each row execute function private.gigs_plan_limit();

drop trigger if exists before_delete on public.gigs;

create trigger before_delete before delete on public.gigs for each row execute function private.gigs_before_delete();

drop trigger if exists after_filled on public.gigs;

create trigger after_filled after update of status on public.gigs for each row when (((new.status = 'filled'::text) and (old.status <> 'filled'::text))) execute function private.gigs_after_filled();

drop trigger if exists after_positions on public.gigs;

create trigger after_positions after update of positions on public.gigs for each row when ((new.positions < old.positions)) execute function private.gigs_after_positions();

drop trigger if exists guard on public.applications;

create trigger guard before insert or update on public.applications for each row execute function private.applications_guard();

drop trigger if exists serialize on public.applications;

create trigger serialize before update on public.applications for each statement execute function private.applications_serialize();

drop trigger if exists set_updated_at on public.applications;

create trigger set_updated_at before update on public.applications for each row execute function private.set_updated_at();

drop trigger if exists rate_limit on public.applications;

create trigger rate_limit before insert on public.applications for each row execute function private.applications_rate_limit();

drop trigger if exists after_change on public.applications;

create trigger after_change after insert or delete or update of status on public.applications for each row execute function private.applications_after_change();

drop trigger if exists guard on public.saved_gigs;

create trigger guard before insert or update on public.saved_gigs for each row execute function private.saved_gigs_guard();

drop trigger if exists "normalize" on public.work_history;

create trigger "normalize" before insert or update on public.work_history for each row execute function private.work_history_normalize();

drop trigger if exists set_updated_at on public.work_history;

create trigger set_updated_at before update on public.work_history for each row execute function private.set_updated_at();

drop trigger if exists guard on public.portfolio_items;

create trigger guard before insert or update on public.portfolio_items for each row execute function private.portfolio_items_guard();

drop trigger if exists set_updated_at on public.portfolio_items;

create trigger set_updated_at before update on public.portfolio_items for each row execute function private.set_updated_at();

drop trigger if exists guard on public.reviews;

create trigger guard before insert or update on public.reviews for each row execute function private.reviews_guard();

drop trigger if exists set_updated_at on public.reviews;

create trigger set_updated_at before update on public.reviews for each row execute function private.set_updated_at();

drop trigger if exists after_change on public.reviews;

create trigger after_change after insert or delete or update of rating, reviewee_id on public.reviews for each row execute function private.reviews_after_change();

drop trigger if exists marketplace_forget_user on public.profiles;

create trigger marketplace_forget_user after delete on public.profiles for each row execute function private.marketplace_forget_user();

drop trigger if exists before_insert on public.messages;

create trigger before_insert before insert on public.messages for each row execute function private.messages_before_insert();

drop trigger if exists after_insert on public.messages;

create trigger after_insert after insert on public.messages for each row execute function private.messages_after_insert();

drop trigger if exists before_update on public.messages;

create trigger before_update before update on public.messages for each row execute function private.messages_before_update();

drop trigger if exists set_updated_at on public.messages;

create trigger set_updated_at before update on public.messages for each row execute function private.set_updated_at();

drop trigger if exists set_updated_at on public.conversations;

create trigger set_updated_at before update on public.conversations for each row execute function private.set_updated_at();

drop trigger if exists before_insert on public.video_calls;

create trigger before_insert before insert on public.video_calls for each row execute function private.video_calls_before_insert();

drop trigger if exists before_update on public.video_calls;

create trigger before_update before update on public.video_calls for each row execute function private.video_calls_before_update();

drop trigger if exists set_updated_at on public.video_calls;

create trigger set_updated_at before update on public.video_calls for each row execute function private.set_updated_at();

drop trigger if exists notify on public.video_calls;

create trigger notify after insert or update on public.video_calls for each row execute function private.video_calls_notify();

drop trigger if exists notify on public.applications;

create trigger notify after insert or update of status on public.applications for each row execute function private.applications_notify();

drop trigger if exists notify on public.gigs;

create trigger notify after update of status on public.gigs for each row when (((new.status = 'filled'::text) and (old.status is distinct from 'filled'::text))) execute function private.gigs_notify_filled();

drop trigger if exists notify on public.reviews;

create trigger notify after insert on public.reviews for each row execute function private.reviews_notify();

drop trigger if exists on_auth_user_email_confirmed on auth.users;

create trigger on_auth_user_email_confirmed after update of email_confirmed_at on auth.users for each row when (((old.email_confirmed_at is null) and (new.email_confirmed_at is not null))) execute function private.handle_email_confirmed();

drop trigger if exists on_auth_user_created_confirmed on auth.users;

create trigger on_auth_user_created_confirmed after insert on auth.users for each row when ((new.email_confirmed_at is not null)) execute function private.handle_email_confirmed();

revoke all on table public.applications from authenticated, service_role;

grant select on table public.applications to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.applications to service_role;

grant insert (ai_tools, applicant_id, cover_letter, gig_id, portfolio_urls, proposed_rate, proposed_timeline) on table public.applications to authenticated;

grant update (ai_tools, cover_letter, portfolio_urls, proposed_rate, proposed_timeline, status) on table public.applications to authenticated;

alter table public.applications enable row level security;

revoke all on table public.conversation_participants from authenticated, service_role;

grant select on table public.conversation_participants to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.conversation_participants to service_role;

alter table public.conversation_participants enable row level security;

revoke all on table public.conversations from authenticated, service_role;

grant select on table public.conversations to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.conversations to service_role;

alter table public.conversations enable row level security;

revoke all on table public.gig_categories from anon, authenticated, service_role;

grant select on table public.gig_categories to anon;

grant select on table public.gig_categories to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.gig_categories to service_role;

alter table public.gig_categories enable row level security;

revoke all on table public.gigs from anon, authenticated, service_role;

grant select on table public.gigs to anon;

grant delete, select on table public.gigs to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.gigs to service_role;

grant insert (ai_tools_preferred, budget_max, budget_min, budget_type, category, currency, description, duration, location, location_type, positions, poster_id, skills_required, status, title) on table public.gigs to authenticated;

grant update (ai_tools_preferred, budget_max, budget_min, budget_type, category, currency, description, duration, location, location_type, positions, skills_required, status, title) on table public.gigs to authenticated;

alter table public.gigs enable row level security;

revoke all on table public.messages from authenticated, service_role;

grant select on table public.messages to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.messages to service_role;

grant insert (attachments, body, conversation_id, id) on table public.messages to authenticated;

grant update (body, deleted_at) on table public.messages to authenticated;

alter table public.messages enable row level security;

revoke all on table public.notification_settings from authenticated, service_role;

grant select on table public.notification_settings to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.notification_settings to service_role;

grant update (email_application_received, email_application_status, email_billing, email_call, email_message_received, email_review_received) on table public.notification_settings to authenticated;

alter table public.notification_settings enable row level security;

revoke all on table public.notifications from authenticated, service_role;

grant delete, select on table public.notifications to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.notifications to service_role;

grant update (read_at) on table public.notifications to authenticated;

alter table public.notifications enable row level security;

revoke all on table public.payments from authenticated, service_role;

grant select on table public.payments to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.payments to service_role;

alter table public.payments enable row level security;

revoke all on table public.portfolio_items from anon, authenticated, service_role;

grant select on table public.portfolio_items to anon;

grant delete, select on table public.portfolio_items to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.portfolio_items to service_role;

grant insert (description, gig_id, image_path, tags, title, url, user_id) on table public.portfolio_items to authenticated;

grant update (description, gig_id, image_path, tags, title, url) on table public.portfolio_items to authenticated;

alter table public.portfolio_items enable row level security;

revoke all on table public.profiles from anon, authenticated, service_role;

grant select on table public.profiles to anon;

grant select on table public.profiles to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.profiles to service_role;

grant update (ai_tools, avatar_url, bio, currency, full_name, github_url, headline, hourly_rate, is_available, linkedin_url, location, skills, timezone, username, website) on table public.profiles to authenticated;

alter table public.profiles enable row level security;

revoke all on table public.reviews from anon, authenticated, service_role;

grant select on table public.reviews to anon;

grant select on table public.reviews to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.reviews to service_role;

grant insert (comment, gig_id, rating, reviewee_id, reviewer_id) on table public.reviews to authenticated;

grant update (comment, rating) on table public.reviews to authenticated;

alter table public.reviews enable row level security;

revoke all on table public.saved_gigs from authenticated, service_role;

grant delete, select on table public.saved_gigs to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.saved_gigs to service_role;

grant insert (gig_id, user_id) on table public.saved_gigs to authenticated;

alter table public.saved_gigs enable row level security;

revoke all on table public.subscriptions from authenticated, service_role;

grant select on table public.subscriptions to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.subscriptions to service_role;

alter table public.subscriptions enable row level security;

revoke all on table public.user_blocks from authenticated, service_role;

grant delete, select on table public.user_blocks to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.user_blocks to service_role;

grant insert (blocked_id) on table public.user_blocks to authenticated;

alter table public.user_blocks enable row level security;

revoke all on table public.video_calls from authenticated, service_role;

grant select on table public.video_calls to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.video_calls to service_role;

grant insert (application_id, conversation_id, duration_minutes, gig_id, guest_id, id, scheduled_at) on table public.video_calls to authenticated;

grant update (duration_minutes, scheduled_at, status) on table public.video_calls to authenticated;

alter table public.video_calls enable row level security;

revoke all on table public.work_history from anon, authenticated, service_role;

grant select on table public.work_history to anon;

grant delete, select on table public.work_history to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.work_history to service_role;

grant insert (company, description, end_date, start_date, title, user_id) on table public.work_history to authenticated;

grant update (company, description, end_date, start_date, title) on table public.work_history to authenticated;

alter table public.work_history enable row level security;

drop policy if exists "applicants and posters read applications" on public.applications;

create policy "applicants and posters read applications" on public.applications as permissive for select to authenticated using (((applicant_id = ( select auth.uid() as uid)) or (poster_id = ( select auth.uid() as uid))));

drop policy if exists "users apply as themselves" on public.applications;

create policy "users apply as themselves" on public.applications as permissive for insert to authenticated with check ((applicant_id = ( select auth.uid() as uid)));

drop policy if exists "applicants and posters update applications" on public.applications;

create policy "applicants and posters update applications" on public.applications as permissive for update to authenticated using (((applicant_id = ( select auth.uid() as uid)) or (poster_id = ( select auth.uid() as uid)))) with check (((applicant_id = ( select auth.uid() as uid)) or (poster_id = ( select auth.uid() as uid))));

drop policy if exists "participants read their conversations' participants" on public.conversation_participants;

create policy "participants read their conversations' participants" on public.conversation_participants as permissive for select to authenticated using ((conversation_id in ( select private.my_conversation_ids() as my_conversation_ids)));

drop policy if exists "participants read their conversations" on public.conversations;

create policy "participants read their conversations" on public.conversations as permissive for select to authenticated using ((id in ( select private.my_conversation_ids() as my_conversation_ids)));

drop policy if exists "categories are public" on public.gig_categories;

create policy "categories are public" on public.gig_categories as permissive for select to anon, authenticated using (true);

drop policy if exists "gigs are public unless draft" on public.gigs;

create policy "gigs are public unless draft" on public.gigs as permissive for select to anon, authenticated using (((status <> 'draft'::text) or (poster_id = ( select auth.uid() as uid))));

drop policy if exists "users post gigs as themselves" on public.gigs;

create policy "users post gigs as themselves" on public.gigs as permissive for insert to authenticated with check ((poster_id = ( select auth.uid() as uid)));

drop policy if exists "posters update their gigs" on public.gigs;

create policy "posters update their gigs" on public.gigs as permissive for update to authenticated using ((poster_id = ( select auth.uid() as uid))) with check ((poster_id = ( select auth.uid() as uid)));

drop policy if exists "posters delete their gigs" on public.gigs;

create policy "posters delete their gigs" on public.gigs as permissive for delete to authenticated using ((poster_id = ( select auth.uid() as uid)));

drop policy if exists "participants read messages" on public.messages;

create policy "participants read messages" on public.messages as permissive for select to authenticated using (((sender_id = ( select auth.uid() as uid)) or (recipient_id = ( select auth.uid() as uid))));

drop policy if exists "participants send messages as themselves" on public.messages;

create policy "participants send messages as themselves" on public.messages as permissive for insert to authenticated with check ((sender_id = ( select auth.uid() as uid)));

drop policy if exists "participants change messages of their conversations" on public.messages;

create policy "participants change messages of their conversations" on public.messages as permissive for update to authenticated using (((sender_id = ( select auth.uid() as uid)) or (recipient_id = ( select auth.uid() as uid)))) with check (((sender_id = ( select auth.uid() as uid)) or (recipient_id = ( select auth.uid() as uid))));

drop policy if exists "owners read their notification settings" on public.notification_settings;

create policy "owners read their notification settings" on public.notification_settings as permissive for select to authenticated using ((user_id = ( select auth.uid() as uid)));

drop policy if exists "owners update their notification settings" on public.notification_settings;

create policy "owners update their notification settings" on public.notification_settings as permissive for update to authenticated using ((user_id = ( select auth.uid() as uid))) with check ((user_id = ( select auth.uid() as uid)));

drop policy if exists "recipients read their notifications" on public.notifications;

create policy "recipients read their notifications" on public.notifications as permissive for select to authenticated using ((user_id = ( select auth.uid() as uid)));

drop policy if exists "recipients mark their notifications read" on public.notifications;

create policy "recipients mark their notifications read" on public.notifications as permissive for update to authenticated using ((user_id = ( select auth.uid() as uid))) with check ((user_id = ( select auth.uid() as uid)));

drop policy if exists "recipients delete their notifications" on public.notifications;

create policy "recipients delete their notifications" on public.notifications as permissive for delete to authenticated using ((user_id = ( select auth.uid() as uid)));

drop policy if exists "owners read their payments" on public.payments;

create policy "owners read their payments" on public.payments as permissive for select to authenticated using ((user_id = ( select auth.uid() as uid)));

drop policy if exists "portfolio items are public" on public.portfolio_items;

create policy "portfolio items are public" on public.portfolio_items as permissive for select to anon, authenticated using (true);

drop policy if exists "owners add portfolio items" on public.portfolio_items;

create policy "owners add portfolio items" on public.portfolio_items as permissive for insert to authenticated with check ((user_id = ( select auth.uid() as uid)));

drop policy if exists "owners edit portfolio items" on public.portfolio_items;

create policy "owners edit portfolio items" on public.portfolio_items as permissive for update to authenticated using ((user_id = ( select auth.uid() as uid))) with check ((user_id = ( select auth.uid() as uid)));

drop policy if exists "owners delete portfolio items" on public.portfolio_items;

create policy "owners delete portfolio items" on public.portfolio_items as permissive for delete to authenticated using ((user_id = ( select auth.uid() as uid)));

drop policy if exists "profiles are public" on public.profiles;

create policy "profiles are public" on public.profiles as permissive for select to anon, authenticated using (true);

drop policy if exists "owners update their profile" on public.profiles;

create policy "owners update their profile" on public.profiles as permissive for update to authenticated using ((id = ( select auth.uid() as uid))) with check ((id = ( select auth.uid() as uid)));

drop policy if exists "reviews are public" on public.reviews;

create policy "reviews are public" on public.reviews as permissive for select to anon, authenticated using (true);

drop policy if exists "users review as themselves" on public.reviews;

create policy "users review as themselves" on public.reviews as permissive for insert to authenticated with check ((reviewer_id = ( select auth.uid() as uid)));

drop policy if exists "reviewers edit their reviews" on public.reviews;

create policy "reviewers edit their reviews" on public.reviews as permissive for update to authenticated using ((reviewer_id = ( select auth.uid() as uid))) with check ((reviewer_id = ( select auth.uid() as uid)));

drop policy if exists "owners read their saved gigs" on public.saved_gigs;

create policy "owners read their saved gigs" on public.saved_gigs as permissive for select to authenticated using ((user_id = ( select auth.uid() as uid)));

drop policy if exists "owners save gigs" on public.saved_gigs;

create policy "owners save gigs" on public.saved_gigs as permissive for insert to authenticated with check ((user_id = ( select auth.uid() as uid)));

drop policy if exists "owners unsave gigs" on public.saved_gigs;

create policy "owners unsave gigs" on public.saved_gigs as permissive for delete to authenticated using ((user_id = ( select auth.uid() as uid)));

drop policy if exists "owners read their subscription" on public.subscriptions;

create policy "owners read their subscription" on public.subscriptions as permissive for select to authenticated using ((user_id = ( select auth.uid() as uid)));

drop policy if exists "blockers read their blocks" on public.user_blocks;

create policy "blockers read their blocks" on public.user_blocks as permissive for select to authenticated using ((blocker_id = ( select auth.uid() as uid)));

drop policy if exists "users block others" on public.user_blocks;

create policy "users block others" on public.user_blocks as permissive for insert to authenticated with check ((blocker_id = ( select auth.uid() as uid)));

drop policy if exists "blockers remove their blocks" on public.user_blocks;

create policy "blockers remove their blocks" on public.user_blocks as permissive for delete to authenticated using ((blocker_id = ( select auth.uid() as uid)));

drop policy if exists "participants read their calls" on public.video_calls;

create policy "participants read their calls" on public.video_calls as permissive for select to authenticated using (((( select auth.uid() as uid) = host_id) or (( select auth.uid() as uid) = guest_id)));

drop policy if exists "users schedule calls as host" on public.video_calls;

create policy "users schedule calls as host" on public.video_calls as permissive for insert to authenticated with check ((host_id = ( select auth.uid() as uid)));

drop policy if exists "participants change their calls" on public.video_calls;

create policy "participants change their calls" on public.video_calls as permissive for update to authenticated using (((( select auth.uid() as uid) = host_id) or (( select auth.uid() as uid) = guest_id))) with check (((( select auth.uid() as uid) = host_id) or (( select auth.uid() as uid) = guest_id)));

drop policy if exists "work history is public" on public.work_history;

create policy "work history is public" on public.work_history as permissive for select to anon, authenticated using (true);

drop policy if exists "owners add work history" on public.work_history;

create policy "owners add work history" on public.work_history as permissive for insert to authenticated with check ((user_id = ( select auth.uid() as uid)));

drop policy if exists "owners edit work history" on public.work_history;

create policy "owners edit work history" on public.work_history as permissive for update to authenticated using ((user_id = ( select auth.uid() as uid))) with check ((user_id = ( select auth.uid() as uid)));

drop policy if exists "owners delete work history" on public.work_history;

create policy "owners delete work history" on public.work_history as permissive for delete to authenticated using ((user_id = ( select auth.uid() as uid)));

drop policy if exists "topics: participants and the user receive" on realtime.messages;

create policy "topics: participants and the user receive" on realtime.messages as permissive for select to authenticated using (((extension = any(array['broadcast'::text, 'presence'::text])) and ( select private.realtime_topic_allowed(( select realtime.topic() as topic), false) as realtime_topic_allowed)));

drop policy if exists "topics: participants send" on realtime.messages;

create policy "topics: participants send" on realtime.messages as permissive for insert to authenticated with check (((extension = any(array['broadcast'::text, 'presence'::text])) and ( select private.realtime_topic_allowed(( select realtime.topic() as topic), true) as realtime_topic_allowed)));

drop policy if exists "attachments: participants read" on storage.objects;

create policy "attachments: participants read" on storage.objects as permissive for select to authenticated using (((bucket_id = 'attachments'::text) and (private.try_uuid((storage.foldername(name))[1]) in ( select private.my_conversation_ids() as my_conversation_ids))));

drop policy if exists "attachments: participants upload" on storage.objects;

create policy "attachments: participants upload" on storage.objects as permissive for insert to authenticated with check (((bucket_id = 'attachments'::text) and (private.try_uuid((storage.foldername(name))[1]) in ( select private.my_conversation_ids() as my_conversation_ids)) and (lower(storage.extension(name)) = any(array['jpg'::text, 'jpeg'::text, 'png'::text, 'webp'::text, 'gif'::text, 'pdf'::text, 'txt'::text, 'md'::text, 'csv'::text, 'zip'::text]))));

drop policy if exists "attachments: uploaders replace their files" on storage.objects;

create policy "attachments: uploaders replace their files" on storage.objects as permissive for update to authenticated using (((bucket_id = 'attachments'::text) and (owner_id = ( select (auth.uid())::text as uid)))) with check (((bucket_id = 'attachments'::text) and (owner_id = ( select (auth.uid())::text as uid)) and (private.try_uuid((storage.foldername(name))[1]) in ( select private.my_conversation_ids() as my_conversation_ids))));

drop policy if exists "attachments: uploaders delete their files" on storage.objects;

create policy "attachments: uploaders delete their files" on storage.objects as permissive for delete to authenticated using (((bucket_id = 'attachments'::text) and (owner_id = ( select (auth.uid())::text as uid))));

drop policy if exists "avatars: owners list their folder" on storage.objects;

create policy "avatars: owners list their folder" on storage.objects as permissive for select to authenticated using (((bucket_id = 'avatars'::text) and ((storage.foldername(name))[1] = ( select (auth.uid())::text as uid))));

drop policy if exists "avatars: owners upload into their folder" on storage.objects;

create policy "avatars: owners upload into their folder" on storage.objects as permissive for insert to authenticated with check (((bucket_id = 'avatars'::text) and ((storage.foldername(name))[1] = ( select (auth.uid())::text as uid))));

drop policy if exists "avatars: owners replace their files" on storage.objects;

create policy "avatars: owners replace their files" on storage.objects as permissive for update to authenticated using (((bucket_id = 'avatars'::text) and ((storage.foldername(name))[1] = ( select (auth.uid())::text as uid)))) with check (((bucket_id = 'avatars'::text) and ((storage.foldername(name))[1] = ( select (auth.uid())::text as uid))));

drop policy if exists "avatars: owners delete their files" on storage.objects;

create policy "avatars: owners delete their files" on storage.objects as permissive for delete to authenticated using (((bucket_id = 'avatars'::text) and ((storage.foldername(name))[1] = ( select (auth.uid())::text as uid))));

drop policy if exists "portfolio: owners list their folder" on storage.objects;

create policy "portfolio: owners list their folder" on storage.objects as permissive for select to authenticated using (((bucket_id = 'portfolio'::text) and ((storage.foldername(name))[1] = ( select (auth.uid())::text as uid))));

drop policy if exists "portfolio: owners upload into their folder" on storage.objects;

create policy "portfolio: owners upload into their folder" on storage.objects as permissive for insert to authenticated with check (((bucket_id = 'portfolio'::text) and ((storage.foldername(name))[1] = ( select (auth.uid())::text as uid))));

drop policy if exists "portfolio: owners replace their files" on storage.objects;

create policy "portfolio: owners replace their files" on storage.objects as permissive for update to authenticated using (((bucket_id = 'portfolio'::text) and ((storage.foldername(name))[1] = ( select (auth.uid())::text as uid)))) with check (((bucket_id = 'portfolio'::text) and ((storage.foldername(name))[1] = ( select (auth.uid())::text as uid))));

drop policy if exists "portfolio: owners delete their files" on storage.objects;

create policy "portfolio: owners delete their files" on storage.objects as permissive for delete to authenticated using (((bucket_id = 'portfolio'::text) and ((storage.foldername(name))[1] = ( select (auth.uid())::text as uid))));

drop policy if exists "resumes: owners and posters they applied to read" on storage.objects;

create policy "resumes: owners and posters they applied to read" on storage.objects as permissive for select to authenticated using (((bucket_id = 'resumes'::text) and (((storage.foldername(name))[1] = ( select (auth.uid())::text as uid)) or ((storage.foldername(name))[1] = any(( select private.my_applicant_ids() as my_applicant_ids)::text[])))));

drop policy if exists "resumes: owners upload into their folder" on storage.objects;

create policy "resumes: owners upload into their folder" on storage.objects as permissive for insert to authenticated with check (((bucket_id = 'resumes'::text) and ((storage.foldername(name))[1] = ( select (auth.uid())::text as uid))));

drop policy if exists "resumes: owners replace their files" on storage.objects;

create policy "resumes: owners replace their files" on storage.objects as permissive for update to authenticated using (((bucket_id = 'resumes'::text) and ((storage.foldername(name))[1] = ( select (auth.uid())::text as uid)))) with check (((bucket_id = 'resumes'::text) and ((storage.foldername(name))[1] = ( select (auth.uid())::text as uid))));

drop policy if exists "resumes: owners delete their files" on storage.objects;

create policy "resumes: owners delete their files" on storage.objects as permissive for delete to authenticated using (((bucket_id = 'resumes'::text) and ((storage.foldername(name))[1] = ( select (auth.uid())::text as uid))));
