/**
 * Storage buckets of the marketplace: avatars and portfolio (public: files are served by URL)
 * and resumes (private). Size and MIME limits live on the bucket rows, where Supabase Storage
 * enforces them on upload; who may read and write is in policies/storage_<bucket>.sql.
 * Upserted, so re-running against a project where the buckets were created by hand aligns them.
 */
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types) values
(
    'avatars', 'avatars', true, 5242880,
    array['image/jpeg', 'image/png', 'image/webp', 'image/gif']
),
(
    'portfolio', 'portfolio', true, 10485760,
    array['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'application/pdf']
),
(
    'resumes', 'resumes', false, 10485760,
    array['application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']
)
on conflict (id) do update
set public = excluded.public,
    file_size_limit = excluded.file_size_limit,
    allowed_mime_types = excluded.allowed_mime_types;
