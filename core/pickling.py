"""Fast pickling for the frozen, slotted dataclasses that a saved snapshot holds by the thousand.

Why: Python 3.11 pickles a slotted dataclass through `dataclasses`' own `__getstate__`/`__setstate__`, which
call `fields()` and `object.__setattr__` per instance; unpickling the bundled snapshot spent most of its
time there (55 of 62 ms). Reducing an instance to its class and field values lets `pickle` rebuild it with
one call of the generated `__init__`.
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")


def pickled_by_fields(cls: type[T]) -> type[T]:
    """Class decorator (outside `@dataclass`): pickle instances as `cls(*field values)`.

    Only for dataclasses whose every field is an `__init__` parameter in declaration order.
    """
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if not all(f.init for f in fields):
        raise TypeError(f"{cls.__name__}: every field must be an __init__ parameter to pickle by fields")
    values = attrgetter(*(f.name for f in fields)) if len(fields) > 1 else None
    name = fields[0].name if len(fields) == 1 else None

    def __reduce__(self: Any) -> tuple[type[T], tuple[Any, ...]]:  # noqa: N807 — pickle's hook
        return cls, (values(self) if values is not None else (getattr(self, name),))  # type: ignore[arg-type]

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls
