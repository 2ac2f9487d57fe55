-- Staff acknowledgements of a policy (issue 9): who acknowledged which version, and when. A version's
-- numbers are kept with the acknowledgement so the rule "a minor version keeps earlier
-- acknowledgements, a major one asks everyone again" reads one table. Acknowledgements are never
-- changed or deleted: a person acknowledges each version at most once.
create table policy_acknowledgements (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  policy_id uuid not null references policies (id),
  version_id uuid not null references policy_versions (id),
  user_id uuid not null references users (id),
  version_major integer not null,
  version_minor integer not null,
  acknowledged_at timestamptz not null default now(),
  unique (version_id, user_id)
);
create index policy_acknowledgements_policy_major on policy_acknowledgements (policy_id, version_major, user_id);
create index policy_acknowledgements_user on policy_acknowledgements (user_id, policy_id);

create function policy_acknowledgements_keep() returns trigger language plpgsql as $$
begin
  raise exception 'policy acknowledgement % is a record and cannot be changed or deleted', old.id;
end $$;
create trigger policy_acknowledgements_keep before update or delete on policy_acknowledgements
  for each row execute function policy_acknowledgements_keep();
