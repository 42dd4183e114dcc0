-- Follows, tag follows, the reputation hook and the new e-mail settings (SPEC 7)
--
-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

create or replace function private.tag_follows_normalize()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
begin
    new.tag := lower(btrim(new.tag));
    return new;
end
$function$;

create or replace function private.add_reputation(p_user_id uuid, p_delta integer)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    if p_user_id is null or coalesce(p_delta, 0) = 0 then
        return;
    end if;
    update public.profiles as p set reputation = p.reputation + p_delta where p.id = p_user_id;
end
$function$;

create or replace function private.profiles_verification_stamp()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
begin
    if not new.is_verified then
        new.verified_at := null;
        new.verification_type := null;
    elsif tg_op = 'INSERT' or not old.is_verified then
        new.verified_at := coalesce(new.verified_at, now());
        new.verification_type := coalesce(new.verification_type, 'manual');
    end if;
    return new;
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
        when 'question_received' then 'email_questions'
        when 'question_answered' then 'email_questions'
        when 'new_follower' then 'email_social'
        when 'endorsement_received' then 'email_social'
        when 'verification_decided' then 'email_verification'
        -- Always e-mailed: the owner must learn that deliveries stopped.
        when 'webhook_disabled' then null
    end;
end
$function$;

revoke all on function private.tag_follows_normalize() from anon, authenticated, public;

revoke all on function private.add_reputation(uuid,integer) from anon, authenticated, public, service_role;

grant execute on function private.add_reputation(uuid,integer) to service_role;

revoke all on function private.profiles_verification_stamp() from anon, authenticated, public;

drop trigger if exists "normalize" on public.tag_follows;

create trigger "normalize" before insert or update on public.tag_follows for each row execute function private.tag_follows_normalize();

drop trigger if exists verification_stamp on public.profiles;

create trigger verification_stamp before insert or update of is_verified on public.profiles for each row execute function private.profiles_verification_stamp();

revoke all on table public.follows from anon, authenticated, service_role;

grant select on table public.follows to anon;

grant delete, select on table public.follows to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.follows to service_role;

grant insert (followed_id, follower_id) on table public.follows to authenticated;

alter table public.follows enable row level security;

revoke all on table public.notification_settings from authenticated, service_role;

grant select on table public.notification_settings to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.notification_settings to service_role;

grant update (email_application_received, email_application_status, email_billing, email_call, email_message_received, email_questions, email_review_received, email_social, email_verification) on table public.notification_settings to authenticated;

revoke all on table public.tag_follows from authenticated, service_role;

grant delete, select on table public.tag_follows to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.tag_follows to service_role;

grant insert (tag, user_id) on table public.tag_follows to authenticated;

alter table public.tag_follows enable row level security;

drop policy if exists "follows are public" on public.follows;

create policy "follows are public" on public.follows as permissive for select to anon, authenticated using (true);

drop policy if exists "users follow as themselves" on public.follows;

create policy "users follow as themselves" on public.follows as permissive for insert to authenticated with check ((follower_id = ( select auth.uid() as uid)));

drop policy if exists "followers unfollow" on public.follows;

create policy "followers unfollow" on public.follows as permissive for delete to authenticated using ((follower_id = ( select auth.uid() as uid)));

drop policy if exists "owners read their tag follows" on public.tag_follows;

create policy "owners read their tag follows" on public.tag_follows as permissive for select to authenticated using ((user_id = ( select auth.uid() as uid)));

drop policy if exists "owners follow tags" on public.tag_follows;

create policy "owners follow tags" on public.tag_follows as permissive for insert to authenticated with check ((user_id = ( select auth.uid() as uid)));

drop policy if exists "owners unfollow tags" on public.tag_follows;

create policy "owners unfollow tags" on public.tag_follows as permissive for delete to authenticated using ((user_id = ( select auth.uid() as uid)));
