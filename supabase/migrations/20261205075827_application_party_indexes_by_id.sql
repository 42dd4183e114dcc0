-- The applicant's and the poster's application indexes end with `id desc`, so a keyset page of one
-- party's applications (`order by created_at desc, id desc`, `(created_at, id) < (cursor)`) is one
-- index range read in order, with no sort (my_applications). The leading columns are unchanged:
-- the same reads, the policy's BitmapOr and the foreign keys are served as before.

drop index public.applications_applicant_created_idx;
create index applications_applicant_created_idx on public.applications (applicant_id, created_at desc, id desc);

drop index public.applications_poster_created_idx;
create index applications_poster_created_idx on public.applications (poster_id, created_at desc, id desc);
