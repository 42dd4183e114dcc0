insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select u.id::text, u.id, jsonb_build_object('sub', u.id, 'email', u.email, 'email_verified', true), 'email',
    u.created_at, u.created_at, u.created_at
from auth.users as u
where u.id >= pg_temp.sid(1, %(lo)s) and u.id < pg_temp.sid(1, %(hi)s)
on conflict do nothing
