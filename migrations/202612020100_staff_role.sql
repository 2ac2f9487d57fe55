-- The lightest role, `staff`: someone who only needs the AI policy (read it, acknowledge it, see
-- the approved tools, ask whether they may use a new tool). People also carry a service area in
-- each organisation they belong to, so policy coverage can be counted per service area.
alter table memberships drop constraint memberships_roles_check;
alter table memberships add constraint memberships_roles_check check (
  roles <@ array['staff', 'viewer', 'contributor', 'assessor', 'board_member', 'admin']::text[]
  and cardinality(roles) > 0
);
alter table memberships add column service_area text check (service_area is null or char_length(service_area) between 1 and 200);
create index memberships_org_service_area on memberships (organisation_id, service_area);
