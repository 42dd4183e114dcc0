-- Bucket `attachments` (private, 25 MiB, images/pdf/text/zip; limits on the bucket row):
-- participants of a conversation read and upload files in `<conversation_id>/`;
-- the uploader (owner_id) replaces or deletes their own files there.
-- storage.objects is shared by every bucket and belongs to Supabase Storage: policies here are
-- prefixed `attachments:` and the table's RLS and grants are not repeated.
-- rule: STORE-ATTACHMENTS
create policy "attachments: participants read" on storage.objects
for select to authenticated
using (
    bucket_id = 'attachments'
    and private.try_uuid((storage.foldername(name))[1]) in (select private.my_conversation_ids())
);

-- rule: STORE-ATTACHMENTS
create policy "attachments: participants upload" on storage.objects
for insert to authenticated
with check (
    bucket_id = 'attachments'
    and private.try_uuid((storage.foldername(name))[1]) in (select private.my_conversation_ids())
    and lower(storage.extension(name)) in (
        'jpg', 'jpeg', 'png', 'webp', 'gif', 'pdf', 'txt', 'md', 'csv', 'zip'
    )
);

-- rule: STORE-ATTACHMENTS
create policy "attachments: uploaders replace their files" on storage.objects
for update to authenticated
using (bucket_id = 'attachments' and owner_id = (select auth.uid()::text))
with check (
    bucket_id = 'attachments'
    and owner_id = (select auth.uid()::text)
    and private.try_uuid((storage.foldername(name))[1]) in (select private.my_conversation_ids())
);

-- rule: STORE-ATTACHMENTS
create policy "attachments: uploaders delete their files" on storage.objects
for delete to authenticated
using (bucket_id = 'attachments' and owner_id = (select auth.uid()::text));
