-- The governance board (issue 10): boards with terms of reference, members and a quorum rule;
-- meetings with an agenda, attendance and minutes; decisions taken at a meeting or by chair's
-- action, never changed once recorded (a correction supersedes); conditions with an owner, a due
-- date and evidence; reviews of approved uses. All of it belongs to the board feature.

-- A board of an organisation (say the AI board and a fast-track panel). Its terms of reference
-- are structured here (what the service evaluates) and written out in full as a policy of kind
-- 'terms_of_reference', versioned and approved like any policy (`tor_policy_id`, no foreign key:
-- the board reaches policies only through the policies service).
create table boards (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  name text not null check (char_length(name) between 1 and 200),
  purpose text not null check (char_length(purpose) between 1 and 5000),
  cadence text not null check (cadence in ('monthly', 'bimonthly', 'quarterly', 'as_needed')),
  reporting_line text not null check (char_length(reporting_line) between 1 and 1000),
  decision_types text[] not null,
  -- { "minPresent": 3, "mustInclude": [["chair", "deputy_chair"], ["dpo", "siro"]] }
  quorum jsonb not null,
  -- The chair may approve low-risk entries between meetings (chair's action).
  fast_track boolean not null default false,
  tor_policy_id uuid,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  unique (organisation_id, name)
);

-- A member sits in one seat (chair, DPO, section 151 officer ...). Observers and the secretary
-- do not count towards the quorum (the model says which seats vote).
create table board_members (
  board_id uuid not null references boards (id) on delete cascade,
  organisation_id uuid not null references organisations (id),
  user_id uuid not null references users (id),
  seat text not null,
  added_at timestamptz not null default now(),
  primary key (board_id, user_id)
);
-- One chair and one deputy per board.
create unique index board_members_one_chair on board_members (board_id, seat) where seat in ('chair', 'deputy_chair');

create table board_meetings (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  board_id uuid not null references boards (id),
  meets_at timestamptz not null,
  location text not null default '' check (char_length(location) <= 500),
  -- Scheduled after it happened, to put a past meeting on the record.
  retrospective boolean not null default false,
  minutes text not null default '' check (char_length(minutes) <= 50000),
  minutes_approved_at timestamptz,
  minutes_approved_by uuid references users (id),
  -- The meeting at which these minutes were approved (the next one).
  minutes_approved_in uuid references board_meetings (id),
  created_by uuid references users (id),
  created_at timestamptz not null default now()
);
create index board_meetings_board on board_meetings (organisation_id, board_id, meets_at);

create table meeting_attendance (
  meeting_id uuid not null references board_meetings (id) on delete cascade,
  organisation_id uuid not null references organisations (id),
  user_id uuid not null references users (id),
  primary key (meeting_id, user_id)
);

-- An agenda item: an entry for decision or review, an overdue condition, a chair's action for
-- noting, the last meeting's minutes, or anything else the secretary adds.
create table agenda_items (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  meeting_id uuid not null references board_meetings (id) on delete cascade,
  position integer not null,
  kind text not null check (kind in ('decision', 'review', 'condition', 'noting', 'minutes', 'other')),
  entry_id uuid references register_entries (id) on delete cascade,
  condition_id uuid references decision_conditions (id) on delete cascade,
  decision_id uuid references decisions (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 300),
  minutes text not null default '' check (char_length(minutes) <= 20000),
  unique (meeting_id, position) deferrable initially deferred
);
create index agenda_items_entry on agenda_items (organisation_id, entry_id);

-- Decisions: where and how they were taken. Rows made before boards existed keep nulls.
alter table decisions drop constraint decisions_outcome_check;
alter table decisions
  add constraint decisions_outcome_check check (outcome in (
    'approve', 'approve_with_conditions', 'defer', 'reject', 'escalate', 'note',
    'continue', 'change', 'retire')),
  add column board_id uuid references boards (id),
  add column meeting_id uuid references board_meetings (id),
  add column chair_action boolean not null default false,
  -- Who was there (name and seat), as it was when the decision was recorded.
  add column members_present jsonb not null default '[]',
  add column minutes_ref text check (minutes_ref is null or char_length(minutes_ref) <= 200),
  add column needed text check (needed is null or char_length(needed) <= 10000),
  add column escalated_to text check (escalated_to is null or escalated_to in ('cabinet', 'committee', 'cmt')),
  add column escalation_ref text check (escalation_ref is null or char_length(escalation_ref) <= 200),
  -- Decided while an assessment the entry needs was unfinished, and why.
  add column decided_anyway text check (decided_anyway is null or char_length(decided_anyway) <= 10000),
  add column review boolean not null default false,
  -- The entry as it was when decided (the decision log reads these, not the register's table).
  add column entry_name text,
  add column risk_tier text,
  add column service_area text,
  add column supersedes uuid unique references decisions (id),
  add constraint decisions_chair_action check (not chair_action or meeting_id is null);
create index decisions_org_time on decisions (organisation_id, decided_at);

-- Decisions made before boards: the entry's name, tier and service area as they are now.
update decisions d set entry_name = e.name, risk_tier = e.risk_tier, service_area = e.service_area
  from register_entries e where e.id = d.entry_id;

-- A recorded decision never changes: a correction is a new decision that supersedes it.
create function decisions_never_change() returns trigger language plpgsql as $$
begin
  raise exception 'a recorded decision cannot be changed or deleted; record a new decision that supersedes it';
end $$;
-- No exception for cascades: an entry with decisions cannot be deleted (retire it instead).
create trigger decisions_immutable before update or delete on decisions
  for each row execute function decisions_never_change();

-- Conditions: an owner and a due date; the owner submits evidence that it is met ('submitted'),
-- and the board or its chair accepts it (met) or waives it. 'submitted' still blocks go-live.
alter table decision_conditions drop constraint decision_conditions_status_check;
alter table decision_conditions
  add constraint decision_conditions_status_check check (status in ('open', 'submitted', 'met', 'waived')),
  add column owner_id uuid references users (id),
  add column due_date date,
  add column evidence text check (evidence is null or char_length(evidence) <= 10000),
  add column evidence_url text check (evidence_url is null or char_length(evidence_url) <= 2000),
  add column evidence_by uuid references users (id),
  add column evidence_at timestamptz;
create index decision_conditions_due on decision_conditions (organisation_id, due_date) where status in ('open', 'submitted');

-- A review of an approved use: started when its review date comes, it re-opens the assessments
-- that need it and waits for a decision to continue, change or retire.
create table entry_reviews (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  entry_id uuid not null references register_entries (id) on delete cascade,
  started_by uuid references users (id),
  started_at timestamptz not null default now(),
  -- Where the entry was when the review began (approved, pilot or live): where "continue" leaves it.
  stage_at_start text not null,
  decision_id uuid references decisions (id)
);
create unique index entry_reviews_one_open on entry_reviews (entry_id) where decision_id is null;
