-- Complete ATRS records (issue 11).
--
-- Each working record follows a version of the standard (content/atrs/<version>.yaml); records
-- drafted before this follow 3.0, new ones the newest. A reviewer who did not write the record
-- approves one version of it (approved_version = the record's version); any later save moves the
-- version on, so the approval no longer holds and the record needs approving again.
-- Redactions: field key -> the reason given, as the standard allows instead of not publishing.
alter table transparency_records
  add column standard_version text not null default '3.0',
  add column redactions jsonb not null default '{}',
  add column approved_by uuid references users (id),
  add column approved_at timestamptz,
  add column approved_version integer;

-- What was redacted in a published version (the published text says "Redacted: <reason>"), and
-- who approved it.
alter table transparency_publications
  add column redactions jsonb not null default '{}',
  add column approved_by uuid references users (id);
