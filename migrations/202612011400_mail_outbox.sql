-- The outbox (issue 9, item 5): every e-mail the app sends is first a row here, inserted in the
-- same transaction as the action that caused it, so a message exists only if that action
-- committed. A sender delivers queued rows over SMTP and records the outcome.
--
-- status: queued (waiting, perhaps for a retry at next_attempt_at) → sending (claimed by one
-- sender) → sent, or failed (given up after its attempts, refused for good by the server, or
-- interrupted while being handed to the server: never resent automatically, so never sent twice).
create table mail_outbox (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  kind text not null check (kind ~ '^[a-z][a-z0-9_.-]{0,63}$'),
  -- "Once per item per period": a caller's key; a second message with the same key is not queued.
  dedupe_key text check (length(dedupe_key) between 1 and 300),
  to_address text not null check (length(to_address) between 3 and 320),
  subject text not null check (length(subject) between 1 and 998),
  body_text text not null,
  body_html text,
  status text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  -- Set by the claim; send_started_at is set just before the message is handed to the server.
  claim_token uuid,
  claimed_at timestamptz,
  send_started_at timestamptz,
  last_error text,
  smtp_message_id text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  unique (organisation_id, dedupe_key)
);

-- What the sender looks for, and what the admin page lists.
create index mail_outbox_due on mail_outbox (next_attempt_at) where status = 'queued';
create index mail_outbox_sending on mail_outbox (claimed_at) where status = 'sending';
create index mail_outbox_organisation on mail_outbox (organisation_id, created_at desc);
