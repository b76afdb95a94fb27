// Which binding obligations are not in force yet, and from when do they apply? Read from the obligations
// the engine worked out at the last sync, by the date they start applying: the deadlines to plan for.
// Rows: appliesFrom, framework, ref, title, the assets it will apply to, evidence status.
// param: framework string = "eu-ai-act"  the framework id (null: all)
MATCH (a:Asset)-[o:SUBJECT_TO]->(p:Provision)
WHERE o.inForce = false AND o.voluntary = false AND o.appliesFrom IS NOT NULL
  AND ($framework IS NULL OR o.framework = $framework)
WITH o.appliesFrom AS appliesFrom, o.framework AS framework, p, collect(DISTINCT a.id) AS assets,
     collect(DISTINCT o.status) AS statuses
RETURN appliesFrom, framework, p.ref AS ref, p.title AS title, assets, statuses
ORDER BY appliesFrom, framework, p.order
