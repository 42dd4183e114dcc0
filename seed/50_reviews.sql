/**
 * Reviews of finished work, both ways: the poster reviews the accepted freelancer and most
 * freelancers review the poster (as the reviewer; the reviews trigger keeps ratings on the
 * profiles). A review is known by gig, reviewer and reviewee (unique).
 */
do $$
declare
    r record;
    v_gig uuid;
    v_poster uuid;
    v_freelancer uuid;
begin
    for r in
        select *
        from (values
            -- (gig, poster's rating, poster's comment, freelancer's rating or null, freelancer's comment)
            (2, 5, 'The migration went live without a single incident.', 5, 'Clear scope and fast feedback. Would work with Maya again.'),
            (8, 5, 'Found and fixed the crash in two days. Great communication.', 4, 'Good brief, a bit slow to get test devices.'),
            (14, 4, 'Solid evaluation harness; some docs were thin at first.', 5, 'Thoughtful client, paid on time.'),
            (20, 5, 'The dedup rules were explained so well our analysts can maintain them.', null, null),
            (26, 5, 'Terraform modules are clean and documented. Recommended.', 5, 'Great engineering culture, clear requirements.'),
            (32, 4, 'Beautiful design system, delivered a week late.', 4, 'Lots of feedback rounds, but fair.'),
            (38, 5, 'Articles rank already. Will hire again.', 5, 'Friendly and decisive.'),
            (44, 3, 'Flows work, but copy needed rework on our side.', 4, 'Good collaboration overall.'),
            (50, 5, 'Our explainer doubled sign-ups on the landing page.', 5, 'Loved this project.'),
            (56, 5, 'Our wiki finally makes sense.', null, null)
        ) as v (gig, poster_rating, poster_comment, freelancer_rating, freelancer_comment)
    loop
        v_gig := pg_temp.gig_id(r.gig);
        select g.poster_id, a.applicant_id into v_poster, v_freelancer
        from public.gigs as g
        join public.applications as a on a.gig_id = g.id and a.status = 'accepted'
        where g.id = v_gig
        limit 1;
        continue when v_freelancer is null;
        continue when exists (select 1 from public.reviews where gig_id = v_gig);  -- loaded before
        perform pg_temp.act_as(v_poster);
        insert into public.reviews (gig_id, reviewer_id, reviewee_id, rating, comment)
        values (v_gig, v_poster, v_freelancer, r.poster_rating, r.poster_comment);
        if r.freelancer_rating is not null then
            perform pg_temp.act_as(v_freelancer);
            insert into public.reviews (gig_id, reviewer_id, reviewee_id, rating, comment)
            values (v_gig, v_freelancer, v_poster, r.freelancer_rating, r.freelancer_comment);
        end if;
        perform pg_temp.act_as(null);
    end loop;
end
$$;
