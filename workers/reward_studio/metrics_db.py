"""metrics.sqlite: the worker's live record of a run, read concurrently by the studio.

Only rank 0 ever opens it for writing. WAL mode lets the studio (better-sqlite3) read while we
write; every write is its own short transaction so readers see rows within milliseconds; a busy
timeout rides out the reader's brief checkpoint locks. The schema is a contract with the Node side:
do not change it without bumping PRAGMA user_version.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS scalars(id INTEGER PRIMARY KEY, step INTEGER NOT NULL, tag TEXT NOT NULL,
  value REAL NOT NULL, wall_time REAL NOT NULL);
CREATE INDEX IF NOT EXISTS scalars_tag_step ON scalars(tag, step);
CREATE TABLE IF NOT EXISTS events(id INTEGER PRIMARY KEY, ts REAL NOT NULL, kind TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS status(id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, phase TEXT NOT NULL,
  step INTEGER NOT NULL DEFAULT 0, total_steps INTEGER, epoch REAL, heartbeat REAL NOT NULL, message TEXT);
CREATE TABLE IF NOT EXISTS checkpoints(id INTEGER PRIMARY KEY, step INTEGER NOT NULL, path TEXT NOT NULL,
  created REAL NOT NULL, metrics_json TEXT NOT NULL, is_best INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0);
"""
PHASES = ("starting", "loading", "training", "evaluating", "saving", "finished", "stopped", "failed")
HEARTBEAT_SECONDS = 2.0


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue explicit short transactions ourselves.
    conn = sqlite3.connect(str(path), timeout=30.0, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


class MetricsDB:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = _connect(self.path)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._init_schema()

    def _init_schema(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"{self.path} has schema version {version}; this worker knows {SCHEMA_VERSION}")
        with self._tx() as c:
            c.executescript(SCHEMA) if version == 0 else None
        if version == 0:
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    class _Tx:
        def __init__(self, db: "MetricsDB") -> None:
            self.db = db

        def __enter__(self) -> sqlite3.Connection:
            self.db._lock.acquire()
            return self.db.conn

        def __exit__(self, *exc: Any) -> None:
            self.db._lock.release()

    def _tx(self) -> "MetricsDB._Tx":
        return MetricsDB._Tx(self)

    def _write(self, sql: str, rows: list[tuple] | tuple) -> None:
        with self._tx() as c:
            c.execute("BEGIN IMMEDIATE")
            try:
                if isinstance(rows, list):
                    c.executemany(sql, rows)
                else:
                    c.execute(sql, rows)
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise

    # ---- writers ----------------------------------------------------------------------------------
    def scalars(self, step: int, values: dict[str, float]) -> None:
        now = time.time()
        rows = [(int(step), tag, float(v), now) for tag, v in values.items() if v is not None]
        if rows:
            self._write("INSERT INTO scalars(step, tag, value, wall_time) VALUES (?, ?, ?, ?)", rows)

    def event(self, kind: str, payload: dict[str, Any]) -> None:
        self._write("INSERT INTO events(ts, kind, json) VALUES (?, ?, ?)",
                    (time.time(), kind, json.dumps(payload, default=str)))

    def status(self, phase: str, step: int | None = None, total_steps: int | None = None,
               epoch: float | None = None, message: str | None = None) -> None:
        assert phase in PHASES, phase
        now = time.time()
        with self._tx() as c:
            row = c.execute("SELECT step, total_steps, epoch FROM status WHERE id = 1").fetchone()
        old_step, old_total, old_epoch = row if row else (0, None, None)
        self._write(
            "INSERT INTO status(id, pid, phase, step, total_steps, epoch, heartbeat, message) "
            "VALUES (1, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET pid = excluded.pid, "
            "phase = excluded.phase, step = excluded.step, total_steps = excluded.total_steps, "
            "epoch = excluded.epoch, heartbeat = excluded.heartbeat, message = excluded.message",
            (os.getpid(), phase, int(step if step is not None else old_step),
             total_steps if total_steps is not None else old_total,
             epoch if epoch is not None else old_epoch, now, message),
        )

    def heartbeat(self) -> None:
        self._write("UPDATE status SET heartbeat = ? WHERE id = 1", (time.time(),))

    def add_checkpoint(self, step: int, path: str, metrics: dict[str, Any], is_best: bool = False) -> None:
        if is_best:
            self._write("UPDATE checkpoints SET is_best = 0 WHERE is_best = 1", ())
        self._write("INSERT INTO checkpoints(step, path, created, metrics_json, is_best) VALUES (?, ?, ?, ?, ?)",
                    (int(step), path, time.time(), json.dumps(metrics), int(is_best)))

    def mark_best(self, step: int) -> None:
        self._write("UPDATE checkpoints SET is_best = CASE WHEN step = ? AND deleted = 0 THEN 1 ELSE 0 END", (step,))

    def mark_deleted(self, path: str) -> None:
        self._write("UPDATE checkpoints SET deleted = 1 WHERE path = ?", (path,))

    def rewind(self, step: int) -> dict[str, int]:
        """Resume at `step`: drop the interrupted attempt's scalars after it and retire its later checkpoints.

        The series must read as one clean run; events are history and are kept (a 'resumed' event marks it).
        """
        with self._tx() as c:
            c.execute("BEGIN IMMEDIATE")
            n_scalars = c.execute("DELETE FROM scalars WHERE step > ?", (step,)).rowcount
            n_ckpt = c.execute("UPDATE checkpoints SET deleted = 1 WHERE step > ? AND deleted = 0", (step,)).rowcount
            c.execute("COMMIT")
        return {"scalars_removed": n_scalars, "checkpoints_retired": n_ckpt}

    # ---- heartbeat thread -----------------------------------------------------------------------
    def start_heartbeat(self) -> None:
        def beat() -> None:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                try:
                    self.heartbeat()
                except sqlite3.Error:
                    pass  # a missed beat is harmless; the next one retries

        self._thread = threading.Thread(target=beat, name="metrics-heartbeat", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        with self._tx() as c:
            c.close()


class NullDB:
    """What non-zero ranks get: same interface, writes nothing (they must never open the file)."""

    def __getattr__(self, name: str) -> Any:
        return lambda *a, **k: None
