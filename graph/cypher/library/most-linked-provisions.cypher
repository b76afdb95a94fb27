// Which provisions have the most crosswalk links? Curated MAPS_TO edges in either direction (inferred
// ones, INFERRED_MAPS_TO, too, if asked), with the frameworks they reach: the hubs a cross-framework programme
// leans on. The counts are the sync's, on each provision (curatedLinks, inferredLinks, curatedReaches,
// reaches): a scan of the provisions, not of every edge.
// Rows: framework, ref, title, links, the frameworks linked to.
// param: limit int = 10  how many provisions
// param: include_inferred bool = false  count inferred crosswalk edges as well
MATCH (p:Provision)
WITH p,
     CASE WHEN $include_inferred THEN p.curatedLinks + p.inferredLinks ELSE p.curatedLinks END AS links,
     CASE WHEN $include_inferred THEN p.reaches ELSE p.curatedReaches END AS reaches
WHERE links > 0
RETURN p.framework AS framework, p.ref AS ref, p.title AS title, links, reaches
ORDER BY links DESC, framework, ref
LIMIT $limit
