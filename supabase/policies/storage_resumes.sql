-- Bucket `resumes` (private, 10 MiB, pdf/docx; limits on the bucket row).
-- The owner reads, uploads, replaces and deletes files in their own folder `<uid>/`.
-- The poster of a gig the owner applied to reads the owner's files; nobody else does.
-- storage.objects is shared by every bucket and belongs to Supabase Storage: policies here are
-- prefixed `resumes:` and the table's RLS and grants are not repeated.
-- rule: STORE-RESUMES-READ
create policy "resumes: owners and posters they applied to read" on storage.objects
for select to authenticated
using (
    bucket_id = 'resumes'
    and (
        (storage.foldername(name))[1] = (select auth.uid()::text)
        or (storage.foldername(name))[1] = any((select private.my_applicant_ids())::text [])
    )
);

-- rule: STORE-OWN-FOLDER
create policy "resumes: owners upload into their folder" on storage.objects
for insert to authenticated
with check (bucket_id = 'resumes' and (storage.foldername(name))[1] = (select auth.uid()::text));

-- rule: STORE-OWN-FOLDER
create policy "resumes: owners replace their files" on storage.objects
for update to authenticated
using (bucket_id = 'resumes' and (storage.foldername(name))[1] = (select auth.uid()::text))
with check (bucket_id = 'resumes' and (storage.foldername(name))[1] = (select auth.uid()::text));

-- rule: STORE-OWN-FOLDER
create policy "resumes: owners delete their files" on storage.objects
for delete to authenticated
using (bucket_id = 'resumes' and (storage.foldername(name))[1] = (select auth.uid()::text));
