// How many crosswalk edges link each pair of frameworks, asserted and inferred? Asserted edges come from
// the curated mapping sets; inferred ones are the engine's compositions along mapping paths, written by the
// last sync. Each ordered pair is counted from its source framework.
// Rows: source framework, target framework, asserted count, inferred count.
// param: min_strength int = 0  count only edges at least this strong (0: all)
MATCH (p:Provision)-[m:MAPS_TO]->(q:Provision)
WHERE coalesce(m.strength, 0) >= $min_strength
MATCH (p)-[:IN_FRAMEWORK]->(f:Framework), (q)-[:IN_FRAMEWORK]->(g:Framework)
WITH f.framework_id AS source, g.framework_id AS target, m.inferred AS inferred
RETURN source, target,
       sum(CASE WHEN inferred THEN 0 ELSE 1 END) AS asserted,
       sum(CASE WHEN inferred THEN 1 ELSE 0 END) AS inferred
ORDER BY source, target
