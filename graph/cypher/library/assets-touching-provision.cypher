// Which assets does a provision apply to, and why? By default GDPR Article 22 (automated individual
// decision-making): the assets the engine found subject to the provision or any of its parts at the last
// sync, with the evidence status and the reasons (the applicability rules that matched, read from the rule
// nodes). An organisation-wide obligation (a management-system clause or control) shows once, on the
// organisation.
// Rows: asset, kind, owner, the provision (or part) that applies, addressee, evidence status, reasons.
// param: framework string = "gdpr"  the framework id
// param: ref string = "Article 22"  the provision ref; its paragraphs and points count too
MATCH (p:Provision {framework: $framework})
WHERE p.ref = $ref OR p.ref STARTS WITH $ref + '('
MATCH (a:Asset)-[o:SUBJECT_TO]->(p)
MATCH (f:Framework {id: $framework})
OPTIONAL MATCH (rule:ApplicabilityRule)-[:IN_FRAMEWORK]->(f)
WHERE rule.id IN o.rules
WITH a, o, p, collect(rule.reason) AS reasons
RETURN a.id AS asset, [l IN labels(a) WHERE NOT l IN ['Record', 'Asset']][0] AS kind, a.owner AS owner,
       p.ref AS ref, o.addressee AS addressee, o.status AS status, reasons
ORDER BY asset, ref
