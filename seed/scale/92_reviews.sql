-- needs: public.reviews, public.applications, public.gigs, public.profiles
-- Most accepted work is reviewed, in both directions; ratings follow (as the reviews trigger does).
insert into public.reviews (id, gig_id, reviewer_id, reviewee_id, rating, comment, created_at, updated_at)
select
    pg_temp.sid(7, pg_temp.sidx(a.id) * 2 + d.dir),
    a.gig_id,
    case d.dir when 0 then g.poster_id else a.applicant_id end,
    case d.dir when 0 then a.applicant_id else g.poster_id end,
    (5 - floor(3 * power(pg_temp.h(pg_temp.sidx(a.id) * 2 + d.dir, 60), 3)))::smallint,
    pg_temp.pick(array['Great to work with, clear communication.', 'Delivered on time and on budget.',
        'Solid work, a few rounds of feedback needed.', 'Would hire again.'],
        pg_temp.h(pg_temp.sidx(a.id) * 2 + d.dir, 61)),
    a.updated_at + interval '3 days',
    a.updated_at + interval '3 days'
from public.applications as a
join public.gigs as g on g.id = a.gig_id
cross join (values (0), (1)) as d (dir)
where a.status = 'accepted' and pg_temp.h(pg_temp.sidx(a.id) * 2 + d.dir, 62) < 0.7
on conflict do nothing;

update public.profiles as p
set rating_avg = r.avg, rating_count = r.count
from (
    select reviewee_id, round(avg(rating), 2) as avg, count(*)::integer as count
    from public.reviews
    group by reviewee_id
) as r
where p.id = r.reviewee_id and (p.rating_avg, p.rating_count) is distinct from (r.avg, r.count);
