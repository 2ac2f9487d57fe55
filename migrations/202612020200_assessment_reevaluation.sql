-- Conclusions that follow the answers (issue 8).
--
-- When a shared answer changes, every assessment of the entry that used it is evaluated again in
-- the same transaction. What changed (the answers that moved, who moved them, the old and new
-- conclusion) is kept with the version the re-evaluation wrote, and on the assessment itself until
-- someone saves or signs it off again, so its page can say why it needs review.
alter table assessment_versions add column change jsonb;
alter table assessments add column changes jsonb not null default '[]'::jsonb;

-- Which set an answer was last given in, so a page can say where it came from.
alter table entry_answers add column set_id text;
