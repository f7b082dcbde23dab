"""Who holds the write lock: named in the message a writer gets when it gives up waiting.

SQLite in WAL mode takes its write lock as a POSIX lock on one byte of the ``-shm`` file;
``F_GETLK`` on that byte returns the process holding it, and ``/proc`` names its command.
PostgreSQL lists the sessions with a transaction open in ``pg_stat_activity``.
"""

from __future__ import annotations

import fcntl
import os
import struct
from pathlib import Path

from sqlalchemy import Connection, text

from ocop_cycle.localtime import show_instant

# sqlite3.c: WALINDEX_LOCK_OFFSET (120) + WAL_WRITE_LOCK (0).
_WAL_WRITE_LOCK_BYTE = 120
_FLOCK = "hhqqi"  # struct flock on Linux: l_type, l_whence, l_start, l_len, l_pid


def sqlite_writer(database: Path) -> str | None:
    """The process holding ``database``'s write lock, as "pid N (command)", if one does."""
    try:
        fd = os.open(f"{database}-shm", os.O_RDONLY)
    except OSError:
        return None
    try:
        probe = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, _WAL_WRITE_LOCK_BYTE, 1, 0)
        # A read-only descriptor may still ask; F_GETLK takes no lock.
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, probe)
    except OSError:
        return None
    finally:
        os.close(fd)
    lock_type, _whence, _start, _length, pid = struct.unpack(_FLOCK, answer)
    if lock_type == fcntl.F_UNLCK or pid <= 0:
        return None
    return f"pid {pid} ({_command_line(pid)})"


def _command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "command unknown"
    words = [part.decode(errors="replace") for part in raw.split(b"\0") if part]
    return " ".join(words) or "command unknown"


def postgres_open_transactions(connection: Connection) -> str | None:
    """The other sessions of this database with a transaction open, oldest first.

    Asked after our lock wait timed out, when we no longer wait; the holder is among them.
    """
    rows = connection.execute(
        text(
            "SELECT pid, application_name, state, xact_start FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND xact_start IS NOT NULL ORDER BY xact_start LIMIT 3"
        )
    ).all()
    if not rows:
        return None
    return ", ".join(
        f"pid {pid} ({application or 'no application name'}, {state} since "
        f"{show_instant(started)})"
        for pid, application, state, started in rows
    )
