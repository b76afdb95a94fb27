"""YAML parsing that remembers where every value came from.

pydantic reports a location as a path (``provisions → 12 → kind``); users need a line number. Composing the
YAML node tree once gives both the data and a path → line table. Duplicate mapping keys, which PyYAML would
silently resolve to the last value, are reported as problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from core.errors import DataError, Problem

PathKey = tuple[str | int, ...]

# libyaml's parser when PyYAML was built with it (five times faster), the pure-Python one otherwise.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(slots=True)
class SourceDocument:
    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: PathKey) -> int | None:
        """The line of the deepest known node on `path` (1-based)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def problem(self, path: PathKey, message: str) -> Problem:
        return Problem(self.file, message, line=self.line_of(path), path=" → ".join(map(str, path)) or None)


def _walk(node: yaml.Node, path: PathKey, doc: SourceDocument) -> None:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                doc.problems.append(Problem(doc.file, f"duplicate key {key!r} (first at line {seen[key]})", line=line))
            seen[key] = line
            _walk(value_node, (*path, key), doc)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), doc)


def read_yaml(path: Path) -> SourceDocument:
    """Parse one YAML file; a syntax error becomes a DataError with the line where the parser stopped."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataError([Problem(name, f"cannot read file: {error}")]) from error
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        line = mark.line + 1 if mark is not None else None
        raise DataError([Problem(name, f"YAML syntax error: {reason}", line=line)]) from error
    finally:
        loader.dispose()
    doc = SourceDocument(file=name, data=data)
    if root is not None:
        _walk(root, (), doc)
    return doc
