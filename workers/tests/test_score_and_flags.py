"""Seed-style flag runs, the score CLI's output contract, text-only models, Parquet, truncation reports."""

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import make_text_data, read_db, run_worker, series, write_run
from reward_studio.cli import main


@pytest.fixture(scope="module")
def flag_run(tmp_path_factory, tiny_vl, colour_data):
    """Started from seed 000's flags (no --run-dir): a new timestamped run dir with its own data copy."""
    train, val = colour_data
    out = tmp_path_factory.mktemp("flags")
    proc = run_worker(["train", "--base_model_name", str(tiny_vl), "--train_data_path", str(train),
                       "--val_data_path", str(val), "--batch_size", "8", "--learning_rate", "1e-3",
                       "--num_epochs", "2", "--experiment_name", "colour", "--use_margin_loss", "--margin", "0.3",
                       "--use_scheduler", "--warmup_ratio", "0.1", "--weight_decay", "0.01", "--max_grad_norm",
                       "1.0", "--num_workers", "0", "--seed", "3", "--score_min", "-2", "--score_max", "2",
                       "--use_wandb", "--log_samples", "--output_dir", str(out / "checkpoints")], cwd=out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    runs = list((out / "checkpoints").iterdir())
    assert len(runs) == 1 and runs[0].name.startswith("colour_")
    return runs[0]


def test_flag_run_layout(flag_run):
    cfg = json.loads((flag_run / "config.json").read_text())
    assert cfg["use_margin_loss"] is True and cfg["margin"] == 0.3 and cfg["score_min"] == -2.0
    assert cfg["train_data_path"] == "data/train.jsonl" and (flag_run / "data" / "val.jsonl").exists()
    first = json.loads((flag_run / "data" / "train.jsonl").read_text().splitlines()[0])
    assert Path(first["image"]).is_absolute() and Path(first["image"]).exists()
    kinds = [k for (k,) in read_db(flag_run, "SELECT kind FROM events")]
    assert "samples" in kinds  # --log_samples
    warn = [json.loads(j) for (k, j) in read_db(flag_run, "SELECT kind, json FROM events") if k == "log"]
    assert any("wandb" in w["message"] for w in warn)  # not installed here: a warning, not a crash
    assert (flag_run / "best" / "reward_config.json").exists()
    rewards = series(flag_run, "mean_reward")
    assert all(-2.0 <= v <= 2.0 for v in rewards.values())


def test_score_cli_output(flag_run, colour_data, tmp_path):
    val = colour_data[1]
    out = tmp_path / "res.jsonl"
    proc = run_worker(["score", "--model_path", str(flag_run / "best"), "--data_path", str(val),
                       "--output_path", str(out), "--json-progress", "--batch_size", "5"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert lines[0]["type"] == "start" and lines[-1]["type"] == "summary"
    # a file path gets the model's name and the time (seed 000: results never overwrite each other)
    out = Path(lines[-1]["output_path"])
    assert out.parent == tmp_path and out.name.startswith(f"res_{flag_run.name}_best_") and out.suffix == ".jsonl"
    progress = [x for x in lines if x["type"] == "progress"]
    assert [p["done"] for p in progress] == [5, 10, 15, 16] and progress[-1]["total"] == 16
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    src = [json.loads(x) for x in val.read_text().splitlines()]
    assert [r["id"] for r in rows] == [s["id"] for s in src]
    for r, s in zip(rows, src):
        assert len(r["scores"]) == len(s["response"]) and r["human_ranking"] == s["human_ranking"]
        top = max(range(len(r["scores"])), key=lambda i: r["scores"][i])
        assert r["correct"] == (s["human_ranking"][top] == 0)
        assert r["predicted_ranking"][top] == 0 and sorted(r["predicted_ranking"]) == list(range(len(r["scores"])))
    summary = json.loads(out.with_suffix(".summary.json").read_text())
    assert summary["accuracy"] == pytest.approx(sum(r["correct"] for r in rows) / len(rows))
    assert summary["mean_margin"] == pytest.approx(sum(r["margin"] for r in rows) / len(rows))
    assert lines[-1]["accuracy"] == summary["accuracy"]
    # scores agree with what training measured on the same split at the best step
    best_step = json.loads((flag_run / "best" / "trainer_state.json").read_text())["global_step"]
    assert summary["pairwise_accuracy"] == pytest.approx(series(flag_run, "eval_accuracy")[best_step])


def test_score_default_name_from_run_dir(flag_run, colour_data, tmp_path):
    proc = run_worker(["score", "--model_path", str(flag_run), "--data_path", str(colour_data[1])], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    files = list((tmp_path / "results").glob("reward_results_*_best_*.jsonl"))
    assert len(files) == 1, list((tmp_path / "results").iterdir())
    assert json.loads(proc.stdout.strip().splitlines()[-1])["items"] == 16


def test_text_only_model_and_parquet(tmp_path, tiny_text):
    train = make_text_data(tmp_path / "d", 24, name="train")
    rows = [json.loads(x) for x in train.read_text().splitlines()]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "d" / "val.parquet")
    run = write_run(tmp_path / "run", base_model_name=str(tiny_text), train_data_path=str(train),
                    val_data_path=str(tmp_path / "d" / "val.parquet"), batch_size=6, num_epochs=2,
                    learning_rate=1e-3, score_head="linear", ranking_loss="plackett_luce", use_lora=True,
                    lora_r=2)
    assert main(["train", "--run-dir", str(run)]) == 0
    assert read_db(run, "SELECT phase FROM status")[0][0] == "finished"
    assert set(series(run, "eval_accuracy")) == {4, 8}


def test_parquet_image_bytes(tmp_path, tiny_vl, colour_data):
    train = colour_data[0]
    rows = [json.loads(x) for x in train.read_text().splitlines()][:8]
    for r in rows:  # HF datasets' Image feature layout
        r["image"] = {"bytes": (train.parent / r["image"]).read_bytes(), "path": r["image"]}
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "t.parquet")
    run = write_run(tmp_path / "run", base_model_name=str(tiny_vl), train_data_path=str(tmp_path / "t.parquet"),
                    batch_size=4, num_epochs=1)
    assert main(["train", "--run-dir", str(run)]) == 0
    assert read_db(run, "SELECT phase, step FROM status")[0] == ("finished", 2)
    assert (run / "best" / "score_head.safetensors").exists()  # no validation: best = final


@pytest.mark.parametrize("mode", ["truncate", "drop"])
def test_over_length_pairs_are_reported(tmp_path, tiny_vl, colour_data, mode):
    train = colour_data[0]
    lines = train.read_text().splitlines()
    long_row = json.loads(lines[0])
    long_row["image"] = str(train.parent / long_row["image"])
    long_row["response"][0] = long_row["response"][0] + " very" * 40
    data = tmp_path / "t.jsonl"
    data.write_text("\n".join([json.dumps(long_row)] + [json.dumps({**json.loads(x), "image": str(
        train.parent / json.loads(x)["image"])}) for x in lines[1:8]]) + "\n")
    run = write_run(tmp_path / "run", base_model_name=str(tiny_vl), train_data_path=str(data), batch_size=4,
                    num_epochs=1, max_length=40, truncation=mode)
    assert main(["train", "--run-dir", str(run)]) == 0
    report = json.loads(read_db(run, "SELECT json FROM events WHERE kind = 'data_report'")[0][0])["train"]
    if mode == "truncate":
        assert report["truncated_responses"] == 1 and report["dropped_items"] == 0
    else:
        assert report["dropped_items"] == 1 and report["dropped_pairs"] >= 1 and report["truncated_responses"] == 0
