"""Seed 000's commands as its README writes them, run from a working directory with relative paths:

  python main.py --base_model_name pretrained/qwen --train_data_path dataset/train_data.jsonl ... --use_wandb
  python main.py --resume_from_checkpoint checkpoints/<exp>_<ts>/<checkpoint> --train_data_path ... --val_data_path ...
  python main.py ... --load_weights_only
  python test_reward_model.py --model_path ... --data_path ... --output_path results/reward_results.jsonl

here as `python -m reward_studio train|score`: stop a run with SIGTERM, resume it into the same folder
and into a new one (settings, best/, patience and step count carried over), results that never
overwrite, the W&B warning without wandb, and data errors that name the person's file and line.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import make_colour_data, read_db, series

# `import wandb` fails in the child even where the package is installed (sys.modules[name] = None makes
# the import raise ImportError); the worker itself runs unchanged.
NO_WANDB = "import runpy, sys; sys.modules['wandb'] = None; runpy.run_module('reward_studio', run_name='__main__')"
EXPERIMENT = "my_reward_model"
TOTAL = 18  # 24 items / batch 4 = 6 steps per epoch, 3 epochs


def worker(args: list[str], cwd: Path, env: dict | None = None, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", NO_WANDB, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def run_dir_of(proc: subprocess.CompletedProcess | str) -> Path:
    out = proc if isinstance(proc, str) else proc.stdout
    first = next(json.loads(x) for x in out.splitlines() if x.startswith("{") and '"run_dir"' in x)
    return Path(first["path"])


def status(run: Path) -> tuple:
    return read_db(run, "SELECT phase, step FROM status")[0]


def events(run: Path, kind: str) -> list[dict]:
    return [json.loads(j) for k, j in read_db(run, "SELECT kind, json FROM events ORDER BY id") if k == kind]


@pytest.fixture(scope="module")
def seed_cwd(tmp_path_factory, tiny_vl) -> Path:
    """The seed's project layout: pretrained/qwen, dataset/train_data.jsonl, dataset/val_data.jsonl."""
    cwd = tmp_path_factory.mktemp("seed000")
    (cwd / "pretrained").mkdir()
    (cwd / "pretrained" / "qwen").symlink_to(tiny_vl, target_is_directory=True)
    make_colour_data(cwd / "dataset", 24, seed=1, name="train_data")
    make_colour_data(cwd / "dataset", 8, seed=2, name="val_data")
    return cwd


@pytest.fixture(scope="module")
def stopped(seed_cwd) -> tuple[Path, int, subprocess.CompletedProcess]:
    """`train` from flags (relative paths, no --run-dir), stopped with SIGTERM mid-way."""
    args = ["train", "--base_model_name", "pretrained/qwen", "--train_data_path", "dataset/train_data.jsonl",
            "--val_data_path", "dataset/val_data.jsonl", "--batch_size", "4", "--learning_rate", "1e-3",
            "--num_epochs", "3", "--experiment_name", EXPERIMENT, "--early_stopping_patience", "5",
            "--eval_steps", "3", "--save_total_limit", "2", "--seed", "5", "--use_wandb",
            "--wandb_project", "qwen_reward"]
    env = {**os.environ, "REWARD_STUDIO_STEP_DELAY": "0.4"}
    child = subprocess.Popen([sys.executable, "-c", NO_WANDB, *args], cwd=seed_cwd, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 180
    run = None
    while time.time() < deadline:
        found = list((seed_cwd / "checkpoints").glob(f"{EXPERIMENT}_*")) if (seed_cwd / "checkpoints").exists() else []
        if found and (found[0] / "metrics.sqlite").exists():
            run = found[0]
            try:
                if status(run)[1] >= 7:
                    break
            except (sqlite3.OperationalError, IndexError):  # schema not committed yet
                pass
        assert child.poll() is None, child.communicate()[1][-3000:]
        time.sleep(0.05)
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err[-3000:]
    assert run is not None and run_dir_of(out) == run.resolve()
    phase, k = status(run)
    assert phase == "stopped" and 7 <= k < TOTAL
    return run, k, subprocess.CompletedProcess(args, 0, out, err)


def test_flags_run_relative_to_cwd_and_wandb_warning(seed_cwd, stopped, tiny_vl):
    run, k, proc = stopped
    assert run.parent == seed_cwd / "checkpoints" and run.name.startswith(f"{EXPERIMENT}_")
    cfg = json.loads((run / "config.json").read_text())
    assert Path(cfg["base_model_name"]) == seed_cwd / "pretrained" / "qwen"  # absolute: reruns from anywhere
    assert cfg["train_data_path"] == "data/train.jsonl" and cfg["output_dir"] == str(seed_cwd / "checkpoints")
    assert (run / "checkpoints" / f"step-{k}" / "optimizer.pt").exists() and (run / "best").is_dir()
    # --use_wandb without the package: a warning on stderr saying what to do, not only a metrics.sqlite event
    warning = [line for line in proc.stderr.splitlines() if "WARNING" in line and "wandb" in line]
    assert warning and "pip install wandb" in warning[0] and "workers[wandb]" in warning[0], proc.stderr[-2000:]
    assert any("wandb" in e["message"] for e in events(run, "log"))


def in_process(args: list[str], cwd: Path, monkeypatch) -> int:
    """The same CLI in this process (no second interpreter start-up): cwd and a missing wandb as in `worker`."""
    from reward_studio.cli import main

    monkeypatch.chdir(cwd)
    monkeypatch.setitem(sys.modules, "wandb", None)
    return main(args)


def test_load_weights_only_into_new_folder(seed_cwd, stopped, tiny_vl, monkeypatch, capsys):
    run, k, _ = stopped
    code = in_process(["train", "--resume_from_checkpoint", f"checkpoints/{run.name}/checkpoints/step-{k}/optimizer.pt",
                       "--load_weights_only", "--train_data_path", "dataset/train_data.jsonl",
                       "--val_data_path", "dataset/val_data.jsonl", "--max_steps", "2"], seed_cwd, monkeypatch)
    assert code == 0, capsys.readouterr().err[-3000:]
    new = run_dir_of(capsys.readouterr().out)
    assert sorted(series(new, "loss")) == [1, 2]  # fresh step counter
    assert any("loaded weights from" in e["message"] for e in events(new, "log"))
    cfg = json.loads((new / "config.json").read_text())
    assert Path(cfg["base_model_name"]).resolve() == tiny_vl.resolve() and cfg["early_stopping_patience"] == 5
    assert (new / "best" / "reward_config.json").exists()


@pytest.fixture(scope="module")
def resumed_new(seed_cwd, stopped) -> Path:
    """Seed 000's resume: only the checkpoint and the data, no base model, no --run-dir -> a new folder."""
    run, k, _ = stopped
    ckpt = f"checkpoints/{run.name}/checkpoints/step-{k}"
    proc = worker(["train", "--resume_from_checkpoint", ckpt, "--train_data_path", "dataset/train_data.jsonl",
                   "--val_data_path", "dataset/val_data.jsonl"], seed_cwd)
    assert proc.returncode == 0, proc.stderr[-3000:]
    new = run_dir_of(proc)
    assert new != run.resolve() and new.parent == (seed_cwd / "checkpoints").resolve()
    return new


@pytest.fixture(scope="module")
def resumed_same(seed_cwd, stopped, resumed_new) -> Path:
    """The README's resume into the same folder, RUN relative: --run-dir RUN --resume_from_checkpoint RUN."""
    run, k, _ = stopped
    rel = f"checkpoints/{run.name}"
    proc = worker(["train", "--run-dir", rel, "--resume_from_checkpoint", rel], seed_cwd)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert run_dir_of(proc) == run.resolve()
    return run


def check_resumed(run: Path, k: int, tiny_vl: Path) -> None:
    assert status(run) == ("finished", TOTAL)
    cfg = json.loads((run / "config.json").read_text())
    # the original run's settings, not the defaults (10 epochs, patience 3, lr 1e-5, no W&B)
    assert cfg["num_epochs"] == 3 and cfg["early_stopping_patience"] == 5 and cfg["learning_rate"] == 1e-3
    assert cfg["eval_steps"] == 3 and cfg["seed"] == 5 and cfg["use_wandb"] is True
    assert cfg["experiment_name"] == EXPERIMENT
    assert Path(cfg["base_model_name"]).resolve() == tiny_vl.resolve()
    assert Path(cfg["resume_from_checkpoint"]).is_absolute()
    resumed = events(run, "resumed")
    assert resumed and resumed[-1]["step"] == k
    loss = series(run, "loss")
    assert max(loss) == TOTAL and k + 1 in loss  # the step count continues after k
    best = run / "best"
    state = json.loads((best / "trainer_state.json").read_text())
    final = json.loads(sorted((run / "checkpoints").glob("step-*"), key=lambda p: int(p.name[5:]))[-1]
                       .joinpath("trainer_state.json").read_text())
    assert state["global_step"] == final["best_step"] and final["best_metric"] == state["best_metric"]
    from reward_studio.model import load_reward_model

    model, rc = load_reward_model(str(best))
    assert rc["lora"] is False and Path(rc["base_model_name"]).resolve() == tiny_vl.resolve()


def test_resume_into_new_folder_keeps_settings_best_and_steps(stopped, resumed_new, tiny_vl):
    run, k, _ = stopped
    check_resumed(resumed_new, k, tiny_vl)
    assert min(series(resumed_new, "loss")) == k + 1  # a fresh metrics.sqlite that starts where the run stopped
    # best/ is there even if the best checkpoint was in the old run; the data was frozen from the given files
    assert (resumed_new / "data" / "train.jsonl").exists()
    sources = json.loads((resumed_new / "data" / "sources.json").read_text())
    assert Path(sources["train.jsonl"]).name == "train_data.jsonl"
    # the resumed state (best metric, evaluations without improvement) went on: eval history before k is
    # in the old run, and the two together give one best
    before = json.loads((run / "checkpoints" / f"step-{k}" / "trainer_state.json").read_text())
    after = json.loads((resumed_new / "best" / "trainer_state.json").read_text())
    assert after["best_metric"] >= before["best_metric"]


def test_resume_into_same_folder_relative_run_dir(stopped, resumed_new, resumed_same, tiny_vl):
    run, k, _ = stopped
    check_resumed(resumed_same, k, tiny_vl)
    assert min(series(resumed_same, "loss")) == 1
    # both resumes continued the same state with the same settings and data: the same run from step k on
    for tag in ("loss", "eval_accuracy", "eval_loss"):
        a = {s: v for s, v in series(resumed_same, tag).items() if s > k}
        b = series(resumed_new, tag)
        assert sorted(a) == sorted(b), tag
        for step in a:
            assert b[step] == pytest.approx(a[step], rel=1e-4, abs=1e-5), (tag, step)
    best_a = json.loads((resumed_same / "best" / "trainer_state.json").read_text())
    best_b = json.loads((resumed_new / "best" / "trainer_state.json").read_text())
    assert best_a["global_step"] == best_b["global_step"]


def test_score_output_path_never_overwrites(seed_cwd, stopped, resumed_same):
    run, _, _ = stopped
    args = ["score", "--model_path", f"checkpoints/{run.name}/best", "--data_path", "dataset/val_data.jsonl",
            "--output_path", "results/reward_results.jsonl"]
    # two at once: the same second, still two files
    procs = [subprocess.Popen([sys.executable, "-m", "reward_studio", *args], cwd=seed_cwd, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outs = [p.communicate(timeout=240) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e[-2000:] for _, e in outs]
    paths = {Path(json.loads(o.strip().splitlines()[-1])["output_path"]) for o, _ in outs}
    assert len(paths) == 2
    pattern = rf"reward_results_{re.escape(run.name)}_best_\d{{8}}-\d{{6}}(-\d+)?\.jsonl"
    for p in paths:
        assert p.parent == Path("results") and re.fullmatch(pattern, p.name), p
        assert len((seed_cwd / p).read_text().splitlines()) == 8
        assert (seed_cwd / p).with_suffix(".summary.json").exists()
    assert not (seed_cwd / "results" / "reward_results.jsonl").exists()


def test_bad_line_names_the_users_file(seed_cwd, monkeypatch, capsys):
    good = (seed_cwd / "dataset" / "train_data.jsonl").read_text().splitlines()
    bad = dict(json.loads(good[2]), response=["only one answer"])
    # line 2 blank: the frozen copy keeps line numbers, so line 4 is line 4 of the person's file
    (seed_cwd / "dataset" / "bad_train.jsonl").write_text("\n".join([good[0], "", good[1], json.dumps(bad), good[3]]) + "\n")
    code = in_process(["train", "--base_model_name", "pretrained/qwen", "--train_data_path", "dataset/bad_train.jsonl",
                       "--experiment_name", "bad"], seed_cwd, monkeypatch)
    out, err = capsys.readouterr()
    assert code == 2, err[-2000:]
    error = json.loads([x for x in err.splitlines() if x.startswith('{"event": "error"')][-1])
    assert error["message"].startswith("dataset/bad_train.jsonl:4: 'response' must be a list"), error
    run = run_dir_of(out)
    assert run.parent == seed_cwd / "checkpoints" and (run / "data" / "train.jsonl").exists()
    assert events(run, "error")[-1]["message"] == error["message"]
