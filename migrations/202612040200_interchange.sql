-- Interchange (issue 11, items 3 and 4): records imported from other registers, and the GOV.UK
-- index of published ATRS records kept as references.

-- Who published an imported version. transparency_publications.published_by names a person;
-- an import has none, so imported versions name this account. It cannot sign in: it is
-- inactive, belongs to no organisation and its password hash matches no password. The e-mail is
-- under the reserved .invalid domain, so no mail can reach it.
insert into users (id, email, name, password_hash, active)
values ('00000000-0000-4000-8000-0000000a1607', 'imported-records@aigov.invalid', 'Imported from another register', '!', false)
on conflict (id) do nothing;

-- One row per record brought in from a file, by its id in that file (the Dutch register's
-- algorithm_id, an ATRS record's id), so a second run of the same file changes nothing and a
-- changed row is recognised (content_hash) and published as a new version.
create table import_sources (
  id uuid primary key default gen_random_uuid(),
  format text not null check (format in ('nl-register', 'atrs')),
  source_id text not null check (char_length(source_id) between 1 and 200),
  organisation_id uuid not null references organisations (id),
  entry_id uuid not null references register_entries (id),
  record_id uuid not null references transparency_records (id),
  -- The record's slug on our register (it never changes), for its public pages' exports.
  record_slug text not null,
  content_hash text not null,
  -- The row as it was read (column → text), kept so nothing of the source is lost.
  source jsonb not null,
  file_name text,
  imported_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (format, organisation_id, source_id)
);
create index import_sources_source on import_sources (format, source_id);
create index import_sources_record on import_sources (organisation_id, record_slug);

-- Records published elsewhere (today: GOV.UK's algorithmic transparency records), shown on the
-- public site with a link, never copied as if they were ours. Idempotent by url.
create table external_records (
  id uuid primary key default gen_random_uuid(),
  source text not null check (source in ('gov.uk')),
  url text not null unique check (char_length(url) between 1 and 500),
  publishing_body text,
  tool_name text not null,
  title text not null,
  description text,
  published_at timestamptz,
  content_hash text not null,
  imported_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  search tsvector generated always as (
    setweight(to_tsvector('english', coalesce(title, '') || ' ' || coalesce(tool_name, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(publishing_body, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(description, '')), 'D')
  ) stored
);
create index external_records_search on external_records using gin (search);
create index external_records_newest on external_records (published_at desc nulls last, id);
