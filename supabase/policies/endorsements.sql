-- Endorsements are public: anyone, signed in or not, reads them.
-- Signed-in users endorse as themselves (endorser_id is the caller; the trigger decides whether
--   the skill and the person may be endorsed) and delete their own endorsements. Rows are never
--   updated: delete and endorse again.
alter table public.endorsements enable row level security;

revoke all on table public.endorsements from anon, authenticated;
grant select on table public.endorsements to anon, authenticated;
-- rule: ENDORSE-AS-SELF
grant insert (endorsed_id, skill, comment), delete on table public.endorsements to authenticated;
grant all on table public.endorsements to service_role;

-- rule: ENDORSE-PUBLIC
create policy "endorsements are public" on public.endorsements
for select to anon, authenticated
using (true);

-- rule: ENDORSE-AS-SELF
create policy "users endorse as themselves" on public.endorsements
for insert to authenticated
with check (endorser_id = (select auth.uid()));

-- rule: ENDORSE-AS-SELF
create policy "endorsers delete their endorsements" on public.endorsements
for delete to authenticated
using (endorser_id = (select auth.uid()));
