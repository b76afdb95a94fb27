// Which ISO/IEC 42001 Annex A controls are not covered by what the organisation implements of ISO/IEC 27001?
// The verdicts are the product's one coverage definition, the same as `aimsgraph coverage --want iso42001
// --have iso27001 --org ORG` and GraphQL's `coverage`, written by the sync as
// (:Organisation)-[:COVERAGE {have, want, status, because}]->(:Provision): a control is covered when a 27001
// control the organisation implements (fully or partly) is `equal` to it or a `superset` of it, partial when
// only weaker curated mappings reach it, uncovered when none does.
// Rows: the organisation, the control, its title, its verdict (partial or uncovered), the mappings behind it.
// param: org string = null  organisation id (null: every organisation in the graph)
MATCH (o:Organisation)-[v:COVERAGE {have: 'iso27001', want: 'iso42001'}]->(c:Provision:Control)
WHERE c.ref STARTS WITH 'A.' AND v.status <> 'covered' AND ($org IS NULL OR o.id = $org)
RETURN o.id AS organisation, c.ref AS control, c.title AS title, v.status AS verdict, v.because AS because
ORDER BY organisation, c.order
