"""When a provision applies: the dated rules of the laws' timelines, indexed for answering "as of" a day.

The rule that answers for a provision is found by walking up from it (a rule on Article 6(1) speaks for its
points before a rule on Article 6 does). At the nearest level that has rules, a rule for the asked scope
beats one for all systems, and among those that hold on the asked day, the newest act wins: an amending
act's rule holds from its `holds_from`, so asking as of an earlier day gives the law as it then stood.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from core.records import Node
from graph.read.node_source import NodeSource
from graph.views.read import ActView, DateRuleView


def _text(node: Node, name: str) -> str | None:
    value = node.prop(name)
    return value if isinstance(value, str) else None


def _date(node: Node, name: str) -> dt.date | None:
    value = node.prop(name)
    return value if isinstance(value, dt.date) else None


@dataclass(slots=True)
class TimelineIndex:
    acts: dict[str, ActView] = field(default_factory=dict)  # by IRI
    rules_by_provision: dict[str, list[DateRuleView]] = field(default_factory=dict)
    node_ids: dict[str, list[str]] = field(default_factory=dict)  # framework → its act and rule node ids
    act_order: dict[str, int] = field(default_factory=dict)  # act IRI → position in its timeline

    @classmethod
    def build(cls, source: NodeSource, frameworks_by_iri: dict[str, str]) -> TimelineIndex:
        index = cls()
        ids: dict[str, list[str]] = defaultdict(list)
        act_nodes = sorted(source.nodes("LegalAct"), key=lambda n: (_date(n, "in_force") or dt.date.max, n.id))
        for node in act_nodes:
            framework = frameworks_by_iri.get(node.link("IN_FRAMEWORK") or "", "")
            ids[framework].append(node.id)
            index.acts[node.id] = ActView(
                id=_text(node, "identifier") or node.id,
                framework=framework,
                title=_text(node, "title") or "",
                status=_text(node, "status") or "",
                adopted=_date(node, "adopted"),
                signed=_date(node, "signed"),
                published=_date(node, "published"),
                in_force=_date(node, "in_force"),
                oj_reference=_text(node, "oj_reference"),
                url=_text(node, "url"),
                sources=tuple(str(s) for s in node.prop("cites") or ()),  # type: ignore[union-attr]
                uncertainty=_text(node, "uncertainty"),
            )
        index.act_order = {iri: position for position, iri in enumerate(index.acts)}
        for node in source.nodes("DateRule"):
            act = index.acts.get(node.link("UNDER_ACT") or "")
            applies_from = _date(node, "applies_from")
            if act is None or applies_from is None:
                continue
            ids[act.framework].append(node.id)
            rule = DateRuleView(
                act=act,
                act_rank=index.act_order[node.link("UNDER_ACT") or ""],
                basis=_text(node, "basis") or "",
                scope=_text(node, "scope") or "all",
                applies_from=applies_from,
                holds_from=_date(node, "holds_from"),
                note=_text(node, "note"),
            )
            for provision in node.links.get("DATES", ()):
                index.rules_by_provision.setdefault(provision, []).append(rule)
        index.node_ids = dict(ids)
        return index

    def rule_for(self, chain: list[str], scope: str, as_of: dt.date) -> DateRuleView | None:
        """The rule that dates the first provision of `chain` (itself, then its ancestors) for a scope."""
        for provision in chain:
            rules = [
                r for r in self.rules_by_provision.get(provision, ()) if r.scope in (scope, "all") and r.holds_on(as_of)
            ]
            if rules:
                return max(rules, key=lambda r: (r.scope == scope, r.act_rank))
        return None
