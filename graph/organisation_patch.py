"""Bringing the organisation index up to date after a few changed records, without rebuilding it.

Why: rebuilding `OrganisationIndex` reads every asset of every organisation (~0.5 s at 2,000 assets, seconds
at 10,000), and after an API write the next read would pay that each time. A write changes a handful of
records, so the index is copied (dictionary copies, milliseconds) and the changed entries are replaced.

The changed records are turned into index entries by `OrganisationIndex.build` itself, run over a small view
of the store holding just those records and the few they name (their organisation, the assets they use or
cover), so the entries are exactly what a rebuild would make. When the index holds anything this module does
not know how to patch (a field added to `OrganisationIndex`), it says so and the caller rebuilds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import unquote

from core.records import Node
from graph.ingest import control_iri, evidence_iri
from graph.organisation_index import OrganisationIndex
from graph.store import Store

PATCHED_FIELDS = frozenset({"organisations", "assets", "controls", "evidence", "node_ids"})
_ORGANISATION_LABELS = frozenset({"Asset", "Organisation", "ImplementedControl", "Evidence"})


class _Few:
    """A read-only view of a store offering only the given nodes, for `OrganisationIndex.build`."""

    def __init__(self, nodes: Iterable[Node]) -> None:
        self._nodes = {node.id: node for node in nodes}

    def nodes(self, label: str) -> Iterator[Node]:
        return (node for node in self._nodes.values() if label in node.labels)


def can_patch() -> bool:
    return {f.name for f in dataclasses.fields(OrganisationIndex)} == PATCHED_FIELDS


def patched(
    index: OrganisationIndex, store: Store, changed: Sequence[Node], deleted: Sequence[str]
) -> OrganisationIndex:
    """`index` with `changed` records put in and `deleted` ones taken out (the store already holds the change)."""
    changed = [n for n in changed if _ORGANISATION_LABELS & set(n.labels)]
    wanted = {link for n in changed for name in ("IN_ORGANISATION", "USES", "SCOPE") for link in n.links.get(name, ())}
    context = store.get(wanted - {n.id for n in changed})
    few = OrganisationIndex.build(_Few([*changed, *context.values()]))  # type: ignore[arg-type]
    fresh = OrganisationIndex(
        organisations=dict(index.organisations),
        assets=dict(index.assets),
        controls=dict(index.controls),
        evidence={org: list(items) for org, items in index.evidence.items()},
        node_ids={org: list(ids) for org, ids in index.node_ids.items()},
    )
    gone = set(deleted)
    if gone:
        fresh.assets = {key: view for key, view in fresh.assets.items() if view.iri not in gone}
        fresh.controls = {key: view for key, view in fresh.controls.items() if _control_iri(index, key) not in gone}
        fresh.evidence = {
            org: [e for e in items if _evidence_iri(index, org, e.id) not in gone]
            for org, items in fresh.evidence.items()
        }
        fresh.node_ids = {org: [i for i in ids if i not in gone] for org, ids in fresh.node_ids.items()}
    changed_ids = {n.id for n in changed}
    fresh.organisations.update({org: view for org, view in few.organisations.items() if view.iri in changed_ids})
    fresh.assets.update({key: view for key, view in few.assets.items() if view.iri in changed_ids})
    fresh.controls.update(few.controls)  # only changed controls are in the small view
    for org, items in few.evidence.items():
        replaced = {e.id for e in items}
        fresh.evidence[org] = [e for e in fresh.evidence.get(org, []) if e.id not in replaced] + items
    for org, ids in few.node_ids.items():
        known = set(fresh.node_ids.get(org, []))
        fresh.node_ids.setdefault(org, []).extend(i for i in ids if i in changed_ids and i not in known)
    return fresh


def _control_iri(index: OrganisationIndex, key: tuple[str, str]) -> str:
    org, provision = key
    framework, ref = (unquote(part) for part in provision.rsplit("/", 2)[-2:])
    return control_iri(org, framework, ref)


def _evidence_iri(index: OrganisationIndex, org: str, evidence_id: str) -> str:
    return evidence_iri(org, evidence_id)
