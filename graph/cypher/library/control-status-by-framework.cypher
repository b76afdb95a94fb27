// How far along is the organisation's implementation, per framework? Counts of its controls by status
// (implemented, partial, planned, excluded) against the framework's controls in the catalog.
// Rows: framework, controls in the catalog, then one count per status.
// param: org string = null  organisation id (null: any organisation in the graph)
MATCH (c:Provision:Control)-[:IN_FRAMEWORK]->(f:Framework)
OPTIONAL MATCH (c)<-[:IMPLEMENTS]-(ic:ImplementedControl)-[:IN_ORGANISATION]->(o:Organisation)
WHERE $org IS NULL OR o.id = $org
WITH f, c, ic
RETURN f.id AS framework, count(DISTINCT c) AS controls,
       count(DISTINCT CASE WHEN ic.status = 'implemented' THEN c END) AS implemented,
       count(DISTINCT CASE WHEN ic.status = 'partial' THEN c END) AS partial,
       count(DISTINCT CASE WHEN ic.status = 'planned' THEN c END) AS planned,
       count(DISTINCT CASE WHEN ic.status = 'excluded' THEN c END) AS excluded
ORDER BY framework
