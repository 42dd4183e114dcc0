/**
 * Billing: payment amounts are Stripe's integers in the currency's minor unit. The columns keep
 * their `_cents` names (clients read them), but are cents only for two-decimal currencies: yen
 * for JPY, won for KRW, fils (thousandths) for BHD. private.stripe_money() formats them.
 */
comment on column public.payments.amount_cents is
'Amount in the currency''s minor unit, as Stripe sends it: cents for USD, yen for JPY (zero-decimal), fils for BHD (three-decimal).';
comment on column public.payments.amount_refunded_cents is
'Refunded so far, in the same minor unit as amount_cents.';
