// Which obligations start to apply between two days? Read from the obligations the engine worked out at the
// last sync (the law's dates as known on that day): what comes into force in a planning window, and for which
// assets.
// Rows: applies_from, framework, ref, title, the assets, the addressees.
// param: after date  the day before the window opens (obligations applying from it are not counted)
// param: until date  the last day of the window
// param: framework string = null  only this framework (null: all)
MATCH (a:Asset)-[o:SUBJECT_TO]->(p:Provision)
WHERE o.voluntary = false AND o.applies_from IS NOT NULL AND o.applies_from > $after AND o.applies_from <= $until
  AND ($framework IS NULL OR o.framework = $framework)
WITH o.applies_from AS applies_from, o.framework AS framework, p,
     collect(DISTINCT a.identifier) AS assets, collect(DISTINCT o.addressee) AS addressees
RETURN applies_from, framework, p.ref AS ref, p.title AS title, assets, addressees
ORDER BY applies_from, framework, p.order
