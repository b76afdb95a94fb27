"""The kinds of content a data file defines, one class each, behind one protocol the loader calls.

A format's reader (`loaders.files.ImportFormat`) turns a file into models; a kind turns one model into records.
The loader asks a kind three things of each parsed model: where it goes in the load (`order`: catalogs first,
since every other kind names their provisions), what it defines (`defines`: two files in one load may not
define the same framework, mapping set, timeline, rule file or organisation), and its records (`add`). So a
new format that reads into the models a load knows is one `ImportFormat` class, and a format with a model of
its own is that class plus one `FileKind` here or in the caller (`Service(..., formats=, kinds=)`).

Records a kind builds only from a validated model, through the reference checks of `RefResolver`, are
`vouched` on the ingest: the models say all the shapes say of them (the bundled data's export is SHACL-checked
in the tests, so models and shapes cannot drift apart), and the loader's SHACL pass skips them. A kind that
crafts records otherwise leaves them unvouched, and SHACL checks them as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol, TypeVar

from core.errors import DataError
from graph.write.ingest import Ingest, RefResolver, add_catalog, add_inventory, add_mapping_set, add_rules, add_timeline
from loaders.applicability import RuleFile
from loaders.catalog import Catalog
from loaders.inventory import Inventory
from loaders.inventory_csv import AssetSheet
from loaders.mapping_set import MappingSetFile
from loaders.timeline import Timeline
from loaders.yaml_source import SourceDocument

Model_contra = TypeVar("Model_contra", contravariant=True)


class FileKind(Protocol[Model_contra]):
    """One kind of parsed file: its place in a load, what it defines, and its records."""

    @property
    def model(self) -> type:
        """The parsed model this kind takes (what a format's reader returns)."""
        ...

    @property
    def order(self) -> int:
        """Lower first: catalogs (0) before what names their provisions."""
        ...

    def defines(self, parsed: Model_contra) -> tuple[str, str]:
        """(what, id): what the file defines, so two files in one load cannot define the same thing."""
        ...

    def add(self, ingest: Ingest, parsed: Model_contra, doc: SourceDocument, refs: RefResolver) -> None:
        """Add the records to `ingest`; problems (unknown refs, …) go on `doc` with their path."""
        ...


class CatalogKind:
    model = Catalog
    order = 0

    def defines(self, parsed: Catalog) -> tuple[str, str]:
        return "framework", parsed.framework.id

    def add(self, ingest: Ingest, parsed: Catalog, doc: SourceDocument, refs: RefResolver) -> None:
        add_catalog(ingest, parsed, doc)
        refs.add_framework(parsed.framework.id, (p.ref for p in parsed.provisions))


class TimelineKind:
    model = Timeline
    order = 1

    def defines(self, parsed: Timeline) -> tuple[str, str]:
        return "timeline of", parsed.framework

    def add(self, ingest: Ingest, parsed: Timeline, doc: SourceDocument, refs: RefResolver) -> None:
        add_timeline(ingest, parsed, doc, refs)


class RulesKind:
    model = RuleFile
    order = 2

    def defines(self, parsed: RuleFile) -> tuple[str, str]:
        return "rules of", parsed.framework

    def add(self, ingest: Ingest, parsed: RuleFile, doc: SourceDocument, refs: RefResolver) -> None:
        add_rules(ingest, parsed, doc, refs)


class InventoryKind:
    """An organisation's inventory: its facts, assets, controls and evidence."""

    model = Inventory
    order = 3

    def defines(self, parsed: Inventory) -> tuple[str, str]:
        return "organisation", parsed.organisation.id

    def add(self, ingest: Ingest, parsed: Inventory, doc: SourceDocument, refs: RefResolver) -> None:
        add_inventory(ingest, parsed, doc, refs)


class AssetSheetKind:
    """An asset sheet (CSV): an organisation's assets only; its controls and evidence in the store stay."""

    model = AssetSheet
    order = 3

    def defines(self, parsed: AssetSheet) -> tuple[str, str]:
        return "organisation", parsed.organisation.id

    def add(self, ingest: Ingest, parsed: AssetSheet, doc: SourceDocument, refs: RefResolver) -> None:
        ingest.asset_sheet_ids.append(parsed.organisation.id)
        add_inventory(ingest, Inventory(organisation=parsed.organisation, assets=parsed.assets), doc, refs)


class MappingSetKind:
    model = MappingSetFile
    order = 4

    def defines(self, parsed: MappingSetFile) -> tuple[str, str]:
        return "mapping set", parsed.mapping_set.id

    def add(self, ingest: Ingest, parsed: MappingSetFile, doc: SourceDocument, refs: RefResolver) -> None:
        add_mapping_set(ingest, parsed, doc, refs)


BUILT_IN_KINDS: tuple[FileKind[Any], ...] = (
    CatalogKind(),
    TimelineKind(),
    RulesKind(),
    InventoryKind(),
    AssetSheetKind(),
    MappingSetKind(),
)


class Kinds:
    """The kinds a loader knows, found by the parsed model's class."""

    def __init__(self, kinds: Iterable[FileKind[Any]] = ()) -> None:
        self._by_model: dict[type, FileKind[Any]] = {}
        for kind in (*BUILT_IN_KINDS, *kinds):
            self._by_model[kind.model] = kind  # a caller's kind for a built-in model replaces the built-in one

    def of(self, parsed: object, doc: SourceDocument) -> FileKind[Any]:
        for cls in type(parsed).__mro__:
            kind = self._by_model.get(cls)
            if kind is not None:
                return kind
        raise DataError([doc.problem((), f"no file kind takes a {type(parsed).__name__}: give the loader one")])

    @property
    def by_model(self) -> Mapping[type, FileKind[Any]]:
        return self._by_model
