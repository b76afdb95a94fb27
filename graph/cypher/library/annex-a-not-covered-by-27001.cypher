// Which ISO/IEC 42001 Annex A controls are not covered by any ISO/IEC 27001 control the organisation has
// implemented? A 42001 control counts as covered when an asserted crosswalk mapping (either direction, of at
// least the given strength) links it to a 27001 provision whose implemented control has status "implemented".
// Rows: the uncovered control, its title, and the 27001 controls it maps to that are only partial or planned.
// param: min_strength int = 1  weakest mapping strength (1-10) that counts as cover
// param: org string = null  organisation id (null: any organisation in the graph)
MATCH (c:Provision:Control)-[:IN_FRAMEWORK]->(:Framework {framework_id: 'iso42001'})
WHERE c.ref STARTS WITH 'A.'
OPTIONAL MATCH (c)-[m:MAPS_TO]-(t:Provision)-[:IN_FRAMEWORK]->(:Framework {framework_id: 'iso27001'})
WHERE m.inferred = false AND coalesce(m.strength, 0) >= $min_strength
OPTIONAL MATCH (t)<-[:IMPLEMENTS]-(ic:ImplementedControl)-[:IN_ORGANISATION]->(o:Organisation)
WHERE $org IS NULL OR o.identifier = $org
WITH c,
     collect(DISTINCT CASE WHEN ic.status = 'implemented' THEN t.ref END) AS implemented,
     collect(DISTINCT CASE WHEN ic.status IN ['partial', 'planned'] THEN t.ref + ' (' + ic.status + ')' END) AS pending
WHERE size(implemented) = 0
RETURN c.ref AS control, c.title AS title, pending AS mapped_but_not_implemented
ORDER BY c.order
