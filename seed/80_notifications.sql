/**
 * Notifications come from the triggers above (applications, status changes, messages, calls,
 * reviews, filled gigs). Some people have caught up (mark_all_notifications_read, as
 * themselves); others, like maya_chen, have unread ones waiting.
 */
do $$
declare
    v_user integer;
begin
    foreach v_user in array array[2, 3, 11, 14, 20] loop
        perform pg_temp.act_as(pg_temp.demo_id(0, v_user));
        perform public.mark_all_notifications_read();
        perform pg_temp.act_as(null);
    end loop;
end
$$;
