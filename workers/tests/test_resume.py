"""SIGTERM at step k, then resume: the series after k equals an uninterrupted run's."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import read_db, run_worker, series, write_run
from reward_studio.cli import main

TAGS = ["loss", "accuracy", "margin", "mean_reward", "reward_std", "grad_norm", "learning_rate"]


def config(tiny_vl, colour_data):
    train, val = colour_data
    # LoRA with dropout: resuming must restore the RNG too, or the dropout masks differ.
    return dict(base_model_name=str(tiny_vl), train_data_path=str(train), val_data_path=str(val),
                batch_size=4, gradient_accumulation_steps=2, num_epochs=3, learning_rate=2e-3,
                use_lora=True, lora_r=4, lora_alpha=8, lora_dropout=0.2, use_scheduler=True,
                lr_scheduler="cosine", warmup_ratio=0.2, eval_steps=5, save_steps=0, save_total_limit=2,
                early_stopping_patience=0, seed=11)


def test_sigterm_then_resume_matches_uninterrupted(tmp_path, tiny_vl, colour_data):
    cfg = config(tiny_vl, colour_data)
    ref = write_run(tmp_path / "ref", **cfg)
    proc = run_worker(["train", "--run-dir", str(ref)])
    assert proc.returncode == 0, proc.stderr[-2000:]
    total = read_db(ref, "SELECT step, total_steps FROM status")[0]
    assert total[0] == total[1] == 18  # 48 items / 4 = 12 batches, /2 accumulation = 6 steps x 3 epochs

    run = write_run(tmp_path / "run", **cfg)
    env = {**os.environ, "REWARD_STUDIO_STEP_DELAY": "0.3"}
    child = subprocess.Popen([sys.executable, "-m", "reward_studio", "train", "--run-dir", str(run)],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 240
    while time.time() < deadline:
        try:
            rows = read_db(run, "SELECT step FROM status") if (run / "metrics.sqlite").exists() else []
        except sqlite3.OperationalError:  # created but the schema is not committed yet
            rows = []
        if rows and rows[0][0] >= 7:
            break
        assert child.poll() is None, child.communicate()[1][-2000:]
        time.sleep(0.05)
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err[-2000:]
    phase, k = read_db(run, "SELECT phase, step FROM status")[0]
    assert phase == "stopped" and 7 <= k < 18
    kinds = [r[0] for r in read_db(run, "SELECT kind FROM events ORDER BY id")]
    assert kinds[-1] == "stopped" and "checkpoint" in kinds
    assert (run / "checkpoints" / f"step-{k}" / "optimizer.pt").exists()
    state = json.loads((run / "checkpoints" / f"step-{k}" / "trainer_state.json").read_text())
    assert state["global_step"] == k and {"epoch", "batch_in_epoch", "sampler_seed"} <= set(state)

    # leave a stale row behind, as a crash between the checkpoint and more logging would
    with sqlite3.connect(run / "metrics.sqlite") as c:
        c.execute("INSERT INTO scalars(step, tag, value, wall_time) VALUES (?, 'loss', 123.0, 0)", (k + 1,))
    proc = run_worker(["train", "--run-dir", str(run), "--resume_from_checkpoint", str(run)])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert read_db(run, "SELECT phase, step FROM status")[0] == ("finished", 18)
    assert "resumed" in [r[0] for r in read_db(run, "SELECT kind FROM events")]
    dupes = read_db(run, "SELECT tag, step, COUNT(*) FROM scalars GROUP BY tag, step HAVING COUNT(*) > 1")
    assert dupes == []
    for tag in TAGS + ["eval_loss", "eval_accuracy"]:
        a, b = series(ref, tag), series(run, tag)
        assert sorted(a) == sorted(b), tag
        for step in a:
            assert b[step] == pytest.approx(a[step], rel=1e-4, abs=1e-5), (tag, step, k)
    after = [s for s in series(ref, "loss") if s > k]
    assert after, "the run must have continued after the stop"


def test_load_weights_only_starts_fresh(tmp_path, tiny_vl, colour_data):
    cfg = {**config(tiny_vl, colour_data), "num_epochs": 1, "eval_steps": 0}
    first = write_run(tmp_path / "first", **cfg)
    assert main(["train", "--run-dir", str(first)]) == 0
    second = write_run(tmp_path / "second", **cfg)
    # seed 000 passes a checkpoint file; its folder is used
    assert main(["train", "--run-dir", str(second), "--resume_from_checkpoint",
                 str(first / "checkpoints" / "step-6" / "adapter_model.safetensors"), "--load_weights_only"]) == 0
    logs = [json.loads(j)["message"] for k, j in read_db(second, "SELECT kind, json FROM events") if k == "log"]
    assert any("loaded weights from" in m for m in logs)
    steps = sorted(series(second, "loss"))
    assert steps[0] == 1 and steps[-1] == 6  # fresh step counter and schedule
    # trained weights were loaded: the first loss is far below the untrained run's first loss
    assert series(second, "loss")[1] < series(first, "loss")[1]
