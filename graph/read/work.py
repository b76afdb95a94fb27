"""The work model's read side: an organisation's owners and work items, and the owner and due-date filters
that `obligations` and `gaps` take in every interface.

Work items hang on obligations and SoA decisions by IRI (`ontology.namespaces.obligation_iri`,
`soa_decision_iri`); the engine (`graph.read.obligations`) attaches each to the answer it belongs to, and this
module lists them and filters answers by them, once for the CLI, GraphQL and the exports.

"Owner" in a filter means who must act: the work item's assignee, or, where nobody is assigned, the owner the
answer already names (the asset's owner, or "organisation" for an organisation-wide duty). A team also
matches what is assigned to its members.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from core.errors import NotFoundError
from graph.read.obligations import Obligations
from graph.read.read_model import Snapshot
from graph.views.read import GapView, ObligationView, OwnerView, WorkItemView


class Work:
    def __init__(self, snapshot: Snapshot, organisation: Obligations) -> None:
        self._index = snapshot.organisations
        self._organisation = organisation

    # -- owners ----------------------------------------------------------------------------------------------
    def owners(self, org: str | None = None) -> list[OwnerView]:
        found = self._organisation.organisation(org).id
        return sorted((v for (o, _), v in self._index.owners.items() if o == found), key=lambda v: v.id)

    def owner(self, owner_id: str, org: str | None = None) -> OwnerView:
        found = self._organisation.organisation(org).id
        view = self._index.owners.get((found, owner_id))
        if view is None:
            known = ", ".join(v.id for v in self.owners(found)[:20]) or "none recorded"
            raise NotFoundError("owner", owner_id, f"owners of {found}: {known}")
        return view

    # -- work items --------------------------------------------------------------------------------------------
    def items(
        self,
        org: str | None = None,
        *,
        owner: str | None = None,
        status: str | None = None,
        due_before: dt.date | None = None,
    ) -> list[WorkItemView]:
        """The organisation's work items, soonest due first (undated last), filtered where asked."""
        found = self._organisation.organisation(org).id
        names = self._names(found, owner)
        items = [
            w
            for w in self._index.work.values()
            if w.org == found
            and (owner is None or w.assignee in names)
            and (status is None or w.status == status)
            and due_matches(w, due_before)
        ]
        return sorted(items, key=lambda w: (w.due is None, w.due or dt.date.min, w.framework, w.ref, w.iri))

    def item(self, iri: str) -> WorkItemView | None:
        return self._index.work.get(iri)

    # -- filters -----------------------------------------------------------------------------------------------
    def _names(self, org: str, owner: str | None) -> set[str]:
        """The owner ids a filter on `owner` matches: the owner, and a team's members."""
        if owner is None:
            return set()
        names = {owner}
        names.update(v.id for (o, _), v in self._index.owners.items() if o == org and v.team == owner)
        return names

    def obligations(
        self, found: Sequence[ObligationView], *, owner: str | None = None, due_before: dt.date | None = None
    ) -> list[ObligationView]:
        """The obligations whose work `owner` must do and that fall due before `due_before`."""
        if owner is None and due_before is None:
            return list(found)
        kept = []
        for o in found:
            org = o.asset.org
            answerable = "organisation" if o.organisation_wide else o.asset.owner
            if owner is not None and not self._owned([o.work] if o.work else [], answerable, org, owner):
                continue
            if due_before is not None and (o.work is None or not due_matches(o.work, due_before)):
                continue
            kept.append(o)
        return kept

    def gaps(
        self, found: Sequence[GapView], org: str, *, owner: str | None = None, due_before: dt.date | None = None
    ) -> list[GapView]:
        """The gaps whose work `owner` must do (any of its work items) and that fall due before `due_before`."""
        if owner is None and due_before is None:
            return list(found)
        return [
            g
            for g in found
            if (owner is None or self._owned(g.work, g.owner, org, owner))
            and (due_before is None or any(due_matches(w, due_before) for w in g.work))
        ]

    def _owned(self, work: Iterable[WorkItemView], answerable: str, org: str, owner: str) -> bool:
        names = self._names(org, owner)
        assigned = [w.assignee for w in work if w.assignee]
        return any(a in names for a in assigned) if assigned else answerable in names


def due_matches(item: WorkItemView, due_before: dt.date | None) -> bool:
    """Due strictly before the day (no filter: always; no due date: never)."""
    return due_before is None or (item.due is not None and item.due < due_before)
