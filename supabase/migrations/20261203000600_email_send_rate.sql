/**
 * E-mail send rate shared by every worker process: one row holding the next free send slot.
 *
 * A rate-limited claim (private.claim_emails with p_rate > 0) books one slot per claimed row,
 * 1/rate seconds apart, starting at the later of now and next_slot, and returns each row's
 * delay; the claim's update of this row serialises concurrent claims. So EMAIL_RATE_LIMIT holds
 * for all workers together, however many replicas run, at the cost of one row update per batch.
 */

create table private.email_send_rate (
    singleton boolean primary key default true,
    next_slot timestamptz not null default now(),
    constraint email_send_rate_singleton check (singleton)
);

comment on table private.email_send_rate is
'The next free e-mail send slot shared by all workers (one row); booked by rate-limited claims.';

insert into private.email_send_rate (singleton) values (true);
