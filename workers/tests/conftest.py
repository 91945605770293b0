"""Shared fixtures: one tiny Qwen2-VL and one tiny Qwen2 per session, small colour datasets made with PIL."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

COLOURS = {"red": (220, 38, 38), "green": (22, 163, 74), "blue": (37, 99, 235), "yellow": (234, 179, 8)}


@pytest.fixture(scope="session")
def tiny_vl(tmp_path_factory) -> Path:
    from reward_studio.tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("models") / "tiny-vl", seed=0)


@pytest.fixture(scope="session")
def tiny_text(tmp_path_factory) -> Path:
    from reward_studio.tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("models") / "tiny-text", seed=0, text_only=True)


def make_colour_data(root: Path, n: int, seed: int = 0, name: str = "train", multi: bool = True) -> Path:
    """Seed-format JSONL with a coloured square on grey; one right and one or more wrong colour answers."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    (root / "images").mkdir(parents=True, exist_ok=True)
    names = list(COLOURS)
    lines = []
    for i in range(n):
        colour = names[i % len(names)]
        img = Image.new("RGB", (56, 56), (128, 128, 128))
        ImageDraw.Draw(img).rectangle([8, 8, 48, 48], fill=COLOURS[colour])
        rel = f"images/{name}-{i}.png"
        img.save(root / rel)
        k = 3 if multi and i % 5 == 0 else 2
        wrong = rng.sample([c for c in names if c != colour], k - 1)
        responses = [f"The square is {colour}."] + [f"The square is {w}." for w in wrong]
        ranking = [0] + [1] * (k - 1)
        order = list(range(k))
        rng.shuffle(order)
        lines.append({"id": f"{name}-{i}", "query": "What colour is the square?", "image": rel,
                      "response": [responses[j] for j in order], "human_ranking": [ranking[j] for j in order]})
    path = root / f"{name}.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    return path


def make_text_data(root: Path, n: int, name: str = "train") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(n):
        good, bad = ("yes it is", "no") if i % 2 else ("please describe it", "bad")
        lines.append({"id": f"t{i}", "query": f"question {i % 7}", "response": [good, bad] if i % 3 else [bad, good],
                      "human_ranking": [0, 1] if i % 3 else [1, 0]})
    path = root / f"{name}.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    return path


@pytest.fixture(scope="session")
def colour_data(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("colour")
    return make_colour_data(root, 48, seed=1, name="train"), make_colour_data(root, 16, seed=2, name="val")


def write_run(run_dir: Path, **config) -> Path:
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "config.json").write_text(json.dumps(config, indent=2))
    return run_dir


def run_worker(args: list[str], timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    """The real CLI in a child process (what the studio spawns)."""
    return subprocess.run([sys.executable, "-m", "reward_studio", *args], capture_output=True, text=True,
                          timeout=timeout, **kw)


def read_db(run_dir: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(run_dir / "metrics.sqlite")
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def series(run_dir: Path, tag: str) -> dict[int, float]:
    return dict(read_db(run_dir, "SELECT step, value FROM scalars WHERE tag = ? ORDER BY step", (tag,)))
