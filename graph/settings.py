"""All configuration, from one pydantic-settings class (environment prefix ``AIMSGRAPH_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from platformdirs import user_data_path
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from loaders.limits import InputLimits


def default_store_path() -> Path:
    return user_data_path("aimsgraph", appauthor=False) / "store"


URI_PREFIXES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def is_store_uri(value: str) -> bool:
    return value.lower().startswith(URI_PREFIXES)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AIMSGRAPH_", extra="ignore")

    store: Path | str = Field(
        default_factory=default_store_path,
        description="Directory of the embedded store, or a Bolt URI (bolt://host:7687, neo4j://…) of a Neo4j one",
    )
    neo4j_user: str | None = Field(default=None, description="Neo4j user (default: neo4j, or the URI's)")
    neo4j_password: SecretStr | None = Field(default=None, description="Neo4j password; never logged or echoed")
    neo4j_database: str | None = Field(default=None, description="Neo4j database (default: the server's default)")
    store_kind: Literal["embedded", "memory"] = Field(default="embedded", description="Which store: embedded or memory")
    lock_wait: float = Field(
        default=5.0, ge=0, le=600, description="Seconds a writer waits for another process's write lock"
    )
    sync_interval: float = Field(
        default=1.0,
        ge=0,
        le=60,
        description="Seconds the embedded store may take to sync a small write to disk (it survives a killed "
        "process at once; this bounds what a power loss can take); 0 syncs inside every write",
    )
    host: str = Field(default="127.0.0.1", description="Interface `aimsgraph serve` binds")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `aimsgraph serve` binds")
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Server processes; more than 1 read the embedded store's checkpoints and refuse writes",
    )
    anonymous_read: bool = Field(
        default=True, description="Requests without an API key may query (as viewer); false requires a key"
    )
    production: bool = Field(
        default=False, description="Production mode: internal errors masked (code kept), no GraphiQL page"
    )
    introspection: bool = Field(default=True, description="Answer GraphQL introspection (__schema, __type) queries")
    cors_origins: list[str] = Field(
        default_factory=list,
        description='Browser origins allowed to call the API (JSON list, e.g. ["https://grc.example"])',
    )
    max_query_depth: int = Field(default=12, ge=2, description="Deepest GraphQL selection accepted")
    max_aliases: int = Field(default=30, ge=1, description="Most aliases in one GraphQL document")
    max_tokens: int = Field(default=4000, ge=100, description="Largest GraphQL document accepted, in tokens")
    max_page_size: int = Field(default=500, ge=1, description="Largest `first` of a connection")
    max_query_cost: int = Field(
        default=50_000, ge=100, description="Most objects one GraphQL operation may ask for, estimated up front"
    )
    max_request_bytes: int = Field(default=1_000_000, ge=1_000, description="Largest GraphQL request body")
    max_concurrent_operations: int = Field(
        default=2, ge=1, le=256, description="GraphQL operations one server process runs at once; the rest queue"
    )
    request_timeout: float = Field(default=10.0, gt=0, le=600, description="Seconds one GraphQL operation may run")
    max_connections: int = Field(
        default=1_000,
        ge=1,
        description="Connections one server process holds (kept under its open-file limit); at the limit the "
        "oldest idle one is closed for a new one, and a new one is refused only when all are busy",
    )
    max_connections_per_client: int = Field(
        default=100, ge=1, description="Connections one client address may hold; past it, its oldest idle one closes"
    )
    header_timeout: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="Seconds a connection may take to send a request's headers (new or idle between requests)",
    )
    body_timeout: float = Field(
        default=30.0, gt=0, le=600, description="Seconds a request may take to send its body (slow bodies get 408)"
    )
    keep_alive_timeout: float = Field(
        default=5.0, gt=0, le=600, description="Seconds an idle keep-alive connection stays open after a response"
    )
    events_poll_interval: float = Field(
        default=0.25,
        gt=0,
        le=60,
        description="Seconds between looks at the store for changes other processes committed (subscriptions, "
        "webhooks); this process's own changes are announced at once",
    )
    webhook_timeout: float = Field(
        default=10.0, gt=0, le=300, description="Seconds a webhook receiver has to answer one delivery"
    )
    webhook_backoff: float = Field(
        default=1.0,
        gt=0,
        le=3600,
        description="Seconds before a failed webhook delivery is retried; doubled after each failure, up to 5 minutes",
    )
    max_input_bytes: int = Field(default=64 * 1024 * 1024, ge=1024, description="Largest data file read, in bytes")
    max_input_depth: int = Field(default=64, ge=4, le=1000, description="Deepest nesting in a YAML data file")
    max_input_nodes: int = Field(
        default=1_000_000,
        ge=1000,
        description="Most values in a YAML data file, aliases counted at full size (each costs ~0.6 KB while read)",
    )
    max_input_items: int = Field(
        default=200_000,
        ge=100,
        description="Most entries in one list or mapping of a data file, or rows of one table, in any format",
    )
    max_input_problems: int = Field(
        default=1_000, ge=10, description="Most problems listed for one bad file (the rest are counted)"
    )
    max_provisions: int = Field(
        default=50_000, ge=10, description="Most provisions of one framework imported from OSCAL or CISO Assistant"
    )

    @field_validator("store", mode="before")
    @classmethod
    def _path_or_uri(cls, value: object) -> object:
        """A Bolt URI stays a string (a Path would fold its `//`); anything else is a directory."""
        if isinstance(value, str) and is_store_uri(value):
            return value
        return Path(value) if isinstance(value, str) else value

    @property
    def store_uri(self) -> str | None:
        """The Neo4j store's URI, or None for the embedded store."""
        return self.store if isinstance(self.store, str) else None

    @property
    def store_label(self) -> str:
        """The store as messages name it: a URI loses any user:password it holds."""
        uri = self.store_uri
        if uri is None:
            return str(self.store)
        parts = urlsplit(uri)
        return f"{parts.scheme}://{parts.hostname or '?'}" + (f":{parts.port}" if parts.port else "")

    @property
    def store_path(self) -> Path:
        """The embedded store's directory (only meaningful when `store_uri` is None)."""
        return self.store if isinstance(self.store, Path) else Path(self.store)

    def input_limits(self) -> InputLimits:
        return InputLimits(
            max_bytes=self.max_input_bytes,
            max_depth=self.max_input_depth,
            max_nodes=self.max_input_nodes,
            max_provisions=self.max_provisions,
            max_items=self.max_input_items,
            max_problems=self.max_input_problems,
        )


def settings_markdown() -> str:
    """The settings as a Markdown table (environment variable, default, meaning), for the README."""
    rows = ["| setting | default | what it does |", "| --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        if name == "store":
            default = "a per-user data directory"
        else:
            value = field.get_default(call_default_factory=True)
            default = f"`{str(value).lower() if isinstance(value, bool) else value}`"
        rows.append(f"| `AIMSGRAPH_{name.upper()}` | {default} | {field.description or ''} |")
    return "\n".join(rows) + "\n"
