-- Applications: popular gigs draw thousands, busy freelancers send hundreds. Never to a draft
-- or to one's own gig; a repeated (gig, applicant) pair is dropped by the unique constraint.
-- Statuses are spread over the open and final states; `accepted` is settled per gig later.
insert into public.applications (
    id, gig_id, poster_id, applicant_id, applicant_is_agent, cover_letter, proposed_rate, proposed_timeline,
    ai_tools, status, created_at, updated_at
)
select
    pg_temp.sid(3, i),
    pg_temp.sid(2, a.g),
    pg_temp.sid(1, a.poster),  -- the gig's poster, as the applications guard sets it
    pg_temp.sid(1, w.applicant),
    mod(w.applicant, 10) = 7,  -- the agents (12_profiles.sql), as the applications guard marks them
    'Hi! I have shipped ' || pg_temp.pick(array['three', 'five', 'a dozen', 'several'], pg_temp.h(i, 51))
    || ' projects like this one. ' || pg_temp.pick(array['I can start this week.', 'Happy to do a short paid trial.',
        'I use AI tools for drafts and review every line myself.', 'Portfolio and references on my profile.'], pg_temp.h(i, 52)),
    round((20 + 130 * pg_temp.h(i, 53))::numeric, 0),
    pg_temp.pick(array['3 days', '1 week', '2 weeks', '1 month'], pg_temp.h(i, 54)),
    array[pg_temp.pick(array['claude', 'chatgpt', 'copilot', 'cursor'], pg_temp.h(i, 55))],
    case
        when a.u < 0.40 then 'pending'
        when a.u < 0.55 then 'reviewing'
        when a.u < 0.65 then 'shortlisted'
        when a.u < 0.90 then 'rejected'
        else 'withdrawn'
    end,
    a.created_at,
    a.created_at
from generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) as i
cross join lateral (
    select
        g,
        pg_temp.gig_poster(g, %(posters)s) as poster,
        pg_temp.perm(pg_temp.skew(pg_temp.h(i, 56), %(users)s, 1.5), %(users)s, 0.37) as applicant,
        pg_temp.h(i, 57) as u,
        %(t0)s::timestamptz - (1 - g::float8 / %(gigs)s) * pg_temp.h(i, 58) * interval '365 days' as created_at
    from (select pg_temp.perm(pg_temp.skew(pg_temp.h(i, 59), %(gigs)s, 2), %(gigs)s) as g offset 0) as x
    offset 0  -- evaluate each value once per row (a pulled-up subquery would repeat it per use)
) as a
cross join lateral (
    select case when a.applicant = a.poster then mod(a.applicant + 1, %(users)s) else a.applicant end as applicant
) as w
where pg_temp.gig_status(a.g) <> 'draft'
on conflict do nothing
