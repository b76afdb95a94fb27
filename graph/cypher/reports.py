"""The Cypher report library: bundled `.cypher` files with a header, typed parameters, and a read-only check.

A report file starts with `//` header lines:

    // Which ISO/IEC 42001 Annex A controls are not covered by an implemented ISO/IEC 27001 control?
    // param: min_strength int = 1  weakest mapping that counts as cover
    // param: as_of date = null       the day to judge validity on (null: today)
    // param: org string            the organisation (required: no default)

The first comment lines are the question; each `param:` line gives a name, a type (string, int, float, bool,
date) and an optional default. The rest is one Cypher statement.

Why the product checks read-only itself: ArcadeDB runs writes inside READ sessions, and a user may hand the
CLI their own report file, so the session's access mode cannot be what keeps reports from writing. The
statement is tokenised (strings, quoted names and comments are skipped, so they neither trigger nor hide a
write) and refused before it runs if it holds a write clause, a schema or admin command, a procedure call, or
a namespaced function other than the temporal ones.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from core.errors import NotFoundError, UsageError

PARAM_TYPES = ("string", "int", "float", "bool", "date")
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_HEADER_PARAM = re.compile(
    r'^param:\s*(?P<name>[a-z_][a-z0-9_]*)\s+(?P<type>\w+)(?:\s*=\s*(?P<default>"[^"]*"|\S+))?\s*(?P<doc>.*)$'
)

# Clauses and commands that change data or schema, or reach outside the database.
WRITE_KEYWORDS = frozenset(
    {
        "CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "FOREACH", "LOAD", "TRANSACTIONS",
        "PERIODIC", "GRANT", "DENY", "REVOKE", "ALTER", "RENAME", "START", "STOP", "TERMINATE", "USE",
        "IMPORT", "INSERT", "SHOW",
    }
)  # fmt: skip
# Namespaced functions a report may call: the temporal constructors and helpers, which only compute values.
READ_NAMESPACES = frozenset({"date", "datetime", "localdatetime", "time", "localtime", "duration", "point"})


class ReportRefused(UsageError):  # noqa: N818 - a refusal, not a failure of the product
    """A report that could write (or reach outside the graph) was refused before it ran."""


@dataclass(frozen=True, slots=True)
class ReportParam:
    name: str
    type: str
    default: Any  # None with `required` False: an optional parameter passed as null
    doc: str
    required: bool


@dataclass(frozen=True, slots=True)
class Report:
    name: str
    question: str  # the first sentence of the header: the question itself
    description: str  # the rest of the header: how the answer is worked out, what a row holds
    params: tuple[ReportParam, ...]
    cypher: str
    source: str  # "bundled" or the file it was read from


@dataclass(frozen=True, slots=True)
class ReportResult:
    report: str
    params: dict[str, Any]
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    seconds: float


@runtime_checkable
class Queryable(Protocol):
    """A store that runs Cypher (the Neo4j store)."""

    def query(self, statement: str, parameters: dict[str, Any] | None = None) -> list[dict[str, Any]]: ...


def run(store: object, report: Report, params: dict[str, Any]) -> ReportResult:
    """Run a checked report with bound parameters on a store that speaks Cypher."""
    if not isinstance(store, Queryable):
        raise UsageError("reports run on a Neo4j store: pass --uri bolt://… (or --store bolt://…)")
    check_read_only(report.cypher)  # again, right before running: nothing between parse and here may change it
    started = time.perf_counter()
    rows = store.query(report.cypher, params)
    columns = tuple(rows[0]) if rows else ()
    return ReportResult(report.name, params, columns, rows, time.perf_counter() - started)


# -- tokens ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "word", "punct", "string", "name" (backtick-quoted), "param", "number"
    text: str


def _closing(cypher: str, start: int) -> int:
    """Where the string or quoted name opened at `start` closes (backslash escapes in strings, a doubled
    backtick inside a quoted name)."""
    quote, j, n = cypher[start], start + 1, len(cypher)
    while j < n:
        if quote != "`" and cypher[j] == "\\":
            j += 2
        elif cypher[j] == quote:
            if quote == "`" and cypher.startswith("``", j):
                j += 2
                continue
            return j
        else:
            j += 1
    what = "`quoted name`" if quote == "`" else "string"
    raise ReportRefused(f"the report has an unterminated {what}")


_LINE_END = re.compile(r"[\n\r\x0b\x0c\x85\u2028\u2029]")
_HEX = re.compile(r"0[xX][0-9a-fA-F_]*|0[oO][0-7_]*")
_DECIMAL = re.compile(r"[0-9_]*(?:\.[0-9][0-9_]*)?(?:[eE][+-]?[0-9][0-9_]*)?")


def _number_end(cypher: str, start: int) -> int:
    """Where a numeric literal starting at `start` ends: digits, a fraction and an exponent, or a hex or octal
    literal. Nothing else is taken, so a keyword glued to a number is still seen as a word."""
    hexed = _HEX.match(cypher, start)
    if hexed is not None and hexed.end() > start + 2:
        return hexed.end()
    decimal = _DECIMAL.match(cypher, start)
    return decimal.end() if decimal is not None and decimal.end() > start else start + 1


def tokens(cypher: str) -> list[Token]:
    """Cypher's lexical tokens, without comments; strings and quoted names are single tokens.

    An unterminated string, quoted name or block comment is an error: a checker that guessed where it ends
    could be made to skip a write.
    """
    found: list[Token] = []
    i, n = 0, len(cypher)
    while i < n:
        ch = cypher[i]
        if ch.isspace():
            i += 1
        elif cypher.startswith("//", i):
            # ends at the first character any parser may take as a line break (`\r` alone, U+2028, …)
            match = _LINE_END.search(cypher, i)
            i = n if match is None else match.end()
        elif cypher.startswith("/*", i):
            end = cypher.find("*/", i + 2)
            if end < 0:
                raise ReportRefused("the report has an unterminated /* comment")
            i = end + 2
        elif ch in "'\"`":
            end = _closing(cypher, i)
            found.append(Token("name" if ch == "`" else "string", cypher[i + 1 : end]))
            i = end + 1
        elif ch == "$":
            j = i + 1
            while j < n and (cypher[j].isalnum() or cypher[j] == "_"):
                j += 1
            found.append(Token("param", cypher[i + 1 : j]))
            i = j
        elif ch.isalpha() or ch == "_":
            j = i + 1
            while j < n and (cypher[j].isalnum() or cypher[j] == "_"):
                j += 1
            found.append(Token("word", cypher[i:j]))
            i = j
        elif ch.isdigit():
            j = _number_end(cypher, i)
            found.append(Token("number", cypher[i:j]))
            i = j  # letters glued to the number (`1CREATE`) start a word of their own
        else:
            found.append(Token("punct", ch))
            i += 1
    return found


def check_read_only(cypher: str) -> None:
    """Refuse a statement that could write, change the schema, call a procedure or reach outside the graph.

    Words used as property keys (`n.set`), labels or types (`:Create`), map keys (`{merge: 1}`, inside an open
    brace only) and parameters are names, not clauses, and pass. A function name may be backticked
    (`` `apoc.create.uuid`() ``, `` `apoc`.create.uuid() ``): every name called is judged by its namespace,
    however it is quoted. Where Neo4j's parser might read the text differently, the check reads it the
    stricter way.
    """
    items = tokens(cypher)
    openers: list[str] = []  # the brackets open at each token, innermost last
    for index, token in enumerate(items):
        before = items[index - 1] if index else None
        after = items[index + 1] if index + 1 < len(items) else None
        if token.kind == "punct":
            if token.text in "({[":
                openers.append(token.text)
            elif token.text in ")}]" and openers:
                openers.pop()
            elif token.text == ";" and any(t.kind != "punct" or t.text != ";" for t in items[index + 1 :]):
                raise ReportRefused("a report is one statement; this one holds several")
            continue
        if token.kind in ("word", "name"):
            _check_call(items, index)
        if token.kind != "word":
            continue
        if before is not None and before.kind == "punct" and before.text in ".:":
            continue  # a property key, label or relationship type
        in_map = bool(openers) and openers[-1] == "{"
        map_key = in_map and before is not None and before.kind == "punct" and before.text in ("{", ",")
        if map_key and after is not None and after.kind == "punct" and after.text == ":":
            continue  # a map key
        word = token.text.upper()
        if word in WRITE_KEYWORDS:
            raise ReportRefused(
                f"the report contains {word}, which writes or changes the database; reports are read-only"
            )
        if word == "CALL" and after is not None and not (after.kind == "punct" and after.text in "{("):
            raise ReportRefused("the report calls a procedure; reports may use CALL { … } subqueries only")


def _check_call(items: list[Token], index: int) -> None:
    """Refuse a namespaced function call starting at `items[index]`, unless its namespace only computes
    values (the temporal ones). Words and backticked names count alike, and a backticked name holding dots
    (`` `apoc.create.uuid` ``) is a dotted name."""
    before = items[index - 1] if index else None
    if before is not None and before.kind == "punct" and before.text == ".":
        return  # the middle of a chain, judged from its start
    parts = [items[index].text]
    chain = index
    while (
        chain + 2 < len(items)
        and items[chain + 1].kind == "punct"
        and items[chain + 1].text == "."
        and items[chain + 2].kind in ("word", "name")
    ):
        chain += 2
        parts.append(items[chain].text)
    opens = chain + 1 < len(items) and items[chain + 1].kind == "punct" and items[chain + 1].text == "("
    if not opens:
        return
    name = ".".join(parts)
    if "." in name and name.split(".", 1)[0].strip().lower() not in READ_NAMESPACES:
        raise ReportRefused(f"the report calls {name}(); reports may call built-in functions only")


# -- files ------------------------------------------------------------------------------------------------
def parse(text: str, name: str, source: str) -> Report:
    """A report from its file's text; the header must state the question, and every `$param` used must be
    declared (and every declared one used)."""
    question: list[str] = []
    params: list[ReportParam] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("//"):
            if stripped:
                break
            continue
        body = stripped[2:].strip()
        match = _HEADER_PARAM.match(body)
        if match:
            kind = match["type"]
            if kind not in PARAM_TYPES:
                raise UsageError(f"report {name}: parameter {match['name']} has unknown type {kind!r}")
            raw = match["default"]
            required = raw is None
            default = None if raw is None or raw == "null" else convert(match["name"], kind, raw.strip("'\""))
            params.append(ReportParam(match["name"], kind, default, match["doc"].strip(), required))
        elif body and not params:
            question.append(body)
    if not question:
        raise UsageError(f"report {name} has no header comment saying what question it answers")
    check_read_only(text)
    used = {t.text for t in tokens(text) if t.kind == "param"}
    declared = {p.name for p in params}
    if used != declared:
        missing, unused = sorted(used - declared), sorted(declared - used)
        raise UsageError(f"report {name}: parameters used but not declared {missing}, declared but unused {unused}")
    header = " ".join(question)
    first, mark, rest = header.partition("? ")
    asked, described = (first + "?", rest) if mark else (header, "")
    return Report(name, asked, described.strip(), tuple(params), text, source)


def library() -> dict[str, Report]:
    """The bundled reports, by name (the file name without `.cypher`)."""
    folder = resources.files("graph.cypher") / "library"
    found: dict[str, Report] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".cypher"):
            name = entry.name.removesuffix(".cypher")
            found[name] = parse(entry.read_text(encoding="utf-8"), name, "bundled")
    return found


def find(name: str) -> Report:
    """A bundled report by name, or a report file by path (a name ending in `.cypher`)."""
    if name.endswith(".cypher"):
        path = Path(name)
        if not path.is_file():
            raise NotFoundError("report file", name)
        return parse(path.read_text(encoding="utf-8"), path.stem, str(path))
    reports = library()
    if name not in reports:
        raise NotFoundError("report", name, f"known: {', '.join(reports)}")
    return reports[name]


# -- parameters -------------------------------------------------------------------------------------------
def convert(name: str, kind: str, raw: str) -> Any:
    """One parameter's text as its declared type, or a one-line error saying what was expected."""
    try:
        if kind == "int":
            number = int(raw)
            if not INT64_MIN <= number <= INT64_MAX:  # what Bolt carries; the driver would fail with a traceback
                raise UsageError(f"parameter {name} must be an integer between {INT64_MIN} and {INT64_MAX}")
            return number
        if kind == "float":
            real = float(raw)
            if not math.isfinite(real):
                raise ValueError(raw)
            return real
        if kind == "bool":
            if raw.lower() not in ("true", "false"):
                raise ValueError(raw)
            return raw.lower() == "true"
        if kind == "date":
            return dt.date.fromisoformat(raw)
    except ValueError:
        raw = raw if len(raw) <= 40 else raw[:40] + "…"
        expected = {"int": "an integer", "float": "a number", "bool": "true or false", "date": "a date (YYYY-MM-DD)"}
        raise UsageError(f"parameter {name} must be {expected[kind]}, not {raw!r}") from None
    return raw


def bind(report: Report, given: dict[str, str]) -> dict[str, Any]:
    """The report's parameters: given ones converted to their types, defaults for the rest."""
    known = {p.name: p for p in report.params}
    unknown = sorted(set(given) - set(known))
    if unknown:
        names = ", ".join(known) or "none"
        raise UsageError(f"report {report.name} has no parameter {unknown[0]!r} (its parameters: {names})")
    bound: dict[str, Any] = {}
    for param in report.params:
        if param.name in given:
            bound[param.name] = convert(param.name, param.type, given[param.name])
        elif param.required:
            raise UsageError(f"report {report.name} needs --param {param.name}=<{param.type}>")
        else:
            bound[param.name] = param.default
    return bound


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    """`k=v` strings from the command line as a dict; a pair without `=` is an error."""
    given: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param takes name=value, not {pair!r}")
        given[key.strip()] = value
    return given
