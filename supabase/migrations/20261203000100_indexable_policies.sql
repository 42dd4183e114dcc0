/*
 * Client queries at marketplace scale (issue 7): every policy predicate is one indexable column.
 *
 * applications.poster_id: the gig's poster, copied onto the row so the poster's half of the read
 * policy is `poster_id = (select auth.uid())` on an index instead of a list of every gig the caller
 * posted, gathered per request. The applications guard copies it on insert and refuses any change
 * (a gig's poster never changes either).
 *
 * Search: one partial GIN over the active gigs' text, category and publication time replaces the
 * GIN over every gig (btree_gin adds the scalar columns), so "text in a category, published this
 * week" — the first page of search_gigs by relevance — is a single index lookup.
 */

/** Section - applications.poster_id */
alter table public.applications add column poster_id uuid references public.profiles (id) on delete cascade;
-- Backfill without the row triggers: no updated_at bump, no state-machine or notification work.
alter table public.applications disable trigger user;
update public.applications as a
set poster_id = g.poster_id
from public.gigs as g
where g.id = a.gig_id;
alter table public.applications enable trigger user;

alter table public.applications alter column poster_id set not null;

comment on column public.applications.poster_id is
'The gig''s poster (set from the gig; not writable): who, besides the applicant, reads the application.';

create index applications_poster_created_idx on public.applications (poster_id, created_at desc);
create index applications_gig_created_idx on public.applications (gig_id, created_at desc);

-- The old policies read private.my_gig_ids(); the policy files define the new ones.
drop policy if exists "applicants and posters read applications" on public.applications;
drop policy if exists "applicants and posters update applications" on public.applications;
drop function if exists private.my_gig_ids();

/** Section - search */
create extension if not exists btree_gin with schema extensions;

drop index public.gigs_search_vector_idx;
create index gigs_active_search_idx on public.gigs using gin (search_vector, category, published_at)
where status = 'active';
