"""The local write channel: one writer per embedded store, and every other process's change goes through it.

The embedded store admits one writing process (RocksDB's lock). While `aimsgraph serve` holds it, a CLI
change (`load`, `keys create`, `keys revoke`) is sent to that server over a Unix socket in the store
directory and run there through the same service call, so it prints what it would print writing directly.
Only the store's owner can use the socket: it is created with mode 0600, and the server checks each peer's
uid (SO_PEERCRED) before reading a byte. Without a server, the CLI writes directly, as it always did.

One job per module: `address` (where the socket is and how it is opened safely), `wire` (the messages),
`server` (the listening side, in the serving process) and `client` (the CLI side).
"""
