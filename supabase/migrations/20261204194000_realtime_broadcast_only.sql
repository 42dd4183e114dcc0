/*
 * Realtime by database broadcast only (issue 17): messages, notifications, read state and calls now
 * reach clients as broadcasts to the private topics `conversation:<id>` and `user:<id>`, sent by
 * triggers (functions_sql/32_realtime_broadcasts.sql). Postgres Changes authorised every change of
 * these tables once per subscriber; with the tables out of `supabase_realtime` no change is
 * processed twice. Idempotent: removes only the tables the publication still carries (a hosted
 * project may have changed it by hand), and does nothing where the publication is absent.
 */
do $$
declare
    v_table text;
begin
    for v_table in
        select t.tablename
        from pg_catalog.pg_publication_tables as t
        where t.pubname = 'supabase_realtime'
            and t.schemaname = 'public'
            and t.tablename in ('messages', 'notifications', 'conversation_participants', 'video_calls')
    loop
        execute pg_catalog.format('alter publication supabase_realtime drop table public.%I', v_table);
    end loop;
end
$$;
