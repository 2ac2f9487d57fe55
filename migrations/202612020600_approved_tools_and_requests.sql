-- Issue 9, items 7, 8 and 9: the AI lead's e-mail (so "Can I use this AI tool?" reaches someone),
-- register entries approved for general staff use, and staff requests to use a tool.
alter table organisations
  add column ai_lead_email text check (ai_lead_email is null or char_length(ai_lead_email) between 3 and 320);

-- An entry approved for general staff use. Withdrawing an approval keeps the row (with who,
-- when and why); at most one approval of an entry is current.
create table approved_tools (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  entry_id uuid not null references register_entries (id),
  -- The name staff and the public see (the entry's own name may say more than is published).
  public_name text not null check (char_length(public_name) between 1 and 200),
  approved_for text not null check (char_length(approved_for) between 1 and 500),
  approved_by uuid not null references users (id),
  approved_at timestamptz not null default now(),
  withdrawn_by uuid references users (id),
  withdrawn_at timestamptz,
  withdrawn_reason text check (withdrawn_reason is null or char_length(withdrawn_reason) between 1 and 500),
  check ((withdrawn_at is null) = (withdrawn_by is null) and (withdrawn_at is null) = (withdrawn_reason is null))
);
create unique index approved_tools_one_current on approved_tools (entry_id) where withdrawn_at is null;
create index approved_tools_org on approved_tools (organisation_id) where withdrawn_at is null;

-- "Can I use this AI tool?": what a person asked, and the register idea it became.
create table tool_requests (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  entry_id uuid not null references register_entries (id),
  requester_id uuid not null references users (id),
  tool_name text not null check (char_length(tool_name) between 1 and 200),
  purpose text not null check (char_length(purpose) between 1 and 2000),
  information text not null check (information in ('none', 'internal', 'personal', 'special_category')),
  detail text check (detail is null or char_length(detail) between 1 and 2000),
  -- Where the e-mail about it went (the AI lead, or who stood in), as told to the requester.
  notified text not null,
  created_at timestamptz not null default now()
);
create index tool_requests_requester on tool_requests (organisation_id, requester_id, created_at desc);
