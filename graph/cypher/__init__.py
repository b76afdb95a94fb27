"""The Neo4j side for analysts: the sync of a store's content (and the derived obligations) into a Neo4j
database, and the library of read-only Cypher reports (`library/*.cypher`) with their checker."""
