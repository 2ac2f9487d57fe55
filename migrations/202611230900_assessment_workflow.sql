-- Assessments: workflow (draft → submitted → signed off, returned, needs review), every
-- version kept, required actions tracked per entry, and a risk register per entry.

alter table assessments
  add column submitted_by uuid references users (id),
  add column submitted_at timestamptz,
  add column signed_off_by uuid references users (id),
  add column signed_off_at timestamptz,
  add column comment text;

-- Every saved state of an assessment, in order: what it said, who did what, when.
create table assessment_versions (
  id bigint generated always as identity primary key,
  organisation_id uuid not null references organisations (id),
  assessment_id uuid not null references assessments (id) on delete cascade,
  version integer not null,
  set_version integer not null,
  status text not null,
  action text not null,
  answers jsonb not null,
  outcome jsonb,
  comment text,
  actor_id uuid references users (id),
  at timestamptz not null default now(),
  unique (assessment_id, version)
);

-- Required actions derived by the rules of an entry's assessments, with who does them by when.
create table entry_actions (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  entry_id uuid not null references register_entries (id) on delete cascade,
  set_id text not null,
  rule_id text not null,
  level text not null check (level in ('MUST', 'SHOULD', 'COULD')),
  text text not null,
  reason text not null,
  source text not null,
  status text not null default 'open' check (status in ('open', 'done', 'not_applicable')),
  owner text,
  due_date date,
  -- false once the rule no longer fires; kept for the record rather than deleted
  current boolean not null default true,
  updated_by uuid references users (id),
  updated_at timestamptz not null default now(),
  unique (entry_id, set_id, rule_id, text)
);
create index entry_actions_entry on entry_actions (entry_id);

-- Risks added by hand to an entry's risk register (the hidden-risks workshop's risks live in
-- its answers and are shown beside these).
create table entry_risks (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  entry_id uuid not null references register_entries (id) on delete cascade,
  category text not null,
  description text not null,
  likelihood integer not null check (likelihood between 1 and 5),
  impact integer not null check (impact between 1 and 5),
  residual_likelihood integer check (residual_likelihood between 1 and 5),
  residual_impact integer check (residual_impact between 1 and 5),
  owner text,
  mitigation text,
  review_date date,
  created_by uuid references users (id),
  created_at timestamptz not null default now()
);
create index entry_risks_entry on entry_risks (entry_id);
