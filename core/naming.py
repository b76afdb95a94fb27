"""The names the product writes (docs/naming.md): JSON keys and Neo4j properties are camelCase, GraphQL's
name for the same thing. Python keeps snake_case inside; these turn an identifier into the written name.

Only ever applied to identifiers the code chose (a dataclass field, a record property, an audit detail's
key), never to keys that are data (an asset id, an owner id): `camel("hr_data")` would rename an asset.
"""

from __future__ import annotations

from typing import Any


def camel(name: str) -> str:
    """`valid_until` → `validUntil`; a name without an underscore is returned as it is."""
    if "_" not in name:
        return name
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def camel_keys(value: Any) -> Any:
    """`value` with every dict key camelCase, at every depth: for structures whose keys are all names (an
    audit entry's before and after values), never for maps keyed by data."""
    if isinstance(value, dict):
        return {camel(key) if isinstance(key, str) else key: camel_keys(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [camel_keys(item) for item in value]
    return value
