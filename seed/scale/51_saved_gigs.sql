-- Bookmarked gigs: a few people save hundreds (power law over savers), most a handful. Only gigs
-- the saver can see and did not post (non-drafts of someone else), as the saved_gigs trigger
-- demands; a repeated (user, gig) pair is dropped.
insert into public.saved_gigs (user_id, gig_id, created_at)
select
    pg_temp.sid(1, s.u),
    pg_temp.sid(2, s.g),
    %(t0)s::timestamptz - pg_temp.h(i, 73) * interval '180 days'
from generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) as i
cross join lateral (
    select
        pg_temp.perm(pg_temp.skew(pg_temp.h(i, 71), %(users)s, 3), %(users)s, 0.23) as u,
        pg_temp.perm(floor(pg_temp.h(i, 72) * %(gigs)s)::bigint, %(gigs)s) as g
) as s
where pg_temp.gig_status(s.g) <> 'draft'
    and pg_temp.gig_poster(s.g, %(posters)s) <> s.u
on conflict do nothing
