-- Auth users as GoTrue stores them; all share one password hash (bcrypt per row would take minutes).
insert into auth.users (
    instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
    raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
    confirmation_token, recovery_token, email_change_token_new, email_change,
    is_super_admin, is_anonymous
)
select
    '00000000-0000-0000-0000-000000000000',
    pg_temp.sid(1, i),
    'authenticated',
    'authenticated',
    'scale-user-' || i || '@scale.ugig.test',
    %(password_hash)s,
    t,
    '{"provider": "email", "providers": ["email"]}',
    jsonb_build_object('username', 'user_' || i, 'account_type', case when mod(i, 10) = 7 then 'agent' else 'human' end),
    t,
    t,
    '', '', '', '', false, false
from generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) as i
cross join lateral (select %(t0)s::timestamptz - (1 - i::float8 / %(users)s) * interval '730 days' as t) as c
on conflict do nothing
