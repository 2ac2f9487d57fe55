-- Organisation details published records use, and governance settings an organisation chooses.
alter table organisations
  add column organisation_type text,
  add column nation text,
  -- Separation of duties: on by default; a small council may relax it (each relaxed action is audited).
  add column separation_of_duties boolean not null default true;
