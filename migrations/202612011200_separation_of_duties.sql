-- Separation of duties (issue 7): nobody decides on, or publishes, their own work unless the
-- organisation relaxed the rule; each relaxed action is marked where people read it.

-- A decision recorded by someone with a stake in the entry: which stakes they had
-- ('proposed': they created the entry; 'screened': they submitted its screening).
-- separation_relaxed is true when the organisation's setting let that person record it anyway.
alter table decisions
  add column separation_relaxed boolean not null default false,
  add column decider_stakes text[] not null default '{}';

-- The same for marking a condition of an approval met or waived.
alter table decision_conditions
  add column separation_relaxed boolean not null default false,
  add column closer_stakes text[] not null default '{}';

-- Who drafted the working record, and everyone who wrote in it (drafted it or saved an edit),
-- with when they last did. The person publishing may not be among those who wrote it since it
-- was last published. Fields filled in from assessment answers are not counted as writing.
alter table transparency_records add column drafted_by uuid references users (id);

create table transparency_record_writers (
  organisation_id uuid not null references organisations (id),
  record_id uuid not null references transparency_records (id) on delete cascade,
  user_id uuid not null references users (id),
  last_wrote_at timestamptz not null default now(),
  primary key (record_id, user_id)
);

-- Records drafted before this migration: their drafters and editors, from the audit trail.
update transparency_records r set drafted_by = a.actor_id
  from audit_events a
  where a.entity_type = 'transparency_record' and a.action = 'created' and a.entity_id = r.id;

insert into transparency_record_writers (organisation_id, record_id, user_id, last_wrote_at)
  select r.organisation_id, r.id, a.actor_id, max(a.at)
  from audit_events a join transparency_records r on r.id = a.entity_id
  where a.entity_type = 'transparency_record' and a.action in ('created', 'updated') and a.actor_id is not null
  group by r.organisation_id, r.id, a.actor_id;

-- A version published by one of its writers because the organisation allows it.
-- (Adding a column fires no row trigger: published rows stay as they were.)
alter table transparency_publications add column separation_relaxed boolean not null default false;
