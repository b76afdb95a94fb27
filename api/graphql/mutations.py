"""The mutations: a few lines each over the service's write parts, guarded per field by role.

Each resolver hands the input to the service as plain data (validated there by the inventory's own models),
turns a refusal into payload errors, and moves the request to the new revision so that the payload — an
asset's obligations, say — already shows the change. A read-only server (follower workers) refuses every
mutation with READ_ONLY before anything is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import strawberry
from strawberry.types import Info

from api.graphql.arguments import AssetId, OrgId
from api.graphql.auth import CanAdmin, CanEdit
from api.graphql.context import Context
from api.graphql.enums import KeyRole, ReviewDecision
from api.graphql.errors import ApiError
from api.graphql.types import Asset
from api.graphql.updates import AssetUpdateInput
from api.graphql.webhook_types import Webhook, WebhookPayload
from api.graphql.write_types import (
    ApiKey,
    ApiKeyPayload,
    AssetInput,
    AssetPayload,
    AuditEntry,
    ControlDecision,
    ControlInput,
    ControlPayload,
    EvidenceInput,
    EvidencePayload,
    EvidenceRecord,
    MappingPayload,
    MappingProposalInput,
    MappingRecord,
    MutationError,
    MutationErrorCode,
    RemovePayload,
    mutation_errors,
    plain,
)
from core.errors import (
    AimsgraphError,
    ConflictError,
    DataError,
    NotFoundError,
    ReadOnlyStoreError,
    StoreBusyError,
    UsageError,
)
from graph.service import Service, Written

R = TypeVar("R")
REFUSALS = (DataError, NotFoundError, ConflictError, UsageError)
User = Annotated[str, strawberry.argument(description="The id of the asset that uses the other.")]
Used = Annotated[str, strawberry.argument(description="The id of the asset it uses.")]


def _service(info: Info[Context, None]) -> Service:
    service = info.context.service
    if service is None:
        raise ApiError("this schema runs without a service to write through", "READ_ONLY")
    if not service.writable:
        raise ApiError(service.read_only_reason, "READ_ONLY")
    return service


def _write(info: Info[Context, None], work: Callable[[Service], Written]) -> Written | list[AimsgraphError]:
    """Run one write; a refusal comes back as the error, anything about the server is raised (top level)."""
    service = _service(info)
    try:
        written = work(service)
    except REFUSALS as error:
        return [error]
    except (ReadOnlyStoreError, StoreBusyError) as error:
        raise ApiError(str(error), "READ_ONLY") from error
    if written.audit is not None:
        info.context.committed.append(written.audit.sequence)  # a timeout later in the request must say so
        info.context.refresh()
    return written


def _audit(written: Written) -> AuditEntry | None:
    return AuditEntry(view=written.audit) if written.audit else None


def _asset_payload(info: Info[Context, None], outcome: Written | list[AimsgraphError]) -> AssetPayload:
    if isinstance(outcome, list):
        return AssetPayload(errors=[e for error in outcome for e in mutation_errors(error)])
    # read back as the store now holds it (the request moved to the write's revision): every stated fact, too
    found = info.context.answers.organisation.assets_by_key([(outcome.after.org, outcome.after.id)])[0]
    return AssetPayload(asset=Asset(view=found or outcome.after), audit_entry=_audit(outcome))


def _removed(outcome: Written | list[AimsgraphError], removed_id: str) -> RemovePayload:
    if isinstance(outcome, list):
        return RemovePayload(errors=[e for error in outcome for e in mutation_errors(error)])
    return RemovePayload(removed_id=removed_id, audit_entry=_audit(outcome))


@strawberry.type(description="Writes: the inventory and evidence (editor), mappings and API keys (admin).")
class Mutation:
    @strawberry.mutation(
        description="Create or replace an asset, checked as an inventory file's asset is.", permission_classes=[CanEdit]
    )
    def upsert_asset(
        self,
        info: Info[Context, None],
        input: Annotated[AssetInput, strawberry.argument(description="The asset, whole: it replaces one with its id.")],
        organisation: OrgId = None,
    ) -> AssetPayload:
        data = plain(input)
        return _asset_payload(
            info, _write(info, lambda s: s.inventory.upsert_asset(info.context.actor, organisation, data))
        )

    @strawberry.mutation(
        description="Change some fields of an asset and keep the rest, its links included (`uses` only when "
        "given); null states a fact not known. One audit entry (updateAsset).",
        permission_classes=[CanEdit],
    )
    def update_asset(
        self,
        info: Info[Context, None],
        id: AssetId,
        input: Annotated[AssetUpdateInput, strawberry.argument(description="The fields to change, and only those.")],
        organisation: OrgId = None,
    ) -> AssetPayload:
        changes = plain(input)
        return _asset_payload(
            info, _write(info, lambda s: s.inventory.update_asset(info.context.actor, organisation, id, changes))
        )

    @strawberry.mutation(
        description="Remove an asset that no other asset uses and no evidence names.", permission_classes=[CanEdit]
    )
    def delete_asset(self, info: Info[Context, None], id: AssetId, organisation: OrgId = None) -> RemovePayload:
        return _removed(_write(info, lambda s: s.inventory.delete_asset(info.context.actor, organisation, id)), id)

    @strawberry.mutation(description="Record that `assetId` uses `uses` (no cycles).", permission_classes=[CanEdit])
    def link_assets(
        self, info: Info[Context, None], asset_id: User, uses: Used, organisation: OrgId = None
    ) -> AssetPayload:
        return _asset_payload(
            info,
            _write(info, lambda s: s.inventory.link(info.context.actor, organisation, asset_id, uses, present=True)),
        )

    @strawberry.mutation(description="Record that `assetId` no longer uses `uses`.", permission_classes=[CanEdit])
    def unlink_assets(
        self, info: Info[Context, None], asset_id: User, uses: Used, organisation: OrgId = None
    ) -> AssetPayload:
        return _asset_payload(
            info,
            _write(info, lambda s: s.inventory.link(info.context.actor, organisation, asset_id, uses, present=False)),
        )

    @strawberry.mutation(
        description="Record an implemented control or a Statement of Applicability decision.",
        permission_classes=[CanEdit],
    )
    def record_control(
        self,
        info: Info[Context, None],
        input: Annotated[ControlInput, strawberry.argument(description="The control and the decision on it.")],
        organisation: OrgId = None,
    ) -> ControlPayload:
        data = plain(input)
        outcome = _write(info, lambda s: s.inventory.record_control(info.context.actor, organisation, data))
        if isinstance(outcome, list):
            return ControlPayload(errors=[e for error in outcome for e in mutation_errors(error)])
        c = outcome.after
        return ControlPayload(
            control=ControlDecision(
                framework=c.framework,
                ref=c.ref,
                status=input.status,
                justification=c.justification,
                inclusion_reasons=list(input.inclusion_reasons),
                inclusion_note=c.inclusion_note,
            ),
            audit_entry=_audit(outcome),
        )

    @strawberry.mutation(
        description="Attach an evidence item to a provision and some assets (replaces one with the same id).",
        permission_classes=[CanEdit],
    )
    def attach_evidence(
        self,
        info: Info[Context, None],
        input: Annotated[
            EvidenceInput, strawberry.argument(description="The evidence item; it replaces one with its id.")
        ],
        organisation: OrgId = None,
    ) -> EvidencePayload:
        data = plain(input)
        location, uri = data.pop("location"), data.pop("uri")
        if location is not None and uri is not None and location != uri:
            message = "give the address once, as location (uri is its deprecated name)"
            return EvidencePayload(
                errors=[MutationError(code=MutationErrorCode.BAD_INPUT, message=message, path=["input", "uri"])]
            )
        if location is None and uri is None:
            message = "location is required: where the evidence is (a URI)"
            return EvidencePayload(
                errors=[MutationError(code=MutationErrorCode.BAD_INPUT, message=message, path=["input", "location"])]
            )
        data["uri"] = location if location is not None else uri  # the inventory format's name for it
        outcome = _write(info, lambda s: s.inventory.attach_evidence(info.context.actor, organisation, data))
        if isinstance(outcome, list):
            return EvidencePayload(errors=[e for error in outcome for e in mutation_errors(error)])
        item = outcome.after
        record = EvidenceRecord(
            id=item.id,
            framework=item.proves.framework,
            ref=item.proves.ref,
            assets=list(item.assets),
            location=item.uri,
            uri=item.uri,
            sha256=item.sha256,
            collected=item.collected,
            valid_until=item.valid_until,
            owner=item.owner,
            title=item.title,
        )
        return EvidencePayload(evidence=record, audit_entry=_audit(outcome))

    @strawberry.mutation(
        description="Withdraw an evidence item; what it covered becomes a gap again.", permission_classes=[CanEdit]
    )
    def revoke_evidence(
        self,
        info: Info[Context, None],
        id: Annotated[str, strawberry.argument(description="The evidence item's id.")],
        organisation: OrgId = None,
    ) -> RemovePayload:
        return _removed(_write(info, lambda s: s.inventory.revoke_evidence(info.context.actor, organisation, id)), id)

    @strawberry.mutation(
        description="Propose a mapping between two provisions; it awaits review.", permission_classes=[CanAdmin]
    )
    def propose_mapping(
        self,
        info: Info[Context, None],
        input: Annotated[MappingProposalInput, strawberry.argument(description="The mapping proposed.")],
    ) -> MappingPayload:
        data = plain(input)
        source_framework, target_framework = data.pop("source_framework"), data.pop("target_framework")
        outcome = _write(
            info, lambda s: s.mappings.propose(info.context.actor, source_framework, target_framework, data)
        )
        return _mapping_payload(outcome)

    @strawberry.mutation(
        description="Review a mapping, named by its set and its two refs: reviewed, or rejected (no crosswalk "
        "uses a rejected mapping).",
        permission_classes=[CanAdmin],
    )
    def review_mapping(
        self,
        info: Info[Context, None],
        mapping_set: Annotated[str, strawberry.argument(description="The id of the mapping set it belongs to.")],
        source_ref: Annotated[
            str, strawberry.argument(description="One end's ref, as the catalog writes it (either way round).")
        ],
        target_ref: Annotated[str, strawberry.argument(description="The other end's ref, as the catalog writes it.")],
        decision: Annotated[ReviewDecision, strawberry.argument(description="reviewed, or rejected.")],
    ) -> MappingPayload:
        outcome = _write(
            info,
            lambda s: s.mappings.review(info.context.actor, mapping_set, source_ref, target_ref, decision.value),
        )
        return _mapping_payload(outcome)

    @strawberry.mutation(
        description="Create an API key; its token is in the answer, once.", permission_classes=[CanAdmin]
    )
    def create_api_key(
        self,
        info: Info[Context, None],
        role: Annotated[KeyRole, strawberry.argument(description="What the key may do.")],
        name: Annotated[
            str, strawberry.argument(description="What it is for, in one line (shown in the audit trail).")
        ] = "",
    ) -> ApiKeyPayload:
        service = _service(info)
        try:
            view, token = service.keys.create(info.context.actor, role.value, name)
        except REFUSALS as error:
            return ApiKeyPayload(errors=mutation_errors(error))
        return ApiKeyPayload(key=ApiKey(view=view), token=token)

    @strawberry.mutation(description="Revoke an API key for good.", permission_classes=[CanAdmin])
    def revoke_api_key(
        self,
        info: Info[Context, None],
        id: Annotated[str, strawberry.argument(description="The key's id (the part of the token after `agk_`).")],
    ) -> ApiKeyPayload:
        service = _service(info)
        try:
            view = service.keys.revoke(info.context.actor, id)
        except REFUSALS as error:
            return ApiKeyPayload(errors=mutation_errors(error))
        return ApiKeyPayload(key=ApiKey(view=view))

    @strawberry.mutation(
        description="Register a webhook: every change committed from now on (or after `since`) is POSTed to `url` "
        "as JSON, signed with the secret in the answer (shown once), retried with backoff until accepted.",
        permission_classes=[CanAdmin],
    )
    def create_webhook(
        self,
        info: Info[Context, None],
        url: Annotated[str, strawberry.argument(description="An http(s) URL that accepts POSTs.")],
        organisation: Annotated[
            str | None, strawberry.argument(description="Only this organisation's changes.")
        ] = None,
        kinds: Annotated[
            list[str] | None, strawberry.argument(description="Only changes to these kinds; every kind when left out.")
        ] = None,
        since: Annotated[
            int | None, strawberry.argument(description="Send the changes committed after this sequence too.")
        ] = None,
    ) -> WebhookPayload:
        service = _service(info)
        try:
            view, secret = service.webhooks.create(
                info.context.actor, url, organisation=organisation, kinds=kinds or (), since=since
            )
        except REFUSALS as error:
            return WebhookPayload(errors=mutation_errors(error))
        return WebhookPayload(webhook=Webhook(view=view), secret=secret)

    @strawberry.mutation(description="Stop sending changes to a webhook, for good.", permission_classes=[CanAdmin])
    def remove_webhook(
        self, info: Info[Context, None], id: Annotated[str, strawberry.argument(description="The webhook's id.")]
    ) -> WebhookPayload:
        service = _service(info)
        try:
            view = service.webhooks.remove(info.context.actor, id)
        except REFUSALS as error:
            return WebhookPayload(errors=mutation_errors(error))
        return WebhookPayload(webhook=Webhook(view=view))


def _mapping_payload(outcome: Written | list[AimsgraphError]) -> MappingPayload:
    if isinstance(outcome, list):
        return MappingPayload(errors=[e for error in outcome for e in mutation_errors(error)])
    return MappingPayload(mapping=MappingRecord(view=outcome.after), audit_entry=_audit(outcome))
