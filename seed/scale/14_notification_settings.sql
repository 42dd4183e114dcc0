insert into public.notification_settings (user_id, created_at, updated_at)
select u.id, u.created_at, u.created_at
from auth.users as u
where u.id >= pg_temp.sid(1, %(lo)s) and u.id < pg_temp.sid(1, %(hi)s)
on conflict do nothing
