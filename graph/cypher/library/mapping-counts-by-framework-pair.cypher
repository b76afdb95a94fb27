// How many crosswalk edges link each pair of frameworks, asserted and inferred? Asserted edges (MAPS_TO) come
// from the curated mapping sets; inferred ones (INFERRED_MAPS_TO) are the engine's compositions along mapping
// paths. Both are counted by the last sync, per ordered pair of frameworks and per minimum strength, into
// (:Framework)-[:CROSSWALK {asserted, inferred}]->(:Framework) (k-th entry: edges of strength k or more), so
// the report reads 30 relationships instead of grouping every edge.
// Rows: source framework, target framework, asserted count, inferred count.
// param: min_strength int = 0  count only edges at least this strong (0: all)
MATCH (f:Framework)-[c:CROSSWALK]->(g:Framework)
WITH f, g, c, CASE WHEN $min_strength < 0 THEN 0 ELSE $min_strength END AS k
WITH f.id AS source, g.id AS target, coalesce(c.asserted[k], 0) AS asserted, coalesce(c.inferred[k], 0) AS inferred
WHERE asserted + inferred > 0
RETURN source, target, asserted, inferred
ORDER BY source, target
