// Which provisions have the most crosswalk links? Asserted MAPS_TO edges in either direction (inferred
// ones too, if asked), with how many frameworks they reach: the hubs a cross-framework programme leans on.
// Rows: framework, ref, title, links, the frameworks linked to.
// param: limit int = 10  how many provisions
// param: include_inferred bool = false  count inferred crosswalk edges as well
MATCH (p:Provision)-[m:MAPS_TO]-(q:Provision)
WHERE $include_inferred OR m.inferred = false
MATCH (p)-[:IN_FRAMEWORK]->(f:Framework), (q)-[:IN_FRAMEWORK]->(g:Framework)
WITH p, f, count(m) AS links, collect(DISTINCT g.framework_id) AS reaches
RETURN f.framework_id AS framework, p.ref AS ref, p.title AS title, links, reaches
ORDER BY links DESC, framework, ref
LIMIT $limit
