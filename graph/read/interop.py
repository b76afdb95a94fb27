"""Exports other tools read: OSCAL (catalog, mapping collection, profile, component definition), CISO
Assistant libraries and spreadsheets.

Frameworks and mapping sets are first put back in their file form (`Catalog`, `MappingSetFile`, the models a
load reads), and each format writes from that form; so an export that is imported again gives the records it
came from. An organisation's documents (profile, component definition, sheets) are written from the answers
the service gives every interface (the SoA, the obligations, the gaps).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from core.errors import NotFoundError, UsageError
from graph.read.catalog_queries import CatalogQueries
from graph.read.crosswalks import Crosswalks
from graph.read.exports import Exports
from graph.read.obligations import Obligations
from graph.read.read_model import Snapshot
from graph.read.sheets import Sheets, to_csv, to_xlsx
from graph.stores.protocol import Store
from loaders.catalog import Catalog
from ontology.namespaces import framework_iri

OSCAL_KINDS = ("catalog", "mapping-collection", "profile", "component-definition")


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


class Interop:
    def __init__(
        self,
        *,
        store: Store,
        snapshot: Snapshot,
        catalog: CatalogQueries,
        exports: Exports,
        crosswalks: Crosswalks,
        organisation: Obligations,
    ) -> None:
        self._exports_crosswalks = crosswalks
        self._store = store
        self._snapshot = snapshot
        self._catalog = catalog
        self._exports = exports
        self._organisation = organisation

    # -- file forms ------------------------------------------------------------------------------------------
    def catalog_file(self, framework_id: str) -> Catalog:
        """A stored framework in its file form, as loaded: the provisions in order, each with its own fields."""
        framework = self._catalog.framework(framework_id)
        views = self._catalog.provisions(framework.id)
        nodes = self._store.get([framework.iri, *(v.iri for v in views)])
        head = nodes[framework.iri]
        header: dict[str, object] = {
            "id": framework.id,
            "name": framework.name,
            "title": framework.title,
            "version": framework.version,
            "issued": framework.issued,
            "publisher": framework.publisher,
            "source": framework.source,
            "binding": framework.binding,
            "default_addressees": list(framework.default_addressees),
        }
        if head.prop("url"):
            header["url"] = framework.url
        provisions = []
        for view in views:
            node = nodes[view.iri]
            entry: dict[str, object] = {"ref": view.ref, "kind": view.kind}
            for name, value in (("title", view.title), ("parent", view.parent), ("summary", view.summary)):
                if value is not None:
                    entry[name] = value
            own_date = node.prop("applies_from")
            if isinstance(own_date, dt.date):
                entry["applies_from"] = own_date
            if view.informative:
                entry["informative"] = True
            if view.addressees:
                entry["addressees"] = list(view.addressees)
            if view.used_in:
                entry["used_in"] = list(view.used_in)
            provisions.append(entry)
        return Catalog.model_validate({"framework": header, "provisions": provisions})

    def _control_ids(self, framework_id: str) -> dict[str, str]:
        from loaders.oscal import provision_ids

        return provision_ids(framework_id, [v.ref for v in self._catalog.provisions(framework_id)])

    # -- CISO Assistant --------------------------------------------------------------------------------------
    def ciso_assistant(self, subject: str) -> str:
        """A CISO Assistant library as YAML: a framework's (its requirement nodes) or a mapping set's (its
        requirement mappings, depending on the two framework libraries)."""
        import yaml

        from loaders.ciso_assistant import framework_library, mapping_library

        if subject in self._snapshot.mappings.sets:
            mapping_set = self._exports.mapping_set_file(subject)
            head = mapping_set.mapping_set
            refs = {
                fw: [v.ref for v in self._catalog.provisions(fw)]
                for fw in {head.source_framework, head.target_framework}
            }
            library = mapping_library(mapping_set, refs)
        else:
            try:
                library = framework_library(self.catalog_file(subject))
            except NotFoundError:
                known = sorted([*(f.id for f in self._catalog.frameworks()), *self._snapshot.mappings.sets])
                raise NotFoundError("framework or mapping set", subject, f"known: {', '.join(known)}") from None
        text: str = yaml.safe_dump(library, sort_keys=False, allow_unicode=True, width=100)
        return text

    # -- OSCAL -----------------------------------------------------------------------------------------------
    def oscal(self, kind: str, subject: str, org: str | None = None) -> str:
        """One OSCAL JSON document: `catalog FRAMEWORK`, `mapping-collection SET`, or for an organisation
        `profile` (its SoA) and `component-definition` (its implementations and evidence), of FRAMEWORK."""
        if kind == "catalog":
            from loaders.oscal import catalog_to_oscal

            return _json(catalog_to_oscal(self.catalog_file(subject)))
        if kind == "mapping-collection":
            from loaders.oscal import mapping_set_to_oscal

            mapping_set = self._exports.mapping_set_file(subject)
            head = mapping_set.mapping_set
            ids = {fw: self._control_ids(fw) for fw in {head.source_framework, head.target_framework}}
            return _json(mapping_set_to_oscal(mapping_set, ids))
        if kind == "profile":
            return _json(self.oscal_profile(org))
        if kind == "component-definition":
            return _json(self.oscal_component_definition(org, subject or "iso42001"))
        raise UsageError(f"unknown OSCAL document {kind!r}; choose one of {', '.join(OSCAL_KINDS)}")

    def _metadata(self, title: str, org_name: str) -> dict[str, Any]:
        from loaders.oscal import OSCAL_VERSION, stable_uuid

        party = stable_uuid("organisation", org_name)
        return {
            "title": title,
            "last-modified": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "version": str(self._snapshot.revision),
            "oscal-version": OSCAL_VERSION,
            "roles": [{"id": "maintainer", "title": "Maintainer"}],
            "parties": [{"uuid": party, "type": "organization", "name": org_name}],
            "responsible-parties": [{"role-id": "maintainer", "party-uuids": [party]}],
        }

    def oscal_profile(self, org: str | None) -> dict[str, Any]:
        """The organisation's Statement of Applicability as an OSCAL profile over the ISO/IEC 42001 catalog:
        the included controls imported, the excluded ones excluded, each control's status and justification
        added to it (`modify → alters`)."""
        from loaders.oscal import prop, stable_uuid

        found = self._organisation.organisation(org)
        rows = self._organisation.statement_of_applicability(found.id)
        ids = self._control_ids("iso42001")
        included = [ids[row.control.ref] for row in rows if row.included]
        excluded = [ids[row.control.ref] for row in rows if not row.included]
        imported: dict[str, Any] = {"href": framework_iri("iso42001")}
        if included:
            imported["include-controls"] = [{"with-ids": included}]
        if excluded:
            imported["exclude-controls"] = [{"with-ids": excluded}]
        alters = []
        for row in rows:
            adds: dict[str, Any] = {
                "position": "ending",
                "props": [prop("soa-status", row.status), prop("evidence-status", row.evidence_status)],
            }
            if row.justification:
                adds["parts"] = [
                    {"id": f"{ids[row.control.ref]}_soa", "name": "soa-justification", "prose": row.justification}
                ]
            alters.append({"control-id": ids[row.control.ref], "adds": [adds]})
        return {
            "profile": {
                "uuid": stable_uuid("profile", found.id, str(self._snapshot.revision)),
                "metadata": self._metadata(f"Statement of Applicability of {found.name}", found.name),
                "imports": [imported],
                "merge": {"as-is": True},
                "modify": {"alters": alters},
            }
        }

    def oscal_component_definition(self, org: str | None, framework_id: str) -> dict[str, Any]:
        """The organisation's implemented controls of a framework and the evidence for each, as one component
        (the organisation's management system) of an OSCAL component definition.

        Not an SSP: an SSP states a system's authorisation boundary, its information types and their impact
        levels, its users and leveraged authorisations — facts the inventory does not hold. A component
        definition says what the organisation's controls implement and what proves it, which is what we know.
        """
        from loaders.oscal import prop, stable_uuid

        found = self._organisation.organisation(org)
        framework = self._catalog.framework(framework_id)
        ids = self._control_ids(framework.id)
        by_iri = self._snapshot.catalog.by_iri
        controls = sorted(
            (c for (o, _), c in self._snapshot.organisations.controls.items() if o == found.id),
            key=lambda c: by_iri[c.provision].order if c.provision in by_iri else 0,
        )
        evidence_by_provision: dict[str, list[Any]] = {}
        for item in self._snapshot.organisations.evidence.get(found.id, []):
            evidence_by_provision.setdefault(item.provision, []).append(item)
        requirements = []
        for control in controls:
            view = by_iri.get(control.provision)
            if view is None or view.framework != framework.id or control.status == "excluded":
                continue
            links = [
                {"href": item.uri, "rel": "evidence", "text": item.title or item.id}
                for item in sorted(evidence_by_provision.get(control.provision, []), key=lambda e: e.id)
            ]
            requirement: dict[str, Any] = {
                "uuid": stable_uuid("implemented", found.id, control.provision),
                "control-id": ids[view.ref],
                "description": control.justification or f"{view.ref} is {control.status} at {found.name}.",
                "props": [prop("implementation-status", control.status)],
            }
            if links:
                requirement["links"] = links
            requirements.append(requirement)
        if not requirements:
            raise NotFoundError(
                "implemented control", framework.id, f"{found.id} records no implemented {framework.id} control"
            )
        return {
            "component-definition": {
                "uuid": stable_uuid("component-definition", found.id, framework.id, str(self._snapshot.revision)),
                "metadata": self._metadata(f"{framework.name} controls implemented at {found.name}", found.name),
                "components": [
                    {
                        "uuid": stable_uuid("component", found.id),
                        "type": "policy",
                        "title": f"{found.name} management system",
                        "description": found.scope or f"The controls {found.name} implements.",
                        "control-implementations": [
                            {
                                "uuid": stable_uuid("control-implementation", found.id, framework.id),
                                "source": framework_iri(framework.id),
                                "description": f"{framework.title}: controls implemented at {found.name}.",
                                "implemented-requirements": requirements,
                            }
                        ],
                    }
                ],
            }
        }

    # -- spreadsheets ----------------------------------------------------------------------------------------
    def _sheets(self) -> Sheets:
        return Sheets(self._exports_crosswalks, self._organisation)

    def csv(self, what: str, *, source: str | None = None, target: str | None = None, org: str | None = None) -> str:
        """One table as CSV (see `graph.read.sheets`)."""
        return to_csv(self._sheets().table(what, source=source, target=target, org=org))

    def xlsx(
        self,
        sheets: Sequence[str] = (),
        *,
        source: str | None = None,
        target: str | None = None,
        org: str | None = None,
    ) -> bytes:
        """A workbook of the named tables; without names, every table the options allow (the framework tables
        with --from and --to, the organisation's when it has one)."""
        maker = self._sheets()
        names = list(sheets)
        if not names:
            names = [*(("matrix", "crosswalk", "coverage") if source and target else ())]
            if self._organisation.organisations():
                names += ["obligations", "gaps", "soa"]
        if not names:
            raise UsageError("nothing to write: give --from and --to, or load an organisation's inventory")
        return to_xlsx([maker.table(name, source=source, target=target, org=org) for name in names])
