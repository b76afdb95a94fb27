// How does one provision reach another through the crosswalks? Every chain of curated mappings, followed in
// either direction, of at most three hops and through no provision twice, from a provision to another or to
// any of its parts: the reasoning behind an inferred mapping, or a route the mapping sets do not state.
// Each hop is matched on its own, not as a variable-length path: a path pattern over MAPS_TO in either
// direction took minutes on ArcadeDB (curated mappings only: inferred ones are INFERRED_MAPS_TO).
// The reached provision is matched with the wanted framework inline: a part is always of its whole's framework
// (ingest links PART_OF within one framework), so this drops no row, and ArcadeDB then walks PART_OF only from
// the few provisions of that framework instead of from every provision three hops away (on the demo the
// three-hop report went from ~175 to ~105 ms, same rows). Walking back from the wanted provision's parts
// instead (collecting them, or matching them first and expanding towards the origin) was slower on ArcadeDB.
// Rows: hops, the steps as framework:ref, each hop's relation (as asserted, source to target) and strength,
// and the weakest strength on the way; shortest first, then strongest.
// param: from_framework string = "nist-ai-rmf"  the framework of the start
// param: from_ref string = "MAP 1.1"  the provision to start from
// param: to_framework string = "eu-ai-act"  the framework of the end
// param: to_ref string = "Article 9"  the provision to reach (reaching one of its parts counts)
// param: max_hops int = 3  at most this many mappings (1 to 3)
MATCH (origin:Provision {framework: $from_framework, ref: $from_ref})
MATCH (wanted:Provision {framework: $to_framework, ref: $to_ref})
MATCH (origin)-[r1:MAPS_TO]-(reached:Provision {framework: $to_framework})-[:PART_OF*0..3]->(wanted)
WITH [origin.framework + ':' + origin.ref, reached.framework + ':' + reached.ref] AS steps, [r1] AS hops_taken
RETURN size(hops_taken) AS hops, steps, [r IN hops_taken | r.relation] AS relations,
       [r IN hops_taken | r.strength] AS strengths,
       reduce(w = 10, r IN hops_taken | CASE WHEN r.strength < w THEN r.strength ELSE w END) AS weakest
ORDER BY weakest DESC, steps
UNION ALL
MATCH (origin:Provision {framework: $from_framework, ref: $from_ref})
MATCH (wanted:Provision {framework: $to_framework, ref: $to_ref})
WITH origin, wanted WHERE $max_hops >= 2
MATCH (origin)-[r1:MAPS_TO]-(m1:Provision)-[r2:MAPS_TO]-(reached:Provision {framework: $to_framework})
      -[:PART_OF*0..3]->(wanted)
WHERE reached <> origin
WITH [origin.framework + ':' + origin.ref, m1.framework + ':' + m1.ref, reached.framework + ':' + reached.ref]
       AS steps, [r1, r2] AS hops_taken
RETURN size(hops_taken) AS hops, steps, [r IN hops_taken | r.relation] AS relations,
       [r IN hops_taken | r.strength] AS strengths,
       reduce(w = 10, r IN hops_taken | CASE WHEN r.strength < w THEN r.strength ELSE w END) AS weakest
ORDER BY weakest DESC, steps
UNION ALL
MATCH (origin:Provision {framework: $from_framework, ref: $from_ref})
MATCH (wanted:Provision {framework: $to_framework, ref: $to_ref})
WITH origin, wanted WHERE $max_hops >= 3
MATCH (origin)-[r1:MAPS_TO]-(m1:Provision)-[r2:MAPS_TO]-(m2:Provision)
      -[r3:MAPS_TO]-(reached:Provision {framework: $to_framework})-[:PART_OF*0..3]->(wanted)
WHERE m2 <> origin AND reached <> origin AND reached <> m1
WITH [origin.framework + ':' + origin.ref, m1.framework + ':' + m1.ref, m2.framework + ':' + m2.ref,
      reached.framework + ':' + reached.ref] AS steps, [r1, r2, r3] AS hops_taken
RETURN size(hops_taken) AS hops, steps, [r IN hops_taken | r.relation] AS relations,
       [r IN hops_taken | r.strength] AS strengths,
       reduce(w = 10, r IN hops_taken | CASE WHEN r.strength < w THEN r.strength ELSE w END) AS weakest
ORDER BY weakest DESC, steps
