-- Maturity self-assessment and sector benchmark (issue 12 §4, §5).
--
-- A maturity assessment is dated and kept: a new one is a new row, never an update, so the
-- organisation's history over time is the list of its assessments. Each holds one score (1–5)
-- and the evidence given for each dimension of the maturity model (content/maturity/model.yaml).
create table maturity_assessments (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  -- The version of the maturity model the levels were described by.
  model_version integer not null check (model_version >= 1),
  submitted_by uuid references users (id),
  submitted_at timestamptz not null default now()
);
create index maturity_assessments_org on maturity_assessments (organisation_id, submitted_at desc, id desc);

create table maturity_scores (
  assessment_id uuid not null references maturity_assessments (id),
  organisation_id uuid not null references organisations (id),
  dimension text not null check (dimension ~ '^[a-z][a-z0-9_]{0,62}$'),
  score integer not null check (score between 1 and 5),
  evidence text not null default '' check (char_length(evidence) <= 5000),
  primary key (assessment_id, dimension)
);

-- History is kept: an assessment and its scores are never changed or deleted.
create function maturity_keep() returns trigger language plpgsql as $$
begin
  raise exception 'maturity assessments are kept as they were submitted (% refused)', tg_op;
end $$;
create trigger maturity_assessments_keep before update or delete on maturity_assessments
  for each row execute function maturity_keep();
create trigger maturity_scores_keep before update or delete on maturity_scores
  for each row execute function maturity_keep();

-- Organisations taking part in the sector benchmark (an admin of the organisation opts in or
-- out; leaving deletes the row, the audit trail keeps both). Only these organisations'
-- figures go into the anonymous aggregates.
create table benchmark_participants (
  organisation_id uuid primary key references organisations (id),
  joined_by uuid references users (id),
  joined_at timestamptz not null default now()
);

-- The benchmark's figures are precomputed (kept per filter in each app process) and recomputed
-- when anything they are drawn from has changed since. This sequence is the signal: every
-- statement that writes to a table a figure reads moves it on (a sequence takes no lock and is
-- not rolled back, so writers never wait on each other, and a rolled-back write only costs a
-- recomputation). The triggers only signal; they read and change nothing.
create sequence benchmark_changes;
create function benchmark_touch() returns trigger language plpgsql as $$
begin
  perform nextval('benchmark_changes');
  return null;
end $$;
create trigger benchmark_touch after insert or update or delete or truncate on organisations for each statement execute function benchmark_touch();
create trigger benchmark_touch after insert or update or delete or truncate on users for each statement execute function benchmark_touch();
create trigger benchmark_touch after insert or update or delete or truncate on memberships for each statement execute function benchmark_touch();
create trigger benchmark_touch after insert or update or delete or truncate on policies for each statement execute function benchmark_touch();
create trigger benchmark_touch after insert or update or delete or truncate on policy_versions for each statement execute function benchmark_touch();
create trigger benchmark_touch after insert or update or delete or truncate on policy_acknowledgements for each statement execute function benchmark_touch();
create trigger benchmark_touch after insert or update or delete or truncate on boards for each statement execute function benchmark_touch();
create trigger benchmark_touch after insert or update or delete or truncate on transparency_publications for each statement execute function benchmark_touch();
create trigger benchmark_touch after insert or update or delete or truncate on maturity_assessments for each statement execute function benchmark_touch();
create trigger benchmark_touch after insert or update or delete or truncate on maturity_scores for each statement execute function benchmark_touch();
create trigger benchmark_touch after insert or update or delete or truncate on benchmark_participants for each statement execute function benchmark_touch();
