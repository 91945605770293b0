"""best/ survives a worker killed while replacing it (#13).

link_or_copy_tree used to delete best/ and then rename best.tmp into place: a kill between the two
left no best/ at all. Here the kill is simulated by making one filesystem step raise; afterwards
the readers (score's run-directory lookup, --resume_from_checkpoint RUN/best) must still find a
complete best checkpoint, and the trainer's recovery must put it back as best/ and tidy up.
No model is needed: checkpoint folders are written by hand.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from reward_studio import checkpointing as ck
from reward_studio.score import resolve_model_path


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it in the interrupted function runs."""


def make_step(run: Path, step: int) -> Path:
    d = ck.step_dir(run, step)
    d.mkdir(parents=True)
    (d / "reward_config.json").write_text(json.dumps({"format_version": 1, "lora": False}))
    (d / "score_head.safetensors").write_bytes(b"head-%d" % step)
    ck.write_state(d, {"global_step": step})
    return d


def best_step(folder: Path) -> int:
    return ck.read_state(folder)["global_step"]


def kill_on(monkeypatch, name: str, when) -> None:
    """Raise Killed from os-level `name` (rename / rmtree / link) the first time `when(args)` holds."""
    target = {"rename": (Path, "rename"), "rmtree": (shutil, "rmtree"), "link": (os, "link")}[name]
    original = getattr(*target)

    def wrapped(*args, **kw):
        if when(args):
            monkeypatch.setattr(*target, original)
            raise Killed
        return original(*args, **kw)

    monkeypatch.setattr(*target, wrapped)


@pytest.fixture()
def run(tmp_path: Path) -> Path:
    run = tmp_path / "run"
    ck.link_or_copy_tree(make_step(run, 10), run / "best")
    make_step(run, 20)
    make_step(run, 30)  # a later, worse checkpoint: what a reader falls back to without best/
    return run


def test_kill_between_moving_old_best_aside_and_renaming_new_in(run, monkeypatch):
    # The swap's second rename (best.tmp -> best) never happens.
    kill_on(monkeypatch, "rename", lambda a: a[0].name == "best.tmp")
    with pytest.raises(Killed):
        ck.link_or_copy_tree(ck.step_dir(run, 20), run / "best")

    # Readers find a complete best checkpoint (the new one: it was complete before the swap began).
    found = resolve_model_path(str(run))
    assert (found / "reward_config.json").exists() and best_step(found) == 20
    assert best_step(ck.resolve_resume_path(str(run / "best"))) == 20

    # The trainer's recovery puts it back as best/ and removes the leftovers.
    assert ck.recover_swapped_folder(run / "best")
    assert best_step(run / "best") == 20
    assert sorted(p.name for p in run.iterdir()) == ["best", "checkpoints"]


def test_kill_while_building_the_new_copy_keeps_the_old_best(run, monkeypatch):
    kill_on(monkeypatch, "link", lambda a: Path(a[0]).name == "score_head.safetensors")
    with pytest.raises(Killed):
        ck.link_or_copy_tree(ck.step_dir(run, 20), run / "best")
    assert best_step(resolve_model_path(str(run))) == 10
    assert ck.recover_swapped_folder(run / "best")
    assert best_step(run / "best") == 10 and not (run / "best.tmp").exists()


def test_kill_before_the_old_best_is_deleted_leaves_the_new_best(run, monkeypatch):
    kill_on(monkeypatch, "rmtree", lambda a: Path(a[0]).name == "best.old" and (run / "best").exists() and Path(a[0]).exists())
    with pytest.raises(Killed):
        ck.link_or_copy_tree(ck.step_dir(run, 20), run / "best")
    assert best_step(resolve_model_path(str(run))) == 20
    assert ck.recover_swapped_folder(run / "best")
    assert best_step(run / "best") == 20 and not (run / "best.old").exists()


def test_an_incomplete_first_copy_is_not_taken_for_a_best(tmp_path):
    # The very first best/, killed before trainer_state.json (always linked last) reached best.tmp.
    run = tmp_path / "run"
    tmp = run / "best.tmp"
    tmp.mkdir(parents=True)
    (tmp / "reward_config.json").write_text("{}")
    assert ck.find_best(run) is None
    assert not ck.recover_swapped_folder(run / "best")
    assert resolve_model_path(str(run)) == run  # no best: falls back as before (a base model folder)


def test_a_normal_swap_leaves_only_best(run):
    ck.link_or_copy_tree(ck.step_dir(run, 20), run / "best")
    assert best_step(run / "best") == 20
    assert sorted(p.name for p in run.iterdir()) == ["best", "checkpoints"]
