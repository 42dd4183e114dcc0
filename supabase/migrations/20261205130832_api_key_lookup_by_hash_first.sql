-- api_key_authenticate finds the key by its hash first; a cached plan could loop over every user
--
-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

create or replace function private.api_key_authenticate(p_key text)
 returns table(user_id uuid, api_key_id uuid, key_expires_at timestamp with time zone, email text, phone text, user_metadata jsonb, app_metadata jsonb)
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_hash bytea;
    v_last_used timestamptz;
begin
    if p_key is null or p_key !~ '^ugig_sk_[A-Za-z0-9_-]{43}$' then
        return;
    end if;
    -- Hashed once, and the key found by its hash first (an init plan: one unique-index lookup),
    -- then the key and its user. Joined freely on tables not yet analyzed, the cached generic
    -- plan started from auth.users and hashed and looked the key up again for every user it read
    -- (docs/benchmarks.md, agent token exchange).
    v_hash := private.api_key_hash(p_key);
    select k.user_id, k.id, k.expires_at, k.last_used_at, u.email::text, coalesce(u.phone, '')::text,
        coalesce(u.raw_user_meta_data, '{}'), coalesce(u.raw_app_meta_data, '{}')
    into user_id, api_key_id, key_expires_at, v_last_used, email, phone, user_metadata, app_metadata
    from public.api_keys as k
    join auth.users as u on u.id = k.user_id
    where k.id = (select h.api_key_id from private.api_key_hashes as h where h.key_hash = v_hash)
        and k.revoked_at is null
        and (k.expires_at is null or k.expires_at > now())
        and u.deleted_at is null
        and (u.banned_until is null or u.banned_until <= now());
    if not found then
        return;
    end if;
    if v_last_used is null or v_last_used < now() - interval '1 minute' then
        update public.api_keys as k set last_used_at = now() where k.id = api_key_authenticate.api_key_id;
    end if;
    return next;
end
$function$;
