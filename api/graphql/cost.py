"""An up-front estimate of how many objects an operation asks for, refused above a limit (like GitHub's).

Why up front: depth, alias and token limits bound the document, not the work — thirty aliases of a 500-row
crosswalk each asking every row's inferred mappings stay within them and still build a 100 MB answer. The
estimate multiplies page sizes (`first`, or the largest page for a variable) and typical list sizes down the
selection, so it is known before anything runs and costs nothing at run time.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)

# Fields that return a page (a connection): their `edges` hold `first` objects. Left out, `first` is 100 (the
# default page); where a list stays far shorter in the bundled data, its size there (in parentheses).
PAGED = {
    "provisions": 100,
    "crosswalk": 100,
    "assets": 100,
    "search": 100,
    "organisations": 10,
    "obligations": 100,
    "gaps": 100,
    "auditLog": 100,
    "apiKeys": 100,
    "uses": 5,
    "evidence": 3,
    "mappings": 40,
    "because": 20,
    "webhooks": 10,
    "deliveries": 100,
    "controls": 100,
    "soaDecisions": 100,
    "assetStatuses": 100,
    "owners": 50,
    "workItems": 100,
    "work": 2,  # a gap's work items: usually one (organisation-wide) or a few assets'
}
# The same name on a single object (a root field, or under `node` or `asset`): where a page there is longer.
PAGED_ON_ONE = {"evidence": 100}  # an organisation's evidence (Query.evidence), not one obligation's
# Fields that return a plain list (bounded: see tests/unit/test_schema_contract.py): their size in the bundled data.
LISTS = {
    "frameworks": 10,
    "mappingSets": 20,
    "children": 25,
    "path": 5,
    "covered": 150,
    "reusable": 150,
    "partial": 150,
    "uncovered": 150,
    "reasons": 3,
    "statementOfApplicability": 38,
    "entries": 100,  # ChangeFeed.entries: `first` of `changes(since:)`
}


def _first(field: FieldNode, default: int, page_limit: int) -> int:
    for argument in field.arguments or ():
        if argument.name.value == "first":
            value = argument.value
            return int(value.value) if isinstance(value, IntValueNode) else page_limit
    return default


def estimate(
    selection: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    page_limit: int,
    *,
    multiplier: int = 1,
    page: int | None = None,
    seen: frozenset[str] = frozenset(),
) -> int:
    """Objects the selection would return, each counted once for every parent it hangs under."""
    if selection is None:
        return 0
    total = 0
    for node in selection.selections:
        if isinstance(node, FragmentSpreadNode):
            name = node.name.value
            if name in fragments and name not in seen:
                sub = fragments[name].selection_set
                total += estimate(sub, fragments, page_limit, multiplier=multiplier, page=page, seen=seen | {name})
        elif isinstance(node, InlineFragmentNode):
            total += estimate(node.selection_set, fragments, page_limit, multiplier=multiplier, page=page, seen=seen)
        elif isinstance(node, FieldNode) and node.selection_set is not None:
            name = node.name.value
            if name == "edges" and page is not None:
                size, child_page = page, None
            elif name in PAGED:
                default = PAGED_ON_ONE.get(name, PAGED[name]) if multiplier == 1 else PAGED[name]
                size, child_page = 1, _first(node, default, page_limit)
            else:
                size, child_page = _first(node, LISTS.get(name, 1), page_limit), None
            count = multiplier * size
            total += count + estimate(
                node.selection_set, fragments, page_limit, multiplier=count, page=child_page, seen=seen
            )
    return total


def cost_rule(max_cost: int, page_limit: int) -> type[ValidationRule]:
    """A graphql-core validation rule refusing operations estimated above `max_cost` objects."""

    class QueryCostRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            fragments = {
                d.name.value: d for d in self.context.document.definitions if isinstance(d, FragmentDefinitionNode)
            }
            cost = estimate(node.selection_set, fragments, page_limit)
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"this operation would return about {cost:,} objects; the limit is {max_cost:,} "
                        "(ask for smaller pages or fewer nested lists)",
                        node,
                        extensions={"code": "TOO_COSTLY"},
                    )
                )

    return QueryCostRule
