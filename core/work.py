"""The work model's rules, written once: how a work item's status may move, and when its next review falls.

Why here: the inventory's models (loaders), the write side (graph.write.work_writes) and the read side
(graph.read.work) all need them, and `core` is the layer every one of them may import.

Statuses move forward one step at a time (not started → in progress → implemented → verified); going back to
in progress from implemented or verified is allowed with a reason (an audit finding, a change in the system),
and nothing else is. A review cadence is a period (`monthly`, `quarterly`, `half-yearly`, `yearly`) or a number
of days (`90 days`); the next review is the last review plus the cadence, and unknown without a last review.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from core.vocabulary import WORK_STATUSES

FORWARD: dict[str, str] = {
    "not_started": "in_progress",
    "in_progress": "implemented",
    "implemented": "verified",
}
"""The one step forward from each status."""
BACK_WITH_REASON: frozenset[str] = frozenset({"implemented", "verified"})
"""Statuses from which work may go back to in progress, with a reason."""

MONTHS_PER_PERIOD: dict[str, int] = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}
_DAYS = re.compile(r"^\s*(\d{1,4})\s*(?:d|days?)\s*$")
MAX_CADENCE_DAYS = 3660


def allowed_next(status: str) -> tuple[str, ...]:
    """The statuses work may move to from `status` (going back needs a reason)."""
    found = [FORWARD[status]] if status in FORWARD else []
    if status in BACK_WITH_REASON:
        found.append("in_progress")
    return tuple(found)


def transition_problem(current: str, new: str, reason: str | None) -> str | None:
    """None when work may move from `current` to `new` (with `reason`); otherwise why not, with what may follow."""
    if new not in WORK_STATUSES:
        return f"unknown status {new!r}; choose one of {', '.join(WORK_STATUSES)}"
    if new == current:
        return f"the work is already {current}"
    going_back = new == "in_progress" and current in BACK_WITH_REASON
    if FORWARD.get(current) != new and not going_back:
        choices = ", ".join(
            f"{s} (with a reason)" if s == "in_progress" and current in BACK_WITH_REASON else s
            for s in allowed_next(current)
        )
        return f"cannot go from {current} to {new}; from {current} the work may go to {choices or 'nothing'}"
    if going_back and not (reason or "").strip():
        return f"going back from {current} to in_progress needs a reason"
    return None


def cadence_problem(cadence: str) -> str | None:
    """None when `cadence` is one the model knows; otherwise what it accepts."""
    if cadence in MONTHS_PER_PERIOD:
        return None
    days = _DAYS.match(cadence)
    if days and 1 <= int(days.group(1)) <= MAX_CADENCE_DAYS:
        return None
    return (
        f"unknown review cadence {cadence!r}; use {', '.join(MONTHS_PER_PERIOD)} "
        f"or a number of days (e.g. '90 days', 1 to {MAX_CADENCE_DAYS})"
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, kept inside the month (31 January + 1 month is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review(last_review: dt.date | None, cadence: str | None) -> dt.date | None:
    """The day of the next review: the last one plus the cadence; None when either is not known."""
    if last_review is None or not cadence or cadence_problem(cadence):
        return None
    try:
        if cadence in MONTHS_PER_PERIOD:
            return _add_months(last_review, MONTHS_PER_PERIOD[cadence])
        days = _DAYS.match(cadence)
        return last_review + dt.timedelta(days=int(days.group(1))) if days else None
    except (OverflowError, ValueError):  # past 9999-12-31: no review day can be named
        return None
