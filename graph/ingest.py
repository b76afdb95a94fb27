"""Turn validated input models into graph records, remembering which file and line each node came from.

The origin table lets a SHACL violation on a node be reported at the line that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.records import GraphBatch, Node, Value
from loaders.catalog import Catalog, Role
from loaders.yaml_source import SourceDocument
from ontology.namespaces import framework_iri, provision_iri, role_iri

KIND_LABELS: dict[str, str] = {
    "chapter": "Chapter",
    "section": "Section",
    "article": "Article",
    "paragraph": "Paragraph",
    "point": "Point",
    "annex": "Annex",
    "clause": "Clause",
    "control_objective": "ControlObjective",
    "control": "Control",
    "theme": "Theme",
    "function": "Function",
    "category": "Category",
    "subcategory": "Subcategory",
}
LABEL_KINDS: dict[str, str] = {label: kind for kind, label in KIND_LABELS.items()}


@dataclass(slots=True)
class Ingest:
    """A batch under construction plus the origin (file, line) of each node in it."""

    batch: GraphBatch = field(default_factory=GraphBatch)
    origins: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    framework_ids: list[str] = field(default_factory=list)

    def add(self, node: Node, file: str, line: int | None) -> None:
        self.batch.add(node)
        self.origins.setdefault(node.id, (file, line))


def role_node(role: Role) -> Node:
    return Node(
        id=role_iri(role),
        labels=("AddresseeRole",),
        props={"ref": role, "name": role.replace("_", " ")},
    )


def add_catalog(ingest: Ingest, catalog: Catalog, doc: SourceDocument) -> None:
    header = catalog.framework
    fw_iri = framework_iri(header.id)
    roles: set[Role] = set(header.default_addressees)
    props: dict[str, Value] = {
        "framework_id": header.id,
        "name": header.name,
        "title": header.title,
        "version": header.version,
        "issued": header.issued,
        "publisher": header.publisher,
        "source": header.source,
        "binding": header.binding,
    }
    if header.url:
        props["url"] = header.url
    ingest.add(
        Node(
            id=fw_iri,
            labels=("Framework",),
            props=props,
            links={"ADDRESSEE": tuple(role_iri(r) for r in header.default_addressees)},
        ),
        doc.file,
        doc.line_of(("framework",)),
    )
    ingest.framework_ids.append(header.id)
    for index, entry in enumerate(catalog.provisions):
        entry_props: dict[str, Value] = {"ref": entry.ref, "order": index + 1}
        if entry.title:
            entry_props["title"] = entry.title
        if entry.summary:
            entry_props["summary"] = entry.summary
        if entry.applies_from:
            entry_props["applies_from"] = entry.applies_from
        if entry.informative:
            entry_props["informative"] = True
        links: dict[str, tuple[str, ...]] = {"IN_FRAMEWORK": (fw_iri,)}
        if entry.parent:
            links["PART_OF"] = (provision_iri(header.id, entry.parent),)
        if entry.addressees:
            links["ADDRESSEE"] = tuple(role_iri(r) for r in entry.addressees)
            roles.update(entry.addressees)
        ingest.add(
            Node(
                id=provision_iri(header.id, entry.ref),
                labels=("Provision", KIND_LABELS[entry.kind]),
                props=entry_props,
                links=links,
            ),
            doc.file,
            doc.line_of(("provisions", index)),
        )
    for role in sorted(roles):
        ingest.add(role_node(role), doc.file, None)
