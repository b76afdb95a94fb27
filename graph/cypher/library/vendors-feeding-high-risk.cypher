// Which vendors do the models behind high-risk AI systems depend on? A high-risk system (an Annex III
// point, or the annex_i fact) uses a model, directly or through up to two other assets, and that model
// uses the vendor, directly or through up to two other assets (a dataset hosted by the vendor counts).
// Rows: vendor, the high-risk systems concerned, and the models in between.
// param: max_hops int = 3  longest USES chain from the system to the model
MATCH (s:Asset:AISystem)
WHERE size(coalesce(s.annexIii, [])) > 0 OR 'annex_i' IN coalesce(s.facts, [])
MATCH (s)-[:USES*1..3]->(m:Asset:Model)-[:USES*1..3]->(v:Asset:Vendor)
WITH s, m, v
MATCH path = (s)-[:USES*1..3]->(m)
WHERE length(path) <= $max_hops
WITH v, collect(DISTINCT s.id) AS systems, collect(DISTINCT m.id) AS models
RETURN v.id AS vendor, v.name AS name, systems, models
ORDER BY vendor
