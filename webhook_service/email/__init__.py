"""E-mail delivery: a worker drains private.email_outbox through Resend.

`render` turns an outbox row into a message, `outbox` claims and completes rows through the SQL
functions in supabase/functions_sql/50_email.sql, `resend_api` sends one message and classifies
the outcome, `worker` ties them together and is the `ugig-email-worker` command. `unsubscribe`
signs the one-click unsubscribe links the worker puts in e-mails and serves them in the web
service (`POST /email/unsubscribe`).
"""
