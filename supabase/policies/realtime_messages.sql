-- Broadcast and presence on `conversation:<id>`: only its participants receive and send.
-- Broadcast on `user:<id>`: only that user receives; clients never send on it.
-- realtime.messages belongs to Supabase Realtime, which enables its RLS and grants: not repeated here.
-- rule: RT-TOPICS
create policy "topics: participants and the user receive" on realtime.messages
for select to authenticated
using (
    realtime.messages.extension in ('broadcast', 'presence')
    and (select private.realtime_topic_allowed((select realtime.topic()), false))
);

-- rule: RT-TOPICS
create policy "topics: participants send" on realtime.messages
for insert to authenticated
with check (
    realtime.messages.extension in ('broadcast', 'presence')
    and (select private.realtime_topic_allowed((select realtime.topic()), true))
);
