-- Issue 9: a policy draft carries a revision counter, raised by every save of its text. The edit
-- form sends back the revision it was opened at, so saving over someone else's newer save is
-- refused (409) instead of silently replacing their words.
alter table policy_versions add column revision integer not null default 1;

-- Coverage counts who acknowledged a policy's version in force, per organisation and policy.
create index policy_acknowledgements_coverage
  on policy_acknowledgements (organisation_id, policy_id, version_major, version_minor, user_id);
