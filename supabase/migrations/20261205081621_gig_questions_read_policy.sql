-- A gig's questions are public (their gigs always are): no per-row gig lookup
--
-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

drop policy if exists "questions are read wherever their gig is" on public.gig_questions;

drop policy if exists "users ask as themselves" on public.gig_questions;

drop policy if exists "authors and posters update questions" on public.gig_questions;

drop policy if exists "questions are read wherever their gig is" on public.gig_questions;

create policy "questions are read wherever their gig is" on public.gig_questions as permissive for select to anon, authenticated using (true);

drop policy if exists "users ask as themselves" on public.gig_questions;

create policy "users ask as themselves" on public.gig_questions as permissive for insert to authenticated with check ((author_id = ( select auth.uid() as uid)));

drop policy if exists "authors and posters update questions" on public.gig_questions;

create policy "authors and posters update questions" on public.gig_questions as permissive for update to authenticated using (((author_id = ( select auth.uid() as uid)) or (poster_id = ( select auth.uid() as uid)))) with check (((author_id = ( select auth.uid() as uid)) or (poster_id = ( select auth.uid() as uid))));
