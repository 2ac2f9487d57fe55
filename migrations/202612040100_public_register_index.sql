-- The public register at national scale.
--
-- public_records holds one narrow row per published record: its latest version, with the columns
-- the public search filters, sorts and ranks on. publish() keeps it in the same transaction, so
-- the public site never reads a record half-published. It can always be rebuilt from
-- transparency_publications (which stay immutable).
--
-- public_register_state.generation moves on with every change to public_records: every app
-- process compares it before answering from its cache, so a publish in one process invalidates
-- the caches of all of them.

-- Welsh text beside the English, field by field (a key missing here falls back to English).
alter table transparency_records add column fields_cy jsonb not null default '{}';
alter table transparency_publications add column fields_cy jsonb not null default '{}';
-- What the register said about the use when the version was published: service area, technique
-- and risk tier, for the public filters (they are not ATRS fields).
alter table transparency_publications add column facets jsonb not null default '{}';

-- Every word of a published record, weighted: title A, summary and organisation B, the rest D.
create function public_record_search(fields jsonb, organisation_name text) returns tsvector
language sql immutable parallel safe as $$
  select setweight(to_tsvector('english', coalesce(fields ->> 'title', '') || ' ' || coalesce(fields ->> 'name', '')), 'A')
      || setweight(to_tsvector('english', coalesce(fields ->> 'one_sentence_description', '') || ' ' || coalesce(organisation_name, '')), 'B')
      || setweight(jsonb_to_tsvector('english', fields, '["string"]'), 'D')
$$;

create table public_records (
  record_id uuid primary key references transparency_records (id),
  organisation_id uuid not null references organisations (id),
  -- Stable public id, "<organisation slug>/<record slug>": neither slug ever changes.
  public_id text not null unique,
  organisation_slug text not null,
  organisation_name text not null,
  organisation_type text,
  nation text,
  region text,
  title text not null,
  summary text not null default '',
  phase text not null default '',
  third_party boolean not null default false,
  service_area text,
  technique text,
  risk_tier text,
  version_no integer not null,
  first_published_at timestamptz not null,
  published_at timestamptz not null,
  standard_version text not null,
  fields jsonb not null,
  fields_cy jsonb not null default '{}',
  search tsvector not null
);
create index public_records_search on public_records using gin (search);
create index public_records_newest on public_records (published_at desc, record_id);
create index public_records_name on public_records (lower(title), record_id);
create index public_records_organisation on public_records (organisation_slug, published_at desc);
create index public_records_type on public_records (organisation_type);
create index public_records_nation on public_records (nation);
create index public_records_phase on public_records (phase);
create index public_records_service_area on public_records (service_area);
create index public_records_risk_tier on public_records (risk_tier);

create table public_register_state (
  id integer primary key check (id = 1),
  generation bigint not null
);
insert into public_register_state (id, generation) values (1, 1);

create function bump_public_register_generation() returns trigger language plpgsql as $$
begin
  update public_register_state set generation = generation + 1 where id = 1;
  return null;
end;
$$;
create trigger public_records_changed
  after insert or update or delete or truncate on public_records
  for each statement execute function bump_public_register_generation();

-- Existing publications: index the latest version of each record, with the register's facets now.
insert into public_records (
  record_id, organisation_id, public_id, organisation_slug, organisation_name, organisation_type, nation, region,
  title, summary, phase, third_party, service_area, technique, risk_tier, version_no, first_published_at,
  published_at, standard_version, fields, fields_cy, search)
select r.id, r.organisation_id, o.slug || '/' || r.slug, o.slug, o.name, o.organisation_type, o.nation, o.region,
  coalesce(nullif(latest.fields ->> 'title', ''), nullif(latest.fields ->> 'name', ''), r.slug),
  coalesce(latest.fields ->> 'one_sentence_description', ''),
  coalesce(latest.fields ->> 'phase', ''),
  lower(coalesce(latest.fields ->> 'external_supplier_involvement', '')) = 'yes',
  e.service_area, e.technique, e.risk_tier,
  latest.version_no,
  (select min(p.published_at) from transparency_publications p where p.record_id = r.id),
  latest.published_at, latest.standard_version, latest.fields, latest.fields_cy,
  public_record_search(latest.fields, o.name)
from (select distinct on (record_id) * from transparency_publications order by record_id, version_no desc) latest
join transparency_records r on r.id = latest.record_id
join organisations o on o.id = r.organisation_id
join register_entries e on e.id = r.entry_id;
