-- Everyone reads work history (it is part of the public profile).
-- The owner adds, edits and deletes their entries; user_id and timestamps are not writable.
alter table public.work_history enable row level security;

revoke all on table public.work_history from anon, authenticated;
grant select on table public.work_history to anon, authenticated;
grant insert (user_id, company, title, start_date, end_date, description) on table public.work_history
to authenticated;
grant update (company, title, start_date, end_date, description) on table public.work_history to authenticated;
grant delete on table public.work_history to authenticated;
grant all on table public.work_history to service_role;

-- rule: WORK-OWNER
create policy "work history is public" on public.work_history
for select to anon, authenticated
using (true);

-- rule: WORK-OWNER
create policy "owners add work history" on public.work_history
for insert to authenticated
with check (user_id = (select auth.uid()));

-- rule: WORK-OWNER
create policy "owners edit work history" on public.work_history
for update to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

-- rule: WORK-OWNER
create policy "owners delete work history" on public.work_history
for delete to authenticated
using (user_id = (select auth.uid()));
