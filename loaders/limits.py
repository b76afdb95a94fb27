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
    max_nodes: int = 2_000_000  # YAML nodes, counting every alias at its full size
    max_field_chars: int = 100_000  # one SSSOM cell
    max_provisions: int = 50_000  # provisions of one framework read from another tool's format (OSCAL, CISO Assistant)


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
            data = handle.read(limits.max_bytes + 1)
    except OSError as error:
        raise DataError([Problem(name, f"cannot read file: {error.strerror or error}")]) from error
    if len(data) > limits.max_bytes:
        raise DataError([Problem(name, _too_large(len(data), limits))])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DataError([Problem(name, f"not UTF-8 text (byte {error.start})", line=line)]) from error


def _too_large(size: int, limits: InputLimits) -> str:
    return (
        f"the file is larger than the input limit of {limits.max_bytes:,} bytes ({size:,} or more); "
        "raise AIMSGRAPH_MAX_INPUT_BYTES if it is meant to be this large"
    )
