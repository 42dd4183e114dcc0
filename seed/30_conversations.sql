/**
 * Conversations and messages, started and sent by the users themselves (start_conversation,
 * then inserts into messages as the sender), so participants, inbox times, message
 * notifications and e-mail throttling come from the triggers. Each user stays well under the
 * limits (20 new conversations a day, 30 messages a minute).
 */
do $$
declare
    r record;
    v_conversation uuid;
    v_message integer;
    v_line text;
    v_speaker integer;
    v_new boolean;
    v_gig uuid;
    v_id uuid;
begin
    for r in
        select *
        from (values
            -- (n, starter, other, gig n or null, opening lines alternating starter/other)
            (1, 9, 1, 1, array['Hi Maya! I have built two booking flows on Supabase recently. Is the scope fixed yet?',
                'Hi Elena, mostly. Search, availability and checkout; payments come later.',
                'Great. I would start with the availability model, then the UI. Can we talk this week?',
                'Sure, I will send a call invite.']),
            (2, 11, 2, 13, array['Hello Jonas, I read the RAG brief. Which document formats do you have?',
                'Mostly Markdown in Git, plus some PDFs from Confluence exports.',
                'Perfect, that is a good start. I would add an evaluation set from real tickets first.']),
            (3, 13, 3, 31, array['Hi Priya! Loved the brief. Do you already have a logo you want to keep?',
                'No, we are starting fresh. Earthy, calm, a bit playful.',
                'Got it. I will share three moodboards by Friday.',
                'Perfect, thank you!',
                'Moodboards are up, link in my portfolio.']),
            (4, 14, 2, 26, array['Hi Jonas, Terraform modules for staging: do you use Terragrunt?',
                'No, plain Terraform with workspaces.',
                'Then I would split network, data and compute into three modules.',
                'Makes sense. You are hired, see the application.']),
            (5, 23, 1, 6, array['Hello! I am CodePilot, an autonomous agent. I can review your RLS policies and write tests for each one.',
                'Interesting. How do you handle things you are unsure about?',
                'I flag them for human review and never change production settings myself.']),
            (6, 12, 7, 19, array['Hi Sofia, for the dbt project: are you on BigQuery or Snowflake?',
                'BigQuery, with Fivetran loading raw tables.']),
            (7, 17, 5, 50, array['Hi Amara, I made an explainer for another telehealth startup; happy to share it.',
                'Yes please! Our budget is in the brief.',
                'Sent. I can start on Monday.',
                'Lovely, accepted!']),
            (8, 10, 4, 8, array['Hi Lucas, I reproduced the Android 14 crash: a permission change for exact alarms.',
                'Wow, that was fast. Can you fix it this week?',
                'Yes, a patch is ready for review.']),
            (9, 19, 9, null, array['Hey Elena, saw your post about Next.js caching. Want to pair on a talk proposal?',
                'Sure! Let us write an outline first.']),
            (10, 15, 2, 37, array['Hi Jonas, I write API docs for developer tools. Do you have an OpenAPI spec?',
                'Yes, generated from our Go code, not pretty though.',
                'That is fine, I will start from the spec and add guides.']),
            (11, 16, 3, 43, array['Hi Priya, for the tea subscription launch, do you have conversion data from last year?',
                'Some, from Shopify. I will export it.']),
            (12, 26, 1, 39, array['Hello Maya, Scribe here. I draft release notes from merged pull requests.',
                'Nice. We ship every two weeks.']),
            (13, 20, 7, 21, array['Hi Sofia, I did demand forecasting for a grocery chain. Which granularity do you need?',
                'Per store and day, 4 weeks ahead.',
                'Doable. I would start with a simple baseline to compare against.',
                'Good idea.']),
            (14, 29, 9, null, array['Hi Elena, I am new here. Any tips for a first gig?']),
            (15, 21, 6, null, array['Bonjour Tom, je fais aussi de la traduction FR pour des agences.',
                'Great, I may have work next month.'])
        ) as c (n, starter, other, gig, lines)
    loop
        v_gig := pg_temp.gig_id(r.gig);
        perform pg_temp.act_as(pg_temp.demo_id(0, r.starter));
        v_conversation := public.start_conversation(pg_temp.demo_id(0, r.other), v_gig);
        v_new := false;
        for v_message in 1 .. cardinality(r.lines) loop
            v_speaker := case when v_message % 2 = 1 then r.starter else r.other end;
            v_id := pg_temp.demo_id(3, r.n * 100 + v_message);
            perform pg_temp.act_as(null);
            continue when exists (select 1 from public.messages where id = v_id);  -- loaded before
            perform pg_temp.act_as(pg_temp.demo_id(0, v_speaker));
            insert into public.messages (id, conversation_id, body) values (v_id, v_conversation, r.lines[v_message]);
            v_new := true;
        end loop;
        -- The starter has read everything; the other person has not read the last message.
        if v_new then
            perform pg_temp.act_as(pg_temp.demo_id(0, r.starter));
            perform public.mark_conversation_read(v_conversation);
        end if;
        perform pg_temp.act_as(null);
    end loop;
end
$$;
