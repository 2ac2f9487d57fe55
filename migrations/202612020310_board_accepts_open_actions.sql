-- The board may approve an entry while some of its MUST actions are still open, accepting the
-- risk of leaving them open (issue 8, item 6). Each acceptance is a condition of the decision,
-- waived when the decision is recorded, naming the action and saying why. The lifecycle lets an
-- entry into pilot or live past an open MUST action only when the latest decision accepted it.
-- `action_id` names a required action (entry_actions) without a foreign key: the board reads
-- actions only through the assessments service.
alter table decision_conditions
  add column action_id uuid,
  add column waiver_reason text check (waiver_reason is null or char_length(waiver_reason) between 1 and 10000),
  add constraint decision_conditions_accepted_action check (action_id is null or (status = 'waived' and waiver_reason is not null));
create index decision_conditions_action on decision_conditions (entry_id, action_id) where action_id is not null;
