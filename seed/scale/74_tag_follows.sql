-- Tag follows: skewed followers, popular tags followed most; a repeated pair is dropped.
insert into public.tag_follows (user_id, tag, created_at)
select
    pg_temp.sid(1, pg_temp.perm(pg_temp.skew(pg_temp.h(i, 150), %(users)s, 1.5), %(users)s, 0.47)),
    pg_temp.post_tag(pg_temp.h(i, 151)),
    %(t0)s::timestamptz - pg_temp.h(i, 152) * interval '365 days'
from generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) as i
on conflict do nothing
