-- The organisation dashboard and the "what needs me" home page (issue 12): indexes for the counts
-- and the person's own lists. Indexes only.

-- Assessments awaiting sign-off (an assessor's home page) and the dashboard's counts by status.
create index assessments_org_status on assessments (organisation_id, status);

-- Open required actions: the dashboard's counts by level, and those a person owns (matched by name or e-mail address).
create index entry_actions_org_open on entry_actions (organisation_id, level) where current and status = 'open';
create index entry_actions_org_owner on entry_actions (organisation_id, lower(btrim(owner))) where current and status = 'open';

-- The entries a person proposed (their home page).
create index register_entries_org_creator on register_entries (organisation_id, created_by, updated_at desc);

-- Reviews due and overdue: only the uses in service have a review to count.
create index register_entries_review_due on register_entries (organisation_id, next_review_date) where stage in ('approved', 'pilot', 'live');
