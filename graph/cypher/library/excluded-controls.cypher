// Which controls has the organisation excluded in its Statement of Applicability, and on what grounds?
// Rows: framework, control ref, title, justification.
// param: framework string = null  only this framework (null: all)
MATCH (ic:ImplementedControl)-[:IMPLEMENTS]->(p:Provision)-[:IN_FRAMEWORK]->(f:Framework)
WHERE ic.status = 'excluded' AND ($framework IS NULL OR f.framework_id = $framework)
RETURN f.framework_id AS framework, p.ref AS control, p.title AS title, ic.justification AS justification
ORDER BY framework, p.order
