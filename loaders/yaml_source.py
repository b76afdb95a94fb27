"""YAML parsing that remembers where every value came from, within bounds.

pydantic reports a location as a path (``provisions → 12 → kind``); users need a line number. Composing the
YAML node tree once gives both the data and a path → line table. Duplicate mapping keys, which PyYAML would
silently resolve to the last value, are reported as problems.

Before anything is built, one pass over the parser's events checks the document against `InputLimits`:
nesting depth, aliases that refer to themselves, the entries of each list and mapping, and the size the
document would have with every alias expanded (a "billion laughs" file is refused there, in bounded memory).
Every failure — a syntax error, a date like 2023-13-45 — becomes a `DataError` with file and line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from core.errors import DataError, Problem
from loaders.limits import DEFAULT_LIMITS, InputLimits, check_items, read_text

PathKey = tuple[str | int, ...]

# libyaml's parser when PyYAML was built with it (five times faster), the pure-Python one otherwise.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


@dataclass(slots=True)
class SourceDocument:
    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    aliases: dict[PathKey, PathKey] = field(default_factory=dict)
    """For a document converted from another format (OSCAL, CISO Assistant): a path in our shape → where that
    value sits in the file as written, so a problem names the path the user can find."""
    max_problems: int = DEFAULT_LIMITS.max_problems  # validation lists this many, and counts the rest

    def line_of(self, path: PathKey) -> int | None:
        """The line of the deepest known node on `path` (1-based)."""
        path = self.as_written(path)
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def problem(self, path: PathKey, message: str) -> Problem:
        return Problem(
            self.file, message, line=self.line_of(path), path=" → ".join(map(str, self.as_written(path))) or None
        )

    def as_written(self, path: PathKey) -> PathKey:
        """The path in the file as written: the longest aliased prefix replaced (unchanged without aliases)."""
        if self.aliases:
            for end in range(len(path), -1, -1):
                found = self.aliases.get(tuple(path[:end]))
                if found is not None:
                    return (*found, *path[end:])
        return path


def _check_events(text: str, name: str, limits: InputLimits) -> None:
    """Refuse, before building anything, a document too deep, self-referencing or too large once expanded."""
    sizes: dict[str, int] = {}  # anchor → expanded node count
    open_anchors: list[tuple[str | None, int]] = []  # (anchor, node count when it opened)
    open_kinds: list[str] = []  # "sequence" or "mapping", for each open collection
    entries: list[int] = []  # nodes directly inside each open collection (a mapping counts keys and values)
    nodes = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            line = event.start_mark.line + 1 if event.start_mark else None
            if entries and isinstance(event, yaml.NodeEvent):
                entries[-1] += 1
                per_entry = 1 if open_kinds[-1] == "sequence" else 2  # a mapping's entries are key-value pairs
                check_items(-(-entries[-1] // per_entry), name, limits, line=line)
            if isinstance(event, yaml.CollectionStartEvent):
                open_kinds.append("sequence" if isinstance(event, yaml.SequenceStartEvent) else "mapping")
                entries.append(0)
            elif isinstance(event, yaml.CollectionEndEvent) and entries:
                open_kinds.pop()
                entries.pop()
            if isinstance(event, yaml.AliasEvent):
                anchor = event.anchor or ""
                if any(anchor == opened for opened, _ in open_anchors):
                    raise DataError([Problem(name, f"alias *{anchor} refers to itself", line=line)])
                nodes += sizes.get(anchor, 1)
            elif isinstance(event, yaml.ScalarEvent):
                nodes += 1
                if event.anchor:
                    sizes[event.anchor] = 1
            elif isinstance(event, yaml.CollectionStartEvent):
                nodes += 1
                open_anchors.append((event.anchor, nodes))
                if len(open_anchors) > limits.max_depth:
                    raise DataError([Problem(name, f"nested more than {limits.max_depth} levels deep", line=line)])
            elif isinstance(event, yaml.CollectionEndEvent) and open_anchors:
                closed, started = open_anchors.pop()
                if closed:
                    sizes[closed] = nodes - started + 1
            if nodes > limits.max_nodes:
                raise DataError(
                    [Problem(name, f"expands to more than {limits.max_nodes:,} values (aliases counted)", line=line)]
                )
    except yaml.YAMLError as error:
        raise _syntax_error(error, name) from error


def _syntax_error(error: yaml.YAMLError, name: str) -> DataError:
    mark = getattr(error, "problem_mark", None)
    reason = getattr(error, "problem", None) or str(error)
    line = mark.line + 1 if mark is not None else None
    return DataError([Problem(name, f"YAML syntax error: {reason}", line=line)])


def _bad_scalar(root: yaml.Node, name: str) -> DataError:
    """Find the scalar PyYAML could not turn into a value (a date such as 2023-13-45) and say where."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode) and node.tag == _TIMESTAMP:
            try:
                dt.date.fromisoformat(str(node.value)[:10])
            except ValueError:
                return DataError(
                    [Problem(name, f"{node.value!r} is not a valid date (YYYY-MM-DD)", line=node.start_mark.line + 1)]
                )
        elif isinstance(node, yaml.MappingNode):
            stack.extend(value for pair in node.value for value in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return DataError([Problem(name, "a value could not be read", line=root.start_mark.line + 1)])


def _walk(root: yaml.Node, doc: SourceDocument) -> None:
    """Record the line of every path and every duplicate key (iteratively: depth is bounded, not recursed)."""
    stack: list[tuple[yaml.Node, PathKey]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        doc.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                if key in seen:
                    doc.problems.append(
                        Problem(doc.file, f"duplicate key {key!r} (first at line {seen[key]})", line=line)
                    )
                seen[key] = line
                stack.append((value_node, (*path, key)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*path, index)) for index, item in enumerate(node.value))


def parse_yaml(text: str, name: str, limits: InputLimits = DEFAULT_LIMITS) -> SourceDocument:
    """Parse YAML text within the limits; every failure is a DataError with the line where it happened."""
    _check_events(text, name, limits)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        try:
            data = loader.construct_document(root) if root is not None else None
        except (ValueError, TypeError, OverflowError) as error:
            raise (_bad_scalar(root, name) if root is not None else DataError([Problem(name, str(error))])) from error
    except yaml.YAMLError as error:
        raise _syntax_error(error, name) from error
    finally:
        loader.dispose()
    doc = SourceDocument(file=name, data=data, max_problems=limits.max_problems)
    if root is not None:
        _walk(root, doc)
    return doc


def read_yaml(path: Path, limits: InputLimits = DEFAULT_LIMITS) -> SourceDocument:
    """Parse one YAML file (a regular file, within the limits)."""
    return parse_yaml(read_text(path, limits), str(path), limits)
