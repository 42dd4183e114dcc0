-- Every user has a free subscription row, as signup makes it (the busiest posters go Pro later).
insert into public.subscriptions (user_id, created_at, updated_at)
select u.id, u.created_at, u.created_at
from auth.users as u
where u.id >= pg_temp.sid(1, %(lo)s) and u.id < pg_temp.sid(1, %(hi)s)
on conflict do nothing
