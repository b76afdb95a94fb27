"""Print the README's example GraphQL operations as JSON, for GraphiQL's preloaded tabs.

    python scripts/readme_examples.py > api/explorer/static/examples.json

Taken from the README's ```graphql blocks (with the variables the text gives after "with `{…}`") and the
queries of its ```text blocks (each followed by its answer). tests/unit/test_readme_examples.py fails when the
committed file and the README drift apart.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```\n?", re.MULTILINE | re.DOTALL)
_HEADING = re.compile(r"^#+ (.+)$", re.MULTILINE)
_VARIABLES = re.compile(r"\s*with `(\{.*?\})`", re.DOTALL)
_OPERATION = re.compile(r"^(query|mutation|\{)(?!\")")


def _title(text: str, at: int, query: str) -> str:
    headings = _HEADING.findall(text, 0, at)
    name = re.match(r"\s*(?:query|mutation)\s+(\w+)", query)
    section = headings[-1] if headings else "README"
    return f"{section}: {name.group(1)}" if name else section


def _named(query: str) -> str:
    """An anonymous operation gets a name from its first field, so GraphiQL's tab says what it is."""
    anonymous = re.match(r"(query|mutation)?\s*\{\s*(\w+)", query)
    if not anonymous or re.match(r"\s*(query|mutation)\s+\w", query):
        return query
    kind, field = anonymous.group(1) or "query", anonymous.group(2)
    body = query[query.index("{") :]
    return f"{kind} {field[0].upper()}{field[1:]} {body}"


def examples(text: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for block in _BLOCK.finditer(text):
        language, body = block.group(1), block.group(2)
        if language == "graphql":
            entry: dict[str, object] = {"title": _title(text, block.start(), body), "query": _named(body.strip())}
            variables = _VARIABLES.match(text, block.end())
            if variables:
                entry["variables"] = json.loads(variables.group(1).replace("\n", " "))
            found.append(entry)
        elif language == "text":
            for chunk in body.split("\n\n"):
                lines = [line for line in chunk.splitlines() if not line.startswith('{"')]
                query = re.sub(r"\s+#.*$", "", "\n".join(lines), flags=re.MULTILINE).strip()
                if query and _OPERATION.match(query):
                    found.append({"title": _title(text, block.start(), query), "query": _named(query)})
    return found


def main() -> None:
    json.dump(examples(README.read_text(encoding="utf-8")), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
