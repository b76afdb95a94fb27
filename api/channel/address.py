"""Where a store's write channel listens, and the socket operations that must be done carefully.

Why the /proc/self/fd detour: a Unix socket's path is limited to about 107 bytes, and a store may live in a
deeper directory (pytest's temporary ones do). Opening the directory and naming the socket through
`/proc/self/fd/N/` reaches the same file by a short path, on Linux.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
from collections.abc import Iterator
from pathlib import Path

SOCKET_NAME = "aimsgraph-writer.sock"
_MAX_PATH = 100  # sun_path holds 108 bytes with its terminating zero; keep a margin


def socket_path(store: Path) -> Path:
    """The channel's socket in the store directory."""
    return store / SOCKET_NAME


@contextlib.contextmanager
def _short(path: Path) -> Iterator[str]:
    """`path` as a string short enough for a Unix socket address (through the directory's descriptor)."""
    if len(os.fsencode(path)) <= _MAX_PATH:
        yield str(path)
        return
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        yield f"/proc/self/fd/{folder}/{path.name}"
    finally:
        os.close(folder)


def listen(store: Path) -> socket.socket:
    """A listening socket at the store's channel address that only this user can connect to.

    The caller holds the store's write lock, so a socket file already there is a dead server's: removed.
    The mode is set before `listen`, so no connection is ever accepted on a socket others could reach.
    """
    path = socket_path(store)
    path.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        with _short(path) as address:
            server.bind(address)
        path.chmod(0o600)
        server.listen(16)
    except OSError:
        server.close()
        path.unlink(missing_ok=True)
        raise
    return server


def connect(store: Path, timeout: float) -> socket.socket | None:
    """A connection to the server listening at the store's channel, or None when none listens there.

    A socket file left by a killed server refuses the connection at once (ECONNREFUSED): None, never a hang.
    """
    path = socket_path(store)
    if not path.exists():
        return None
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(timeout)
    try:
        with _short(path) as address:
            client.connect(address)
    except (ConnectionRefusedError, FileNotFoundError):
        client.close()
        return None
    except OSError:
        client.close()
        raise
    return client


def remove_stale(store: Path) -> None:
    """Remove a dead server's socket file. Only for a caller that holds the store's write lock: then no
    server can be listening on it."""
    socket_path(store).unlink(missing_ok=True)


def peer_uid(connection: socket.socket) -> int:
    """The uid of the process at the other end, as the kernel reports it (SO_PEERCRED: pid, uid, gid)."""
    raw = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", raw)
    return int(uid)
