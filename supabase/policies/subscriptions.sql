-- A signed-in user reads only their own subscription.
-- Only the service (Stripe webhooks) writes subscriptions; signup creates the free row.
alter table public.subscriptions enable row level security;

revoke all on table public.subscriptions from anon, authenticated;
-- rule: BILL-SERVICE-WRITES
grant select on table public.subscriptions to authenticated;
grant all on table public.subscriptions to service_role;

-- rule: BILL-OWNER-READS
create policy "owners read their subscription" on public.subscriptions
for select to authenticated
using (user_id = (select auth.uid()));
