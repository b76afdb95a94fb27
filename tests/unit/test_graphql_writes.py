"""GraphQL writes in process: every mutation, what each role may and may not do, the audit trail it leaves.

One writable in-memory store per module, holding the bundled data and the demo organisation (Northwind
Credit); each test writes assets of its own, so the tests do not depend on each other's order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import strawberry

from api.graphql.context import Context
from api.graphql.schema import build_schema
from graph.service import Service
from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore
from graph.views.write import Actor, ApiKeyView
from tests.support.graphql import nodes

SETTINGS = Settings()
CLI = Actor("cli", name="tests")
SHA = "ab" * 32


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    service = Service(EmbeddedStore.open(None))
    service.load(include_bundled=True, replace=True)
    yield service
    service.close()


@pytest.fixture(scope="module")
def schema() -> strawberry.Schema:
    return build_schema(SETTINGS)


@pytest.fixture(scope="module")
def keys(service: Service) -> dict[str, ApiKeyView]:
    return {role: service.keys.create(CLI, role, f"{role} tests")[0] for role in ("viewer", "editor", "admin")}


def run(
    schema: strawberry.Schema,
    service: Service,
    query: str,
    key: ApiKeyView | None = None,
    settings: Settings = SETTINGS,
    **variables: Any,
) -> Any:
    context = Context(answers=service.answers(), settings=settings, service=service, key=key)
    return asyncio.run(schema.execute(query, variable_values=variables, context_value=context))


UPSERT = """mutation($input: AssetInput!) { upsertAsset(input: $input) {
    asset { id kind facts uses { edges { node { id } } } obligations(frameworks: ["gdpr"]) { edges { node {
      provision { ref } } } } }
    auditEntry { operation actor actorKeyId targetKind targetId before after }
    errors { code message path } } }"""


def asset(asset_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": asset_id, "kind": "MODEL", "name": f"Model {asset_id}", "owner": "risk-team", **fields}


def test_an_editor_upserts_an_asset_and_its_obligations_answer_at_once(
    schema: strawberry.Schema, service: Service, keys: dict[str, ApiKeyView]
) -> None:
    data = asset("w-scorer", personalData=True, automatedDecisions=True, roles=["CONTROLLER"], uses=["loan-history"])
    result = run(schema, service, UPSERT, keys["editor"], input=data)
    assert result.errors is None
    payload = result.data["upsertAsset"]
    assert payload["errors"] == []
    assert payload["asset"]["facts"] == ["PERSONAL_DATA", "AUTOMATED_DECISIONS"]
    assert nodes(payload["asset"]["uses"]) == [{"id": "loan-history"}]
    refs = {o["provision"]["ref"] for o in nodes(payload["asset"]["obligations"])}
    assert "Article 22" in refs  # the payload is answered from the revision the write made
    entry = payload["auditEntry"]
    assert entry["operation"] == "upsertAsset" and entry["targetKind"] == "asset" and entry["targetId"] == "w-scorer"
    assert entry["actor"] == f"key {keys['editor'].id} (editor tests)" and entry["actorKeyId"] == keys["editor"].id
    assert entry["before"] is None and entry["after"]["uses"] == ["loan-history"]
    again = run(schema, service, UPSERT, keys["editor"], input=data).data["upsertAsset"]
    assert again["errors"] == [] and again["auditEntry"] is None  # nothing changed, nothing recorded
    changed = run(schema, service, UPSERT, keys["editor"], input={**data, "owner": "credit-team"})
    entry = changed.data["upsertAsset"]["auditEntry"]
    assert entry["before"]["owner"] == "risk-team" and entry["after"]["owner"] == "credit-team"


@pytest.mark.parametrize(
    ("fields", "code", "path", "needle"),
    [
        ({"uses": ["nope"]}, "BAD_INPUT", ["input", "uses", "0"], "unknown asset 'nope'"),
        ({"uses": ["w-bad"]}, "BAD_INPUT", ["input", "uses", "0"], "uses itself"),
        ({"annexIii": ["99(z)"]}, "BAD_INPUT", ["input", "annexIii", "0"], "unknown Annex III point"),
        ({"name": ""}, "BAD_INPUT", ["input", "name"], "at least 1 character"),
        ({"id": "has space"}, "BAD_INPUT", ["input", "id"], "should match pattern"),
    ],
)
def test_a_bad_asset_is_refused_with_typed_errors_at_their_paths(  # noqa: PLR0917 — parametrised
    schema: strawberry.Schema,
    service: Service,
    keys: dict[str, ApiKeyView],
    fields: dict[str, Any],
    code: str,
    path: list[str],
    needle: str,
) -> None:
    before = service.answers().revision
    result = run(schema, service, UPSERT, keys["editor"], input={**asset("w-bad"), **fields})
    assert result.errors is None
    payload = result.data["upsertAsset"]
    assert payload["asset"] is None and payload["auditEntry"] is None
    (error,) = payload["errors"]
    assert error["code"] == code and error["path"] == path and needle in error["message"]
    assert service.answers().revision == before  # nothing written


def test_wrong_types_are_refused_before_anything_runs(
    schema: strawberry.Schema, service: Service, keys: dict[str, ApiKeyView]
) -> None:
    result = run(schema, service, UPSERT, keys["editor"], input={**asset("w-types"), "kind": "spaceship"})
    (error,) = result.errors
    assert error.extensions == {"code": "GRAPHQL_VALIDATION_FAILED"} or "spaceship" in error.message


def test_links_are_checked_for_unknown_assets_and_cycles(
    schema: strawberry.Schema, service: Service, keys: dict[str, ApiKeyView]
) -> None:
    editor = keys["editor"]
    for name in ("w-a", "w-b", "w-c"):
        assert run(schema, service, UPSERT, editor, input=asset(name)).data["upsertAsset"]["errors"] == []
    link = """mutation($a: String!, $b: String!) { linkAssets(assetId: $a, uses: $b) {
                asset { uses { edges { node { id } } } } auditEntry { operation } errors { code message path } } }"""
    unlink = link.replace("linkAssets", "unlinkAssets")
    linked = run(schema, service, link, editor, a="w-a", b="w-b").data["linkAssets"]["asset"]
    assert nodes(linked["uses"]) == [{"id": "w-b"}]
    assert run(schema, service, link, editor, a="w-b", b="w-c").data["linkAssets"]["errors"] == []
    cycle = run(schema, service, link, editor, a="w-c", b="w-a").data["linkAssets"]
    assert cycle["asset"] is None
    assert cycle["errors"][0]["code"] == "BAD_INPUT" and "w-c → w-a → w-b → w-c" in cycle["errors"][0]["message"]
    unknown = run(schema, service, link, editor, a="w-a", b="ghost").data["linkAssets"]["errors"]
    assert unknown[0]["message"].startswith("unknown asset 'ghost'") and unknown[0]["path"] == ["input", "uses", "0"]
    removed = run(schema, service, unlink, editor, a="w-a", b="w-b").data["unlinkAssets"]
    assert nodes(removed["asset"]["uses"]) == [] and removed["auditEntry"]["operation"] == "unlinkAssets"
    missing = run(schema, service, unlink, editor, a="w-a", b="w-b").data["unlinkAssets"]["errors"]
    assert missing[0]["code"] == "NOT_FOUND"


def test_an_asset_still_named_elsewhere_is_not_deleted(
    schema: strawberry.Schema, service: Service, keys: dict[str, ApiKeyView]
) -> None:
    editor = keys["editor"]
    run(schema, service, UPSERT, editor, input=asset("w-used"))
    run(schema, service, UPSERT, editor, input=asset("w-user", uses=["w-used"]))
    delete = """mutation($id: String!) { deleteAsset(id: $id) {
                  removedId auditEntry { before after } errors { code message } } }"""
    refused = run(schema, service, delete, editor, id="w-used").data["deleteAsset"]
    assert refused["removedId"] is None and refused["errors"][0]["code"] == "CONFLICT"
    assert "asset w-user" in refused["errors"][0]["message"]
    assert run(schema, service, delete, editor, id="ghost").data["deleteAsset"]["errors"][0]["code"] == "NOT_FOUND"
    done = run(schema, service, delete, editor, id="w-user").data["deleteAsset"]
    assert done["removedId"] == "w-user" and done["auditEntry"]["after"] is None
    assert done["auditEntry"]["before"]["uses"] == ["w-used"]
    gone = run(schema, service, '{ asset(id: "w-user") { id } }', editor)
    assert gone.errors[0].extensions == {"code": "NOT_FOUND"}


def test_a_mutation_prepared_before_another_commit_answers_conflict_and_writes_nothing(
    schema: strawberry.Schema, service: Service, keys: dict[str, ApiKeyView], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18: another change commits between a mutation's reads and its commit (another server over the
    same database would do this) → the payload's error is CONFLICT, saying to retry; nothing is written, and
    the retried mutation goes through."""
    commit = EmbeddedStore.commit
    interlopers: list[str] = []

    def another_commit_first(self: EmbeddedStore, batch: Any, **options: Any) -> int:
        if not interlopers:  # once, in this thread: a whole other change lands first
            interlopers.append("interloper")
            service.keys.create(CLI, "viewer", "interloper")
        return commit(self, batch, **options)

    monkeypatch.setattr(EmbeddedStore, "commit", another_commit_first)
    refused = run(schema, service, UPSERT, keys["editor"], input=asset("w-raced")).data["upsertAsset"]
    assert interlopers and refused["asset"] is None and refused["auditEntry"] is None
    assert [e["code"] for e in refused["errors"]] == ["CONFLICT"] and "retry" in refused["errors"][0]["message"]
    assert run(schema, service, '{ asset(id: "w-raced") { id } }', keys["editor"]).data["asset"] is None
    assert "w-raced" not in {e.target for e in service.audit_log()}
    again = run(schema, service, UPSERT, keys["editor"], input=asset("w-raced")).data["upsertAsset"]
    assert again["errors"] == [] and again["asset"]["id"] == "w-raced"


def test_controls_and_evidence_are_recorded_and_revoked(
    schema: strawberry.Schema, service: Service, keys: dict[str, ApiKeyView]
) -> None:
    editor = keys["editor"]
    record = """mutation($input: ControlInput!) { recordControl(input: $input) {
                  control { framework ref status justification } auditEntry { before after }
                  errors { code message path } } }"""
    excluded = {"framework": "iso42001", "ref": "A.10.3", "status": "EXCLUDED", "justification": "No suppliers."}
    result = run(schema, service, record, editor, input=excluded).data["recordControl"]
    assert result["control"] == {**excluded, "status": "EXCLUDED"} and result["errors"] == []
    soa = run(schema, service, "{ statementOfApplicability { control { ref } included justification } }", editor)
    row = next(r for r in soa.data["statementOfApplicability"] if r["control"]["ref"] == "A.10.3")
    assert row == {"control": {"ref": "A.10.3"}, "included": False, "justification": "No suppliers."}
    no_reason = run(schema, service, record, editor, input={**excluded, "justification": None}).data["recordControl"]
    assert "justification" in no_reason["errors"][0]["message"]
    bad_ref = run(schema, service, record, editor, input={**excluded, "ref": "a.10.3"}).data["recordControl"]
    assert (
        bad_ref["errors"][0]["path"] == ["input", "ref"] and "did you mean 'A.10.3'" in bad_ref["errors"][0]["message"]
    )

    attach = """mutation($input: EvidenceInput!) { attachEvidence(input: $input) {
                  evidence { id ref assets validUntil } auditEntry { operation } errors { code message path } } }"""
    run(
        schema,
        service,
        UPSERT,
        editor,
        input=asset("w-evidenced", kind="AI_SYSTEM", roles=["PROVIDER"], annexIii=["5(b)"]),
    )
    item = {
        "id": "ev-w-1",
        "proves": {"framework": "eu-ai-act", "ref": "Article 9"},
        "assets": ["w-evidenced"],
        "uri": "https://evidence.example/risk.pdf",
        "sha256": SHA,
        "collected": "2026-10-01",
        "validUntil": "2027-10-01",
        "owner": "ciso",
    }
    attached = run(schema, service, attach, editor, input=item).data["attachEvidence"]
    assert attached["evidence"]["assets"] == ["w-evidenced"] and attached["errors"] == []
    status = (
        '{ asset(id: "w-evidenced") { obligations(frameworks: ["eu-ai-act"], asOf: "2026-11-29") '
        "{ edges { node { provision { ref } status } } } } }"
    )
    statuses = {
        o["provision"]["ref"]: o["status"]
        for o in nodes(run(schema, service, status, editor).data["asset"]["obligations"])
    }
    assert statuses["Article 9"] == "VALID"
    backwards = run(schema, service, attach, editor, input={**item, "validUntil": "2026-01-01"}).data["attachEvidence"]
    assert "before collected" in backwards["errors"][0]["message"]
    ghost = run(schema, service, attach, editor, input={**item, "assets": ["ghost"]}).data["attachEvidence"]
    assert ghost["errors"][0]["path"] == ["input", "assets", "0"]
    revoke = 'mutation { revokeEvidence(id: "ev-w-1") { removedId auditEntry { before } errors { code } } }'
    revoked = run(schema, service, revoke, editor).data["revokeEvidence"]
    assert revoked["removedId"] == "ev-w-1" and revoked["auditEntry"]["before"]["id"] == "ev-w-1"
    statuses = {
        o["provision"]["ref"]: o["status"]
        for o in nodes(run(schema, service, status, editor).data["asset"]["obligations"])
    }
    assert statuses["Article 9"] == "MISSING"
    assert run(schema, service, revoke, editor).data["revokeEvidence"]["errors"] == [{"code": "NOT_FOUND"}]


def test_an_admin_proposes_and_reviews_mappings(
    schema: strawberry.Schema, service: Service, keys: dict[str, ApiKeyView]
) -> None:
    admin = keys["admin"]
    propose = """mutation($input: MappingProposalInput!) { proposeMapping(input: $input) {
                   mapping { mappingSet sourceRef targetRef relation reviewStatus } errors { code message path } } }"""
    proposal = {
        "sourceFramework": "iso42001",
        "source": "A.7.4",
        "targetFramework": "gdpr",
        "target": "Article 5(1)(d)",
        "relation": "INTERSECTS",
        "strength": 4,
        "rationaleType": "SEMANTIC",
        "rationale": "Both ask that the data used be accurate and kept up to date.",
    }
    made = run(schema, service, propose, admin, input=proposal).data["proposeMapping"]
    assert made["errors"] == [] and made["mapping"]["reviewStatus"] == "PROPOSED"
    crosswalk = """{ provision(framework: "iso42001", ref: "A.7.4") { mappings(targetFramework: "gdpr") {
                     edges { node { target { ref } provenance { mappingSet reviewStatus } } } } } }"""
    seen = nodes(run(schema, service, crosswalk, admin).data["provision"]["mappings"])
    assert {
        "target": {"ref": "Article 5(1)(d)"},
        "provenance": {"mappingSet": "proposed-iso42001-gdpr", "reviewStatus": "PROPOSED"},
    } in seen
    unknown = run(schema, service, propose, admin, input={**proposal, "target": "Article 500"}).data["proposeMapping"]
    assert unknown["errors"][0]["code"] == "BAD_INPUT" and unknown["errors"][0]["path"] == ["input", "target"]
    review = """mutation($d: ReviewDecision!) { reviewMapping(mappingSet: "proposed-iso42001-gdpr", sourceRef: "A.7.4",
                 targetRef: "Article 5(1)(d)", decision: $d) {
                 mapping { reviewStatus } auditEntry { before after } errors { code } } }"""
    reviewed = run(schema, service, review, admin, d="REVIEWED").data["reviewMapping"]
    assert reviewed["mapping"]["reviewStatus"] == "REVIEWED"
    assert reviewed["auditEntry"]["before"]["reviewStatus"] == "proposed"
    rejected = run(schema, service, review, admin, d="REJECTED").data["reviewMapping"]
    assert rejected["mapping"]["reviewStatus"] == "REJECTED"
    after = nodes(run(schema, service, crosswalk, admin).data["provision"]["mappings"])
    assert all(m["provenance"]["mappingSet"] != "proposed-iso42001-gdpr" for m in after)  # rejected: not used
    missing = run(schema, service, review.replace("A.7.4", "A.2.2"), admin, d="REVIEWED").data["reviewMapping"]
    assert missing["errors"] == [{"code": "NOT_FOUND"}]


@pytest.mark.parametrize(
    ("operation", "needs"),
    [
        ("{ frameworks { id } }", "viewer"),
        ("{ auditLog(first: 1) { totalCount } }", "viewer"),
        (
            'mutation { upsertAsset(input: {id: "w-role", kind: MODEL, name: "R", owner: "o"}) { errors { code } } }',
            "editor",
        ),
        ('mutation { deleteAsset(id: "ghost") { errors { code } } }', "editor"),
        ('mutation { linkAssets(assetId: "ghost", uses: "ghost2") { errors { code } } }', "editor"),
        ('mutation { unlinkAssets(assetId: "ghost", uses: "ghost2") { errors { code } } }', "editor"),
        (
            'mutation { recordControl(input: {framework: "iso42001", ref: "A.2.2", status: IMPLEMENTED}) '
            "{ errors { code } } }",
            "editor",
        ),
        ('mutation { revokeEvidence(id: "ghost") { errors { code } } }', "editor"),
        (
            'mutation { attachEvidence(input: {id: "ev-role", proves: {framework: "gdpr", ref: "Article 5"}, uri: "u", '
            f'sha256: "{SHA}", collected: "2026-01-01", owner: "o"}}) {{ errors {{ code }} }} }}',
            "editor",
        ),
        (
            'mutation { proposeMapping(input: {sourceFramework: "gdpr", source: "Article 5", '
            'targetFramework: "iso42001", target: "A.2.2", relation: INTERSECTS, strength: 2, '
            'rationaleType: SEMANTIC, rationale: "Both set principles."}) '
            "{ errors { code } } }",
            "admin",
        ),
        (
            'mutation { reviewMapping(mappingSet: "x", sourceRef: "a", targetRef: "b", decision: REVIEWED) '
            "{ errors { code } } }",
            "admin",
        ),
        ("mutation { createApiKey(role: VIEWER) { errors { code } } }", "admin"),
        ('mutation { revokeApiKey(id: "000000000000") { errors { code } } }', "admin"),
        ("{ apiKeys { totalCount } }", "admin"),
    ],
)
def test_each_role_may_do_what_it_carries_and_is_refused_the_rest(
    schema: strawberry.Schema, service: Service, keys: dict[str, ApiKeyView], operation: str, needs: str
) -> None:
    order = ["anonymous", "viewer", "editor", "admin"]
    for who in order:
        result = run(schema, service, operation, keys.get(who))
        allowed = (who != "anonymous" and order.index(who) >= order.index(needs)) or (
            who == "anonymous" and needs == "viewer"
        )
        if allowed:
            assert result.errors is None, (who, result.errors)
        else:
            (error,) = result.errors
            assert error.extensions == {"code": "FORBIDDEN"} and needs in error.message, (who, error)


def test_without_anonymous_reads_a_key_is_required(schema: strawberry.Schema, service: Service) -> None:
    closed = Settings(anonymous_read=False)
    result = run(build_schema(closed), service, "{ frameworks { id } }", settings=closed)
    (error,) = result.errors
    assert error.extensions == {"code": "UNAUTHENTICATED"} and "Authorization: Bearer" in error.message
    caller = run(build_schema(closed), service, "{ caller { role key { id } } }", settings=closed)
    assert caller.data == {"caller": {"role": None, "key": None}}


def test_keys_are_created_listed_and_revoked_by_an_admin(
    schema: strawberry.Schema, service: Service, keys: dict[str, ApiKeyView]
) -> None:
    admin = keys["admin"]
    created = run(
        schema, service, 'mutation { createApiKey(role: EDITOR, name: "grc-sync") { key { id role } token } }', admin
    )
    made = created.data["createApiKey"]
    assert made["key"]["role"] == "EDITOR" and made["token"].startswith(f"agk_{made['key']['id']}_")
    assert service.keys.authenticate(made["token"]).role == "editor"
    listed = run(schema, service, "{ apiKeys(first: 100) { edges { node { id name role revokedAt } } } }", admin)
    nodes = [e["node"] for e in listed.data["apiKeys"]["edges"]]
    assert {"id": made["key"]["id"], "name": "grc-sync", "role": "EDITOR", "revokedAt": None} in nodes
    assert "token" not in str(listed.data) and "hash" not in str(listed.data).lower()
    revoke = run(
        schema,
        service,
        "mutation($id: String!) { revokeApiKey(id: $id) { key { revokedAt } } }",
        admin,
        id=made["key"]["id"],
    )
    assert revoke.data["revokeApiKey"]["key"]["revokedAt"] is not None
    with pytest.raises(Exception, match="unknown or revoked"):
        service.keys.authenticate(made["token"])
    odd = run(schema, service, 'mutation { revokeApiKey(id: "\\u0090 <x>") { errors { code } } }', admin)
    assert odd.errors is None and odd.data["revokeApiKey"]["errors"] == [{"code": "NOT_FOUND"}]
    with pytest.raises(Exception, match="unknown or revoked"):
        service.keys.authenticate(made["token"][:-1] + ("A" if made["token"][-1] != "A" else "B"))


def test_the_audit_log_pages_newest_first_and_narrows_to_one_asset(
    schema: strawberry.Schema, service: Service, keys: dict[str, ApiKeyView]
) -> None:
    editor = keys["editor"]
    for owner in ("one", "two", "three"):
        run(schema, service, UPSERT, editor, input=asset("w-audited", owner=owner))
    query = """query($after: String) { auditLog(first: 2, after: $after, assetId: "w-audited") {
                 totalCount edges { node { sequence recordedAt operation after } }
                 pageInfo { hasNextPage endCursor } } }"""
    first = run(schema, service, query, editor).data["auditLog"]
    assert first["totalCount"] >= 3 and first["pageInfo"]["hasNextPage"] is True
    nodes, page = [], first  # the asset's trail also holds its organisation's controls and evidence (if any)
    while True:
        nodes += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        page = run(schema, service, query, editor, after=page["pageInfo"]["endCursor"]).data["auditLog"]
    assert len(nodes) == first["totalCount"]
    owners = [n["after"]["owner"] for n in nodes if n["operation"] == "upsertAsset"]
    assert owners == ["three", "two", "one"]  # newest first
    sequences = [n["sequence"] for n in nodes]
    assert sequences == sorted(sequences, reverse=True)
    everything = run(schema, service, "{ auditLog(first: 500) { totalCount } }", editor).data["auditLog"]
    assert everything["totalCount"] > 3


def test_the_audit_trail_and_keys_are_exported_without_key_hashes_and_survive_a_replacing_load(
    service: Service, keys: dict[str, ApiKeyView]
) -> None:
    service.inventory.upsert_asset(CLI, None, asset("w-exported", kind="model"))
    text = service.answers().exports.graph("nt")  # validates against the shapes, or raises
    assert "ontology#AuditEntry>" in text and "ontology#ApiKey>" in text
    assert "keyHash" not in text
    entries = len(service.audit_log(service.answers().revision))
    service.load(include_bundled=True, replace=True)
    trail = service.audit_log(service.answers().revision)
    assert len(trail) == entries + 1 and trail[0].operation == "load"  # kept, and the load recorded itself
    assert service.keys.list()[0].id in {k.id for k in keys.values()}


def test_a_read_only_service_refuses_writes_saying_why(schema: strawberry.Schema, tmp_path: Any) -> None:
    path = tmp_path / "store"
    writer = Service(EmbeddedStore.open(path))
    writer.load(include_bundled=True, replace=True)
    key, _ = writer.keys.create(CLI, "admin")
    writer.close()
    follower = Service(EmbeddedStore.open(path, read_only=True))
    follower.read_only_reason = "this server runs 2 read-only worker processes"
    try:
        result = run(schema, follower, UPSERT, follower.keys.list()[0], input=asset("w-ro"))
        (error,) = result.errors
        assert error.extensions == {"code": "READ_ONLY"} and "2 read-only worker processes" in error.message
        assert key.id == follower.keys.list()[0].id
    finally:
        follower.close()


LEGACY = """mutation($input: AssetInput!) { upsertAsset(input: $input) {
    asset { obligations(frameworks: ["eu-ai-act"]) { edges { node {
      provision { ref } dates { appliesFrom } dateNote } } } }
    errors { code message path } } }"""


def test_article_111_answers_a_system_already_on_the_market_as_its_inventory_states_it(
    schema: strawberry.Schema, service: Service, keys: dict[str, ApiKeyView]
) -> None:
    """Written through GraphQL, the dates and the Article 111 facts decide: a recruitment system on the market
    since 2025 and unchanged carries no high-risk duty; intended for public authorities, it complies by 2030."""
    data = asset(
        "w-legacy",
        kind="AI_SYSTEM",
        roles=["PROVIDER"],
        annexIii=["4(a)"],
        placedOnMarket="2025-06-01",
        significantDesignChange=False,
    )
    found = run(schema, service, LEGACY, keys["editor"], input=data).data["upsertAsset"]
    assert found["errors"] == []
    refs = {o["provision"]["ref"] for o in nodes(found["asset"]["obligations"])}
    assert "Article 4" in refs and "Article 9" not in refs
    public = {**data, "intendedForPublicAuthorities": True}
    found = run(schema, service, LEGACY, keys["editor"], input=public).data["upsertAsset"]
    article_9 = next(o for o in nodes(found["asset"]["obligations"]) if o["provision"]["ref"] == "Article 9")
    assert article_9["dates"]["appliesFrom"] == "2030-08-02" and "Article 111(2)" in article_9["dateNote"]
