-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

drop policy if exists "participants read messages" on public.messages;

drop policy if exists "participants send messages as themselves" on public.messages;

drop policy if exists "participants change messages of their conversations" on public.messages;

create or replace function private.username_available(p_username text)
 returns boolean
 language sql
 stable security definer
 set search_path to ''
as $function$
    select p_username ~ '^[a-z0-9_]{3,30}$'
        and not private.is_reserved_username(p_username)
        -- usernames are stored in lower case (profiles_username_format): an equality on profiles_username_key
        and not exists (select 1 from public.profiles p where p.username = p_username)
$function$;

drop policy if exists "participants read messages" on public.messages;

create policy "participants read messages" on public.messages as permissive for select to authenticated using (((sender_id = ( select auth.uid() as uid)) or (recipient_id = ( select auth.uid() as uid)) or private.is_participant(conversation_id, ( select auth.uid() as uid))));

drop policy if exists "participants send messages as themselves" on public.messages;

create policy "participants send messages as themselves" on public.messages as permissive for insert to authenticated with check ((sender_id = ( select auth.uid() as uid)));

drop policy if exists "participants change messages of their conversations" on public.messages;

create policy "participants change messages of their conversations" on public.messages as permissive for update to authenticated using (((sender_id = ( select auth.uid() as uid)) or (recipient_id = ( select auth.uid() as uid)))) with check (((sender_id = ( select auth.uid() as uid)) or (recipient_id = ( select auth.uid() as uid))));
