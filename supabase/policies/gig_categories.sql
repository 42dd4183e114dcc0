-- Everyone, signed in or not, reads the category list.
-- Only the service changes it (categories are seeded by a migration).
alter table public.gig_categories enable row level security;

revoke all on table public.gig_categories from anon, authenticated;
grant select on table public.gig_categories to anon, authenticated;
grant all on table public.gig_categories to service_role;

-- rule: GIG-CATEGORIES
create policy "categories are public" on public.gig_categories
for select to anon, authenticated
using (true);
