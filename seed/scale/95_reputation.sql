-- needs: public.profiles, public.reviews, public.applications, public.endorsements, public.post_votes, public.comment_votes
-- Reputation, as the triggers keep it (docs/community.md): the formula of
-- private.reputation_points over reviews, accepted applications, endorsements and votes received.
with points as (
    select r.reviewee_id as user_id, private.reputation_points('review', r.rating) as points
    from public.reviews as r
    union all
    select a.applicant_id, private.reputation_points('accepted_application')
    from public.applications as a
    where a.status = 'accepted'
    union all
    select e.endorsed_id, private.reputation_points('endorsement')
    from public.endorsements as e
    union all
    -- Votes counted per post (or comment) and value first: 10M votes join 1.5M groups, not rows.
    select p.author_id, private.reputation_points('vote', v.value) * v.n
    from (select post_id, value, count(*)::integer as n from public.post_votes group by post_id, value) as v
    join public.posts as p on p.id = v.post_id
    union all
    select c.author_id, private.reputation_points('vote', v.value) * v.n
    from (select comment_id, value, count(*)::integer as n from public.comment_votes group by comment_id, value) as v
    join public.post_comments as c on c.id = v.comment_id
    where c.author_id is not null
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
