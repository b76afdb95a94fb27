// Which evidence expires within the next N days? Evidence still valid on the day whose valid_until falls
// within the window, with what it proves, for whom, and who owns it.
// Rows: evidence id, title, owner, valid_until, days left, the provision it proves, the assets it covers.
// param: days int = 30  the window, in days from the day
// param: as_of date = null  the day the window starts (null: today)
WITH coalesce($as_of, date()) AS day
MATCH (e:Evidence)-[:EVIDENCES]->(p:Provision)-[:IN_FRAMEWORK]->(f:Framework)
WHERE e.valid_until IS NOT NULL AND e.valid_until >= day AND e.valid_until <= day + duration({days: $days})
OPTIONAL MATCH (e)-[:SCOPE]->(a:Asset)
WITH e, p, f, day, collect(a.identifier) AS assets
RETURN e.identifier AS evidence, e.title AS title, e.owner AS owner, e.valid_until AS valid_until,
       duration.inDays(day, e.valid_until).days AS days_left, f.framework_id + ':' + p.ref AS proves, assets
ORDER BY valid_until, evidence
