// Which provisions of a framework have no crosswalk link at all? Provisions of the given kind where neither
// the provision nor any of its parts (paragraphs, points) has a MAPS_TO edge in either direction, asserted or
// inferred: where a cross-framework programme gives no reuse.
// Rows: ref, title, kind.
// param: framework string = "eu-ai-act"  the framework id
// param: kind string = "Article"  the provision kind (a label: Article, Clause, Control, Subcategory, …)
MATCH (p:Provision {framework: $framework})
WHERE $kind IN labels(p) AND NOT EXISTS { MATCH (p)<-[:PART_OF*0..3]-(:Provision)-[:MAPS_TO]-() }
RETURN p.ref AS ref, p.title AS title, $kind AS kind
ORDER BY p.order
