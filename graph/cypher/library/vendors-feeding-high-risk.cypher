// Which vendors do the models behind high-risk AI systems depend on? A high-risk system (an Annex III
// point, or the annex_i fact) uses a model, directly or through up to two other assets, and that model
// uses the vendor, directly or through up to two other assets (a dataset hosted by the vendor counts).
// Rows: vendor, the high-risk systems concerned, and the models in between.
// param: max_hops int = 3  longest USES chain from the system to the model
// Each step keeps distinct pairs (system, model), then (model, vendor), each model's vendors found once: the
// paths themselves are never multiplied together (with assets that use twenty others each, the product of
// the two chains was billions of paths on a 10,000-asset organisation).
MATCH (s:Asset:AISystem)
WHERE size(coalesce(s.annexIii, [])) > 0 OR 'annex_i' IN coalesce(s.facts, [])
MATCH path = (s)-[:USES*1..3]->(m:Asset:Model)
WHERE length(path) <= $max_hops
WITH DISTINCT s, m
WITH m, collect(s.id) AS systemsOfModel
MATCH (m)-[:USES*1..3]->(v:Asset:Vendor)
WITH DISTINCT m, systemsOfModel, v
UNWIND systemsOfModel AS system
WITH v, collect(DISTINCT system) AS systems, collect(DISTINCT m.id) AS models
RETURN v.id AS vendor, v.name AS name, systems, models
ORDER BY vendor
