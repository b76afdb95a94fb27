"""The read side of the service at one revision: every question a command or request asks, answered from
one snapshot.

`Service.answers()` reads the store's revision once and hands out an `Answers`; its parts — the catalog,
the crosswalks, the exports — share that snapshot, so an answer never mixes two revisions.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from graph.read.catalog_queries import CatalogQueries
from graph.read.crosswalks import Crosswalks
from graph.read.listings import Listings
from graph.read.obligations import Obligations
from graph.read.read_model import Snapshot
from graph.read.work import Work
from graph.stores.protocol import Store

if TYPE_CHECKING:
    from graph.read.exports import Exports
    from graph.read.interop import Interop


class Answers:
    def __init__(self, store: Store, snapshot: Snapshot) -> None:
        self.revision = snapshot.revision
        self.snapshot = snapshot  # the indexes themselves, for benchmarks and tests that look inside
        self.catalog = CatalogQueries(snapshot)
        self.crosswalks = Crosswalks(snapshot, self.catalog)
        self.organisation = Obligations(snapshot, self.catalog, self.crosswalks)
        self.lists = Listings(snapshot, self.catalog, self.crosswalks, self.organisation)
        self.work = Work(snapshot, self.organisation)
        self._store = store

    @cached_property
    def exports(self) -> Exports:
        """Built on first use: exports need the SHACL validator and the file models, which reads do not."""
        from graph.read.exports import Exports

        return Exports(self._store, self.snapshot, self.catalog)

    @cached_property
    def interop(self) -> Interop:
        """Documents for other tools (OSCAL, CISO Assistant, spreadsheets), built on first use."""
        from graph.read.interop import Interop

        return Interop(
            store=self._store,
            snapshot=self.snapshot,
            catalog=self.catalog,
            exports=self.exports,
            crosswalks=self.crosswalks,
            organisation=self.organisation,
        )
