-- Platform administration (issue 12 §9): the people who run the platform for every organisation,
-- and what they keep about each organisation.
create table platform_admins (
  user_id uuid primary key references users(id) on delete cascade,
  granted_at timestamptz not null default now()
);

alter table organisations
  -- The organisation's official identifier (for a council, its ONS/GSS code, e.g. E07000178).
  add column official_identifier text check (official_identifier is null or length(official_identifier) between 1 and 40),
  -- A suspended organisation's people cannot sign in and its API tokens stop working; nothing is deleted.
  add column suspended_at timestamptz,
  add column suspended_reason text check (suspended_reason is null or length(suspended_reason) between 1 and 1000);

create unique index organisations_official_identifier on organisations (lower(official_identifier)) where official_identifier is not null;
