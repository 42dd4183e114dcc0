/**
 * Applications in every state, each step taken by the person allowed to take it: freelancers
 * and agents apply and withdraw, posters review, shortlist, reject and accept
 * (set_application_status). Accepting fills a one-position gig, which rejects its other open
 * applications; then some posters pause or close gigs. Triggers send the notifications.
 * An application is known by its gig and applicant (unique): pg_temp.application_id(n).
 */
create temporary table demo_applications (n integer, gig integer, applicant integer, final_status text)
on commit drop;

insert into demo_applications (n, gig, applicant, final_status) values
    (1, 1, 9, 'shortlisted'),
    (2, 1, 19, 'pending'),
    (3, 1, 18, 'reviewing'),
    (4, 2, 19, 'accepted'),
    (5, 2, 18, 'rejected'),
    (6, 2, 23, 'withdrawn'),
    (7, 3, 18, 'shortlisted'),
    (8, 3, 23, 'rejected'),
    (9, 3, 28, 'withdrawn'),
    (10, 4, 23, 'pending'),
    (11, 4, 28, 'reviewing'),
    (12, 4, 9, 'pending'),
    (13, 6, 23, 'pending'),
    (14, 6, 9, 'reviewing'),
    (15, 6, 19, 'shortlisted'),
    (16, 7, 10, 'rejected'),
    (17, 7, 22, 'withdrawn'),
    (18, 7, 23, 'pending'),
    (19, 8, 10, 'accepted'),
    (20, 8, 22, 'rejected'),
    (21, 8, 23, 'withdrawn'),
    (22, 9, 23, 'reviewing'),
    (23, 9, 18, 'pending'),
    (24, 9, 10, 'reviewing'),
    (25, 10, 18, 'shortlisted'),
    (26, 10, 10, 'rejected'),
    (27, 10, 22, 'withdrawn'),
    (28, 11, 10, 'pending'),
    (29, 11, 22, 'reviewing'),
    (30, 11, 23, 'pending'),
    (31, 13, 11, 'reviewing'),
    (32, 13, 20, 'reviewing'),
    (33, 13, 23, 'shortlisted'),
    (34, 14, 20, 'accepted'),
    (35, 14, 23, 'rejected'),
    (36, 14, 18, 'withdrawn'),
    (37, 15, 23, 'rejected'),
    (38, 15, 18, 'withdrawn'),
    (39, 15, 11, 'pending'),
    (40, 16, 18, 'reviewing'),
    (41, 16, 11, 'pending'),
    (42, 16, 20, 'reviewing'),
    (43, 17, 11, 'shortlisted'),
    (44, 17, 20, 'rejected'),
    (45, 17, 23, 'withdrawn'),
    (46, 18, 20, 'pending'),
    (47, 18, 23, 'reviewing'),
    (48, 18, 18, 'pending'),
    (49, 19, 12, 'reviewing'),
    (50, 19, 20, 'reviewing'),
    (51, 19, 24, 'shortlisted'),
    (52, 20, 20, 'accepted'),
    (53, 20, 24, 'rejected'),
    (54, 20, 11, 'withdrawn'),
    (55, 21, 20, 'shortlisted'),
    (56, 21, 24, 'rejected'),
    (57, 21, 11, 'withdrawn'),
    (58, 23, 12, 'pending'),
    (59, 23, 20, 'reviewing'),
    (60, 23, 24, 'pending'),
    (61, 24, 20, 'reviewing'),
    (62, 24, 24, 'shortlisted'),
    (63, 24, 11, 'rejected'),
    (64, 25, 14, 'withdrawn'),
    (65, 25, 27, 'pending'),
    (66, 25, 18, 'reviewing'),
    (67, 26, 14, 'accepted'),
    (68, 26, 27, 'rejected'),
    (69, 26, 18, 'withdrawn'),
    (70, 27, 18, 'pending'),
    (71, 27, 23, 'reviewing'),
    (72, 27, 14, 'shortlisted'),
    (73, 28, 23, 'rejected'),
    (74, 28, 14, 'withdrawn'),
    (75, 28, 27, 'pending'),
    (76, 29, 14, 'reviewing'),
    (77, 29, 27, 'pending'),
    (78, 29, 18, 'reviewing'),
    (79, 31, 13, 'pending'),
    (80, 31, 25, 'shortlisted'),
    (81, 31, 19, 'rejected'),
    (82, 32, 25, 'accepted'),
    (83, 32, 19, 'rejected'),
    (84, 32, 13, 'withdrawn'),
    (85, 33, 19, 'withdrawn'),
    (86, 33, 13, 'pending'),
    (87, 33, 25, 'reviewing'),
    (88, 34, 13, 'pending'),
    (89, 34, 25, 'reviewing'),
    (90, 34, 19, 'shortlisted'),
    (91, 35, 25, 'rejected'),
    (92, 35, 19, 'withdrawn'),
    (93, 35, 13, 'pending'),
    (94, 37, 15, 'shortlisted'),
    (95, 37, 21, 'reviewing'),
    (96, 37, 26, 'pending'),
    (97, 38, 21, 'accepted'),
    (98, 38, 26, 'rejected'),
    (99, 38, 15, 'withdrawn'),
    (100, 39, 26, 'pending'),
    (101, 39, 15, 'reviewing'),
    (102, 39, 21, 'shortlisted'),
    (103, 40, 15, 'rejected'),
    (104, 40, 21, 'withdrawn'),
    (105, 40, 26, 'pending'),
    (106, 41, 21, 'reviewing'),
    (107, 41, 26, 'pending'),
    (108, 41, 15, 'reviewing'),
    (109, 42, 26, 'shortlisted'),
    (110, 42, 15, 'rejected'),
    (111, 42, 21, 'withdrawn'),
    (112, 43, 16, 'pending'),
    (113, 43, 21, 'pending'),
    (114, 43, 26, 'reviewing'),
    (115, 44, 21, 'accepted'),
    (116, 44, 26, 'rejected'),
    (117, 44, 16, 'withdrawn'),
    (118, 45, 26, 'pending'),
    (119, 45, 16, 'reviewing'),
    (120, 45, 21, 'shortlisted'),
    (121, 47, 21, 'rejected'),
    (122, 47, 26, 'withdrawn'),
    (123, 47, 16, 'pending'),
    (124, 48, 26, 'reviewing'),
    (125, 48, 16, 'pending'),
    (126, 48, 21, 'reviewing'),
    (127, 49, 17, 'shortlisted'),
    (128, 49, 25, 'rejected'),
    (129, 49, 13, 'withdrawn'),
    (130, 50, 17, 'accepted'),
    (131, 50, 25, 'rejected'),
    (132, 50, 13, 'withdrawn'),
    (133, 51, 13, 'pending'),
    (134, 51, 17, 'reviewing'),
    (135, 51, 25, 'pending'),
    (136, 52, 17, 'reviewing'),
    (137, 52, 25, 'shortlisted'),
    (138, 52, 13, 'rejected'),
    (139, 53, 25, 'withdrawn'),
    (140, 53, 13, 'pending'),
    (141, 53, 17, 'reviewing'),
    (142, 55, 21, 'pending'),
    (143, 55, 24, 'reviewing'),
    (144, 55, 31, 'shortlisted'),
    (145, 56, 24, 'accepted'),
    (146, 56, 31, 'rejected'),
    (147, 56, 15, 'withdrawn'),
    (148, 57, 31, 'rejected'),
    (149, 57, 15, 'withdrawn'),
    (150, 57, 21, 'pending'),
    (151, 58, 15, 'reviewing'),
    (152, 58, 21, 'pending'),
    (153, 58, 24, 'reviewing'),
    (154, 60, 24, 'shortlisted'),
    (155, 60, 31, 'rejected'),
    (156, 60, 15, 'withdrawn');

create function pg_temp.application_id(p_n integer) returns uuid
language sql stable
as $$
    select a.id
    from demo_applications as d
    join public.applications as a on a.gig_id = pg_temp.gig_id(d.gig) and a.applicant_id = pg_temp.demo_id(0, d.applicant)
    where d.n = p_n
$$;

-- Apply (as the applicant).
do $$
declare
    r record;
    v_gig uuid;
    v_profile public.profiles;
begin
    for r in select * from demo_applications order by n loop
        continue when pg_temp.application_id(r.n) is not null;  -- loaded before
        v_gig := pg_temp.gig_id(r.gig);
        select * into v_profile from public.profiles where id = pg_temp.demo_id(0, r.applicant);
        perform pg_temp.act_as(pg_temp.demo_id(0, r.applicant));
        insert into public.applications (gig_id, cover_letter, proposed_rate, proposed_timeline, ai_tools)
        values (
            v_gig,
            'Hi! ' || coalesce(v_profile.headline, 'Freelancer on ugig') || '. I have shipped similar projects, '
            || 'I write tests as I go and I can start this week. Happy to do a short call first.',
            coalesce(v_profile.hourly_rate, 50),
            (array['1 week', '2 weeks', '3 weeks', '1 month'])[1 + r.n % 4],
            v_profile.ai_tools[1:2]
        );
        perform pg_temp.act_as(null);
    end loop;
end
$$;

-- Withdraw (as the applicant), then the poster's decisions, acceptances last (they fill gigs).
do $$
declare
    r record;
    v_current text;
    v_poster uuid;
    v_application uuid;
begin
    for r in
        select *
        from demo_applications
        order by case final_status when 'withdrawn' then 0 when 'accepted' then 2 else 1 end, n
    loop
        v_application := pg_temp.application_id(r.n);
        select a.status, g.poster_id into v_current, v_poster
        from public.applications as a
        join public.gigs as g on g.id = a.gig_id
        where a.id = v_application;
        continue when v_current = r.final_status or r.final_status = 'pending';
        -- An open application of a gig that filled meanwhile was rejected by the fill.
        continue when v_current = 'rejected';
        if r.final_status = 'withdrawn' then
            perform pg_temp.act_as(pg_temp.demo_id(0, r.applicant));
            update public.applications set status = 'withdrawn' where id = v_application;
        else
            perform pg_temp.act_as(v_poster);
            perform public.set_application_status(v_application, r.final_status);
        end if;
        perform pg_temp.act_as(null);
    end loop;
end
$$;

-- Some posters pause or close gigs (as the poster; filled gigs were filled by acceptance).
do $$
declare
    r record;
    v_gig uuid;
begin
    for r in
        select *
        from (values
            (4, 2, 'closed'),
            (10, 5, 'paused'),
            (11, 1, 'closed'),
            (17, 7, 'paused'),
            (18, 1, 'closed'),
            (23, 7, 'closed'),
            (28, 2, 'closed'),
            (29, 2, 'paused'),
            (34, 2, 'closed'),
            (40, 5, 'paused'),
            (41, 8, 'closed'),
            (47, 3, 'paused'),
            (48, 6, 'closed'),
            (52, 6, 'closed'),
            (53, 4, 'paused'),
            (58, 8, 'closed')
        ) as g (n, poster, final_status)
    loop
        v_gig := pg_temp.gig_id(r.n);
        perform pg_temp.act_as(pg_temp.demo_id(0, r.poster));
        update public.gigs set status = r.final_status where id = v_gig and status = 'active';
        perform pg_temp.act_as(null);
    end loop;
end
$$;
