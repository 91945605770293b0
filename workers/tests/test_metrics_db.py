"""metrics.sqlite: exact schema, WAL, and another process reading while the worker writes."""

import json
import os
import re
import sqlite3
import subprocess
import sys
import time

from conftest import read_db, write_run
from reward_studio.metrics_db import MetricsDB

EXPECTED = {
    "scalars": "CREATE TABLE scalars(id INTEGER PRIMARY KEY, step INTEGER NOT NULL, tag TEXT NOT NULL, "
               "value REAL NOT NULL, wall_time REAL NOT NULL)",
    "scalars_tag_step": "CREATE INDEX scalars_tag_step ON scalars(tag, step)",
    "events": "CREATE TABLE events(id INTEGER PRIMARY KEY, ts REAL NOT NULL, kind TEXT NOT NULL, json TEXT NOT NULL)",
    "status": "CREATE TABLE status(id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, phase TEXT NOT NULL, "
              "step INTEGER NOT NULL DEFAULT 0, total_steps INTEGER, epoch REAL, heartbeat REAL NOT NULL, "
              "message TEXT)",
    "checkpoints": "CREATE TABLE checkpoints(id INTEGER PRIMARY KEY, step INTEGER NOT NULL, path TEXT NOT NULL, "
                   "created REAL NOT NULL, metrics_json TEXT NOT NULL, is_best INTEGER NOT NULL DEFAULT 0, "
                   "deleted INTEGER NOT NULL DEFAULT 0)",
}


def norm(sql: str) -> str:
    sql = re.sub(r"\s+", " ", sql.replace("IF NOT EXISTS ", "")).strip()
    return re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", sql))


def test_schema_is_the_contract(tmp_path):
    db = MetricsDB(tmp_path / "metrics.sqlite")
    db.status("starting")
    db.close()
    conn = sqlite3.connect(tmp_path / "metrics.sqlite")
    got = {name: norm(sql) for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")}
    assert got == {k: norm(v) for k, v in EXPECTED.items()}
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


READER = r"""
import json, sqlite3, sys, time
path, seconds = sys.argv[1], float(sys.argv[2])
seen, beats, phases = [], set(), set()
end = time.time() + seconds
while time.time() < end:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        conn.execute("BEGIN")  # hold a read transaction while the writer commits
        n = conn.execute("SELECT COUNT(*) FROM scalars").fetchone()[0]
        row = conn.execute("SELECT phase, heartbeat FROM status").fetchone()
        time.sleep(0.2)
        conn.execute("COMMIT")
        conn.close()
    except sqlite3.OperationalError as exc:  # file not created yet
        if "no such table" in str(exc) or "unable to open" in str(exc):
            time.sleep(0.1); continue
        raise
    seen.append(n)
    if row:
        phases.add(row[0]); beats.add(row[1])
    if row and row[0] in ("finished", "failed"):
        break
print(json.dumps({"counts": seen, "beats": len(beats), "phases": sorted(phases)}))
"""


def test_reader_process_while_training(tmp_path, tiny_vl, colour_data):
    train, val = colour_data
    run = write_run(tmp_path / "run", base_model_name=str(tiny_vl), train_data_path=str(train),
                    val_data_path=str(val), batch_size=4, num_epochs=1, learning_rate=1e-3, eval_steps=4)
    env = {**os.environ, "REWARD_STUDIO_STEP_DELAY": "0.5"}
    writer = subprocess.Popen([sys.executable, "-m", "reward_studio", "train", "--run-dir", str(run)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reader = subprocess.run([sys.executable, "-c", READER, str(run / "metrics.sqlite"), "120"],
                            capture_output=True, text=True, timeout=180)
    out, err = writer.communicate(timeout=180)
    assert writer.returncode == 0, err[-2000:]
    assert reader.returncode == 0, reader.stderr
    seen = json.loads(reader.stdout)
    assert "training" in seen["phases"]
    counts = seen["counts"]
    assert len(counts) > 5 and counts == sorted(counts) and len(set(counts)) > 3  # live, growing
    assert seen["beats"] > 3  # heartbeat moved while the reader watched
    final = read_db(run, "SELECT COUNT(*) FROM scalars")[0][0]
    assert final >= counts[-1]
    assert read_db(run, "SELECT phase, step, total_steps FROM status")[0] == ("finished", 12, 12)
    kinds = [k for (k,) in read_db(run, "SELECT kind FROM events ORDER BY id")]
    assert kinds[0] == "data_report" and "started" in kinds and kinds[-1] == "finished"
    tags = {t for (t,) in read_db(run, "SELECT DISTINCT tag FROM scalars")}
    assert {"loss", "accuracy", "margin", "mean_reward", "reward_std", "grad_norm", "learning_rate",
            "samples_per_second", "tokens_per_second", "epoch", "eval_loss", "eval_accuracy",
            "eval_margin"} <= tags
    started = json.loads(read_db(run, "SELECT json FROM events WHERE kind = 'started'")[0][0])
    assert started["world_size"] == 1 and started["device"] == "cpu" and started["shared_prefix"] is True
    assert (run / "worker.log").read_text().count("training 48 items") == 1
