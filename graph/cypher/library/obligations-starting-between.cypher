// Which obligations start to apply between two days? Read from the obligations the engine worked out at the
// last sync (the law's dates as known on that day): what comes into force in a planning window, and for which
// assets.
// Rows: appliesFrom, framework, ref, title, the assets, the addressees.
// param: after date  the day before the window opens (obligations applying from it are not counted)
// param: until date  the last day of the window
// param: framework string = null  only this framework (null: all)
MATCH (a:Asset)-[o:SUBJECT_TO]->(p:Provision)
WHERE o.voluntary = false AND o.appliesFrom IS NOT NULL AND o.appliesFrom > $after AND o.appliesFrom <= $until
  AND ($framework IS NULL OR o.framework = $framework)
WITH o.appliesFrom AS appliesFrom, o.framework AS framework, p,
     collect(DISTINCT a.id) AS assets, collect(DISTINCT o.addressee) AS addressees
RETURN appliesFrom, framework, p.ref AS ref, p.title AS title, assets, addressees
ORDER BY appliesFrom, framework, p.order
