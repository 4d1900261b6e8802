"""A SQLite bulk load's WAL copied into the database file by a thread of its own.

A bulk load commits its batches without syncing them (synchronous OFF) and its connection
checkpoints nothing (see SQLiteBackend.bulk_start): the database file must only ever take
WAL frames that reached the disk. Left to the end, the copy of a 20,000-thread load's WAL
(~600 MB) took ~1.1-1.7 s when the import closed its connection. This thread does it while
the load goes on, on its own connection with synchronous NORMAL, so each checkpoint syncs
the WAL before it writes a page to the database file (and the file after): the same rule,
kept by SQLite. A PASSIVE checkpoint never waits for the writer nor blocks it; the sqlite3
module lets go of the GIL while SQLite works.
"""
import logging
import sqlite3
import threading

log = logging.getLogger(__name__)

# Seconds between checkpoints: a batch's commit writes ~40-60 MB of WAL every ~0.7 s.
INTERVAL = 0.3


class WalCheckpointer:
    """start() a thread that checkpoints the database at `path` every `interval` seconds
    until stop()."""

    def __init__(self, path: str, interval: float = INTERVAL):
        self.path, self.interval = path, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sodan-wal-checkpoints", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop after the checkpoint under way, if any (what is left, the closing
        connection copies)."""
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.Error:
            log.warning("bulk load: no background WAL checkpoints for %s", self.path, exc_info=True)
            return
        try:
            conn.execute("PRAGMA synchronous = NORMAL")  # sync the WAL before copying it
            while not self._stop.wait(self.interval):
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:  # the load goes on; its connection's close copies the rest
            log.warning("bulk load: background WAL checkpoints stopped for %s", self.path, exc_info=True)
        finally:
            conn.close()
