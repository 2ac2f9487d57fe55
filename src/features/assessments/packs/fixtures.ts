// Question-set YAML for the packs' tests: a council's own local checks, version 1 and 2.
export const LOCAL_V1 = `# Northshire's own checks before an AI tool is used.
id: local_checks
version: 1
title: Northshire local AI checks
description: The council's own checks before an AI tool is used.
framework:
  name: Northshire AI standard
appliesWhen:
  q: personal_data
  eq: true
sections:
  - id: basics
    title: Basics
    questions:
      - use: personal_data
      - id: local_owner_named
        kind: yes_no
        text: Is a named officer responsible for the tool?
        frameworks:
          - { name: Northshire AI standard, ref: "Section 2" }
      - id: local_reviewer
        kind: text
        text: Who reviewed the tool for Northshire?
        required: false
        frameworks:
          - { name: Northshire AI standard, ref: "Section 3" }
rules:
  - id: no_owner
    when: { q: local_owner_named, eq: false }
    tier: high
    actions:
      - { level: MUST, text: Name an officer responsible for the tool }
    reason: Every tool needs an officer who answers for it.
    source: Northshire AI standard section 2
  - id: owner
    when: { q: local_owner_named, eq: true }
    tier: low
    reason: A named officer answers for the tool.
    source: Northshire AI standard section 2
`

/** Version 2: a new title and one more question. */
export const LOCAL_V2 = LOCAL_V1
  .replace('version: 1', 'version: 2')
  .replace('title: Northshire local AI checks', 'title: Northshire local AI checks (2027)')
  .replace(`rules:
`, `      - id: local_training_done
        kind: yes_no
        text: Have the people using it finished Northshire's AI training?
        frameworks:
          - { name: Northshire AI standard, ref: "Section 4" }
rules:
`)
