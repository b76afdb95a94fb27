"""How much input a reader accepts, and reading a file within it.

Why limits: a data file is untrusted input. A billion-laughs YAML, `/dev/zero` or a named pipe must end in a
clear error, not in gigabytes of memory or a hang. The defaults suit any real catalog, crosswalk or inventory
by a wide margin; `Settings` (AIMSGRAPH_MAX_INPUT_BYTES …) can change them.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from core.errors import DataError, Problem


@dataclass(frozen=True, slots=True)
class InputLimits:
    max_bytes: int = 64 * 1024 * 1024  # one input file
    max_depth: int = 64  # nesting of YAML collections
    max_nodes: int = 1_000_000  # YAML nodes, counting every alias at its full size (~0.6 KB each while read)
    max_field_chars: int = 100_000  # one SSSOM cell
    max_provisions: int = 50_000  # provisions of one framework read from another tool's format (OSCAL, CISO Assistant)
    max_items: int = 200_000  # entries of one list (or keys of one mapping, rows of one table), in any format
    max_problems: int = 1_000  # problems collected before the reader stops looking for more


DEFAULT_LIMITS = InputLimits()


def read_text(path: Path, limits: InputLimits = DEFAULT_LIMITS) -> str:
    """The file's text, or DataError: not a regular file, larger than the limit, or not UTF-8."""
    name = str(path)
    try:
        info = path.stat()
    except OSError as error:
        raise DataError([Problem(name, f"cannot read file: {error.strerror or error}")]) from error
    if not stat.S_ISREG(info.st_mode):
        raise DataError([Problem(name, "not a regular file (a directory, device, pipe or socket); give a file")])
    if info.st_size > limits.max_bytes:
        raise DataError([Problem(name, _too_large(info.st_size, limits))])
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise DataError([Problem(name, "not a regular file; give a file")])
            # the size it had, and a byte more to see it grew: `read(n)` allocates n bytes first, and reading
            # up to the 64 MB limit made every file, however small, cost 64 MB at its peak
            data = handle.read(min(info.st_size, limits.max_bytes) + 1)
            if len(data) > info.st_size:  # it grew since: read on, up to the limit
                data += handle.read(limits.max_bytes + 1 - len(data))
    except OSError as error:
        raise DataError([Problem(name, f"cannot read file: {error.strerror or error}")]) from error
    if len(data) > limits.max_bytes:
        raise DataError([Problem(name, _too_large(len(data), limits))])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DataError([Problem(name, f"not UTF-8 text (byte {error.start})", line=line)]) from error


def check_items(count: int, name: str, limits: InputLimits, line: int | None = None, path: str | None = None) -> None:
    """Refuse a list (or mapping, or table) of more than `max_items` entries, as soon as it passes the limit:
    the reader stops there, before anything is built from the rest."""
    if count > limits.max_items:
        raise DataError(
            [
                Problem(
                    name,
                    f"a list or table of more than {limits.max_items:,} entries; raise AIMSGRAPH_MAX_INPUT_ITEMS "
                    "if it is meant to be this long",
                    line=line,
                    path=path,
                )
            ]
        )


def check_json_shape(data: object, name: str, limits: InputLimits) -> None:
    """Refuse parsed JSON with a list or object longer than `max_items`, or nested deeper than `max_depth`,
    before validation builds anything from it (iteratively: no recursion).

    Why no count of all values, as YAML has: parsed JSON costs a few bytes a value (the file's size bounds it),
    where a YAML node costs ~600; what costs memory is validation's answer to a long list of bad values."""
    stack: list[tuple[object, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > limits.max_depth:
            where = " → ".join(map(str, path[:8])) + " → …"
            raise DataError([Problem(name, f"nested more than {limits.max_depth} levels deep", path=where)])
        if isinstance(value, dict):
            check_items(len(value), name, limits, path=" → ".join(map(str, path)) or None)
            stack.extend((item, (*path, str(key))) for key, item in value.items())
        elif isinstance(value, list):
            check_items(len(value), name, limits, path=" → ".join(map(str, path)) or None)
            stack.extend((item, (*path, index)) for index, item in enumerate(value))


def _too_large(size: int, limits: InputLimits) -> str:
    return (
        f"the file is larger than the input limit of {limits.max_bytes:,} bytes ({size:,} or more); "
        "raise AIMSGRAPH_MAX_INPUT_BYTES if it is meant to be this large"
    )
