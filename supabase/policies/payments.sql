-- A signed-in user reads only their own payments.
-- Only the service (Stripe webhooks) writes payments: no client insert, update or delete.
alter table public.payments enable row level security;

revoke all on table public.payments from anon, authenticated;
-- rule: BILL-SERVICE-WRITES
grant select on table public.payments to authenticated;
grant all on table public.payments to service_role;

-- rule: BILL-OWNER-READS
create policy "owners read their payments" on public.payments
for select to authenticated
using (user_id = (select auth.uid()));
