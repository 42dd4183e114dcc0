-- The owner reads and changes their own e-mail switches; nobody else sees them.
-- Rows are created at signup and removed with the user: no client insert or delete.
alter table public.notification_settings enable row level security;

revoke all on table public.notification_settings from anon, authenticated;
grant select on table public.notification_settings to authenticated;
grant update (
    email_application_received, email_application_status, email_message_received, email_call,
    email_review_received, email_billing, email_questions, email_social, email_verification
) on table public.notification_settings to authenticated;
grant all on table public.notification_settings to service_role;

-- rule: NOTIF-SETTINGS
create policy "owners read their notification settings" on public.notification_settings
for select to authenticated
using (user_id = (select auth.uid()));

-- rule: NOTIF-SETTINGS
create policy "owners update their notification settings" on public.notification_settings
for update to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));
