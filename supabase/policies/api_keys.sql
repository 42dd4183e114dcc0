-- The owner reads their keys (never the key itself: only its hash exists, in private).
-- No client writes: create_api_key and revoke_api_key do, checking the caller.
alter table public.api_keys enable row level security;

revoke all on table public.api_keys from anon, authenticated;
-- rule: KEY-OWNER-READS
grant select on table public.api_keys to authenticated;
grant all on table public.api_keys to service_role;

-- rule: KEY-OWNER-READS
create policy "owners read their api keys" on public.api_keys
for select to authenticated
using (user_id = (select auth.uid()));
