"""The applicability rules in the graph, by framework."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from core.records import Node
from graph.read.node_source import NodeSource
from graph.views.read import AmendedContentView, ConditionView, RuleView, TransitionView


def _text(node: Node, name: str) -> str | None:
    value = node.prop(name)
    return value if isinstance(value, str) else None


def _kinds(value: object) -> tuple[str, ...]:
    if isinstance(value, tuple):
        return tuple(str(k) for k in value)
    return (str(value),) if value else ()


def _condition(text: str) -> ConditionView:
    """The stored JSON was written from a validated `Condition` (and only its non-default parts)."""
    data = json.loads(text)
    annex_iii = data.get("annex_iii")
    return ConditionView(
        kinds=tuple(data.get("kinds", ())),
        roles=tuple(data.get("roles", ())),
        facts=tuple(data.get("facts", ())),
        any_facts=tuple(data.get("any_facts", ())),
        not_facts=tuple(data.get("not_facts", ())),
        annex_iii=tuple(annex_iii) if isinstance(annex_iii, list) else annex_iii,
        in_scope=data.get("in_scope"),
        not_roles=tuple(data.get("not_roles", ())),
        annex_iii_except=tuple(data.get("annex_iii_except", ())),
        values=tuple((k, tuple(v)) for k, v in sorted(data.get("values", {}).items())),
        not_values=tuple((k, tuple(v)) for k, v in sorted(data.get("not_values", {}).items())),
        before=tuple((k, dt.date.fromisoformat(v)) for k, v in sorted(data.get("before", {}).items())),
        dated_before=dt.date.fromisoformat(data["dated_before"]) if data.get("dated_before") else None,
        management_system=data.get("management_system"),
        no_management_system=data.get("no_management_system"),
    )


def _effects(text: str) -> dict[str, object]:
    """The stored JSON was written from a validated `Rule` (its effects beyond adding duties)."""
    data: dict[str, object] = json.loads(text)
    transition = data.get("transition")
    if isinstance(transition, dict):
        data["transition"] = TransitionView(
            value=transition["value"],
            before=dt.date.fromisoformat(transition["before"]),
            applies_from=dt.date.fromisoformat(transition["applies_from"]),
            basis=transition["basis"],
            act=transition.get("act"),
            open_value=transition.get("open_value"),
            open_note=transition.get("open_note"),
        )
    amended = data.get("amended")
    data["amended"] = tuple(
        AmendedContentView(act=a["act"], holds_from=dt.date.fromisoformat(a["holds_from"]), content=a["content"])
        for a in (amended if isinstance(amended, list) else [])
    )
    holds_from = data.get("holds_from")
    data["holds_from"] = dt.date.fromisoformat(holds_from) if isinstance(holds_from, str) else None
    data["replaces"] = tuple(data.get("replaces", ()))  # type: ignore[arg-type]
    data["defers"] = tuple(data.get("defers", ()))  # type: ignore[arg-type]
    defers_to = data.get("defers_to")
    data["defers_to"] = dt.date.fromisoformat(defers_to) if isinstance(defers_to, str) else None
    return data


@dataclass(slots=True)
class RulesIndex:
    by_framework: dict[str, list[RuleView]] = field(default_factory=dict)
    granting: list[RuleView] = field(default_factory=list)  # rules that grant a role (Article 25), any framework
    dated: list[RuleView] = field(default_factory=list)  # transitional rules on the asset's dates (Article 111)

    @classmethod
    def build(cls, source: NodeSource, frameworks_by_iri: dict[str, str]) -> RulesIndex:
        index = cls()
        for node in sorted(source.nodes("ApplicabilityRule"), key=lambda n: n.id):
            framework = frameworks_by_iri.get(node.link("IN_FRAMEWORK") or "")
            if framework is None:
                continue
            index.by_framework.setdefault(framework, []).append(
                RuleView(
                    iri=node.id,
                    id=_text(node, "identifier") or node.id,
                    framework=framework,
                    reason=_text(node, "reason") or "",
                    provisions=node.links.get("RULE_FOR", ()),
                    kinds=_kinds(node.prop("provision_kinds")),
                    condition=_condition(_text(node, "condition") or "{}"),
                    addressee=_text(node, "addressee_role"),
                    voluntary=node.prop("voluntary") is True,
                    basis=_text(node, "basis") or "",
                    **_effects(_text(node, "effects") or "{}"),  # type: ignore[arg-type]
                )
            )
        index.granting = [r for rules in index.by_framework.values() for r in rules if r.grants_role]
        index.dated = [r for rules in index.by_framework.values() for r in rules if r.condition.dated_before]
        return index
