"""The write side: every change to a store (inventory and evidence writes, mapping reviews, API keys, file loads)
with its audit entry, through one unit of work (`unit_of_work`): a conditional commit at the revision the change
was read at, which then patches the read model and the audit index. `ingest` turns validated files into
records; it never writes on its own.
"""
