-- The webhook's owner reads its deliveries (not the worker's lease columns); only the database
-- and the delivery worker write them; redeliver_webhook_delivery re-queues one.
alter table public.webhook_deliveries enable row level security;

revoke all on table public.webhook_deliveries from anon, authenticated;
-- rule: DELIVERY-OWNER-READS
grant select (
    id, webhook_id, user_id, event_type, payload, status, attempts, next_attempt_at, last_status_code,
    last_error, created_at, delivered_at
) on table public.webhook_deliveries to authenticated;
grant all on table public.webhook_deliveries to service_role;

-- rule: DELIVERY-OWNER-READS
create policy "owners read their webhook deliveries" on public.webhook_deliveries
for select to authenticated
using (user_id = (select auth.uid()));
