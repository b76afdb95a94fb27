// What does an asset depend on? Every asset it uses, directly or through others, up to a depth, with the
// kind, owner and facts of each: the supply chain whose facts the engine takes in through `uses`.
// Rows: the asset reached, its kind, owner, facts, and its shortest distance.
// param: asset string  the asset id (e.g. credit-system)
// param: depth int = 3  longest USES chain followed
MATCH (a:Asset {id: $asset})-[:USES*1..5]->(d:Asset)
WITH a, d
MATCH path = (a)-[:USES*1..5]->(d)
WHERE length(path) <= $depth
WITH d, min(length(path)) AS distance
RETURN d.id AS asset, [l IN labels(d) WHERE NOT l IN ['Record', 'Asset']][0] AS kind, d.owner AS owner,
       d.facts AS facts, distance
ORDER BY distance, asset
