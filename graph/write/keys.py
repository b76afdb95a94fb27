"""API keys: created with a role, stored as a hash, checked on every request, revoked for good.

A token reads `agk_<id>_<secret>`: the id (48 random bits, hex) names the key's node, so a request costs one
lookup, and the secret (256 random bits) is never stored: the node keeps its SHA-256, compared in constant
time. SHA-256 rather than a slow password hash because the secret is a random 256-bit value, not something a
person chose: there is nothing to guess, and every request must check it quickly. Keys live in the graph, so
every server over one database shares them; no export carries the hash (`ontology.terms.SECRET_PROPERTIES`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from core.errors import DataError, NotFoundError, Problem, UnauthenticatedError
from core.records import Node, Value
from core.vocabulary import KEY_ROLES
from graph.views.write import Actor, ApiKeyView
from graph.write.unit_of_work import UnitsOfWork
from ontology.namespaces import AGID

PREFIX = "agk"
_TOKEN = re.compile(r"^agk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
_KEY_ID = re.compile(r"^[0-9a-f]{12}$")


def key_iri(key_id: str) -> str:
    return f"{AGID}api-key/{key_id}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _instant(value: object) -> dt.datetime | None:
    return value if isinstance(value, dt.datetime) else None


def _view(node: Node) -> ApiKeyView:
    created = node.prop("created_at")
    revoked = node.prop("revoked_at")
    # Fail closed: a key with any `revoked_at` at all is revoked, even if the store returned a value of a type
    # this code does not expect (the Neo4j store once returned driver DateTimes, and revoked keys kept working).
    revoked_at = _instant(revoked) or (None if revoked is None else dt.datetime.min.replace(tzinfo=dt.UTC))
    return ApiKeyView(
        id=str(node.prop("identifier")),
        name=str(node.prop("name") or ""),
        role=str(node.prop("key_role")),
        created_at=created if isinstance(created, dt.datetime) else dt.datetime.min.replace(tzinfo=dt.UTC),
        revoked_at=revoked_at,
    )


class ApiKeys:
    def __init__(self, units: UnitsOfWork) -> None:
        self._units = units

    def create(self, actor: Actor, role: str, name: str = "") -> tuple[ApiKeyView, str]:
        """A new key and its token; the token is shown this once and cannot be read back."""
        if role not in KEY_ROLES:
            raise DataError(
                [Problem("<request>", f"unknown role {role!r}; one of {', '.join(KEY_ROLES)}", path="role")]
            )
        if len(name) > 200 or any(ord(c) < 32 for c in name):
            raise DataError([Problem("<request>", "a key's name is one line of at most 200 characters", path="name")])
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        props: dict[str, Value] = {
            "identifier": key_id,
            "key_role": role,
            "key_hash": _digest(secret),
            "created_at": dt.datetime.now(dt.UTC),
        }
        if name:
            props["name"] = name
        node = Node(id=key_iri(key_id), labels=("ApiKey",), props=props)
        view = _view(node)
        with self._units.start() as uow:
            uow.record(
                actor,
                operation="createApiKey",
                kind="api_key",
                target=key_id,
                before=None,
                after={"id": key_id, "name": name, "role": role},
                nodes=[node],
            )
            uow.commit(uow.revision)
        return view, f"{PREFIX}_{key_id}_{secret}"

    def list(self) -> list[ApiKeyView]:
        """Every key, active and revoked, oldest first; no secrets."""
        return sorted((_view(node) for node in self._units.store.nodes("ApiKey")), key=lambda k: (k.created_at, k.id))

    def revoke(self, actor: Actor, key_id: str) -> ApiKeyView:
        """Revoke a key for good: requests with its token are refused from the next one on."""
        if not _KEY_ID.match(key_id):  # not an id we make: nothing to look up (and no IRI to build)
            raise NotFoundError("API key", key_id, "see `aimsgraph keys list`")
        with self._units.start() as uow:
            node = uow.get([key_iri(key_id)]).get(key_iri(key_id))
            if node is None:
                raise NotFoundError("API key", key_id, "see `aimsgraph keys list`")
            view = _view(node)
            if not view.active:
                return view
            revoked = Node(id=node.id, labels=node.labels, props={**node.props, "revoked_at": dt.datetime.now(dt.UTC)})
            uow.record(
                actor,
                operation="revokeApiKey",
                kind="api_key",
                target=key_id,
                before={"id": key_id, "name": view.name, "role": view.role, "revoked": False},
                after={"id": key_id, "name": view.name, "role": view.role, "revoked": True},
                nodes=[revoked],
            )
            uow.commit(uow.revision)
        return _view(revoked)

    def authenticate(self, token: str) -> ApiKeyView:
        """The active key a token stands for, or UnauthenticatedError (the same message for every failure)."""
        refused = UnauthenticatedError("the API key is unknown or revoked")
        match = _TOKEN.match(token.strip())
        if match is None:
            raise refused
        key_id, secret = match.groups()
        node = self._units.store.get([key_iri(key_id)]).get(key_iri(key_id))
        stored = node.prop("key_hash") if node is not None else None
        if node is None or not isinstance(stored, str) or not hmac.compare_digest(stored, _digest(secret)):
            raise refused
        view = _view(node)
        if not view.active:
            raise refused
        return view
