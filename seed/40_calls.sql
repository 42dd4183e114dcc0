/**
 * Video calls between people who talk about a gig: upcoming, rescheduled, cancelled and past
 * ones. Hosts schedule (always in the future, as clients must), the service marks a call
 * in progress when people join, the host ends it; 90_history.sql then moves past calls back
 * in time, which no client can do.
 */
create function pg_temp.conversation_of(p_a integer, p_b integer, p_gig integer) returns uuid
language sql stable
as $$
    select c.id
    from public.conversations as c
    where c.user_low = least(pg_temp.demo_id(0, p_a), pg_temp.demo_id(0, p_b))
        and c.user_high = greatest(pg_temp.demo_id(0, p_a), pg_temp.demo_id(0, p_b))
        and c.gig_key = coalesce(pg_temp.gig_id(p_gig), '00000000-0000-0000-0000-000000000000')
$$;

do $$
declare
    r record;
    v_call uuid;
    v_gig uuid;
    v_conversation uuid;
begin
    for r in
        select *
        from (values
            -- (n, host, guest, gig, days ahead at scheduling, minutes, what happens)
            (1, 1, 9, 1, 2, 30, 'scheduled'),
            (2, 2, 11, 13, 5, 45, 'scheduled'),
            (3, 2, 14, 26, 1, 30, 'completed'),
            (4, 5, 17, 50, 1, 60, 'completed'),
            (5, 4, 10, 8, 3, 30, 'cancelled'),
            (6, 7, 20, 21, 1, 30, 'rescheduled')
        ) as c (n, host, guest, gig, days, minutes, outcome)
    loop
        v_call := pg_temp.demo_id(4, r.n);
        continue when exists (select 1 from public.video_calls where id = v_call);  -- loaded before
        v_gig := pg_temp.gig_id(r.gig);
        v_conversation := pg_temp.conversation_of(r.host, r.guest, r.gig);
        perform pg_temp.act_as(pg_temp.demo_id(0, r.host));
        insert into public.video_calls (id, guest_id, gig_id, conversation_id, scheduled_at, duration_minutes)
        values (
            v_call, pg_temp.demo_id(0, r.guest), v_gig, v_conversation,
            date_trunc('day', now()) + make_interval(days => r.days, hours => 10), r.minutes
        );
        if r.outcome = 'rescheduled' then
            update public.video_calls set scheduled_at = scheduled_at + interval '2 days' where id = v_call;
        elsif r.outcome = 'cancelled' then
            perform pg_temp.act_as(pg_temp.demo_id(0, r.guest));
            update public.video_calls set status = 'cancelled' where id = v_call;
        elsif r.outcome = 'completed' then
            -- The service marks the call started when the first participant joins.
            perform pg_temp.act_as(null);
            perform set_config('request.jwt.claims', '{"role": "service_role"}', true);
            perform set_config('role', 'service_role', true);
            update public.video_calls set status = 'in_progress' where id = v_call;
            perform pg_temp.act_as(pg_temp.demo_id(0, r.host));
            update public.video_calls set status = 'completed' where id = v_call;
        end if;
        perform pg_temp.act_as(null);
    end loop;
end
$$;
