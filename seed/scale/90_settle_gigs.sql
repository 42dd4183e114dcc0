-- needs: public.gigs, public.applications, private.gig_publications, public.subscriptions
-- Settle what the marketplace triggers would have: accepted applications fill their gig, the
-- gig's other open applications are rejected, counters and plan bookkeeping follow.

-- A filled gig accepted its earliest (non-withdrawn) applicants, up to its positions.
update public.applications as a
set status = 'accepted'
from (
    select a.id
    from public.gigs as g
    cross join lateral (
        select a.id
        from public.applications as a
        where a.gig_id = g.id and a.status <> 'withdrawn'
        order by a.created_at
        limit g.positions
    ) as a
    where g.status = 'filled'
) as pick
where a.id = pick.id and a.status <> 'accepted';

-- Positions end up equal to what was accepted; a "filled" gig nobody was accepted on is closed.
update public.gigs as g
set positions = greatest(1, x.accepted), status = case when x.accepted = 0 then 'closed' else 'filled' end
from (
    select g.id, count(a.id) filter (where a.status = 'accepted') as accepted
    from public.gigs as g
    left join public.applications as a on a.gig_id = g.id
    where g.status = 'filled'
    group by g.id
) as x
where g.id = x.id and (g.positions <> greatest(1, x.accepted) or x.accepted = 0);

-- When a gig fills, its other open applications are rejected.
update public.applications as a
set status = 'rejected'
from public.gigs as g
where g.id = a.gig_id and g.status = 'filled' and a.status in ('pending', 'reviewing', 'shortlisted');

update public.gigs as g
set applications_count = x.n
from (select gig_id, count(*)::integer as n from public.applications group by gig_id) as x
where g.id = x.gig_id and g.applications_count <> x.n;

-- The plan limit counts first publications.
insert into private.gig_publications (gig_id, poster_id, published_at)
select g.id, g.poster_id, g.published_at
from public.gigs as g
where g.published_at is not null and g.id >= pg_temp.sid(2, 0) and g.id <= pg_temp.sid(2, %(gigs)s)
on conflict do nothing;

-- Posters who publish more than the free plan allows are on Pro.
update public.subscriptions as s
set plan = 'pro', status = 'active', price_id = 'price_scale_pro',
    current_period_start = date_trunc('month', now()),
    current_period_end = date_trunc('month', now()) + interval '1 month'
from (
    select poster_id
    from private.gig_publications
    where published_at >= now() - interval '1 year'
    group by poster_id
    having count(*) > 10 * 12
) as busy
where s.user_id = busy.poster_id and s.plan <> 'pro';
