-- Sign-in links sent by e-mail: an invitation to set a first password (7 days) and a password
-- reset (1 hour). Each link works once; only the SHA-256 of its random token is stored, so the
-- table holds nothing that signs anyone in.
create table account_links (
  id uuid primary key default gen_random_uuid(),
  token_hash text not null unique,
  purpose text not null check (purpose in ('invitation', 'password_reset')),
  user_id uuid not null references users (id) on delete cascade,
  -- The organisation the person is signed in to when they use the link.
  organisation_id uuid not null references organisations (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index account_links_user on account_links (user_id, purpose);

-- Accounts made by an invitation (a staff import) that have not set a password yet: their stored
-- hash is of random bytes nobody knows, so they cannot sign in until they use the link.
create table pending_accounts (
  user_id uuid primary key references users (id) on delete cascade,
  created_at timestamptz not null default now()
);

-- Requests for a new link ("Forgotten your password?"), counted per address typed and per client
-- address over a sliding window, so the form cannot be used to flood anyone's inbox.
create table account_link_requests (
  id bigint generated always as identity primary key,
  email_key text not null,
  address text not null,
  at timestamptz not null default now()
);
create index account_link_requests_email on account_link_requests (email_key, at);
create index account_link_requests_address on account_link_requests (address, at);
