"""Partial updates: an asset changed in the fields a client names, and nothing else.

Why a separate input from `AssetInput`: a connector re-syncing an asset's name must not wipe the links a
person added with `linkAssets`, nor the legal facts another tool stated. Every field here is optional, and a
field left out is not the same as a field set to null: left out keeps what the asset has; null says "not known"
for a fact that may be unknown (and is refused, at its path, for one that may not: a name, an owner). The
service applies the change to the stored asset inside the writer's lock, validates the result as an inventory
asset, and commits it with one audit entry (`updateAsset`).
"""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types.base import get_object_definition

from api.graphql.enums import (
    AddresseeRole,
    AnnexISection,
    Art63Condition,
    AssetKind,
    BreachCommunicationException,
    InformationException,
    LegalBasis,
    ManagementSystem,
)
from api.graphql.write_types import AssetInput

_FIELDS = {f.python_name: f for f in get_object_definition(AssetInput, strict=True).fields}


def _described(name: str) -> str:
    """`AssetInput`'s description of the field, with what leaving it out means here."""
    return (_FIELDS[name].description or "") + " Left out: unchanged."


@strawberry.input(
    description="The fields of an asset to change (those of `AssetInput`, all optional); every field left out "
    'keeps its value, and `uses` left out keeps the asset\'s links. null says "not known" for a fact that may '
    "be unknown."
)
class AssetUpdateInput:
    kind: AssetKind | None = strawberry.field(default=strawberry.UNSET, description=_described("kind"))
    name: str | None = strawberry.field(default=strawberry.UNSET, description=_described("name"))
    owner: str | None = strawberry.field(default=strawberry.UNSET, description=_described("owner"))
    roles: list[AddresseeRole] | None = strawberry.field(default=strawberry.UNSET, description=_described("roles"))
    annex_iii: list[str] | None = strawberry.field(default=strawberry.UNSET, description=_described("annex_iii"))
    annex_i: bool | None = strawberry.field(default=strawberry.UNSET, description=_described("annex_i"))
    personal_data: bool | None = strawberry.field(default=strawberry.UNSET, description=_described("personal_data"))
    special_category_data: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("special_category_data")
    )
    automated_decisions: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("automated_decisions")
    )
    interacts_with_people: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("interacts_with_people")
    )
    generates_synthetic_content: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("generates_synthetic_content")
    )
    emotion_recognition: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("emotion_recognition")
    )
    biometric_categorisation: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("biometric_categorisation")
    )
    deep_fake: bool | None = strawberry.field(default=strawberry.UNSET, description=_described("deep_fake"))
    gpai: bool | None = strawberry.field(default=strawberry.UNSET, description=_described("gpai"))
    gpai_systemic_risk: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("gpai_systemic_risk")
    )
    transfers_outside_eea: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("transfers_outside_eea")
    )
    in_scope: bool | None = strawberry.field(default=strawberry.UNSET, description=_described("in_scope"))
    uses: list[str] | None = strawberry.field(default=strawberry.UNSET, description=_described("uses"))
    description: str | None = strawberry.field(default=strawberry.UNSET, description=_described("description"))
    management_system_scopes: list[ManagementSystem] | None = strawberry.field(
        default=strawberry.UNSET, description=_described("management_system_scopes")
    )
    art6_3_condition: Art63Condition | None = strawberry.field(
        default=strawberry.UNSET, description=_described("art6_3_condition")
    )
    profiles_natural_persons: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("profiles_natural_persons")
    )
    annex_i_section: AnnexISection | None = strawberry.field(
        default=strawberry.UNSET, description=_described("annex_i_section")
    )
    third_party_conformity_assessment: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("third_party_conformity_assessment")
    )
    open_source: bool | None = strawberry.field(default=strawberry.UNSET, description=_described("open_source"))
    placed_on_market: dt.date | None = strawberry.field(
        default=strawberry.UNSET, description=_described("placed_on_market")
    )
    put_into_service: dt.date | None = strawberry.field(
        default=strawberry.UNSET, description=_described("put_into_service")
    )
    own_name_or_trademark: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("own_name_or_trademark")
    )
    substantial_modification: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("substantial_modification")
    )
    new_high_risk_purpose: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("new_high_risk_purpose")
    )
    legal_or_similar_effects: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("legal_or_similar_effects")
    )
    large_scale: bool | None = strawberry.field(default=strawberry.UNSET, description=_described("large_scale"))
    systematic_monitoring: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("systematic_monitoring")
    )
    data_from_data_subject: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("data_from_data_subject")
    )
    legal_basis: LegalBasis | None = strawberry.field(default=strawberry.UNSET, description=_described("legal_basis"))
    criminal_offence_data: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("criminal_offence_data")
    )
    occasional_processing: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("occasional_processing")
    )
    residual_high_risk: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("residual_high_risk")
    )
    publishes_public_interest_text: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("publishes_public_interest_text")
    )
    human_editorial_review: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("human_editorial_review")
    )
    processor_for_us: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("processor_for_us")
    )
    used_on_workers: bool | None = strawberry.field(default=strawberry.UNSET, description=_described("used_on_workers"))
    decisions_about_people: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("decisions_about_people")
    )
    post_remote_biometric_identification: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("post_remote_biometric_identification")
    )
    law_enforcement_use: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("law_enforcement_use")
    )
    on_behalf_of_public_authority: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("on_behalf_of_public_authority")
    )
    real_world_testing: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("real_world_testing")
    )
    offered_to_children: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("offered_to_children")
    )
    direct_marketing: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("direct_marketing")
    )
    generates_imagery: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("generates_imagery")
    )
    information_exception: InformationException | None = strawberry.field(
        default=strawberry.UNSET, description=_described("information_exception")
    )
    annex_x_component: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("annex_x_component")
    )
    intended_for_public_authorities: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("intended_for_public_authorities")
    )
    taken_over_by_new_provider: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("taken_over_by_new_provider")
    )
    specified_not_high_risk: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("specified_not_high_risk")
    )
    third_party_components: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("third_party_components")
    )
    third_party_components_open_source: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("third_party_components_open_source")
    )
    supplied_for_high_risk_system: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("supplied_for_high_risk_system")
    )
    significant_design_change: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("significant_design_change")
    )
    unlikely_to_result_in_risk: bool | None = strawberry.field(
        default=strawberry.UNSET, description=_described("unlikely_to_result_in_risk")
    )
    breach_communication_exception: BreachCommunicationException | None = strawberry.field(
        default=strawberry.UNSET, description=_described("breach_communication_exception")
    )
