-- Framework packs (issue 12 §8): question sets a platform admin uploads as YAML, checked by the
-- same loader as content/assessments, previewed as a draft, then put live for every organisation
-- or for the organisations chosen. One row per set id and version; the YAML is kept as uploaded.
create table question_set_packs (
  id uuid primary key default gen_random_uuid(),
  set_id text not null check (length(set_id) between 1 and 100),
  set_version int not null check (set_version >= 1),
  title text not null,
  file_name text not null check (length(file_name) between 1 and 200),
  yaml text not null,
  status text not null default 'draft' check (status in ('draft', 'live', 'withdrawn')),
  -- Who it is published to once live: every organisation, or those in question_set_pack_organisations.
  audience text not null default 'all' check (audience in ('all', 'selected')),
  uploaded_by uuid references users(id) on delete set null,
  uploaded_at timestamptz not null default now(),
  live_by uuid references users(id) on delete set null,
  live_at timestamptz,
  withdrawn_by uuid references users(id) on delete set null,
  withdrawn_at timestamptz,
  unique (set_id, set_version)
);

create table question_set_pack_organisations (
  pack_id uuid not null references question_set_packs(id) on delete cascade,
  organisation_id uuid not null references organisations(id) on delete cascade,
  primary key (pack_id, organisation_id)
);
create index question_set_pack_organisations_org on question_set_pack_organisations (organisation_id);

-- Bumped in the transaction of every go-live, withdrawal or change of audience: each app process
-- compares it with the generation it loaded and reloads its packs when it differs.
create table question_set_pack_generation (
  id int primary key check (id = 1),
  generation int8 not null
);
insert into question_set_pack_generation (id, generation) values (1, 0);
