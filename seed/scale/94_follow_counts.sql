-- needs: public.follows, public.profiles
-- Follower and following counts, as the follows triggers keep them.
update public.profiles as p
set followers_count = coalesce(f.followers, 0), following_count = coalesce(f.following, 0)
from (
    select u.id, x.followers, y.following
    from (
        select followed_id as id from public.follows
        union
        select follower_id from public.follows
    ) as u
    left join (select followed_id, count(*)::integer as followers from public.follows group by followed_id) as x
        on x.followed_id = u.id
    left join (select follower_id, count(*)::integer as following from public.follows group by follower_id) as y
        on y.follower_id = u.id
) as f
where p.id = f.id and (p.followers_count, p.following_count) is distinct from (f.followers, f.following);
