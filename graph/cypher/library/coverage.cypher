// What of one framework is covered by what the organisation implements of another? Each coverage unit of
// the assessed framework (a clause without subclauses, a control, a subcategory, an article) with its
// verdict: the sync's (:Organisation)-[:COVERAGE]->(:Provision) relationships, which hold the product's one
// coverage definition (`aimsgraph coverage --org`, GraphQL `coverage`): covered, reusable (an ISO
// harmonized-structure clause met for the other management system), partial or uncovered.
// Rows: the organisation, the unit's ref and title, its verdict, the mappings behind it (source and relation).
// param: have string = "iso27001"  the framework the organisation implements
// param: want string = "iso42001"  the framework assessed
// param: status string = null  only this verdict (covered, reusable, partial, uncovered; null: all)
// param: org string = null  organisation id (null: every organisation in the graph)
MATCH (o:Organisation)-[v:COVERAGE {have: $have, want: $want}]->(u:Provision)
WHERE ($status IS NULL OR v.status = $status) AND ($org IS NULL OR o.id = $org)
RETURN o.id AS organisation, u.ref AS ref, u.title AS title, v.status AS verdict, v.because AS because
ORDER BY organisation, u.order
