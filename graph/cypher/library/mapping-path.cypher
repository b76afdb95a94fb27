// How does one provision reach another through the crosswalks? Every chain of curated mappings, followed in
// either direction, of at most three hops and through no provision twice, from a provision to another or to
// any of its parts: the reasoning behind an inferred mapping, or a route the mapping sets do not state.
// Each hop is matched on its own with `inferred: false`, not as a variable-length path filtered afterwards: a
// path pattern over MAPS_TO would first expand the tens of thousands of inferred edges (minutes on ArcadeDB).
// Rows: hops, the steps as framework:ref, each hop's relation (as asserted, source to target) and strength,
// and the weakest strength on the way; shortest first, then strongest.
// param: from_framework string = "nist-ai-rmf"  the framework of the start
// param: from_ref string = "MAP 1.1"  the provision to start from
// param: to_framework string = "eu-ai-act"  the framework of the end
// param: to_ref string = "Article 9"  the provision to reach (reaching one of its parts counts)
// param: max_hops int = 3  at most this many mappings (1 to 3)
MATCH (:Framework {framework_id: $from_framework})<-[:IN_FRAMEWORK]-(origin:Provision {ref: $from_ref})
MATCH (:Framework {framework_id: $to_framework})<-[:IN_FRAMEWORK]-(wanted:Provision {ref: $to_ref})
MATCH (origin)-[r1:MAPS_TO {inferred: false}]-(reached:Provision)-[:PART_OF*0..3]->(wanted)
MATCH (origin)-[:IN_FRAMEWORK]->(f0:Framework), (reached)-[:IN_FRAMEWORK]->(f1:Framework)
WITH [f0.framework_id + ':' + origin.ref, f1.framework_id + ':' + reached.ref] AS steps, [r1] AS hops_taken
RETURN size(hops_taken) AS hops, steps, [r IN hops_taken | r.relation] AS relations,
       [r IN hops_taken | r.strength] AS strengths,
       reduce(w = 10, r IN hops_taken | CASE WHEN r.strength < w THEN r.strength ELSE w END) AS weakest
ORDER BY weakest DESC, steps
UNION ALL
MATCH (:Framework {framework_id: $from_framework})<-[:IN_FRAMEWORK]-(origin:Provision {ref: $from_ref})
MATCH (:Framework {framework_id: $to_framework})<-[:IN_FRAMEWORK]-(wanted:Provision {ref: $to_ref})
WITH origin, wanted WHERE $max_hops >= 2
MATCH (origin)-[r1:MAPS_TO {inferred: false}]-(m1:Provision)-[r2:MAPS_TO {inferred: false}]-(reached:Provision)
      -[:PART_OF*0..3]->(wanted)
WHERE reached <> origin
MATCH (origin)-[:IN_FRAMEWORK]->(f0:Framework), (m1)-[:IN_FRAMEWORK]->(f1:Framework),
      (reached)-[:IN_FRAMEWORK]->(f2:Framework)
WITH [f0.framework_id + ':' + origin.ref, f1.framework_id + ':' + m1.ref, f2.framework_id + ':' + reached.ref]
       AS steps, [r1, r2] AS hops_taken
RETURN size(hops_taken) AS hops, steps, [r IN hops_taken | r.relation] AS relations,
       [r IN hops_taken | r.strength] AS strengths,
       reduce(w = 10, r IN hops_taken | CASE WHEN r.strength < w THEN r.strength ELSE w END) AS weakest
ORDER BY weakest DESC, steps
UNION ALL
MATCH (:Framework {framework_id: $from_framework})<-[:IN_FRAMEWORK]-(origin:Provision {ref: $from_ref})
MATCH (:Framework {framework_id: $to_framework})<-[:IN_FRAMEWORK]-(wanted:Provision {ref: $to_ref})
WITH origin, wanted WHERE $max_hops >= 3
MATCH (origin)-[r1:MAPS_TO {inferred: false}]-(m1:Provision)-[r2:MAPS_TO {inferred: false}]-(m2:Provision)
      -[r3:MAPS_TO {inferred: false}]-(reached:Provision)-[:PART_OF*0..3]->(wanted)
WHERE m2 <> origin AND reached <> origin AND reached <> m1
MATCH (origin)-[:IN_FRAMEWORK]->(f0:Framework), (m1)-[:IN_FRAMEWORK]->(f1:Framework),
      (m2)-[:IN_FRAMEWORK]->(f2:Framework), (reached)-[:IN_FRAMEWORK]->(f3:Framework)
WITH [f0.framework_id + ':' + origin.ref, f1.framework_id + ':' + m1.ref, f2.framework_id + ':' + m2.ref,
      f3.framework_id + ':' + reached.ref] AS steps, [r1, r2, r3] AS hops_taken
RETURN size(hops_taken) AS hops, steps, [r IN hops_taken | r.relation] AS relations,
       [r IN hops_taken | r.strength] AS strengths,
       reduce(w = 10, r IN hops_taken | CASE WHEN r.strength < w THEN r.strength ELSE w END) AS weakest
ORDER BY weakest DESC, steps
