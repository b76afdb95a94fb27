"""The applicability rules in the graph, by framework."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from core.records import Node
from graph.read.node_source import NodeSource
from graph.views.read import ConditionView, RuleView


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
    )


@dataclass(slots=True)
class RulesIndex:
    by_framework: dict[str, list[RuleView]] = field(default_factory=dict)

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
                )
            )
        return index
