"""The work model: owners, who does the work on an obligation or control, by when, how often it is reviewed,
where it stands (a workflow with allowed transitions), the SoA's reason for inclusion, and duties of a
management-system standard that are "in force since" the system rather than "not yet".

One writable in-memory store per module holding the bundled data (Northwind Credit) plus two small
organisations of our own: one certified for ISO/IEC 27001 since a stated day, one with no management system.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.graphql.context import Context
from api.graphql.schema import build_schema
from core.errors import ConflictError, DataError
from core.work import next_review, transition_problem
from graph.read.node_source import SortedById
from graph.read.organisation_index import OrganisationIndex
from graph.service import Service
from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore
from graph.views.write import Actor, ApiKeyView
from tests.conftest import Cli

ME = Actor("cli", name="tests")
DAY = dt.date(2026, 11, 30)
ARTICLE_9 = {"asset_id": "credit-system", "framework": "eu-ai-act", "ref": "Article 9"}

CERTIFIED = """\
organisation:
  id: acme
  name: Acme
  management_systems:
    - standard: iso27001
      certified: true
      since: 2024-03-01
owners:
  - {id: security, name: Security team, email: security@acme.example}
  - {id: bo, name: Bo, kind: person, team: security}
assets:
  - {id: portal, kind: ai_system, name: Portal, owner: security, roles: [deployer]}
"""

NONE_DECLARED = """\
organisation:
  id: plain
  name: Plain Ltd
assets:
  - {id: helper, kind: ai_system, name: Helper, owner: ops, roles: [deployer]}
"""


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    folder = tmp_path_factory.mktemp("work")
    (folder / "acme.yaml").write_text(CERTIFIED, encoding="utf-8")
    (folder / "plain.yaml").write_text(NONE_DECLARED, encoding="utf-8")
    service = Service(EmbeddedStore.open(None))
    service.load(include_bundled=True, replace=True)
    service.load([folder / "acme.yaml", folder / "plain.yaml"])
    service.work.upsert_owner(ME, "northwind", {"id": "risk-team", "name": "Risk team"})
    service.work.upsert_owner(ME, "northwind", {"id": "ana", "name": "Ana", "kind": "person", "team": "risk-team"})
    yield service
    service.close()


def _obligation(service: Service, asset: str, framework: str, ref: str, org: str = "northwind") -> Any:
    found = service.answers().organisation.obligations(asset, org=org, frameworks=[framework], as_of=DAY)
    return next(o for o in found.obligations if o.provision.ref == ref)


# -- the rules -------------------------------------------------------------------------------------------------
def test_work_moves_one_step_forward_and_goes_back_only_with_a_reason() -> None:
    assert transition_problem("not_started", "in_progress", None) is None
    assert transition_problem("in_progress", "implemented", None) is None
    assert transition_problem("implemented", "verified", None) is None
    skipped = transition_problem("not_started", "verified", None)
    assert skipped == "cannot go from not_started to verified; from not_started the work may go to in_progress"
    assert transition_problem("verified", "in_progress", None) == (
        "going back from verified to in_progress needs a reason"
    )
    assert transition_problem("verified", "in_progress", "the auditor found the log incomplete") is None
    assert "cannot go from verified to not_started" in (transition_problem("verified", "not_started", "x") or "")


def test_the_next_review_is_the_last_review_plus_the_cadence() -> None:
    assert next_review(dt.date(2026, 11, 30), "quarterly") == dt.date(2027, 2, 28)  # kept inside February
    assert next_review(dt.date(2026, 1, 31), "monthly") == dt.date(2026, 2, 28)
    assert next_review(dt.date(2026, 1, 1), "yearly") == dt.date(2027, 1, 1)
    assert next_review(dt.date(2026, 1, 1), "90 days") == dt.date(2026, 4, 1)
    assert next_review(None, "yearly") is None
    assert next_review(dt.date(9999, 12, 1), "yearly") is None  # no day to name, no overflow


# -- work on obligations and controls -----------------------------------------------------------------------------
def test_assigned_work_shows_on_the_obligation_and_its_gap_and_in_the_assets_trail(service: Service) -> None:
    written = service.work.plan(
        ME,
        "northwind",
        ARTICLE_9,
        {"assignee": "ana", "due": "2027-01-31", "review_cadence": "quarterly", "last_reviewed": "2026-10-01"},
    )
    assert written.audit is not None and written.audit.actor == "cli tests"
    moved = service.work.advance(ME, "northwind", ARTICLE_9, "in_progress")
    assert moved.after.status == "in_progress" and moved.after.status_changed_by == "cli tests"

    obligation = _obligation(service, "credit-system", "eu-ai-act", "Article 9")
    assert obligation.work is not None
    assert (obligation.work.assignee, obligation.work.due, obligation.work.status) == (
        "ana",
        dt.date(2027, 1, 31),
        "in_progress",
    )
    assert obligation.work.next_review == dt.date(2027, 1, 1)
    assert obligation.iri == obligation.work.iri
    gaps = service.answers().organisation.gaps("northwind", DAY)
    gap = next(g for g in gaps if g.provision.ref == "Article 9" and "credit-system" in g.assets)
    assert [w.assignee for w in gap.work] == ["ana"]
    trail = service.audit_log(organisation="northwind", target="credit-system", kind="asset")
    assert [(e.operation, e.target) for e in trail[:2]] == [
        ("advanceWork", "credit-system eu-ai-act Article 9"),
        ("planWork", "credit-system eu-ai-act Article 9"),
    ]
    assert '"status":"in_progress"' in trail[0].after and '"status":"not_started"' in trail[0].before


def test_a_refused_transition_says_what_may_follow_and_writes_nothing(service: Service) -> None:
    target = {"asset_id": "credit-system", "framework": "eu-ai-act", "ref": "Article 10"}
    service.work.plan(ME, "northwind", target, {"assignee": "risk-team"})
    before = service.answers().revision
    with pytest.raises(DataError) as refused:
        service.work.advance(ME, "northwind", target, "verified")
    assert refused.value.problems[0].path == "status"
    assert "from not_started the work may go to in_progress" in refused.value.problems[0].message
    service.work.advance(ME, "northwind", target, "in_progress")
    service.work.advance(ME, "northwind", target, "implemented")
    with pytest.raises(DataError, match="going back from implemented to in_progress needs a reason"):
        service.work.advance(ME, "northwind", target, "in_progress", "  ")
    assert service.answers().revision == before + 2  # the two steps forward landed; the refusals wrote nothing
    work = _obligation(service, "credit-system", "eu-ai-act", "Article 10").work
    assert work is not None and work.status == "implemented"


def test_verifying_is_a_review_and_going_back_keeps_the_reason(service: Service) -> None:
    target = {"asset_id": "credit-system", "framework": "eu-ai-act", "ref": "Article 12"}
    service.work.plan(ME, "northwind", target, {"review_cadence": "yearly"})
    for status in ("in_progress", "implemented", "verified"):
        service.work.advance(ME, "northwind", target, status)
    verified = _obligation(service, "credit-system", "eu-ai-act", "Article 12").work
    assert verified is not None and verified.last_reviewed == dt.datetime.now(dt.UTC).date()
    assert verified.next_review == next_review(verified.last_reviewed, "yearly")
    back = service.work.advance(ME, "northwind", target, "in_progress", "logs lost in the migration")
    assert (back.after.status, back.after.status_reason) == ("in_progress", "logs lost in the migration")


def test_work_is_refused_for_an_unknown_owner_or_a_duty_the_asset_does_not_have(service: Service) -> None:
    with pytest.raises(DataError, match="unknown owner 'nobody' in northwind"):
        service.work.plan(ME, "northwind", ARTICLE_9, {"assignee": "nobody"})
    with pytest.raises(DataError, match="gdpr Article 99 is not an obligation of 'credit-system'"):
        service.work.plan(ME, "northwind", {"asset_id": "credit-system", "framework": "gdpr", "ref": "Article 99"}, {})
    with pytest.raises(DataError, match="owed by the organisation as a whole: name 'northwind'"):
        service.work.plan(ME, "northwind", {"asset_id": "credit-system", "framework": "iso42001", "ref": "6.1.2"}, {})
    with pytest.raises(DataError, match="unknown review cadence 'fortnightly'"):
        service.work.plan(ME, "northwind", ARTICLE_9, {"review_cadence": "fortnightly"})
    with pytest.raises(DataError, match="not an Annex A control the SoA decides"):
        service.work.plan(ME, "northwind", {"framework": "eu-ai-act", "ref": "Article 9"}, {})


def test_organisation_wide_work_and_control_work_bear_on_every_asset(service: Service) -> None:
    service.work.plan(
        ME, "northwind", {"asset_id": "northwind", "framework": "iso42001", "ref": "6.1.2"}, {"due": "2027-06-30"}
    )
    service.work.plan(ME, "northwind", {"framework": "iso42001", "ref": "A.6.2.4"}, {"assignee": "risk-team"})
    clause = _obligation(service, "fraud-model", "iso42001", "6.1.2")
    assert clause.work is not None and clause.work.due == dt.date(2027, 6, 30) and clause.work.asset == "northwind"
    row = next(
        r for r in service.answers().organisation.statement_of_applicability("northwind") if r.control.ref == "A.6.2.4"
    )
    assert row.work is not None and row.work.assignee == "risk-team" and row.work.kind == "control"
    operations = [
        e.target for e in service.audit_log(organisation="northwind", target="fraud-model", kind="asset")[:10]
    ]
    assert "northwind iso42001 6.1.2" in operations and "iso42001 A.6.2.4" in operations


def test_obligations_and_gaps_filter_by_owner_and_due_day(service: Service) -> None:
    service.work.plan(ME, "northwind", ARTICLE_9, {"assignee": "ana", "due": "2027-01-31"})
    answers = service.answers()
    found = answers.organisation.obligations("credit-system", org="northwind", as_of=DAY).obligations
    by_ana = answers.work.obligations(found, owner="ana")
    assert [o.provision.ref for o in by_ana] == ["Article 9"]
    by_team = {o.provision.ref for o in answers.work.obligations(found, owner="risk-team")}
    assert "Article 9" in by_team  # a team sees what its members are assigned
    assert [o.provision.ref for o in answers.work.obligations(found, due_before=dt.date(2027, 2, 1))] == ["Article 9"]
    assert answers.work.obligations(found, due_before=dt.date(2027, 1, 31)) == []  # strictly before
    gaps = answers.work.gaps(answers.organisation.gaps("northwind", DAY), "northwind", owner="ana")
    assert {g.provision.ref for g in gaps} == {"Article 9"}


def test_owners_are_listed_and_one_with_work_is_not_deleted(service: Service) -> None:
    service.work.plan(ME, "northwind", ARTICLE_9, {"assignee": "ana"})
    assert [o.id for o in service.answers().work.owners("northwind")] == ["ana", "risk-team"]
    with pytest.raises(ConflictError, match="'ana' is still named by work on eu-ai-act Article 9"):
        service.work.delete_owner(ME, "northwind", "ana")
    with pytest.raises(ConflictError, match="member ana"):
        service.work.delete_owner(ME, "northwind", "risk-team")
    with pytest.raises(DataError, match="'ana' is a person, not a team"):
        service.work.upsert_owner(ME, "northwind", {"id": "lee", "name": "Lee", "kind": "person", "team": "ana"})


def test_the_patched_index_holds_the_owners_and_work_a_rebuild_finds(service: Service) -> None:
    service.work.plan(ME, "northwind", ARTICLE_9, {"review_cadence": "monthly"})
    patched = service.answers().snapshot.organisations
    rebuilt = OrganisationIndex.build(SortedById(service._store))
    assert patched.owners == rebuilt.owners and patched.work == rebuilt.work
    assert patched.node_ids == rebuilt.node_ids


def test_reloading_the_inventory_keeps_the_work_recorded_on_it(service: Service, tmp_path: Path) -> None:
    target = {"asset_id": "portal", "framework": "eu-ai-act", "ref": "Article 4"}
    service.work.plan(ME, "acme", target, {"assignee": "bo", "due": "2027-05-01"})
    changed = tmp_path / "acme.yaml"
    changed.write_text(CERTIFIED.replace("name: Portal", "name: Customer portal"), encoding="utf-8")
    service.load([changed], overwrite=True)
    work = _obligation(service, "portal", "eu-ai-act", "Article 4", org="acme").work
    assert work is not None and (work.assignee, work.due) == ("bo", dt.date(2027, 5, 1))


# -- in force since, voluntary ------------------------------------------------------------------------------------
def test_a_certified_iso27001_organisation_owes_its_clauses_since_certification(service: Service) -> None:
    clause = _obligation(service, "portal", "iso27001", "6.1.2", org="acme")
    assert clause.dates.in_force and clause.dates.applies_from == dt.date(2024, 3, 1)
    assert clause.standing == "in force since 2024-03-01"
    found = service.answers().organisation.obligations("portal", org="acme", as_of=dt.date(2024, 1, 1))
    early = next(o for o in found.obligations if o.provision.ref == "6.1.2" and o.provision.framework == "iso27001")
    assert early.standing == "from 2024-03-01 (not yet)" and not early.dates.in_force
    northwind = _obligation(service, "credit-system", "iso27001", "6.1.2")  # declared, no day stated
    assert northwind.dates.in_force and northwind.standing == "in force"
    gap = next(g for g in service.answers().organisation.gaps("acme", DAY) if g.provision.framework == "iso27001")
    assert gap.in_force and gap.standing == "in force since 2024-03-01"


def test_without_a_management_system_iso_and_nist_are_voluntary(service: Service) -> None:
    found = service.answers().organisation.obligations("helper", org="plain", as_of=DAY).obligations
    standings = {(o.provision.framework, o.standing) for o in found if o.provision.framework != "eu-ai-act"}
    assert {s for f, s in standings if f in ("iso27001", "iso42001", "nist-ai-rmf")} == {"voluntary"}
    assert not [o for o in found if o.standing.endswith("(not yet)") and o.provision.framework != "eu-ai-act"]


# -- the SoA's reason for inclusion ---------------------------------------------------------------------------------
def test_an_included_control_without_its_reason_is_flagged_and_a_stated_reason_shown(service: Service) -> None:
    service.inventory.record_control(
        ME,
        "northwind",
        {
            "framework": "iso42001",
            "ref": "A.5.2",
            "status": "implemented",
            "inclusion_reasons": ["risk_treatment", "legal_requirement"],
            "inclusion_note": "AI Act Article 27 for the CV screener",
        },
    )
    rows = {r.control.ref: r for r in service.answers().organisation.statement_of_applicability("northwind")}
    stated, unstated = rows["A.5.2"], rows["A.2.2"]
    assert stated.inclusion_reasons == ("legal_requirement", "risk_treatment") and not stated.missing_inclusion_reason
    assert unstated.included and unstated.missing_inclusion_reason
    from api.cli.soa import render_soa

    csv_text = render_soa(list(rows.values()), "csv")
    assert "legal_requirement risk_treatment,AI Act Article 27 for the CV screener" in csv_text
    assert "A.2.2,AI policy,yes,implemented,,,,ev-ai-policy,valid,no reason for inclusion stated" in csv_text
    with pytest.raises(DataError, match="'other' needs an inclusion_note"):
        service.inventory.record_control(
            ME,
            "northwind",
            {"framework": "iso42001", "ref": "A.5.3", "status": "planned", "inclusion_reasons": ["other"]},
        )


# -- the inventory format ---------------------------------------------------------------------------------------------
def test_an_inventory_names_owners_and_a_bad_team_is_reported_at_its_line(tmp_path: Path) -> None:
    service = Service(EmbeddedStore.open(None))
    try:
        service.load(include_bundled=True, replace=True)
        bad = tmp_path / "bad.yaml"
        bad.write_text(CERTIFIED.replace("team: security", "team: ghosts"), encoding="utf-8")
        with pytest.raises(DataError) as refused:
            service.load([bad])
        assert [(p.line, p.message) for p in refused.value.problems] == [(10, "unknown team 'ghosts'")]
        good = tmp_path / "acme.yaml"
        good.write_text(CERTIFIED, encoding="utf-8")
        service.load([good])
        owners = service.answers().work.owners("acme")
        assert [(o.id, o.kind, o.team, o.email) for o in owners] == [
            ("bo", "person", "security", None),
            ("security", "team", None, "security@acme.example"),
        ]
    finally:
        service.close()


# -- GraphQL and the CLI ---------------------------------------------------------------------------------------------
PLAN = """mutation($target: WorkTargetInput!, $input: WorkPlanInput!) {
  planWork(target: $target, input: $input, organisation: "northwind") {
    work { iri assigneeId assignee { name email } due reviewCadence nextReview status }
    auditEntry { operation actor }
    errors { code message path }
  }
}"""
ADVANCE = """mutation($target: WorkTargetInput!, $status: WorkStatus!, $reason: String) {
  advanceWork(target: $target, status: $status, reason: $reason, organisation: "northwind") {
    work { status statusReason statusChangedBy }
    errors { code message path }
  }
}"""


def _run(service: Service, query: str, key: ApiKeyView | None, **variables: Any) -> Any:
    context = Context(answers=service.answers(), settings=Settings(), service=service, key=key)
    return asyncio.run(build_schema(Settings()).execute(query, variable_values=variables, context_value=context))


@pytest.fixture(scope="module")
def editor(service: Service) -> ApiKeyView:
    return service.keys.create(ME, "editor", "work tests")[0]


def test_graphql_plans_and_advances_work_and_reads_it_on_obligations_and_the_soa(
    service: Service, editor: ApiKeyView
) -> None:
    target = {"assetId": "credit-system", "framework": "eu-ai-act", "ref": "Article 11"}
    plan = {"assignee": "ana", "due": "2027-03-31", "reviewCadence": "half-yearly", "lastReviewed": "2026-09-30"}
    result = _run(service, PLAN, editor, target=target, input=plan)
    assert result.errors is None, result.errors
    assert result.data["planWork"]["errors"] == []
    work = result.data["planWork"]["work"]
    assert work["assignee"] == {"name": "Ana", "email": None} and work["nextReview"] == "2027-03-30"
    assert work["status"] == "NOT_STARTED" and result.data["planWork"]["auditEntry"]["operation"] == "planWork"
    refused = _run(service, ADVANCE, editor, target=target, status="IMPLEMENTED")
    assert refused.data["advanceWork"]["errors"] == [
        {
            "code": "BAD_INPUT",
            "message": "cannot go from not_started to implemented; from not_started the work may go to in_progress",
            "path": ["status"],
        }
    ]
    moved = _run(service, ADVANCE, editor, target=target, status="IN_PROGRESS")
    assert moved.data["advanceWork"]["work"]["statusChangedBy"] == "key " + editor.id + " (work tests)"
    partial = _run(service, PLAN, editor, target=target, input={"due": None})  # only `due` changes: cleared
    assert partial.data["planWork"]["work"]["due"] is None and partial.data["planWork"]["work"]["assigneeId"] == "ana"
    read = _run(
        service,
        """{ obligations(assetId: "credit-system", organisation: "northwind", frameworks: ["eu-ai-act"],
                         owner: "ana", asOf: "2026-11-30") {
              edges { node { provision { ref } standing work { status assigneeId } } } }
            statementOfApplicability(organisation: "northwind") {
              control { ref } missingInclusionReason inclusionReasons } }""",
        None,
    )
    assert read.errors is None, read.errors
    nodes = [e["node"] for e in read.data["obligations"]["edges"]]
    assert {
        "provision": {"ref": "Article 11"},
        "standing": "from 2027-12-02 (not yet)",
        "work": {"status": "IN_PROGRESS", "assigneeId": "ana"},
    } in nodes
    soa = {row["control"]["ref"]: row for row in read.data["statementOfApplicability"]}
    assert soa["A.2.2"]["missingInclusionReason"] is True


def test_a_viewer_cannot_plan_work(service: Service) -> None:
    viewer = service.keys.create(ME, "viewer", "read only")[0]
    result = _run(service, PLAN, viewer, target={"framework": "iso42001", "ref": "A.2.2"}, input={"assignee": "ana"})
    assert result.errors and result.errors[0].extensions["code"] == "FORBIDDEN"


def test_the_work_commands_assign_advance_and_list(cli: Cli) -> None:
    cli.run("work", "owner", "risk-team", "--name", "Risk team", check=True)
    cli.run(
        "work",
        "assign",
        "--asset",
        "credit-system",
        "--framework",
        "eu-ai-act",
        "--ref",
        "Article 9",
        "--to",
        "risk-team",
        "--due",
        "2027-01-31",
        "--cadence",
        "quarterly",
        check=True,
    )
    refused = cli.run(
        "work", "advance", "verified", "--asset", "credit-system", "--framework", "eu-ai-act", "--ref", "Article 9"
    )
    assert refused.returncode == 1 and "from not_started the work may go to in_progress" in refused.stderr
    items = cli.json("work", "list", "--owner", "risk-team", "--json")
    assert [(w["assetId"], w["ref"], w["due"], w["status"]) for w in items] == [
        ("credit-system", "Article 9", "2027-01-31", "not_started")
    ]
    shown = cli.json("obligations", "credit-system", "--due-before", "2027-02-01", "--json")
    assert [(o["ref"], o["work"]["assigneeId"]) for o in shown] == [("Article 9", "risk-team")]


def test_deleting_an_asset_takes_the_work_on_its_obligations_with_it(service: Service) -> None:
    data = {"id": "scratch-bot", "kind": "ai_system", "name": "Scratch bot", "owner": "ops", "roles": ["deployer"]}
    service.inventory.upsert_asset(ME, "northwind", data)
    target = {"asset_id": "scratch-bot", "framework": "eu-ai-act", "ref": "Article 4"}
    planned = service.work.plan(ME, "northwind", target, {"assignee": "ana"}).after
    service.inventory.delete_asset(ME, "northwind", "scratch-bot")
    assert service.answers().work.item(planned.iri) is None
    assert [w for w in service.answers().work.items("northwind") if w.asset == "scratch-bot"] == []


def test_the_soa_and_gaps_sheets_carry_the_reason_for_inclusion_and_the_work(service: Service) -> None:
    service.work.plan(ME, "northwind", {"framework": "iso42001", "ref": "A.6.2.4"}, {"assignee": "risk-team"})
    service.work.plan(ME, "northwind", {"framework": "iso42001", "ref": "A.6.2.4"}, {"due": "2027-04-30"})
    csv_text = service.answers().interop.csv("soa", org="northwind")
    header, *rows = csv_text.splitlines()
    assert header.endswith("inclusion_reasons,inclusion_note,flag,assignee,due,work_status,review_cadence,next_review")
    assert next(r for r in rows if r.startswith("A.6.2.4,")).endswith(",risk-team,2027-04-30,not_started,,")
    gaps = service.answers().interop.csv("gaps", org="northwind").splitlines()
    assert gaps[0].endswith(",in_force,standing,assignee,due")
