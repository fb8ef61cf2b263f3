"""SQLite's WAL copied back into the database file on a thread of its own.

In WAL mode a commit appends pages to the log, and by default the commit that takes the log
past 1,000 pages also checkpoints it: copies the pages into the database file and syncs both
files, a few milliseconds on a fast disk and far more on a busy one, while the committing unit
of work still holds this process's turn to write: every update behind it waited. Here a thread
with its own connection runs a PASSIVE checkpoint (it waits for no reader or writer) every
`interval_s`; the bot's own connections checkpoint only past `BACKSTOP_PAGES`, should the thread
fall behind.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger(__name__)

INTERVAL_S = 0.5
# The log's size (4 KiB pages) at which a commit checkpoints it itself, as SQLite's default
# of 1,000 would: only reached if the thread cannot keep up (about 40 MB).
BACKSTOP_PAGES = 10_000


class Checkpointer:
    """A thread checkpointing one database file's WAL, from `start()` until `stop()`."""

    def __init__(self, path: str, interval_s: float | None = None) -> None:
        self.path = path
        self.interval_s = INTERVAL_S if interval_s is None else interval_s
        self.runs = 0  # checkpoints run, for tests and curiosity
        self.failing = False
        self._running: tuple[threading.Thread, threading.Event] | None = None
        self._guard = threading.Lock()

    def start(self) -> None:
        """Start the thread if it is not running (called on each new connection)."""
        with self._guard:
            if self._running is not None:
                return
            stopping = threading.Event()
            thread = threading.Thread(target=self._run, args=(stopping,),
                                      name=f"sqlite-checkpoint {self.path}", daemon=True)
            self._running = (thread, stopping)
            thread.start()

    def stop(self) -> None:
        """Stop the thread after its current checkpoint (a later `start()` starts a new one).
        What is left in the log is checkpointed by the last connection to close the file, as
        SQLite always does."""
        with self._guard:
            running, self._running = self._running, None
        if running is not None:
            thread, stopping = running
            stopping.set()
            thread.join()

    def _run(self, stopping: threading.Event) -> None:
        try:
            conn = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        except sqlite3.Error:
            log.exception("the WAL checkpoint thread could not open %s", self.path)
            return
        try:
            while not stopping.wait(self.interval_s):
                self._checkpoint(conn)
        finally:
            conn.close()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as error:  # e.g. the file was removed: the commits' backstop holds
            # said once per run of failures, not twice a second
            (log.debug if self.failing else log.warning)(
                "WAL checkpoint of %s failed: %s", self.path, error)
            self.failing = True
            return
        self.runs += 1
        self.failing = False
