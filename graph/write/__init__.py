"""The write side: every change to a store (inventory and evidence writes, mapping reviews, API keys, file loads)
with its audit entry, through the `writer.Writer` that holds the write lock and patches the read model after a
commit. `ingest` turns validated files into records; it never writes on its own.
"""
