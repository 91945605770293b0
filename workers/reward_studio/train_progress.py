"""Where a run is (step, data position, best metric, early-stopping count), how a checkpoint records it
(trainer_state.json) and how a resume restores it, together with the weights, optimizer, schedule and RNG."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from reward_studio import checkpointing as ck
from reward_studio.config import TrainConfig
from reward_studio.train_setup import TrainSetup

log = logging.getLogger("reward_studio")


@dataclass
class Progress:
    step: int = 0
    epoch: int = 0
    batch_in_epoch: int = 0  # the next micro-batch of the epoch: where a resume goes on
    best_metric: float | None = None
    best_step: int | None = None
    evals_without_improvement: int = 0
    last_saved_step: int = -1
    stop_reason: str = ""


def trainer_state(cfg: TrainConfig, setup: TrainSetup, p: Progress, last_metrics: dict[str, float]) -> dict[str, Any]:
    return {
        "global_step": p.step,
        "epoch": p.epoch,
        "batch_in_epoch": p.batch_in_epoch,
        "sampler_seed": cfg.seed,
        "data_order": "torch.randperm(n, Generator(seed * 1000003 + epoch)), then rank::world_size",
        "best_metric": p.best_metric,
        "best_metric_name": "eval_accuracy",
        "best_step": p.best_step,
        "evals_without_improvement": p.evals_without_improvement,
        "total_steps": setup.plan.total_steps,
        "world_size": setup.world,
        "batch_size": cfg.batch_size,
        "gradient_accumulation_steps": cfg.gradient_accumulation_steps,
        "last_metrics": last_metrics,
    }


def resume(cfg: TrainConfig, run_dir: Path, setup: TrainSetup, db: Any, p: Progress) -> Any:
    """Load resume_from_checkpoint into the (not yet prepared) model, optimizer, schedule and `p`.
    Returns this rank's saved RNG state, to be set right before the first step (None: nothing to set)."""
    if not cfg.resume_from_checkpoint:
        return None
    value = Path(cfg.resume_from_checkpoint)
    ckpt = ck.resolve_resume_path(str(value if value.is_absolute() else run_dir / value))
    ck.load_weights_into(setup.model, ckpt)
    if cfg.load_weights_only:
        db.event("log", {"message": f"loaded weights from {ckpt}; fresh optimizer, schedule and data order"})
        return None
    state = ck.read_state(ckpt)
    if state.get("world_size", 1) != setup.world:
        log.warning("resuming a %s-process run with %s processes: data order differs from the original",
                    state.get("world_size"), setup.world)
    device = setup.accelerator.device
    setup.optimizer.load_state_dict(torch.load(ckpt / "optimizer.pt", map_location=device, weights_only=True))
    setup.scheduler.load_state_dict(torch.load(ckpt / "scheduler.pt", weights_only=True))
    rng_file = ckpt / f"rng_state_{setup.rank}.pt"
    rng = torch.load(rng_file, weights_only=False) if rng_file.exists() else None
    p.step, p.epoch, p.batch_in_epoch = state["global_step"], state["epoch"], state["batch_in_epoch"]
    p.best_metric, p.best_step = state.get("best_metric"), state.get("best_step")
    p.evals_without_improvement = state.get("evals_without_improvement", 0)
    p.last_saved_step = p.step
    same_run = ckpt.resolve().is_relative_to(run_dir.resolve())
    rewound = db.rewind(p.step) if same_run else None
    db.event("resumed", {"checkpoint": str(ckpt), "step": p.step, "epoch": p.epoch,
                         "batch_in_epoch": p.batch_in_epoch, "rewound": rewound})
    if same_run:  # the abandoned attempt's later checkpoints are not part of this run any more
        for s, d in ck.list_checkpoints(run_dir):
            if s > p.step and setup.is_main:
                shutil.rmtree(d, ignore_errors=True)
    if setup.is_main and p.best_step is not None:
        carry_best(run_dir, ckpt, p, db)
    return rng


def carry_best(run_dir: Path, ckpt: Path, p: Progress, db: Any) -> None:
    """best/ continues with the resumed state: it must be the checkpoint of best_step, also when that
    checkpoint lies in the run resumed from (a resume into a new folder) and no later eval beats it."""
    from reward_studio.run_setup import checkpoint_run

    step = p.best_step
    # A worker killed mid-swap of best/ left best.tmp / best.old: put the complete one back first.
    ck.recover_swapped_folder(run_dir / "best")

    def at_step(d: Path) -> bool:
        try:
            return (d / ck.STATE_FILE).is_file() and ck.read_state(d).get("global_step") == step
        except (OSError, ValueError):
            return False

    if at_step(run_dir / "best"):
        return
    src_run = checkpoint_run(ckpt)
    candidates = [ck.step_dir(run_dir, step), ckpt]
    if src_run is not None:
        candidates += [ck.step_dir(src_run, step), ck.find_best(src_run) or src_run / "best"]
    for cand in candidates:
        if cand.resolve() != (run_dir / "best").resolve() and at_step(cand):
            ck.link_or_copy_tree(cand, run_dir / "best")
            db.event("log", {"message": f"best/ is step {step} (eval_accuracy {p.best_metric}), copied from {cand}"})
            return
    log.warning("the best checkpoint (step %s) of the resumed run was not found; best/ will be the next "
                "improvement", step)
    db.event("log", {"level": "warning", "message": f"best checkpoint step {step} not found next to {ckpt}"})
