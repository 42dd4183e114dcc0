/**
 * Reputation for the reviews and accepted applications written before its triggers existed
 * (endorsements and votes are new, so none predate them): the formula of
 * private.reputation_points over the current rows. From now on the triggers keep it.
 */

with points as (
    select r.reviewee_id as user_id, private.reputation_points('review', r.rating) as points
    from public.reviews as r
    union all
    select a.applicant_id, private.reputation_points('accepted_application')
    from public.applications as a
    where a.status = 'accepted'
),

totals as (
    select p.user_id, sum(p.points)::integer as reputation
    from points as p
    group by p.user_id
)

update public.profiles as pr
set reputation = t.reputation
from totals as t
where pr.id = t.user_id and pr.reputation is distinct from t.reputation;
