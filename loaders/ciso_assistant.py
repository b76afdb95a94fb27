"""CISO Assistant libraries (YAML) ⇄ catalogs and mapping sets.

The rules here are the ones CISO Assistant's own library loader applies (read from its source, not copied):
a library needs `urn`, `name`, `version` (an integer) and `objects`; its URN, and every URN in it, has the
shape `urn:<namespace>:<domain>:<kind>[:<sub>]:<id>` (compared lower-cased); `objects` holds at least one
known object field and never both a field's singular and plural form (`framework`/`frameworks`,
`requirement_mapping_set`/`requirement_mapping_sets`); a framework needs `ref_id`, `urn` and requirement nodes,
each with a `urn`; a requirement mapping set needs `urn`, `name`, `source_framework_urn`,
`target_framework_urn`, two different frameworks, and at least one mapping, each with
`source_requirement_urn`, `target_requirement_urn` and a `relationship` among subset, intersect, equal,
superset, not_related; `rationale` is syntactic, semantic or functional; `strength_of_relationship` 0–10.
`check_library` applies them to any library, ours or another tool's.

What CISO Assistant has no field for (a provision's kind and dates, a mapping's review status and authority,
sources with no counterpart, the set's creators) rides in an `aimsgraph` key on the same object, which its
loader ignores and our reader uses, so export → import gives the same records. A library another tool wrote
reads too: a framework's id is its URN's last part, a provision's ref its node URN's last part (the part a
mapping names), its title the node's name or ref_id, its summary the description; an assessable node is a
control, any other a section.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, field_validator

from core.errors import DataError, Problem
from core.vocabulary import SUMMARISED_KINDS
from loaders.catalog import Catalog, parse_catalog
from loaders.limits import DEFAULT_LIMITS, InputLimits
from loaders.mapping_set import MappingSetFile, parse_mapping_set
from loaders.yaml_source import PathKey, SourceDocument

URN = re.compile(
    r"^urn:([a-zA-Z0-9_-]+):([a-zA-Z0-9_-]+):([a-zA-Z0-9_-]+)(?::([a-zA-Z0-9_-]+))?:([0-9A-Za-z\[\]\(\)\-\._:]+)$"
)
"""A CISO Assistant URN, as its loader matches them."""
OBJECT_FIELDS = (
    "ttp_catalogs",
    "tactics",
    "techniques",
    "threats",
    "reference_controls",
    "metric_definitions",
    "risk_matrix",
    "risk_matrices",
    "framework",
    "frameworks",
    "requirement_mapping_set",
    "requirement_mapping_sets",
    "preset",
    "workflows",
)
RELATIONSHIPS = {"equal": "equal", "subset": "subset", "superset": "superset", "intersects": "intersect"}
RELATIONS = {name: relation for relation, name in RELATIONSHIPS.items()}
NAMESPACE = "aimsgraph"


def _urn(value: str) -> str:
    if not URN.match(value.lower()):
        raise ValueError(f"{value!r} is not a CISO Assistant URN (urn:<namespace>:<domain>:<kind>:<id>)")
    return value


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class RequirementNode(_Open):
    urn: StrictStr

    _check = field_validator("urn")(_urn)


class Framework(_Open):
    urn: StrictStr
    ref_id: StrictStr | int | float
    requirement_nodes: list[RequirementNode] = Field(min_length=1)

    _check = field_validator("urn")(_urn)


class RequirementMapping(_Open):
    source_requirement_urn: StrictStr
    target_requirement_urn: StrictStr
    relationship: StrictStr = Field(pattern=r"^(subset|intersect|equal|superset|not_related)$")
    rationale: StrictStr | None = Field(default=None, pattern=r"^(syntactic|semantic|functional)$")
    strength_of_relationship: int | None = Field(default=None, ge=0, le=10)

    _check = field_validator("source_requirement_urn", "target_requirement_urn")(_urn)


class RequirementMappingSet(_Open):
    urn: StrictStr
    name: StrictStr
    source_framework_urn: StrictStr
    target_framework_urn: StrictStr
    requirement_mappings: list[RequirementMapping] = Field(min_length=1)

    _check = field_validator("urn", "source_framework_urn", "target_framework_urn")(_urn)


class Library(_Open):
    urn: StrictStr
    name: StrictStr
    version: int
    objects: dict[StrictStr, Any]
    locale: StrictStr = "en"

    _check = field_validator("urn")(_urn)


def check_library(doc: SourceDocument) -> Library:
    """The library as CISO Assistant's loader would accept it, or DataError with every rule it breaks."""
    problems: list[Problem] = []

    def validate(model: type[BaseModel], data: object, path: PathKey) -> Any:
        try:
            return model.model_validate(data)
        except ValidationError as error:
            problems.extend(doc.problem((*path, *map(str, item["loc"])), item["msg"]) for item in error.errors())
            return None

    library = validate(Library, doc.data, ())
    if library is None:
        raise DataError(problems)
    objects = library.objects
    if not any(name in objects for name in OBJECT_FIELDS):
        problems.append(doc.problem(("objects",), f"objects holds none of {', '.join(OBJECT_FIELDS)}"))
    for single, plural in (("framework", "frameworks"), ("requirement_mapping_set", "requirement_mapping_sets")):
        if single in objects and plural in objects:
            problems.append(doc.problem(("objects",), f"a library cannot have both {single!r} and {plural!r}"))
    for path, framework in _objects(objects, "framework", "frameworks"):
        if validate(Framework, framework, path) is not None:
            seen: dict[str, int] = {}
            for index, node in enumerate(framework["requirement_nodes"]):
                urn = str(node["urn"]).lower()
                if urn in seen:
                    problems.append(
                        doc.problem(
                            (*path, "requirement_nodes", index, "urn"), f"duplicate urn (first at node {seen[urn]})"
                        )
                    )
                seen.setdefault(urn, index)
    for path, mapping_set in _objects(objects, "requirement_mapping_set", "requirement_mapping_sets"):
        parsed = validate(RequirementMappingSet, mapping_set, path)
        if parsed is not None and parsed.source_framework_urn.lower() == parsed.target_framework_urn.lower():
            problems.append(doc.problem(path, "source and target frameworks must be different"))
    if problems:
        raise DataError(problems)
    return library  # type: ignore[no-any-return]


def _objects(objects: dict[str, Any], single: str, plural: str) -> list[tuple[PathKey, Any]]:
    for key in (single, plural):
        if key in objects:
            value = objects[key]
            if isinstance(value, list):
                return [(("objects", key, index), item) for index, item in enumerate(value)]
            return [(("objects", key), value)]
    return []


# -- writing ---------------------------------------------------------------------------------------------------
def _node_ids(framework: str, refs: list[str]) -> dict[str, str]:
    """Each ref's node URN, unique once lower-cased (CISO Assistant compares URNs lower-cased)."""
    taken: set[str] = set()
    urns: dict[str, str] = {}
    for ref in refs:
        base = f"urn:{NAMESPACE}:risk:req_node:{framework}:" + (re.sub(r"[^0-9a-z()\[\]._-]+", "-", ref.lower()) or "p")
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        urns[ref] = candidate
    return urns


def framework_urn(framework: str) -> str:
    return f"urn:{NAMESPACE}:risk:framework:{framework}"


def library_urn(name: str) -> str:
    return f"urn:{NAMESPACE}:risk:library:{name}"


def _dump(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def framework_library(catalog: Catalog) -> dict[str, Any]:
    """The catalog as a CISO Assistant framework library (a dict to dump as YAML)."""
    head = catalog.framework
    urns = _node_ids(head.id, [entry.ref for entry in catalog.provisions])
    depth: dict[str, int] = {}
    nodes = []
    for entry in catalog.provisions:
        depth[entry.ref] = 1 if entry.parent is None else depth[entry.parent] + 1
        node: dict[str, Any] = {
            "urn": urns[entry.ref],
            "assessable": entry.kind in SUMMARISED_KINDS and entry.kind != "definition",
            "depth": depth[entry.ref],
            "ref_id": entry.ref,
        }
        if entry.parent is not None:
            node["parent_urn"] = urns[entry.parent]
        if entry.title:
            node["name"] = entry.title
        if entry.summary:
            node["description"] = entry.summary
        extra: dict[str, Any] = {"ref": entry.ref, "kind": entry.kind}
        if entry.applies_from:
            extra["applies_from"] = entry.applies_from.isoformat()
        if entry.informative:
            extra["informative"] = True
        if entry.addressees:
            extra["addressees"] = list(entry.addressees)
        if entry.used_in:
            extra["used_in"] = list(entry.used_in)
        node[NAMESPACE] = extra
        nodes.append(node)
    header = {k: _dump(v) for k, v in head.model_dump(exclude_none=True).items()}
    return {
        "urn": library_urn(head.id),
        "locale": "en",
        "ref_id": head.id,
        "name": head.title,
        "description": f"{head.title} ({head.name} {head.version}), from aimsgraph; summaries in aimsgraph's words.",
        "copyright": head.source,
        "version": 1,
        "publication_date": head.issued.isoformat(),
        "provider": head.publisher,
        "packager": "aimsgraph",
        "objects": {
            "framework": {
                "urn": framework_urn(head.id),
                "ref_id": head.id,
                "name": head.title,
                "description": f"{head.name} {head.version}",
                "requirement_nodes": nodes,
                NAMESPACE: header,
            }
        },
    }


def mapping_library(mapping_set: MappingSetFile, refs: dict[str, list[str]]) -> dict[str, Any]:
    """The set as a CISO Assistant mapping library; `refs` gives each framework's refs in catalog order (the
    node URNs are those `framework_library` wrote)."""
    head = mapping_set.mapping_set
    src, tgt = head.source_framework, head.target_framework
    urns = {fw: _node_ids(fw, refs[fw]) for fw in {src, tgt}}
    mappings = []
    for entry in mapping_set.mappings:
        item: dict[str, Any] = {
            "source_requirement_urn": urns[src][entry.source],
            "target_requirement_urn": urns[tgt][entry.target],
            "relationship": RELATIONSHIPS[entry.relation],
            "rationale": entry.rationale_type,
            "strength_of_relationship": entry.strength,
            "annotation": entry.rationale,
        }
        extra: dict[str, Any] = {"source": entry.source, "target": entry.target}
        if entry.review_status:
            extra["review_status"] = entry.review_status
        if entry.from_authority:
            extra["from_authority"] = True
        if entry.harmonized_structure:
            extra["harmonized_structure"] = True
        item[NAMESPACE] = extra
        mappings.append(item)
    if not mappings:
        raise DataError([Problem(head.id, "CISO Assistant needs at least one mapping in a set; this one has none")])
    header = {k: _dump(v) for k, v in head.model_dump(exclude_none=True).items()}
    header["no_counterpart"] = [record.model_dump() for record in mapping_set.no_counterpart]
    return {
        "urn": library_urn(f"mapping-{head.id}"),
        "locale": "en",
        "ref_id": f"mapping-{head.id}",
        "name": head.title,
        "description": head.description,
        "copyright": head.license or "Apache-2.0",
        "version": 1,
        "publication_date": head.created.isoformat(),
        "provider": head.authority.publisher if head.authority else ", ".join(head.creators),
        "packager": "aimsgraph",
        "dependencies": [library_urn(src), library_urn(tgt)],
        "objects": {
            "requirement_mapping_sets": [
                {
                    "urn": f"urn:{NAMESPACE}:risk:req_mapping_set:{head.id}",
                    "ref_id": head.id,
                    "name": head.title,
                    "description": head.description,
                    "source_framework_urn": framework_urn(src),
                    "target_framework_urn": framework_urn(tgt),
                    "requirement_mappings": mappings,
                    NAMESPACE: header,
                }
            ]
        },
    }


# -- reading ---------------------------------------------------------------------------------------------------
def _tail(urn: str) -> tuple[str, str]:
    """(framework, node id) of a requirement node URN: `urn:x:risk:req_node:iso27001-2022:a.5.1`."""
    parts = urn.lower().split(":")
    return (parts[4], ":".join(parts[5:])) if len(parts) > 5 else ("", parts[-1])


def _framework_id(urn: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", urn.lower().rsplit(":", 1)[-1]).strip("-")


def _read_framework(
    doc: SourceDocument, library: Library, framework: dict[str, Any], path: PathKey, limits: InputLimits
) -> tuple[SourceDocument, Catalog]:
    nodes = framework["requirement_nodes"]
    if len(nodes) > limits.max_provisions:
        raise DataError(
            [
                doc.problem(
                    (*path, "requirement_nodes"),
                    f"the framework has more than {limits.max_provisions:,} requirement nodes, the most one framework "
                    "may hold; raise AIMSGRAPH_MAX_PROVISIONS if it is meant to be this large",
                )
            ]
        )
    ours = framework.get(NAMESPACE) if isinstance(framework.get(NAMESPACE), dict) else None
    fw_id = str(ours["id"]) if ours and "id" in ours else _framework_id(framework["urn"])
    ref_of: dict[str, str] = {}
    provisions = []
    out = SourceDocument(file=doc.file, data=None, lines=doc.lines)
    for index, node in enumerate(nodes):
        extra = node.get(NAMESPACE) if isinstance(node.get(NAMESPACE), dict) else {}
        ref = str(extra.get("ref") or _tail(node["urn"])[1])
        ref_of[str(node["urn"]).lower()] = ref
        parent_urn = node.get("parent_urn")
        entry: dict[str, Any] = {
            "ref": ref,
            "kind": extra.get("kind") or ("control" if node.get("assessable") else "section"),
        }
        title = node.get("name") or (None if extra else node.get("ref_id"))
        if title is not None:
            entry["title"] = str(title)
        if isinstance(parent_urn, str):
            entry["parent"] = ref_of.get(parent_urn.lower(), parent_urn)
        if node.get("description") is not None:
            entry["summary"] = node["description"]
        for key in ("applies_from", "informative", "addressees", "used_in"):
            if key in extra:
                entry[key] = extra[key]
        out.aliases[("provisions", index)] = (*path, "requirement_nodes", index)
        provisions.append(entry)
    header: dict[str, Any] = (
        dict(ours)
        if ours
        else {
            "id": fw_id,
            "name": str(framework.get("ref_id") or fw_id),
            "title": framework.get("name") or library.name,
            "version": str(library.version),
            "issued": _date(library.model_extra.get("publication_date") if library.model_extra else None),
            "publisher": str(
                (library.model_extra or {}).get("provider")
                or (library.model_extra or {}).get("packager")
                or "not stated in the CISO Assistant library"
            ),
            "source": f"CISO Assistant library {library.urn}",
            "binding": False,
        }
    )
    out.data = {"framework": header, "provisions": provisions}
    out.aliases[("framework",)] = (*path, NAMESPACE) if ours else path
    return out, parse_catalog(out)


def _date(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if value is not None else dt.date.today()


def _read_mapping_set(
    doc: SourceDocument, library: Library, mapping_set: dict[str, Any], path: PathKey
) -> tuple[SourceDocument, MappingSetFile]:
    ours = mapping_set.get(NAMESPACE) if isinstance(mapping_set.get(NAMESPACE), dict) else None
    source = _framework_id(mapping_set["source_framework_urn"])
    target = _framework_id(mapping_set["target_framework_urn"])
    out = SourceDocument(file=doc.file, data=None, lines=doc.lines)
    entries: list[dict[str, Any]] = []
    for index, item in enumerate(mapping_set["requirement_mappings"]):
        if item.get("relationship") == "not_related":
            continue  # CISO Assistant's "no relationship": nothing to assert
        extra = item.get(NAMESPACE) if isinstance(item.get(NAMESPACE), dict) else {}
        entry: dict[str, Any] = {
            "source": extra.get("source") or _tail(item["source_requirement_urn"])[1],
            "target": extra.get("target") or _tail(item["target_requirement_urn"])[1],
            "relation": RELATIONS.get(item["relationship"], item["relationship"]),
            "strength": item.get("strength_of_relationship"),
            "rationale_type": item.get("rationale") or "semantic",
            "rationale": item.get("annotation") or "",
        }
        for key in ("review_status", "from_authority", "harmonized_structure"):
            if key in extra:
                entry[key] = extra[key]
        out.aliases[("mappings", len(entries))] = (*path, "requirement_mappings", index)
        entries.append(entry)
    if ours:
        header = {k: v for k, v in ours.items() if k != "no_counterpart"}
        absent = list(ours.get("no_counterpart") or [])
    else:
        extra_meta = library.model_extra or {}
        header = {
            "id": re.sub(
                r"[^a-z0-9._-]+", "-", str(mapping_set.get("ref_id") or _framework_id(mapping_set["urn"])).lower()
            ),
            "title": mapping_set["name"],
            "source_framework": source,
            "target_framework": target,
            "creators": [str(extra_meta.get("packager") or extra_meta.get("provider") or "not stated in the library")],
            "created": _date(extra_meta.get("publication_date")),
            "description": mapping_set.get("description") or library.name,
        }
        absent = []
    out.data = {"mapping_set": header, "mappings": entries, "no_counterpart": absent}
    out.aliases[("mapping_set",)] = (*path, NAMESPACE) if ours else path
    return out, parse_mapping_set(out)


def read_library(doc: SourceDocument, limits: InputLimits = DEFAULT_LIMITS) -> list[tuple[SourceDocument, Any]]:
    """The frameworks and mapping sets of a CISO Assistant library, checked by its loader's rules first."""
    library = check_library(doc)
    parsed: list[tuple[SourceDocument, Any]] = []
    problems: list[Problem] = []
    for path, framework in _objects(library.objects, "framework", "frameworks"):
        try:
            parsed.append(_read_framework(doc, library, framework, path, limits))
        except DataError as error:
            problems.extend(error.problems)
    for path, mapping_set in _objects(library.objects, "requirement_mapping_set", "requirement_mapping_sets"):
        try:
            parsed.append(_read_mapping_set(doc, library, mapping_set, path))
        except DataError as error:
            problems.extend(error.problems)
    if problems:
        raise DataError(problems)
    if not parsed:
        raise DataError([doc.problem(("objects",), "the library holds no framework or requirement mapping set")])
    return parsed
