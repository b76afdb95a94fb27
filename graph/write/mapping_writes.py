"""Proposing a crosswalk mapping and reviewing one (asserted or proposed → reviewed or rejected).

A proposal lands in a mapping set of its own per framework pair (`proposed-<source>-<target>`), so curated
sets stay as their files have them, and is checked as a mapping set file is: the same model
(`loaders.mapping_set.MappingEntry`), refs that exist, and no contradiction with a mapping already held for
the same pair. A rejected mapping stays in the graph for the record but no crosswalk uses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from core.errors import ConflictError, DataError, NotFoundError, Problem
from core.records import Node, Value
from graph.views.write import Actor, MappingRef, Written
from graph.write.ingest import mapping_iri, mapping_set_iri, relation_iri
from graph.write.org_writes import INPUT, validated
from graph.write.unit_of_work import UnitsOfWork
from loaders.mapping_set import MappingEntry
from mappings.relations import Relation, invert
from ontology.namespaces import framework_iri, provision_iri
from ontology.terms import RELATIONS_BY_IRI


def proposal_set(source_framework: str, target_framework: str) -> str:
    return f"proposed-{source_framework}-{target_framework}"


class MappingWrites:
    def __init__(self, units: UnitsOfWork) -> None:
        self._units = units
        self._read_model = units.read_model

    def _mapping_ref(self, node: Node) -> MappingRef:
        def split(iri: str) -> tuple[str, str]:
            framework, ref = iri.rsplit("/", 2)[-2:]
            return unquote(framework), unquote(ref)

        source = split(node.link("SOURCE") or "/")
        target = split(node.link("TARGET") or "/")
        set_iri = node.link("IN_MAPPING_SET") or ""
        relation = RELATIONS_BY_IRI.get(node.link("RELATION") or "")
        return MappingRef(
            mapping_id=node.id,
            source_framework=source[0],
            source_ref=source[1],
            target_framework=target[0],
            target_ref=target[1],
            relation=relation.value if relation else "",
            review_status=str(node.prop("review_status") or "asserted"),
            mapping_set=unquote(set_iri.rsplit("/", 1)[-1]),
        )

    def propose(self, actor: Actor, source_framework: str, target_framework: str, data: Mapping[str, Any]) -> Written:
        """Propose `source relation target` between two frameworks; a proposal for the same pair is replaced."""
        entry = validated(MappingEntry, {**data, "review_status": "proposed"})
        with self._units.start() as uow:
            snapshot = self._read_model.snapshot()
            catalog = snapshot.catalog
            problems = []
            for side, framework, ref in (
                ("source", source_framework, entry.source),
                ("target", target_framework, entry.target),
            ):
                known = {v.ref for v in catalog.by_framework.get(framework, [])}
                if not known:
                    problems.append(
                        Problem("<request>", f"unknown framework {framework!r}", path=f"{INPUT} → {side}Framework")
                    )
                elif ref not in known:
                    problems.append(Problem("<request>", f"unknown {framework} ref {ref!r}", path=f"{INPUT} → {side}"))
            if problems:
                raise DataError(problems)
            source, target = (
                provision_iri(source_framework, entry.source),
                provision_iri(target_framework, entry.target),
            )
            set_id = proposal_set(source_framework, target_framework)
            for held in snapshot.mappings.mappings:
                if held.provenance.mapping_set == set_id or held.relation is Relation.NO_RELATIONSHIP:
                    continue
                said: Relation
                if (held.source, held.target) == (source, target):
                    said = held.relation
                elif (held.source, held.target) == (target, source):
                    said = invert(held.relation)
                else:
                    continue
                if said.value != entry.relation:
                    raise ConflictError(
                        f"{held.provenance.mapping_set} already says {source_framework} {entry.source} {said.value} "
                        f"{target_framework} {entry.target}; a proposal of {entry.relation} contradicts it"
                    )
            set_iri = mapping_set_iri(set_id)
            nodes: list[Node] = []
            if not uow.get([set_iri]):
                nodes.append(
                    Node(
                        id=set_iri,
                        labels=("MappingSet",),
                        props={
                            "identifier": set_id,
                            "title": f"Mappings proposed through the API: {source_framework} → {target_framework}",
                            "creator": (actor.label,),
                            "created": dt.datetime.now(dt.UTC).date(),
                            "summary": "Proposals awaiting review; each mapping's review status says where it stands.",
                            "review_status": "proposed",
                        },
                        links={
                            "SOURCE_FRAMEWORK": (framework_iri(source_framework),),
                            "TARGET_FRAMEWORK": (framework_iri(target_framework),),
                        },
                    )
                )
            props: dict[str, Value] = {
                "strength": entry.strength,
                "rationale_type": entry.rationale_type,
                "rationale": entry.rationale,
                "review_status": "proposed",
            }
            iri = mapping_iri(set_id, entry.source, entry.target)
            mapping = Node(
                id=iri,
                labels=("Mapping",),
                props=props,
                links={
                    "SOURCE": (source,),
                    "TARGET": (target,),
                    "RELATION": (relation_iri(entry.relation),),
                    "IN_MAPPING_SET": (set_iri,),
                },
            )
            old = uow.get([iri]).get(iri)
            nodes.append(mapping)
            after = self._mapping_ref(mapping)
            uow.record(
                actor,
                operation="proposeMapping",
                kind="mapping",
                target=iri,
                before=_describe(old, self._mapping_ref),
                after={
                    **_describe(mapping, self._mapping_ref),
                    "strength": entry.strength,
                    "rationale": entry.rationale,
                },
                nodes=nodes,
            )
            audit = uow.commit(uow.revision)[0]
        return Written(after, audit)

    def review(
        self,
        actor: Actor,
        mapping_set: str,
        source_ref: str,
        target_ref: str,
        decision: str,
    ) -> Written:
        """Mark one mapping reviewed or rejected; it is named by its set and its two refs, either way round."""
        if decision not in ("reviewed", "rejected"):
            raise DataError([Problem("<request>", "a review decides reviewed or rejected", path=f"{INPUT} → decision")])
        with self._units.start() as uow:
            candidates = [
                mapping_iri(mapping_set, source_ref, target_ref),
                mapping_iri(mapping_set, target_ref, source_ref),
            ]
            found = uow.get(candidates)
            node = next((found[iri] for iri in candidates if iri in found and "Mapping" in found[iri].labels), None)
            if node is None:
                raise NotFoundError(
                    "mapping", f"{source_ref} → {target_ref} in {mapping_set}", "see `crosswalk` for the mappings held"
                )
            if node.prop("review_status") == decision:
                return Written(self._mapping_ref(node), None)
            reviewed = Node(
                id=node.id,
                labels=node.labels,
                props={**node.props, "review_status": decision},
                links=node.links,
            )
            uow.record(
                actor,
                operation="reviewMapping",
                kind="mapping",
                target=node.id,
                before=_describe(node, self._mapping_ref),
                after=_describe(reviewed, self._mapping_ref),
                nodes=[reviewed],
            )
            audit = uow.commit(uow.revision)[0]
        return Written(self._mapping_ref(reviewed), audit)


def _describe(node: Node | None, ref: Any) -> Any:
    if node is None:
        return None
    found: MappingRef = ref(node)
    return {
        "mapping_set": found.mapping_set,
        "source": f"{found.source_framework} {found.source_ref}",
        "target": f"{found.target_framework} {found.target_ref}",
        "relation": found.relation,
        "review_status": found.review_status,
    }
