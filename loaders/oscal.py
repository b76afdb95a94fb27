"""OSCAL JSON (release 1.2) ⇄ catalogs and mapping sets.

A framework travels as an OSCAL **catalog**: provisions of a containing kind (chapter, section, annex, theme,
function, …) whose ancestors are all groups become `groups`; every other provision is a `control`, nested
under its parent control where it has one (an article's paragraphs are its child controls, so a mapping can
name them). A provision's ref is the standard `label` prop and, for the trip back, our own `ref` prop; its
summary is the `statement` part; its kind, dates, addressees and order are props in our namespace (`NS`).
A mapping set travels as an OSCAL **mapping collection** with one `mapping`: each pair a `map` whose
`relationship` is OSCAL's name for the NIST IR 8477 relation (equal-to, subset-of, superset-of,
intersects-with), whose `matching-rationale` is our rationale type, whose remarks are our rationale, and
whose props carry strength, review status and the authority flags. Sources with no counterpart are the
`source-gap-summary`, each rationale a prop's remarks.

Reading turns an OSCAL document into the same pydantic models a YAML file gives (`Catalog`,
`MappingSetFile`), so everything after reading — reference checks, SHACL, the all-or-nothing write — is the
one path every format shares. A catalog written by another tool (no props of ours) still reads: the ref is
the control id, the kind the group or control it is, the summary the statement's prose; withdrawn controls are
left out. Problems point at the OSCAL path (`catalog → groups → 0 → controls → 3`).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from core.errors import DataError, Problem
from core.vocabulary import KINDS, UNTITLED_KINDS
from loaders.catalog import Catalog, parse_catalog
from loaders.limits import DEFAULT_LIMITS, InputLimits
from loaders.mapping_set import MappingSetFile, parse_mapping_set
from loaders.yaml_source import PathKey, SourceDocument
from ontology.namespaces import AGID, framework_iri

OSCAL_VERSION = "1.2.1"
NS = "https://w3id.org/aimsgraph/ns/oscal"
"""The namespace of our own props: other tools keep and ignore them."""
_UUID_ROOT = uuid.UUID("7d1b6a58-3f0c-5e7a-9a51-2a6c1b7e0f42")

GROUP_KINDS = frozenset({"chapter", "section", "annex", "theme", "function", "category", "clause"})
"""Kinds that contain provisions rather than state a duty: groups, while every ancestor is a group too."""
RELATIONSHIPS = {"equal": "equal-to", "subset": "subset-of", "superset": "superset-of", "intersects": "intersects-with"}
RELATIONS = {name: relation for relation, name in RELATIONSHIPS.items()} | {"equivalent-to": "equal"}
"""OSCAL's `equivalent-to` (same intent, worded differently) reads as our `equal`; we write `equal-to`."""
_PROP_VALUE = re.compile(r"^\S(.*\S)?$")


def stable_uuid(*parts: str) -> str:
    """A version-5 UUID from the content's identity: the same framework or set exports the same UUIDs."""
    return str(uuid.uuid5(_UUID_ROOT, "\x1f".join(parts)))


def _timestamp(day: dt.date) -> str:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).isoformat()


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-.")


def control_ids(framework: str, refs: list[str]) -> dict[str, str]:
    """Each ref's OSCAL id (a token: `iso42001-a.6.2.4`, `eu-ai-act-article-9-2-a`), unique within the catalog."""
    taken: set[str] = set()
    ids: dict[str, str] = {}
    for ref in refs:
        base = f"{_slug(framework) or 'f'}-{_slug(ref) or 'p'}"
        if not base[0].isalpha():
            base = "p-" + base
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        ids[ref] = candidate
    return ids


def prop(name: str, value: object, *, ours: bool = True, remarks: str | None = None) -> dict[str, Any]:
    """One OSCAL prop; values are single-line text in OSCAL, so line breaks become spaces."""
    text = " ".join(str(value).split())
    made: dict[str, Any] = {"name": name, "value": text}
    if ours:
        made["ns"] = NS
    if remarks:
        made["remarks"] = remarks
    return made


def _props_of(item: dict[str, Any]) -> dict[str, list[str]]:
    """Our props of an OSCAL object by name (every value, in order), plus the standard `label`."""
    found: dict[str, list[str]] = {}
    for entry in item.get("props") or []:
        if not isinstance(entry, dict):
            continue
        if entry.get("ns") == NS or (entry.get("name") == "label" and "ns" not in entry):
            key = entry["name"] if entry.get("ns") == NS else "oscal-label"
            found.setdefault(str(key), []).append(str(entry.get("value", "")))
    return found


# -- writing ---------------------------------------------------------------------------------------------------
def catalog_to_oscal(catalog: Catalog) -> dict[str, Any]:
    """The catalog as an OSCAL catalog document (`{"catalog": …}`), deterministic for the same content."""
    head = catalog.framework
    refs = [entry.ref for entry in catalog.provisions]
    ids = control_ids(head.id, refs)
    props = [
        prop("framework-id", head.id),
        prop("name", head.name),
        prop("publisher", head.publisher),
        prop("source", head.source),
        prop("binding", "true" if head.binding else "false"),
        *(prop("default-addressee", role) for role in head.default_addressees),
    ]
    metadata: dict[str, Any] = {
        "title": head.title,
        "published": _timestamp(head.issued),
        "last-modified": _timestamp(head.issued),
        "version": head.version,
        "oscal-version": OSCAL_VERSION,
        "props": props,
    }
    if head.url:
        metadata["links"] = [{"href": head.url, "rel": "reference"}]
    objects: dict[str, dict[str, Any]] = {}
    top: list[dict[str, Any]] = []
    is_group: dict[str, bool] = {}
    for order, entry in enumerate(catalog.provisions, start=1):
        group = entry.kind in GROUP_KINDS and (entry.parent is None or is_group.get(entry.parent, False))
        is_group[entry.ref] = group
        item: dict[str, Any] = {"id": ids[entry.ref], "class": entry.kind, "title": entry.title or entry.ref}
        item_props = [
            prop("label", entry.ref, ours=False),
            prop("ref", entry.ref),
            prop("kind", entry.kind),
            prop("sort-id", f"{order:06d}", ours=False),
        ]
        if entry.applies_from:
            item_props.append(prop("applies-from", entry.applies_from.isoformat()))
        if entry.informative:
            item_props.append(prop("informative", "true"))
        item_props.extend(prop("addressee", role) for role in entry.addressees)
        item_props.extend(prop("used-in", ref) for ref in entry.used_in)
        item["props"] = item_props
        if entry.summary:
            item["parts"] = [{"id": f"{ids[entry.ref]}_smt", "name": "statement", "prose": entry.summary}]
        objects[entry.ref] = item
        if entry.parent is None:
            top.append(item)
        else:
            parent = objects[entry.parent]
            key = "groups" if group else "controls"
            parent.setdefault(key, []).append(item)
    body: dict[str, Any] = {"uuid": stable_uuid("catalog", head.id, head.version), "metadata": metadata}
    groups = [item for item in top if is_group[_ref_of(item)]]
    controls = [item for item in top if not is_group[_ref_of(item)]]
    if groups:
        body["groups"] = groups
    if controls:
        body["controls"] = controls
    return {"catalog": body}


def _ref_of(item: dict[str, Any]) -> str:
    return str(next(p["value"] for p in item["props"] if p["name"] == "ref"))


def mapping_set_to_oscal(mapping_set: MappingSetFile, ids: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The set as an OSCAL mapping collection; `ids` gives each framework's ref → control id (as exported)."""
    head = mapping_set.mapping_set
    src, tgt = head.source_framework, head.target_framework
    parties = [{"uuid": stable_uuid("party", name), "type": "person", "name": name} for name in head.creators]
    meta_props = [prop("review-status", head.review_status)]
    if head.license:
        meta_props.append(prop("license", head.license))
    if head.authority is not None:
        authority = head.authority
        parties.append(
            {"uuid": stable_uuid("party", authority.publisher), "type": "organization", "name": authority.publisher}
        )
        meta_props.append(prop("authority", authority.name, remarks=authority.note))
        meta_props.append(prop("authority-publisher", authority.publisher))
        if authority.url:
            meta_props.append(prop("authority-url", authority.url))
    metadata: dict[str, Any] = {
        "title": head.title,
        "published": _timestamp(head.created),
        "last-modified": _timestamp(head.created),
        "version": head.created.isoformat(),
        "oscal-version": OSCAL_VERSION,
        "roles": [{"id": "creator", "title": "Creator"}],
        "parties": parties,
        "responsible-parties": [
            {"role-id": "creator", "party-uuids": [stable_uuid("party", name) for name in head.creators]}
        ],
        "props": meta_props,
    }

    def item(framework: str, ref: str) -> dict[str, Any]:
        return {
            "type": "control",
            "id-ref": ids[framework].get(ref, ref),
            "props": [prop("framework", framework), prop("ref", ref)],
        }

    maps = []
    for entry in mapping_set.mappings:
        map_props = [prop("strength", entry.strength)]
        if entry.review_status:
            map_props.append(prop("review-status", entry.review_status))
        if entry.from_authority:
            map_props.append(prop("from-authority", "true"))
        if entry.harmonized_structure:
            map_props.append(prop("harmonized-structure", "true"))
        maps.append(
            {
                "uuid": stable_uuid("map", head.id, entry.source, entry.target),
                "matching-rationale": entry.rationale_type,
                "relationship": RELATIONSHIPS[entry.relation],
                "sources": [item(src, entry.source)],
                "targets": [item(tgt, entry.target)],
                "confidence-score": {"percentage": entry.strength / 10},
                "props": map_props,
                "remarks": entry.rationale,
            }
        )
    mapping: dict[str, Any] = {
        "uuid": stable_uuid("mapping", head.id),
        "source-resource": {
            "type": "catalog",
            "href": framework_iri(src),
            "props": [prop("framework", src)],
        },
        "target-resource": {
            "type": "catalog",
            "href": framework_iri(tgt),
            "props": [prop("framework", tgt)],
        },
        "maps": maps,
        "props": [prop("mapping-set-id", head.id)],
    }
    if mapping_set.no_counterpart:
        mapping["source-gap-summary"] = {
            "uuid": stable_uuid("gap", head.id),
            "unmapped-controls": [
                {"with-ids": [ids[src].get(record.source, record.source) for record in mapping_set.no_counterpart]}
            ],
        }
        mapping["props"].extend(
            prop("no-counterpart", record.source, remarks=record.rationale) for record in mapping_set.no_counterpart
        )
    if not maps:
        raise DataError(
            [Problem(head.id, "an OSCAL mapping needs at least one map; this set records only missing counterparts")]
        )
    return {
        "mapping-collection": {
            "uuid": stable_uuid("mapping-collection", head.id, head.created.isoformat()),
            "metadata": metadata,
            "provenance": {
                "method": "human",
                "matching-rationale": "semantic",
                "status": "final" if head.review_status == "reviewed" else "draft",
                "mapping-description": head.description,
            },
            "mappings": [mapping],
        }
    }


# -- reading ---------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Walk:
    """What reading a catalog collects: provisions in document order, each with its OSCAL path."""

    entries: list[dict[str, Any]]
    paths: list[PathKey]
    limit: int
    file: str


def _prose(part: dict[str, Any]) -> str:
    """A part's prose with its sub-parts' (an OSCAL statement is often items a, b, c)."""
    texts = [str(part["prose"])] if isinstance(part.get("prose"), str) and part["prose"].strip() else []
    for sub in part.get("parts") or []:
        if isinstance(sub, dict):
            text = _prose(sub)
            if text:
                texts.append(text)
    return "\n".join(texts)


def _withdrawn(item: dict[str, Any]) -> bool:
    return any(
        isinstance(p, dict) and p.get("name") == "status" and p.get("value") == "withdrawn"
        for p in item.get("props") or []
    )


def _entry(item: dict[str, Any], parent: str | None, group: bool) -> dict[str, Any]:
    ours = _props_of(item)
    ref = (ours.get("ref") or [str(item.get("id", ""))])[0]
    kind = (ours.get("kind") or [""])[0]
    if not kind:
        kind = str(item["class"]) if item.get("class") in KINDS else ("section" if group else "control")
    title = item.get("title")
    if kind in UNTITLED_KINDS and title == ref:
        title = None  # written as the ref because OSCAL requires a title
    statement = next((p for p in item.get("parts") or [] if isinstance(p, dict) and p.get("name") == "statement"), None)
    entry: dict[str, Any] = {"ref": ref, "kind": kind, "title": title, "parent": parent}
    summary = _prose(statement) if statement else ""
    if summary:
        entry["summary"] = summary
    if ours.get("applies-from"):
        entry["applies_from"] = ours["applies-from"][0]
    if ours.get("informative") == ["true"]:
        entry["informative"] = True
    if ours.get("addressee"):
        entry["addressees"] = ours["addressee"]
    if ours.get("used-in"):
        entry["used_in"] = ours["used-in"]
    sort = [p.get("value") for p in item.get("props") or [] if isinstance(p, dict) and p.get("name") == "sort-id"]
    entry["_sort"] = str(sort[0]) if sort else ""
    return entry


def _walk_items(walk: _Walk, items: object, path: PathKey, parent: str | None, group: bool) -> None:
    if items is None:
        return
    if not isinstance(items, list):
        raise DataError([Problem(walk.file, "expected a list", path=" → ".join(map(str, path)))])
    stack: list[tuple[object, PathKey, str | None, bool]] = [
        (item, (*path, index), parent, group) for index, item in reversed(list(enumerate(items)))
    ]
    while stack:
        item, here, above, is_group = stack.pop()
        where = " → ".join(map(str, here))
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item.get("title"):
            raise DataError([Problem(walk.file, "a group or control needs an `id` and a `title`", path=where)])
        if _withdrawn(item):
            continue
        if len(walk.entries) >= walk.limit:
            raise DataError(
                [
                    Problem(
                        walk.file,
                        f"the catalog has more than {walk.limit:,} groups and controls, the most one framework may "
                        "hold; raise AIMSGRAPH_MAX_PROVISIONS if it is meant to be this large",
                        path=where,
                    )
                ]
            )
        entry = _entry(item, above, is_group)
        walk.entries.append(entry)
        walk.paths.append(here)
        children: list[tuple[object, PathKey, str | None, bool]] = []
        for key, child_group in (("groups", True), ("controls", False)):
            members = item.get(key)
            if members is None:
                continue
            if not isinstance(members, list):
                raise DataError([Problem(walk.file, "expected a list", path=f"{where} → {key}")])
            children.extend((child, (*here, key, i), entry["ref"], child_group) for i, child in enumerate(members))
        stack.extend(reversed(children))


def _first(values: list[str] | None, default: str) -> str:
    return values[0] if values else default


def _framework_id(ours: dict[str, list[str]], file: str) -> str:
    return _first(ours.get("framework-id"), re.sub(r"[^a-z0-9-]+", "-", Path(file).stem.lower()).strip("-") or "x")


def _read_catalog(doc: SourceDocument, body: dict[str, Any], limits: InputLimits) -> tuple[SourceDocument, Catalog]:
    name = doc.file
    metadata = body.get("metadata")
    if not isinstance(metadata, dict):
        raise DataError([Problem(name, "an OSCAL catalog needs its `metadata`", path="catalog")])
    ours = _props_of(metadata)
    walk = _Walk(entries=[], paths=[], limit=limits.max_provisions, file=name)
    _walk_items(walk, body.get("groups"), ("catalog", "groups"), None, True)
    _walk_items(walk, body.get("controls"), ("catalog", "controls"), None, False)
    order = list(range(len(walk.entries)))
    if ours.get("framework-id") and all(e["_sort"] for e in walk.entries):
        order.sort(key=lambda i: walk.entries[i]["_sort"])  # our own export: the catalog's own order
    provisions = []
    out = SourceDocument(file=name, data=None)
    for position, index in enumerate(order):
        entry = walk.entries[index]
        del entry["_sort"]
        provisions.append({k: v for k, v in entry.items() if v is not None})
        out.aliases[("provisions", position)] = walk.paths[index]
    links = [link.get("href") for link in metadata.get("links") or [] if isinstance(link, dict)]
    issued = _date(metadata.get("published")) or _date(metadata.get("last-modified"))
    parties = [p.get("name") for p in metadata.get("parties") or [] if isinstance(p, dict) and p.get("name")]
    out.data = {
        "framework": {
            "id": _framework_id(ours, name),
            "name": _first(ours.get("name"), str(metadata.get("title", ""))),  # a short name: ours, else the title
            "title": metadata.get("title"),
            "version": metadata.get("version"),
            "issued": issued.isoformat() if issued else metadata.get("published") or metadata.get("last-modified"),
            "publisher": _first(
                ours.get("publisher"), str(parties[0]) if parties else "not stated in the OSCAL catalog"
            ),
            "source": _first(ours.get("source"), f"OSCAL catalog {Path(name).name}"),
            "binding": _first(ours.get("binding"), "false") == "true",
            "default_addressees": ours.get("default-addressee", []),
            **({"url": links[0]} if links and links[0] else {}),
        },
        "provisions": provisions,
    }
    out.aliases[("framework",)] = ("catalog", "metadata")
    return out, parse_catalog(out)


def _resource_framework(resource: object, file: str, where: str) -> str:
    if not isinstance(resource, dict):
        raise DataError([Problem(file, "a mapping needs its source-resource and target-resource", path=where)])
    ours = _props_of(resource)
    if ours.get("framework"):
        return ours["framework"][0]
    href = str(resource.get("href", ""))
    if href.startswith(AGID):
        return href[len(AGID) :].split("/", 1)[0]
    stem = Path(urlparse(href).path).stem.lower()
    found = re.sub(r"[^a-z0-9-]+", "-", stem).strip("-")
    if not found:
        raise DataError([Problem(file, "cannot tell which framework this resource is (give its href)", path=where)])
    return found


def _ref(item: object) -> str:
    if not isinstance(item, dict):
        return ""
    ours = _props_of(item)
    return _first(ours.get("ref"), str(item.get("id-ref", "")))


def _map_entries(
    name: str, maps: list[Any], base: PathKey, provenance: dict[str, Any], out: SourceDocument
) -> list[dict[str, Any]]:
    """Each map as mapping entries (one per source × target pair); problems go on `out`."""
    entries: list[dict[str, Any]] = []
    for position, item in enumerate(maps):
        here = (*base, "maps", position)
        if not isinstance(item, dict):
            out.problems.append(Problem(name, "a map is an object", path=" → ".join(map(str, here))))
            continue
        relationship = item.get("relationship")
        relation = RELATIONS.get(str(relationship))
        if relation is None:
            out.problems.append(
                Problem(
                    name,
                    f"relationship {relationship!r} is not one aimsgraph reads ({', '.join(sorted(RELATIONS))})",
                    path=" → ".join(map(str, (*here, "relationship"))),
                )
            )
            continue
        props = _props_of(item)
        score = item.get("confidence-score")
        strength: object = _first(props.get("strength"), "")
        if not strength and isinstance(score, dict) and isinstance(score.get("percentage"), int | float):
            strength = max(1, round(float(score["percentage"]) * 10))
        for source_item in item.get("sources") or []:
            for target_item in item.get("targets") or []:
                entry: dict[str, Any] = {
                    "source": _ref(source_item),
                    "target": _ref(target_item),
                    "relation": relation,
                    "strength": int(strength) if isinstance(strength, str) and strength.isdigit() else strength,
                    "rationale_type": item.get("matching-rationale") or provenance.get("matching-rationale"),
                    "rationale": item.get("remarks") or "",
                }
                if props.get("review-status"):
                    entry["review_status"] = props["review-status"][0]
                if props.get("from-authority") == ["true"]:
                    entry["from_authority"] = True
                if props.get("harmonized-structure") == ["true"]:
                    entry["harmonized_structure"] = True
                out.aliases[("mappings", len(entries))] = here
                entries.append(entry)
    return entries


def _mapping_header(
    name: str, metadata: dict[str, Any], provenance: dict[str, Any], mapping: dict[str, Any], set_id: str
) -> dict[str, Any]:
    meta = _props_of(metadata)
    creators = [
        p.get("name") for p in metadata.get("parties") or [] if isinstance(p, dict) and p.get("type") == "person"
    ]
    created = _date(metadata.get("published")) or _date(metadata.get("last-modified"))
    header: dict[str, Any] = {
        "id": set_id,
        "title": metadata.get("title"),
        "creators": creators or ["not stated in the OSCAL mapping collection"],
        "created": created.isoformat() if created else metadata.get("published"),
        "review_status": _first(meta.get("review-status"), "asserted"),
        "description": provenance.get("mapping-description") or mapping.get("mapping-description") or "",
    }
    if meta.get("license"):
        header["license"] = meta["license"][0]
    if meta.get("authority"):
        authority_prop = next(p for p in metadata["props"] if p.get("ns") == NS and p.get("name") == "authority")
        header["authority"] = {
            "name": meta["authority"][0],
            "publisher": _first(meta.get("authority-publisher"), ""),
            **({"url": meta["authority-url"][0]} if meta.get("authority-url") else {}),
            **({"note": authority_prop["remarks"]} if authority_prop.get("remarks") else {}),
        }
    return header


def _read_mapping(
    name: str, mapping: object, index: int, count: int, collection: dict[str, Any]
) -> tuple[SourceDocument, MappingSetFile]:
    base: PathKey = ("mapping-collection", "mappings", index) if count > 1 else ("mapping-collection", "mappings")
    where = " → ".join(map(str, base))
    if not isinstance(mapping, dict):
        raise DataError([Problem(name, "a mapping is an object", path=where)])
    metadata = collection.get("metadata")
    provenance = collection.get("provenance")
    if not isinstance(metadata, dict) or not isinstance(provenance, dict):
        raise DataError(
            [Problem(name, "a mapping collection needs its metadata and provenance", path="mapping-collection")]
        )
    own = _props_of(mapping)
    source = _resource_framework(mapping.get("source-resource"), name, f"{where} → source-resource")
    target = _resource_framework(mapping.get("target-resource"), name, f"{where} → target-resource")
    maps = mapping.get("maps")
    if not isinstance(maps, list):
        raise DataError([Problem(name, "a mapping needs its `maps`", path=where)])
    out = SourceDocument(file=name, data=None)
    entries = _map_entries(name, maps, base, provenance, out)
    absent = [
        {"source": p.get("value"), "rationale": p.get("remarks") or ""}
        for p in mapping.get("props") or []
        if isinstance(p, dict) and p.get("ns") == NS and p.get("name") == "no-counterpart"
    ]
    if out.problems:
        raise DataError(out.problems)
    set_id = _first(own.get("mapping-set-id"), re.sub(r"[^a-z0-9._-]+", "-", Path(name).stem.lower()).strip("-"))
    if count > 1 and not own.get("mapping-set-id"):
        set_id = f"{set_id}-{index + 1}"
    header = _mapping_header(name, metadata, provenance, mapping, set_id)
    header["source_framework"] = source
    header["target_framework"] = target
    out.data = {"mapping_set": header, "mappings": entries, "no_counterpart": absent}
    out.aliases[("mapping_set",)] = ("mapping-collection", "metadata")
    out.aliases[("no_counterpart",)] = (*base, "props")
    return out, parse_mapping_set(out)


def read_oscal(doc: SourceDocument, limits: InputLimits = DEFAULT_LIMITS) -> Iterator[tuple[SourceDocument, Any]]:
    """The catalog or mapping sets an OSCAL JSON document holds; DataError naming the OSCAL path otherwise."""
    data = doc.data
    if isinstance(data, dict) and isinstance(data.get("catalog"), dict):
        yield _read_catalog(doc, data["catalog"], limits)
        return
    if isinstance(data, dict) and isinstance(data.get("mapping-collection"), dict):
        collection = data["mapping-collection"]
        mappings = collection.get("mappings")
        listed = mappings if isinstance(mappings, list) else [mappings]
        for index, mapping in enumerate(listed):
            yield _read_mapping(doc.file, mapping, index, len(listed), collection)
        return
    kinds = ", ".join(sorted(data)) if isinstance(data, dict) else type(data).__name__
    raise DataError(
        [
            Problem(
                doc.file,
                "not an OSCAL document aimsgraph imports: expected a top-level `catalog` or `mapping-collection` "
                f"(found {kinds})",
            )
        ]
    )


def provision_ids(framework: str, refs: list[str]) -> dict[str, str]:
    """Ref → control id for a framework, as `catalog_to_oscal` writes them (for a mapping collection)."""
    return control_ids(framework, refs)


__all__ = [
    "NS",
    "OSCAL_VERSION",
    "catalog_to_oscal",
    "mapping_set_to_oscal",
    "prop",
    "provision_ids",
    "read_oscal",
    "stable_uuid",
]
