-- AI Governance Hub: initial schema. Every organisation-owned row carries organisation_id.

create table organisations (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text not null check (length(name) between 1 and 200),
  contact_email text,
  website_url text,
  region text,
  created_at timestamptz not null default now()
);

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null unique check (email = lower(email)),
  name text not null,
  password_hash text not null,
  active boolean not null default true,
  created_at timestamptz not null default now()
);

-- A person's roles in one organisation.
create table memberships (
  user_id uuid not null references users (id) on delete cascade,
  organisation_id uuid not null references organisations (id) on delete cascade,
  roles text[] not null check (
    roles <@ array['viewer', 'contributor', 'assessor', 'board_member', 'admin']::text[]
    and cardinality(roles) > 0
  ),
  created_at timestamptz not null default now(),
  primary key (user_id, organisation_id)
);
create index memberships_org on memberships (organisation_id);

-- Server-side sessions: the cookie holds a random id, the table only its SHA-256.
create table sessions (
  id_hash text primary key,
  user_id uuid not null references users (id) on delete cascade,
  organisation_id uuid not null references organisations (id) on delete cascade,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user on sessions (user_id);

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  organisation_id uuid not null references organisations (id) on delete cascade,
  name text not null,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_tokens_user on api_tokens (user_id);

create table register_entries (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  name text not null,
  purpose text not null,
  service_area text not null,
  owner text not null,
  supplier text,
  technique text not null,
  personal_data boolean not null,
  special_category_data boolean not null default false,
  decision_role text not null check (decision_role in ('informs', 'assists', 'automates')),
  people_affected text not null,
  human_oversight text not null,
  stage text not null check (stage in ('idea', 'proposed', 'under_assessment', 'awaiting_decision',
    'approved', 'rejected', 'pilot', 'live', 'retired')),
  risk_tier text check (risk_tier in ('low', 'medium', 'high', 'prohibited')),
  next_review_date date,
  version integer not null default 1,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  search tsvector generated always as (
    setweight(to_tsvector('english', coalesce(name, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(purpose, '') || ' ' || coalesce(service_area, '') || ' ' ||
      coalesce(supplier, '') || ' ' || coalesce(technique, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(people_affected, '') || ' ' || coalesce(owner, '')), 'C')
  ) stored
);
create index register_entries_org_stage on register_entries (organisation_id, stage);
create index register_entries_search on register_entries using gin (search);

-- Who changed what, when. Rows are only ever inserted.
create table audit_events (
  id bigint generated always as identity primary key,
  organisation_id uuid references organisations (id),
  actor_id uuid references users (id),
  entity_type text not null,
  entity_id uuid,
  action text not null,
  changes jsonb not null default '{}'::jsonb,
  at timestamptz not null default now()
);
create index audit_events_entity on audit_events (entity_type, entity_id, id);

-- Answers are given once per entry and reused by every question set that asks the question.
create table entry_answers (
  entry_id uuid not null references register_entries (id) on delete cascade,
  organisation_id uuid not null references organisations (id),
  question_id text not null,
  value jsonb not null,
  answered_by uuid references users (id),
  answered_at timestamptz not null default now(),
  primary key (entry_id, question_id)
);

create table assessments (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  entry_id uuid not null references register_entries (id) on delete cascade,
  set_id text not null,
  set_version integer not null,
  status text not null check (status in ('draft', 'submitted', 'signed_off', 'returned', 'needs_review')),
  answers jsonb not null,
  outcome jsonb,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1,
  unique (entry_id, set_id)
);

create table decisions (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  entry_id uuid not null references register_entries (id) on delete cascade,
  outcome text not null check (outcome in ('approve', 'approve_with_conditions', 'defer', 'reject')),
  rationale text not null,
  review_date date,
  decided_by uuid not null references users (id),
  decided_at timestamptz not null default now()
);
create index decisions_entry on decisions (entry_id, decided_at);

create table decision_conditions (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  decision_id uuid not null references decisions (id) on delete cascade,
  entry_id uuid not null references register_entries (id) on delete cascade,
  text text not null,
  status text not null default 'open' check (status in ('open', 'met', 'waived')),
  closed_by uuid references users (id),
  closed_at timestamptz
);
create index decision_conditions_entry on decision_conditions (entry_id);

-- The working copy of an entry's ATRS record.
create table transparency_records (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  entry_id uuid not null unique references register_entries (id),
  slug text not null,
  fields jsonb not null,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organisation_id, slug)
);

-- Published versions: immutable once written (enforced below).
create table transparency_publications (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  record_id uuid not null references transparency_records (id),
  version_no integer not null,
  standard_version text not null,
  fields jsonb not null,
  published_by uuid not null references users (id),
  published_at timestamptz not null default now(),
  search tsvector generated always as (
    to_tsvector('english', coalesce(fields ->> 'name', '') || ' ' || coalesce(fields ->> 'description', '')
      || ' ' || coalesce(fields ->> 'organisation_name', ''))
  ) stored,
  unique (record_id, version_no)
);
create index transparency_publications_search on transparency_publications using gin (search);

create function forbid_changing_publications() returns trigger language plpgsql as $$
begin
  raise exception 'published transparency records cannot be changed or deleted; publish a new version';
end;
$$;
create trigger transparency_publications_immutable
  before update or delete on transparency_publications
  for each row execute function forbid_changing_publications();
