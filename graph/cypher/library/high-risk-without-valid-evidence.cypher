// Which high-risk AI systems have AI Act obligations without valid evidence? For each AI system the AI Act
// classifies as high-risk (an Annex III point, or the annex_i fact), its binding AI Act obligations whose
// evidence status on the sync's day is missing or expired (the engine's answer, `aimsgraph gaps`, written by
// the sync as SUBJECT_TO), with how many apply already.
// Rows: the system, its name and owner, its Annex III points, how many of its AI Act obligations lack valid
// evidence, how many of those are in force, and their refs in document order.
// param: status string = null  only this evidence status (missing or expired; null: both)
MATCH (s:Asset:AISystem)
WHERE size(coalesce(s.annexIii, [])) > 0 OR 'annex_i' IN coalesce(s.facts, [])
MATCH (s)-[o:SUBJECT_TO {framework: 'eu-ai-act'}]->(p:Provision)
WHERE o.voluntary = false AND o.status IN ['missing', 'expired'] AND ($status IS NULL OR o.status = $status)
WITH s, o, p
ORDER BY p.order
WITH s, collect(p.ref) AS provisions, count(o) AS withoutValidEvidence,
     sum(CASE WHEN o.inForce THEN 1 ELSE 0 END) AS inForce
RETURN s.id AS system, s.name AS name, s.owner AS owner, s.annexIii AS annexIii, withoutValidEvidence, inForce,
       provisions
ORDER BY withoutValidEvidence DESC, system
