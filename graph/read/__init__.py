"""The read side: indexes built once from a store's records, the snapshot of them at one revision (`read_model`),
the snapshot cache on disk, and the questions answered from a snapshot (catalog queries, crosswalks, coverage,
obligations, exports), gathered in `answers.Answers`.

A request reads the store's revision once and answers from that snapshot: consistent within the answer, and no
store round trip per object. Nothing here writes to a store.
"""
