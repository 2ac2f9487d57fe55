-- "Report a problem with this record": what a member of the public says is wrong with a published
-- transparency record, for the owning organisation's admins.
--
-- The reporter's address is kept so the organisation can reply; it is never published.
-- reporter_key (SHA-256 of the lower-cased address) is what the rate limit counts on, so the
-- limit does not depend on how the address was typed.
create table transparency_problem_reports (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  record_id uuid not null references transparency_records (id),
  -- The version the reporter was reading.
  version_no integer not null check (version_no > 0),
  body text not null check (length(body) between 1 and 5000),
  reporter_email text not null check (length(reporter_email) between 3 and 320),
  reporter_name text check (length(reporter_name) <= 200),
  reporter_key text not null check (reporter_key ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  dealt_with_at timestamptz,
  dealt_with_by uuid references users (id),
  check ((dealt_with_at is null) = (dealt_with_by is null))
);
create index transparency_problem_reports_organisation on transparency_problem_reports (organisation_id, created_at desc);
create index transparency_problem_reports_reporter on transparency_problem_reports (reporter_key, created_at);

-- The Atom feed reads the newest publications across every organisation.
create index transparency_publications_newest on transparency_publications (published_at desc, id);
