"""The service's own exceptions. Entry points (CLI, GraphQL) translate them; nothing below them prints."""

from __future__ import annotations

from dataclasses import dataclass


class AimsgraphError(Exception):
    """Base class: a problem the user can act on, with a message that says what and where.

    `code` is the kind of problem in a word that clients can branch on (GraphQL's `extensions.code`).
    """

    code = "ERROR"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where (file, line, path inside the document) and why."""

    file: str
    message: str
    line: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        inside = f" [{self.path}]" if self.path else ""
        return f"{where}{inside}: {self.message}"


class DataError(AimsgraphError):
    """Input data was rejected as a whole; `problems` lists every reason found."""

    code = "BAD_INPUT"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        head = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  … and {count - 50} more" if count > 50 else ""
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the input; nothing was loaded:\n{head}{more}")


class NotFoundError(AimsgraphError):
    """An id or ref that names nothing in the graph."""

    code = "NOT_FOUND"

    def __init__(self, what: str, key: str, hint: str = "") -> None:
        self.what = what
        self.key = key
        super().__init__(f"unknown {what} {key!r}" + (f"; {hint}" if hint else ""))


class IntegrityError(AimsgraphError):
    """The store's content breaks a promise it makes (its shapes, its references); nothing was exported."""

    code = "INTEGRITY"


class UsageError(AimsgraphError):
    """An option or argument the service cannot act on."""

    code = "BAD_INPUT"


class StoreBusyError(AimsgraphError):
    """The embedded store is held for writing by another process."""

    code = "STORE_BUSY"


class ReadOnlyStoreError(AimsgraphError):
    """A write was attempted on a store opened read-only."""

    code = "READ_ONLY"


class StoreUnavailableError(AimsgraphError):
    """A store server could not be reached, refused the credentials, or went away mid-operation.

    The message names the server by scheme, host and port only: never a password or a user:password URI.
    """

    code = "STORE_UNAVAILABLE"


class StoreQueryError(AimsgraphError):
    """A store server refused a statement (a report's Cypher it cannot run, a write it rejects)."""

    code = "STORE_QUERY"


class ConflictError(AimsgraphError):
    """A change that the graph's current content forbids (removing an asset that others still use)."""

    code = "CONFLICT"


class RevisionConflictError(ConflictError):
    """Another commit reached the store between the read a change was prepared from and its commit, so
    nothing was written: read again and retry (`retryable`). Optimistic concurrency: every commit names the
    revision it read (`graph.write.unit_of_work`), and the store refuses it if that is no longer current.
    """

    retryable = True

    def __init__(self, expected: int, found: int | None) -> None:
        self.expected = expected
        self.found = found
        now = f"it is at {found}" if found is not None else "it has moved on"
        super().__init__(
            f"the store changed while this change was prepared (it was read at revision {expected}; {now}); "
            "nothing was written: read again and retry"
        )


class UnauthenticatedError(AimsgraphError):
    """A request named an API key that does not exist or was revoked, or named none where one is required."""

    code = "UNAUTHENTICATED"


class ForbiddenError(AimsgraphError):
    """The caller's key does not carry the role the operation needs."""

    code = "FORBIDDEN"
