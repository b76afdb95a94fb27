// Which high-risk AI systems (an Annex III point, or the annex_i fact) hold no valid impact assessment of
// their own? An impact assessment is evidence scoped to the system that proves an EU AI Act Article 27
// fundamental-rights impact assessment or an ISO/IEC 42001 impact-assessment control (A.5.3, A.5.4, A.5.5);
// valid means collected on or before the day and not expired by it.
// Rows: the system, its owner, its Annex III points, and the assessments it has that are no longer valid.
// param: as_of date = null  the day validity is judged on (null: today)
MATCH (s:Asset:AISystem)
WHERE size(coalesce(s.annexIii, [])) > 0 OR 'annex_i' IN coalesce(s.facts, [])
OPTIONAL MATCH (e:Evidence)-[:SCOPE]->(s)
OPTIONAL MATCH (e)-[:EVIDENCES]->(p:Provision)-[:IN_FRAMEWORK]->(f:Framework)
WITH s, coalesce($as_of, date()) AS day,
     collect(CASE
       WHEN (f.id = 'eu-ai-act' AND p.ref STARTS WITH 'Article 27')
         OR (f.id = 'iso42001' AND p.ref IN ['A.5.3', 'A.5.4', 'A.5.5'])
       THEN e END) AS assessments
WITH s, day, assessments,
     [e IN assessments WHERE e.collected <= day AND (e.validUntil IS NULL OR e.validUntil >= day)] AS valid
WHERE size(valid) = 0
RETURN s.id AS system, s.name AS name, s.owner AS owner, s.annexIii AS annexIii,
       [e IN assessments | e.id + ' (valid until ' + toString(e.validUntil) + ')'] AS lapsed
ORDER BY system
