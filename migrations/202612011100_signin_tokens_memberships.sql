-- Sign-in abuse, API token expiry and scope, and memberships that are switched off per organisation.

-- Failed sign-ins, kept in the database so every app process sees the same count. One row per
-- failure; rows older than the throttling window are deleted as new ones arrive.
create table sign_in_failures (
  id bigint generated always as identity primary key,
  -- The e-mail address as typed (trimmed, lower-case), whether or not an account has it, so the
  -- throttle says nothing about which accounts exist.
  account_key text not null,
  -- The client's IP address.
  address text not null,
  -- The "known device" id from a signed cookie, when the browser sent one.
  device_id text,
  at timestamptz not null default now()
);
create index sign_in_failures_account on sign_in_failures (account_key, at);
create index sign_in_failures_address on sign_in_failures (address, at);
create index sign_in_failures_device on sign_in_failures (device_id, at) where device_id is not null;
create index sign_in_failures_at on sign_in_failures (at);

-- API tokens: a scope (read, or read and write) and an expiry, both chosen when the token is made.
-- Tokens made before this had every right; they keep it and expire 90 days from now.
alter table api_tokens
  add column scope text not null default 'read_write' check (scope in ('read', 'read_write')),
  add column expires_at timestamptz;
update api_tokens set expires_at = now() + interval '90 days' where expires_at is null;
alter table api_tokens alter column expires_at set not null;
alter table api_tokens alter column scope drop default;

-- A person may belong to several organisations with one sign-in; each organisation's admins
-- switch off only their own membership, never the person's access elsewhere.
alter table memberships add column active boolean not null default true;
update memberships m set active = u.active from users u where u.id = m.user_id;
-- Deactivation was account-wide until now and is kept, per membership, above; users.active stays
-- as an account-wide switch the app itself no longer turns off.
update users set active = true where not active;
