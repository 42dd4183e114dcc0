-- The owner reads their webhooks, updates url, events, description and active, and deletes them.
-- Creation goes through create_webhook (cap and secret); the URL rules hold on every write.
-- disabled_reason is the worker's to set; user_id never changes.
alter table public.webhooks enable row level security;

revoke all on table public.webhooks from anon, authenticated;
-- rule: HOOK-OWNER
grant select, delete on table public.webhooks to authenticated;
-- rule: HOOK-OWNER
grant update (url, events, description, active) on table public.webhooks to authenticated;
grant all on table public.webhooks to service_role;

-- rule: HOOK-OWNER
create policy "owners read their webhooks" on public.webhooks
for select to authenticated
using (user_id = (select auth.uid()));

-- rule: HOOK-OWNER
create policy "owners update their webhooks" on public.webhooks
for update to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

-- rule: HOOK-OWNER
create policy "owners delete their webhooks" on public.webhooks
for delete to authenticated
using (user_id = (select auth.uid()));
