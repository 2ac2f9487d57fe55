-- Policies (issue 9): the placeholders an organisation's policies are filled from, who approves them,
-- and each policy with every version it has had. A version in force or superseded never changes.
alter table organisations
  add column siro text,
  add column dpo_contact text,
  add column ai_lead text,
  add column board_name text,
  -- Who may approve a policy (never its author): admins, board members, or either.
  add column policy_approvers text not null default 'admin_or_board'
    check (policy_approvers in ('admin', 'board_member', 'admin_or_board'));

create table policies (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  slug text not null,
  kind text not null,
  template_id text,
  template_version integer,
  -- Shown at /public/<organisation>/policies/<slug> while a version is in force.
  public boolean not null default false,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  unique (organisation_id, slug)
);

create table policy_versions (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id),
  policy_id uuid not null references policies (id),
  -- 1, 2, 3… in the order versions were started.
  number integer not null,
  status text not null check (status in ('draft', 'submitted', 'approved', 'in_force', 'superseded')),
  title text not null,
  body text not null,
  author_id uuid references users (id),
  -- Everyone who started or edited this version: none of them may approve it.
  contributors uuid[] not null default '{}',
  submitted_by uuid references users (id),
  submitted_at timestamptz,
  return_comments text,
  returned_by uuid references users (id),
  approved_by uuid references users (id),
  approved_at timestamptz,
  change_kind text check (change_kind in ('major', 'minor')),
  version_major integer,
  version_minor integer,
  -- The body with its placeholders filled, as published (the settings may change later; this does not).
  published_body text,
  effective_date date,
  review_date date,
  published_by uuid references users (id),
  published_at timestamptz,
  superseded_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (policy_id, number),
  check (review_date is null or effective_date is null or review_date > effective_date)
);
create index policy_versions_org on policy_versions (organisation_id, policy_id);
-- At most one version of a policy in force, and at most one being worked on.
create unique index policy_versions_one_in_force on policy_versions (policy_id) where status = 'in_force';
create unique index policy_versions_one_working on policy_versions (policy_id) where status in ('draft', 'submitted', 'approved');

-- A version in force or superseded is kept as it was: only in force → superseded may change.
create function policy_versions_keep_published() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    if old.status in ('in_force', 'superseded') then
      raise exception 'policy version % is published and cannot be deleted', old.id;
    end if;
    return old;
  end if;
  if old.status = 'superseded'
     or (old.status = 'in_force' and (new.status <> 'superseded' or new.body <> old.body or new.title <> old.title
         or new.published_body is distinct from old.published_body or new.effective_date is distinct from old.effective_date
         or new.review_date is distinct from old.review_date or new.version_major is distinct from old.version_major
         or new.version_minor is distinct from old.version_minor)) then
    raise exception 'policy version % is published and cannot be changed', old.id;
  end if;
  return new;
end $$;
create trigger policy_versions_keep_published before update or delete on policy_versions
  for each row execute function policy_versions_keep_published();
