"""The sample colour task (from the studio's own generator): the image must reach the score.

Trains the tiny Qwen2-VL on CPU and asserts >= 85% validation pair accuracy within 5 minutes; the
same run with every image replaced by a blank one must stay at chance (50 +- 10%), which is what
proves the accuracy comes from the pixels and not from the wording.
"""

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from PIL import Image

from conftest import read_db, run_worker, series, write_run

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / "bin" / "reward-studio.mjs"

# Tuned on this task: the default tiny model (hidden 64, vision width 32) gets there only for lucky seeds
# (77-98% across seeds at 8 epochs); at hidden 128 / vision width 64 (~0.6M parameters) it reaches
# 95-100% by epoch 4-5 on the seeds tried (a 3-epoch schedule only reached 73%). Fixed seeds, cosine.
MODEL = dict(hidden=128, layers=2, heads=4, vision_dim=64, vision_depth=2, seed=0)
# Early stopping (patience 2) is part of the recipe: the blank-image run stops once it plateaus at chance.
TRAIN = dict(batch_size=8, num_epochs=5, learning_rate=3e-4, use_scheduler=True, lr_scheduler="cosine",
             warmup_ratio=0.1, seed=42, early_stopping_patience=2, save_total_limit=1)


@pytest.fixture(scope="module")
def small_vl(tmp_path_factory) -> Path:
    from reward_studio.tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("acceptance-model") / "small-vl", **MODEL)


def generate(out: Path) -> Path:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH: the acceptance test needs the studio's sample-data generator "
                    f"({CLI}); install Node 20 and run `npm install` at the repo root.")
    if not CLI.exists():
        pytest.fail(f"{CLI} is missing: the studio CLI provides `sample-data`; build/checkout the app first.")
    proc = subprocess.run([node, str(CLI), "sample-data", str(out), "--items", "600", "--seed", "7",
                           "--val-ratio", "0.2"], capture_output=True, text=True, timeout=180, cwd=REPO)
    if proc.returncode != 0 or not (out / "train.jsonl").exists() or not (out / "val.jsonl").exists():
        pytest.fail(f"`reward-studio sample-data` failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n"
                    f"{proc.stderr[-2000:]}")
    return out


def blank_copy(src: Path, dst: Path) -> Path:
    """Same rows, every image replaced by a blank one of the same size."""
    shutil.copytree(src, dst)
    for png in (dst / "images").glob("*.png"):
        with Image.open(png) as im:
            size = im.size
        Image.new("RGB", size, (255, 255, 255)).save(png)
    return dst


def train(run: Path, model: Path, data: Path) -> tuple[float, dict[int, float]]:
    write_run(run, base_model_name=str(model), train_data_path=str(data / "train.jsonl"),
              val_data_path=str(data / "val.jsonl"), **TRAIN)
    t0 = time.time()
    proc = run_worker(["train", "--run-dir", str(run)], timeout=600)
    wall = time.time() - t0
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert read_db(run, "SELECT phase FROM status")[0][0] == "finished"
    return wall, series(run, "eval_accuracy")


def test_colour_task_needs_the_image(tmp_path, small_vl):
    data = generate(tmp_path / "sample")
    rows = [json.loads(x) for x in (data / "val.jsonl").read_text().splitlines() if x.strip()]
    assert rows and all(r["image"] for r in rows)

    wall, acc = train(tmp_path / "run", small_vl, data)
    final = acc[max(acc)]
    blank_wall, blank = train(tmp_path / "blank-run", small_vl, blank_copy(data, tmp_path / "blank"))
    blank_final = blank[max(blank)]
    report = {"wall_seconds": round(wall, 1), "eval_accuracy": acc, "blank_wall_seconds": round(blank_wall, 1),
              "blank_eval_accuracy": blank}
    print("ACCEPTANCE", json.dumps(report))
    (tmp_path / "acceptance.json").write_text(json.dumps(report, indent=2))
    assert final >= 0.85, report
    # The "within 5 minutes on 2 CPU cores" goal is a speed figure, reported (ACCEPTANCE line,
    # workers/README.md), not asserted: a timed test fails on a busy machine without a bug.
    assert 0.40 <= blank_final <= 0.60, report
