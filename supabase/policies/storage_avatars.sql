-- Bucket `avatars` (public, limits on the bucket row): profile pictures.
-- Anyone fetches a file by its public URL (served without RLS), but listing through the API
--   shows a user only their own folder: no browsing of other users' files.
-- A signed-in user uploads, replaces and deletes files only in their own folder `<uid>/`.
-- storage.objects is shared by every bucket and belongs to Supabase Storage: policies here are
-- prefixed `avatars:` and the table's RLS and grants are not repeated.
-- rule: STORE-NO-LISTING
create policy "avatars: owners list their folder" on storage.objects
for select to authenticated
using (bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid()::text));

-- rule: STORE-OWN-FOLDER
create policy "avatars: owners upload into their folder" on storage.objects
for insert to authenticated
with check (bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid()::text));

-- rule: STORE-OWN-FOLDER
create policy "avatars: owners replace their files" on storage.objects
for update to authenticated
using (bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid()::text))
with check (bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid()::text));

-- rule: STORE-OWN-FOLDER
create policy "avatars: owners delete their files" on storage.objects
for delete to authenticated
using (bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid()::text));
