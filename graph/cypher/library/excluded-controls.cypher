// Which controls has the organisation excluded in its Statement of Applicability, and on what grounds?
// Rows: framework, control ref, title, justification.
// param: framework string = null  only this framework (null: all)
MATCH (ic:ImplementedControl)-[:IMPLEMENTS]->(p:Provision)
WHERE ic.status = 'excluded' AND ($framework IS NULL OR p.framework = $framework)
RETURN p.framework AS framework, p.ref AS control, p.title AS title, ic.justification AS justification
ORDER BY framework, p.order
