-- Guidance library contributions (issue 12 §3): a case study or resource a signed-in person shares,
-- pending until a platform admin approves it (then listed, credited to the organisation) or
-- rejects it with a reason. Nothing pending or rejected is ever shown publicly.
create table guidance_contributions (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations(id) on delete cascade,
  contributor_id uuid not null references users(id),
  kind text not null check (kind in ('case_study', 'resource')),
  title text not null check (length(title) between 1 and 200),
  theme text not null check (theme in ('policy', 'governance', 'data_protection', 'equality', 'security', 'procurement', 'transparency', 'skills')),
  link text check (link is null or (length(link) between 9 and 500 and link like 'https://%')),
  summary text not null check (length(summary) between 1 and 3000),
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  reason text check (reason is null or length(reason) between 1 and 1000),
  moderated_by uuid references users(id),
  moderated_at timestamptz,
  created_at timestamptz not null default now(),
  check ((status = 'pending') = (moderated_at is null)),
  check ((status = 'rejected') = (reason is not null))
);

create index guidance_contributions_status on guidance_contributions (status, created_at);
create index guidance_contributions_contributor on guidance_contributions (organisation_id, contributor_id, created_at);
