-- Follow rules: not yourself, not across a block; counters and new_follower by trigger
--
-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

create or replace function private.follows_guard()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    if new.follower_id = new.followed_id then
        raise exception using errcode = '42501', message = 'you cannot follow yourself';
    end if;
    if not exists (select 1 from public.profiles as p where p.id = new.followed_id) then
        raise exception using errcode = 'PT404', message = 'no such user';
    end if;
    if private.is_blocked(new.follower_id, new.followed_id) then
        raise exception using errcode = '42501', message = 'you cannot follow this user';
    end if;
    return new;
end
$function$;

create or replace function private.follows_count(p_follower uuid, p_followed uuid, p_delta integer)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    perform 1 from public.profiles as p where p.id in (p_follower, p_followed) order by p.id for no key update;
    update public.profiles as p set following_count = p.following_count + p_delta where p.id = p_follower;
    update public.profiles as p set followers_count = p.followers_count + p_delta where p.id = p_followed;
end
$function$;

create or replace function private.follows_after_change()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    if tg_op = 'DELETE' then
        perform private.follows_count(old.follower_id, old.followed_id, -1);
        return null;
    end if;
    perform private.follows_count(new.follower_id, new.followed_id, 1);
    -- Following, unfollowing and following again notifies each time but e-mails once a day.
    perform private.notify(
        new.followed_id, 'new_follower',
        private.display_name(new.follower_id) || ' followed you',
        null,
        jsonb_build_object('follower_id', new.follower_id),
        'new_follower:' || new.follower_id || ':' || new.followed_id,
        interval '1 day'
    );
    return null;
end
$function$;

create or replace function private.user_blocks_end_follows()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    delete from public.follows as f
    where (f.follower_id = new.blocker_id and f.followed_id = new.blocked_id)
        or (f.follower_id = new.blocked_id and f.followed_id = new.blocker_id);
    return null;
end
$function$;

revoke all on function private.follows_guard() from anon, authenticated, public;

revoke all on function private.follows_count(uuid,uuid,integer) from anon, authenticated, public;

revoke all on function private.follows_after_change() from anon, authenticated, public;

revoke all on function private.user_blocks_end_follows() from anon, authenticated, public;

drop trigger if exists guard on public.follows;

create trigger guard before insert on public.follows for each row execute function private.follows_guard();

drop trigger if exists after_change on public.follows;

create trigger after_change after insert or delete on public.follows for each row execute function private.follows_after_change();

drop trigger if exists end_follows on public.user_blocks;

create trigger end_follows after insert on public.user_blocks for each row execute function private.user_blocks_end_follows();
