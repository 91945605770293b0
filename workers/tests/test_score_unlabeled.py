"""`score` takes items without a human preference (score-only); `train` still refuses them.

The studio's evaluations score whole splits (unlabeled items too) and the "unjudged" scope for the
model-in-the-loop queue, so the scorer must not reject a row for lacking human_ranking.
"""

import json

import pytest

from conftest import make_colour_data, read_db, run_worker, write_run
from reward_studio.cli import main
from reward_studio.data import load_items
from reward_studio.errors import DataError


def _mixed_data(tmp_path):
    """Eight colour items: 0-1 no human_ranking key, 2 null ranking, 3 all tied, 4-7 labeled."""
    path = make_colour_data(tmp_path / "d", 8, seed=5, name="mixed")
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    for row in rows[:2]:
        del row["human_ranking"]
    rows[2]["human_ranking"] = None
    rows[3]["human_ranking"] = [0] * len(rows[3]["response"])
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path, rows


def test_score_accepts_unlabeled_items(tmp_path, tiny_vl):
    data, src = _mixed_data(tmp_path)
    out = tmp_path / "results.jsonl"
    proc = run_worker(["score", "--model_path", str(tiny_vl), "--data_path", str(data), "--output_path", str(out),
                       "--exact-output", "--json-progress", "--batch_size", "3"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [s["id"] for s in src]
    for row, item in zip(rows, src):
        assert len(row["scores"]) == len(item["response"])
        assert all(isinstance(s, float) for s in row["scores"])
    # Score-only rows: no correctness, no margin; the human ranking as given (None or the ties).
    for row in rows[:3]:
        assert row["human_ranking"] is None and row["correct"] is None and row["margin"] is None
        assert row["pairs"] == 0
    assert rows[3]["human_ranking"] == src[3]["human_ranking"] and rows[3]["correct"] is None
    labeled = rows[4:]
    for row in labeled:
        assert isinstance(row["correct"], bool) and isinstance(row["margin"], float) and row["pairs"] > 0

    summary = json.loads(proc.stdout.splitlines()[-1])
    assert summary["type"] == "summary" and summary["items"] == 8 and summary["labeled_items"] == 4
    # Summaries count labeled items only.
    assert summary["accuracy"] == sum(r["correct"] for r in labeled) / 4
    assert abs(summary["mean_margin"] - sum(r["margin"] for r in labeled) / 4) < 1e-9
    assert summary["pairwise_accuracy"] == sum(r["pairs_correct"] for r in labeled) / sum(r["pairs"] for r in labeled)


def test_score_with_only_unlabeled_items(tmp_path, tiny_vl):
    data, src = _mixed_data(tmp_path)
    only = data.parent / "unlabeled.jsonl"
    only.write_text("".join(line + "\n" for line in data.read_text().splitlines()[:3]))
    out = tmp_path / "results.jsonl"
    proc = run_worker(["score", "--model_path", str(tiny_vl), "--data_path", str(only), "--output_path", str(out),
                       "--exact-output", "--json-progress"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = json.loads(proc.stdout.splitlines()[-1])
    assert summary["items"] == 3 and summary["labeled_items"] == 0
    assert summary["accuracy"] == 0 and summary["mean_margin"] == 0
    assert len(out.read_text().splitlines()) == 3


def test_train_still_rejects_unlabeled_and_tied_items(tmp_path, tiny_vl):
    data, _ = _mixed_data(tmp_path)
    run = write_run(tmp_path / "run", base_model_name=str(tiny_vl), train_data_path=str(data))
    assert main(["train", "--run-dir", str(run)]) != 0
    kind, payload = read_db(run, "SELECT kind, json FROM events ORDER BY id DESC LIMIT 1")[0]
    assert kind == "error"
    message = json.loads(payload)["message"]
    assert f"{data}:1" in message and "not labeled" in message

    # An all-tied item alone is refused for training too (nothing to learn from), scored when asked.
    tied = data.parent / "tied.jsonl"
    tied.write_text(data.read_text().splitlines()[3] + "\n")
    with pytest.raises(DataError, match="all responses are tied"):
        load_items(tied)
    responses = json.loads(tied.read_text())["response"]
    assert load_items(tied, require_preference=False)[0].ranking == [0] * len(responses)
