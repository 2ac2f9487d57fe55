-- Issue 12, part 1: the use-case library. The library's own uses are content
-- (content/usecases/*.yaml); what lives here is what councils add to it and take from it.

-- A register entry an organisation's admin shared to the library: a copy of the entry's shareable
-- fields only (built by the same function that built the preview the admin saw), never the owner
-- or anyone's name. Withdrawing keeps the row (who and when); at most one share of an entry is current.
create table shared_use_cases (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  -- The sharing council's name as it was when shared (shown with the use; sharing again refreshes it).
  organisation_name text not null check (char_length(organisation_name) between 1 and 200),
  entry_id uuid not null references register_entries (id),
  -- The entry's version the copy was made from (the one the preview showed).
  entry_version integer not null check (entry_version > 0),
  content jsonb not null,
  risk_tier text check (risk_tier is null or risk_tier in ('low', 'medium', 'high', 'prohibited')),
  -- Lower-case words of the copy, for the library's search.
  search_text text not null,
  shared_by uuid not null references users (id),
  shared_at timestamptz not null default now(),
  withdrawn_by uuid references users (id),
  withdrawn_at timestamptz,
  check ((withdrawn_at is null) = (withdrawn_by is null))
);
create unique index shared_use_cases_one_current on shared_use_cases (entry_id) where withdrawn_at is null;
create index shared_use_cases_current on shared_use_cases (shared_at desc) where withdrawn_at is null;

-- A register entry started from the library ("Use this"): which use it came from.
create table library_adoptions (
  entry_id uuid primary key references register_entries (id),
  organisation_id uuid not null references organisations (id),
  source_kind text not null check (source_kind in ('library', 'shared')),
  -- The library use's id, or the shared use's id.
  source_id text not null check (char_length(source_id) between 1 and 100),
  source_title text not null check (char_length(source_title) between 1 and 200),
  -- The council that shared it (a shared use only), as it was named then.
  source_organisation text check (source_organisation is null or char_length(source_organisation) between 1 and 200),
  adopted_by uuid not null references users (id),
  adopted_at timestamptz not null default now()
);
create index library_adoptions_org on library_adoptions (organisation_id);
