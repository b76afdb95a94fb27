// Which provisions of one framework reach the most articles of a law? Curated crosswalk edges in either
// direction (inferred ones too, if asked), each provision reached rolled up to the article it sits in: the
// controls whose implementation serves the most of the law (by default, the ISO/IEC 27001 controls that reach
// the most EU AI Act articles).
// Rows: ref, title, how many articles, the articles reached (in document order), the strongest strength.
// param: source string = "iso27001"  the framework whose provisions are counted
// param: target string = "eu-ai-act"  the law whose articles are reached (eu-ai-act or gdpr)
// param: include_inferred bool = false  count inferred crosswalk edges as well
// param: limit int = 10  how many provisions
MATCH (:Framework {framework_id: $source})<-[:IN_FRAMEWORK]-(c:Provision)-[m:MAPS_TO]-(q:Provision)
      -[:IN_FRAMEWORK]->(:Framework {framework_id: $target})
WHERE $include_inferred OR m.inferred = false
MATCH (q)-[:PART_OF*0..4]->(a:Article)
WITH c, a, max(m.strength) AS strength
ORDER BY a.order
WITH c, collect(a.ref) AS articles, max(strength) AS strongest
RETURN c.ref AS ref, c.title AS title, size(articles) AS reach, articles, strongest
ORDER BY reach DESC, c.order
LIMIT $limit
