-- Gig questions: popular gigs get many (skew over non-draft gigs), asked by people other than the
-- poster; about 35%% of them get the poster's reply a day later. One slot, one question (and its
-- reply): kind 20 ids for questions, 21 for replies.
insert into public.gig_questions (id, gig_id, author_id, poster_id, parent_id, body, created_at, updated_at)
select
    pg_temp.sid(20 + r.reply, i),
    pg_temp.sid(2, s.gig),
    pg_temp.sid(1, case r.reply when 0 then s.author else s.poster end),
    pg_temp.sid(1, s.poster),
    case r.reply when 1 then pg_temp.sid(20, i) end,
    case r.reply
        when 0 then pg_temp.pick(array['Is this remote-friendly?', 'What is the expected timeline?',
            'Which stack do you use today?', 'Is the budget negotiable for a larger scope?'], pg_temp.h(i, 91))
        else 'Thanks for asking: yes, and happy to discuss details in a message.'
    end,
    s.asked_at + r.reply * interval '1 day',
    s.asked_at + r.reply * interval '1 day'
from generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) as i
cross join lateral (
    select
        g.gig,
        pg_temp.gig_poster(g.gig, %(posters)s) as poster,
        pg_temp.perm(pg_temp.skew(pg_temp.h(i, 90), %(users)s, 2), %(users)s, 0.29) as author,
        %(t0)s::timestamptz - pg_temp.h(i, 92) * interval '180 days' as asked_at
    from (select pg_temp.perm(pg_temp.skew(pg_temp.h(i, 89), %(gigs)s, 3), %(gigs)s, 0.37) as gig) as g
) as s
cross join (values (0), (1)) as r (reply)
where pg_temp.gig_status(s.gig) <> 'draft'
    and s.author <> s.poster
    and (r.reply = 0 or pg_temp.h(i, 93) < 0.35)
on conflict do nothing
