// Which binding obligations have no valid evidence, by owner? Read from the obligations the engine worked
// out at the last sync (SUBJECT_TO, derived: its evidence status is as of the sync's day). Organisation-wide
// obligations (management-system clauses, Annex A controls) are counted once, under "organisation".
// Rows: owner, how many gaps, how many of those are in force, and the gaps as framework:ref.
// param: framework string = null  only this framework's obligations (null: all)
MATCH (a:Asset)-[o:SUBJECT_TO]->(p:Provision)
WHERE o.voluntary = false AND o.status IN ['missing', 'expired']
  AND ($framework IS NULL OR o.framework = $framework)
WITH CASE WHEN o.organisationWide THEN 'organisation' ELSE a.owner END AS owner, p, o
WITH owner, p, collect(o)[0] AS o
WITH owner, collect({gap: o.framework + ':' + p.ref, inForce: o.inForce}) AS gaps
RETURN owner, size(gaps) AS gaps, size([g IN gaps WHERE g.inForce]) AS inForce,
       [g IN gaps | g.gap] AS provisions
ORDER BY gaps DESC, owner
