// Which evidence expires within the next N days? Evidence still valid on the day whose validUntil falls
// within the window, with what it proves, for whom, and who owns it.
// Rows: evidence id, title, owner, validUntil, days left, the provision it proves, the assets it covers.
// param: days int = 30  the window, in days from the day
// param: as_of date = null  the day the window starts (null: today)
WITH coalesce($as_of, date()) AS day
MATCH (e:Evidence)-[:EVIDENCES]->(p:Provision)
WHERE e.validUntil IS NOT NULL AND e.validUntil >= day AND e.validUntil <= day + duration({days: $days})
OPTIONAL MATCH (e)-[:SCOPE]->(a:Asset)
WITH e, p, day, collect(a.id) AS assets
RETURN e.id AS evidence, e.title AS title, e.owner AS owner, e.validUntil AS validUntil,
       duration.inDays(day, e.validUntil).days AS daysLeft, p.framework + ':' + p.ref AS proves, assets
ORDER BY validUntil, evidence
