// Which provisions of one framework reach the most articles of a law? Curated crosswalk edges (MAPS_TO) in
// either direction (INFERRED_MAPS_TO too, if asked: only then are they expanded), each provision reached
// rolled up to the article it sits in: the controls whose implementation serves the most of the law (by
// default, the ISO/IEC 27001 controls that reach the most EU AI Act articles).
// Rows: ref, title, how many articles, the articles reached (in document order), the strongest strength.
// param: source string = "iso27001"  the framework whose provisions are counted
// param: target string = "eu-ai-act"  the law whose articles are reached (eu-ai-act or gdpr)
// param: include_inferred bool = false  count inferred crosswalk edges as well
// param: limit int = 10  how many provisions
MATCH (c:Provision {framework: $source})
OPTIONAL MATCH (c)-[m:MAPS_TO]-(q:Provision {framework: $target})
WITH c, collect([q, m.strength]) AS curated, CASE WHEN $include_inferred THEN c END AS asked
OPTIONAL MATCH (asked)-[i:INFERRED_MAPS_TO]-(r:Provision {framework: $target})
WITH c, curated, collect([r, i.strength]) AS inferred
UNWIND curated + inferred AS pair
WITH c, pair[0] AS q, pair[1] AS strength
WHERE q IS NOT NULL
MATCH (q)-[:PART_OF*0..4]->(a:Article)
WITH c, a, max(strength) AS strength
ORDER BY a.order
WITH c, collect(a.ref) AS articles, max(strength) AS strongest
RETURN c.ref AS ref, c.title AS title, size(articles) AS reach, articles, strongest
ORDER BY reach DESC, c.order
LIMIT $limit
