"""The tests' throwaway ArcadeDB servers come from the product's own launcher (`aimsgraph neo4j dev-server`)."""

from graph.cypher.dev_server import (
    DEFAULT_DATABASE,
    ArcadeDB,
    ArcadeDBUnavailableError,
    free_port,
    start_arcadedb,
)

__all__ = ["DEFAULT_DATABASE", "ArcadeDB", "ArcadeDBUnavailableError", "free_port", "start_arcadedb"]
