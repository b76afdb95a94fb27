// Which provisions of a framework have no crosswalk link at all? Provisions of the given kind where neither
// the provision nor any of its parts (paragraphs, points) has a curated MAPS_TO edge in either direction:
// where a cross-framework programme gives no reuse. Read from the count of curated edges the sync keeps on
// each provision (`curatedLinks`), not by walking each part's edges (that walk took 160 ms on the demo).
// Rows: ref, title, kind.
// param: framework string = "eu-ai-act"  the framework id
// param: kind string = "Article"  the provision kind (a label: Article, Clause, Control, Subcategory, …)
MATCH (p:Provision {framework: $framework})
WHERE $kind IN labels(p) AND coalesce(p.curatedLinks, 0) = 0
  AND NOT EXISTS { MATCH (p)<-[:PART_OF*1..3]-(part:Provision) WHERE part.curatedLinks > 0 }
RETURN p.ref AS ref, p.title AS title, $kind AS kind
ORDER BY p.order
