"""Who may do what: per-field permission classes over the request's role (`Authorization: Bearer <key>`).

Roles nest: viewer (queries) ⊂ editor (inventory and evidence writes) ⊂ admin (mapping reviews, API keys).
An anonymous caller is a viewer while `AIMSGRAPH_ANONYMOUS_READ` allows it (the default, so the demo works
without a key) and no one otherwise. A key that is sent but unknown or revoked refuses the whole request
before any field runs (see `api.graphql.app`); here a field refuses a caller without a key as UNAUTHENTICATED
and a key without the role as FORBIDDEN.
"""

from __future__ import annotations

from typing import Any, ClassVar

from strawberry.permission import BasePermission
from strawberry.types import Info

from api.graphql.context import Context
from api.graphql.errors import ApiError
from core.vocabulary import KEY_ROLES


class _RoleRequired(BasePermission):
    role: ClassVar[str] = "viewer"

    def has_permission(self, source: Any, info: Info[Context, None], **kwargs: Any) -> bool:
        have = info.context.role
        if have is None:
            raise ApiError(
                "this server needs an API key: send `Authorization: Bearer <token>` (see `aimsgraph keys create`)",
                "UNAUTHENTICATED",
            )
        if KEY_ROLES.index(have) < KEY_ROLES.index(self.role):
            who = f"key {info.context.key.id}" if info.context.key else "an anonymous caller"
            raise ApiError(
                f"{info.field_name} needs the {self.role} role; {who} has {have}",
                "FORBIDDEN",
            )
        return True


class CanRead(_RoleRequired):
    """Queries: any key, or anonymous where allowed."""

    role = "viewer"


class CanEdit(_RoleRequired):
    """Inventory and evidence writes: editor or admin keys."""

    role = "editor"


class CanAdmin(_RoleRequired):
    """Mapping reviews and API keys: admin keys."""

    role = "admin"
