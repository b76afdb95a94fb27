// Which assets send personal data outside the EEA, through which vendors, and is the transfer evidenced?
// Assets stating the transfers_outside_eea fact, the vendors they use (directly or through others), and
// evidence scoped to them that proves a GDPR Chapter V transfer provision (Articles 44-49).
// Rows: asset, kind, vendors reached, transfer evidence with its expiry.
// param: depth int = 3  longest USES chain followed to find vendors
MATCH (a:Asset)
WHERE 'transfers_outside_eea' IN coalesce(a.facts, []) AND NOT a:Organisation
OPTIONAL MATCH path = (a)-[:USES*1..3]->(v:Asset:Vendor)
WHERE length(path) <= $depth
WITH a, collect(DISTINCT v.id) AS vendors
OPTIONAL MATCH (e:Evidence)-[:SCOPE]->(a)
OPTIONAL MATCH (e)-[:EVIDENCES]->(p:Provision {framework: 'gdpr'})
WHERE p.ref IN ['Article 44', 'Article 45', 'Article 46', 'Article 47', 'Article 48', 'Article 49']
WITH a, vendors, collect(DISTINCT CASE WHEN p IS NOT NULL THEN e.id + ' (' + p.ref + ', valid until '
     + toString(e.validUntil) + ')' END) AS evidence
RETURN a.id AS asset, [l IN labels(a) WHERE NOT l IN ['Record', 'Asset']][0] AS kind, vendors, evidence
ORDER BY asset
