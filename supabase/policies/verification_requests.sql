-- A verification request is its owner's: only they read it. No client writes requests: they are
-- opened by request_verification and decided by review_verification_request (service only).
alter table public.verification_requests enable row level security;

revoke all on table public.verification_requests from anon, authenticated;
-- rule: VERIFY-REQUEST
grant select on table public.verification_requests to authenticated;
grant all on table public.verification_requests to service_role;

-- rule: VERIFY-REQUEST
create policy "owners read their verification requests" on public.verification_requests
for select to authenticated
using (user_id = (select auth.uid()));
