"""Validating a read document against a pydantic model plus checks of its own, collecting every problem.

Every file format goes through here, so they all report problems the same way: file, line, path, reason,
and all of them at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from core.errors import DataError
from loaders.yaml_source import SourceDocument

M = TypeVar("M", bound=BaseModel)


def pydantic_problems(doc: SourceDocument, error: ValidationError) -> None:
    """The validation errors as problems with lines, at most the document's `max_problems` (and one line saying
    how many more): a file with a million bad values gets a readable answer, not a million problems."""
    room = max(doc.max_problems - len(doc.problems), 1)
    count = error.error_count()
    for item in error.errors(include_url=False, include_context=False)[:room]:
        message = item["msg"]
        if item["type"] in (
            "literal_error",
            "enum",
            "bool_parsing",
            "int_parsing",
            "date_parsing",
            "date_from_datetime_parsing",
        ):
            message += f" (got {item.get('input')!r})"
        if item["type"] == "string_type" and isinstance(item.get("input"), int | float):
            message += ' (quote refs and numbers-as-names in YAML, e.g. ref: "4.1")'
        doc.problems.append(doc.problem(tuple(item["loc"]), message))
    if count > room:
        doc.problems.append(doc.problem((), f"… and {count - room:,} more problems of the same kind, not listed"))


def validate_document(doc: SourceDocument, model: type[M], checks: Callable[[SourceDocument, M], None], what: str) -> M:
    """The document as `model`, after `checks` added their problems; DataError with all problems otherwise."""
    parsed: M | None = None
    if not isinstance(doc.data, dict):
        doc.problems.append(doc.problem((), f"a {what} is a YAML mapping at the top level"))
    else:
        try:
            parsed = model.model_validate(doc.data)
        except ValidationError as error:
            pydantic_problems(doc, error)
    if parsed is not None:
        checks(doc, parsed)
    if doc.problems or parsed is None:
        raise DataError(doc.problems)
    return parsed
