/**
 * Communication: which Realtime topics a client may join (the realtime.messages policies).
 * Idempotent; re-applied when changed.
 */

/** Section - Realtime topics */
-- conversation:<id>: its participants receive and send (typing, presence), unless either
-- blocked the other: a block stops messages, typing and presence in both directions.
-- user:<id>: that user receives; nobody sends from a client.
-- rule: RT-TOPICS
create or replace function private.realtime_topic_allowed(p_topic text, p_send boolean)
returns boolean
language plpgsql
stable
security definer
-- Realtime evaluates this for any member's topic; membership rows and blocks are not all readable.
set search_path = ''
as $$
declare
    v_uid uuid := auth.uid();
    v_conversation uuid;
begin
    if v_uid is null or p_topic is null then
        return false;
    end if;
    if p_topic like 'conversation:%' then
        v_conversation := private.try_uuid(substr(p_topic, 14));
        return private.is_participant(v_conversation, v_uid)
            and not exists (
                select 1
                from public.conversation_participants as other
                where other.conversation_id = v_conversation
                    and other.user_id <> v_uid
                    and private.is_blocked(other.user_id, v_uid)
            );
    end if;
    if p_topic like 'user:%' then
        return not p_send and private.try_uuid(substr(p_topic, 6)) = v_uid;
    end if;
    return false;
end
$$;
revoke execute on function private.realtime_topic_allowed(text, boolean) from public, anon, authenticated;
grant execute on function private.realtime_topic_allowed(text, boolean) to authenticated;
