"""The `Store` protocol (`protocol`) and its implementations: the embedded Oxigraph store and the Neo4j store.

Stores are looked up by name and imported lazily (`protocol.open_store`), so the Neo4j driver is loaded only when
a Neo4j store is opened.
"""
