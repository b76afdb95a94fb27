"""The service layer: every question and command of the product, answered once.

The GraphQL API, the CLI and the reports all call `Service`; none of them holds logic of its own. It talks
to a `Store` only through the protocol and raises only `graph.errors` exceptions. Its parts live by concern:
catalog questions and the indexes in `service_base`, crosswalks and coverage in `crosswalk_service`,
loading and validation in `loading`.
"""

from __future__ import annotations

from graph.crosswalk_service import MAX_DEPTH, CrosswalkService
from graph.loading import LoadingService
from graph.service_base import ProgressCallback, no_progress

__all__ = ["MAX_DEPTH", "ProgressCallback", "Service", "no_progress"]


class Service(CrosswalkService, LoadingService):
    """The one object every interface calls."""
