"""The training loop: accumulation, evaluation, early stopping, checkpoints, stop and resume.

Determinism (what makes resume exact): the item order of epoch e is a permutation drawn from
seed + e (train_data.epoch_batches); the data position saved in a checkpoint is (epoch, next batch
index); RNG states are saved and restored per rank; DataLoaders never consume the global RNG.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any

import torch

from reward_studio import checkpointing as ck
from reward_studio.config import TrainConfig
from reward_studio.loss import preference_loss
from reward_studio.reward_batch import RewardBatch
from reward_studio.train_data import SplitData, epoch_batches, eval_batches
from reward_studio.train_metrics import MetricSums, step_scalars
from reward_studio.train_progress import Progress, resume, trainer_state
from reward_studio.train_setup import TrainSetup, build_setup
from reward_studio.wandb_log import WandbLog

log = logging.getLogger("reward_studio")
# Debug/test knob: sleep after every optimizer step so a person (or a test) can stop a tiny run mid-way.
STEP_DELAY = float(os.environ.get("REWARD_STUDIO_STEP_DELAY", "0") or 0)


class StopFlag:
    """Set by SIGTERM/SIGINT; the loop checks it between optimizer steps."""

    def __init__(self) -> None:
        self.requested = False
        self.signal_name = ""

    def __call__(self, signum: int, frame: Any) -> None:
        import signal

        self.requested = True
        self.signal_name = signal.Signals(signum).name
        log.info("received %s: finishing the current step, then saving and stopping", self.signal_name)


def train(cfg: TrainConfig, run_dir: Path, accelerator: Any, db: Any, stop: StopFlag) -> str:
    """Build the run, resume it if asked, train it. Returns "finished" or "stopped"."""
    setup = build_setup(cfg, run_dir, accelerator, db)
    progress = Progress()
    rng = resume(cfg, run_dir, setup, db, progress)
    # Weights and optimizer state are loaded into the bare model; only then is it wrapped (DDP).
    setup = dataclasses.replace(setup, model=accelerator.prepare(setup.model))
    return Trainer(cfg, run_dir, setup, db, stop, progress).run(rng)


class Trainer:
    def __init__(self, cfg: TrainConfig, run_dir: Path, setup: TrainSetup, db: Any, stop: StopFlag,
                 progress: Progress) -> None:
        self.cfg, self.run_dir, self.s, self.db, self.stop, self.p = cfg, run_dir, setup, db, stop, progress
        self.accelerator = setup.accelerator
        self.last_metrics: dict[str, float] = {}  # the latest step's scalars, saved with each checkpoint
        self.clip_norm = cfg.max_grad_norm if cfg.max_grad_norm > 0 else float("inf")
        self.wandb = WandbLog.start(cfg, run_dir, setup.is_main, db)
        self.t_start = time.time()

    # ---- main loop --------------------------------------------------------------------------------
    def run(self, resume_rng: Any) -> str:
        s, p = self.s, self.p
        self.db.event("started", self.started_payload())
        log.info("training %d items (%d val) for %d steps on %s x%d", len(s.train), len(s.val),
                 s.plan.total_steps, self.accelerator.device, s.world)
        if resume_rng is not None:
            ck.set_rng_state(resume_rng)
        self.db.status("training", step=p.step, total_steps=s.plan.total_steps, epoch=float(p.epoch))
        self.t_start = time.time()  # the finished event's `seconds` count training, not loading
        while p.epoch < s.plan.epoch_limit and p.step < s.plan.total_steps and not p.stop_reason:
            self.train_epoch()
            if not p.stop_reason:
                p.epoch += 1
                p.batch_in_epoch = 0
        return self.finish()

    def train_epoch(self) -> None:
        cfg, s, p = self.cfg, self.s, self.p
        batches = epoch_batches(len(s.train), cfg.batch_size, cfg.seed, p.epoch, s.rank, s.world)
        it = iter(s.train.loader(batches[p.batch_in_epoch:]))
        while p.batch_in_epoch < len(batches):
            if self.any_rank(self.stop.requested):
                self.handle_stop()
                return
            # The epoch's last accumulation window may be shorter (step_plan counts it as a step).
            window = min(cfg.gradient_accumulation_steps, len(batches) - p.batch_in_epoch)
            micro_batches = [next(it) for _ in range(window)]
            p.batch_in_epoch += window  # the data position a checkpoint after this step resumes from
            self.train_step(micro_batches)
            if STEP_DELAY:
                time.sleep(STEP_DELAY)
            self.after_step(epoch_end=p.batch_in_epoch >= len(batches))
            if p.stop_reason or p.step >= s.plan.total_steps:
                return
        if self.any_rank(self.stop.requested):
            self.handle_stop()

    def train_step(self, micro_batches: list[RewardBatch]) -> None:
        """One optimizer step: forward -> loss -> backward per micro-batch, then clip -> step -> log."""
        s, t0, sums = self.s, time.time(), MetricSums()
        s.model.train()
        for i, batch in enumerate(micro_batches):
            batch = batch.to(self.accelerator.device)
            with self.grad_sync(last=i == len(micro_batches) - 1):
                raw = s.model(batch, return_logits=True)
                loss = self.loss(raw, batch)
                self.accelerator.backward(loss / len(micro_batches))
            # Metrics report the bounded reward; the loss is on loss_scores.
            sums.add(float(loss.detach()), 1.0, s.core.reward_from_logits(raw.detach()), batch, s.core.shared_prefix)
        grad_norm = torch.nn.utils.clip_grad_norm_(s.params, self.clip_norm)
        s.optimizer.step()
        s.scheduler.step()
        s.optimizer.zero_grad(set_to_none=True)
        self.p.step += 1
        self.log_step(self.reduce(sums), float(grad_norm), time.time() - t0)

    def loss(self, raw: torch.Tensor, batch: RewardBatch) -> torch.Tensor:
        cfg = self.cfg
        margin = cfg.margin if cfg.use_margin_loss else 0.0
        return preference_loss(self.s.core.loss_scores(raw), batch, cfg.ranking_loss, margin, cfg.use_margin_loss)

    def grad_sync(self, last: bool) -> contextlib.AbstractContextManager:
        """DDP all-reduces gradients only on the window's last micro-batch."""
        return contextlib.nullcontext() if last or self.s.world == 1 else self.accelerator.no_sync(self.s.model)

    def log_step(self, sums: MetricSums, grad_norm: float, seconds: float) -> None:
        p = self.p
        epoch = self.s.plan.epoch_progress(p.epoch, p.batch_in_epoch)
        self.last_metrics = step_scalars(sums, grad_norm, self.s.scheduler.get_last_lr()[0], seconds, epoch)
        if p.step % self.cfg.logging_steps == 0 or p.step == 1:
            self.db.scalars(p.step, self.last_metrics)
            self.wandb.log(self.last_metrics, self.p.step)

    def after_step(self, epoch_end: bool) -> None:
        cfg, p, plan = self.cfg, self.p, self.s.plan
        self.db.status("training", step=p.step, total_steps=plan.total_steps, epoch=self.last_metrics["epoch"])
        last = p.step >= plan.total_steps or (epoch_end and p.epoch + 1 >= plan.epoch_limit)
        do_eval = bool(self.s.val.items) and (
            (cfg.eval_steps > 0 and p.step % cfg.eval_steps == 0) or (cfg.eval_steps <= 0 and epoch_end) or last)
        improved = False
        if do_eval:
            improved = self.evaluate()
        do_save = (cfg.save_steps > 0 and p.step % cfg.save_steps == 0) or (cfg.save_steps <= 0 and do_eval) \
            or improved or last
        if do_save:
            self.save(is_best=improved)
        if do_eval and not improved and cfg.early_stopping_patience > 0 \
                and p.evals_without_improvement >= cfg.early_stopping_patience:
            p.stop_reason = "early_stopping"
            self.db.event("log", {"message": f"early stopping: eval_accuracy did not improve for "
                                             f"{p.evals_without_improvement} evaluations", "step": p.step})

    # ---- evaluation -------------------------------------------------------------------------------
    @torch.no_grad()
    def evaluate(self) -> bool:
        p = self.p
        self.db.status("evaluating", step=p.step)
        metrics, samples = self.score_split(self.s.val)
        # A checkpoint saved at this step carries its evaluation (the Runs view's Eval acc. column).
        self.last_metrics = {**self.last_metrics, **metrics}
        self.db.scalars(p.step, metrics)
        self.wandb.log(metrics, p.step)
        self.db.event("eval", {"step": p.step, **metrics})
        if self.cfg.log_samples and samples:
            self.db.event("samples", {"step": p.step, "items": samples})
            self.wandb.log({"samples": samples}, p.step)
        accuracy = metrics["eval_accuracy"]
        improved = p.best_metric is None or accuracy > p.best_metric
        if improved:
            p.best_metric, p.best_step, p.evals_without_improvement = accuracy, p.step, 0
        else:
            p.evals_without_improvement += 1
        self.db.status("training", step=p.step)
        return improved

    @torch.no_grad()
    def score_split(self, split: SplitData) -> tuple[dict[str, float], list[dict[str, Any]]]:
        cfg, s = self.cfg, self.s
        s.model.eval()
        batches = eval_batches(len(split), cfg.eval_batch_size or cfg.batch_size, s.rank, s.world)
        sums, samples = MetricSums(), []
        # The unwrapped module: DDP's forward may broadcast buffers, which would hang when ranks hold
        # different numbers of evaluation batches.
        model = self.accelerator.unwrap_model(s.model)
        for batch in split.loader(batches):
            batch = batch.to(self.accelerator.device)
            raw = model(batch, return_logits=True).float()
            rewards = s.core.reward_from_logits(raw)
            # eval_loss weighs each batch by what its loss averages over: pairs, or items (Plackett-Luce).
            weight = batch.pairs.shape[0] if cfg.ranking_loss == "pairwise" else len(batch.groups)
            sums.add(float(self.loss(raw, batch)), weight, rewards, batch, s.core.shared_prefix)
            for item_id, (offset, n, ranking) in zip(batch.item_ids, batch.groups):
                if len(samples) < 4:
                    samples.append({"id": item_id, "scores": rewards[offset:offset + n].tolist(),
                                    "human_ranking": ranking})
        return self.reduce(sums).eval_scalars(), samples

    # ---- checkpoints ------------------------------------------------------------------------------
    def save(self, is_best: bool = False) -> None:
        s, p = self.s, self.p
        if p.last_saved_step == p.step:
            if is_best and s.is_main:
                self.update_best(ck.step_dir(self.run_dir, p.step))
            return
        self.db.status("saving", step=p.step)
        final = ck.step_dir(self.run_dir, p.step)
        tmp = final.with_name(final.name + ".tmp")
        if s.is_main:
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
        self.accelerator.wait_for_everyone()
        torch.save(ck.rng_state(), tmp / f"rng_state_{s.rank}.pt")
        if s.is_main:
            ck.save_weights(self.accelerator.unwrap_model(s.model), tmp, s.processor, self.cfg.base_model_name)
            torch.save(s.optimizer.state_dict(), tmp / "optimizer.pt")
            torch.save(s.scheduler.state_dict(), tmp / "scheduler.pt")
            ck.write_state(tmp, trainer_state(self.cfg, s, p, self.last_metrics))
        self.accelerator.wait_for_everyone()
        if s.is_main:
            shutil.rmtree(final, ignore_errors=True)
            tmp.rename(final)
            self.db.add_checkpoint(p.step, str(final), dict(self.last_metrics), is_best=False)
            self.db.event("checkpoint", {"step": p.step, "path": str(final), "is_best": is_best})
            if is_best:
                self.update_best(final)
            self.rotate()
        p.last_saved_step = p.step
        self.db.status("training", step=p.step)

    def update_best(self, src: Path) -> None:
        step = int(src.name.split("-")[-1])
        ck.link_or_copy_tree(src, self.run_dir / "best")
        self.db.mark_best(step)
        why = "no validation data: the final checkpoint" if self.p.best_metric is None else \
            f"eval_accuracy {self.p.best_metric:.4f}"
        self.db.event("log", {"message": f"best/ is now step {step} ({why})"})

    def rotate(self) -> None:
        limit = self.cfg.save_total_limit
        if limit <= 0:
            return
        found = ck.list_checkpoints(self.run_dir)
        keep = {s for s, _ in found[-limit:]}
        if self.p.best_step is not None:
            keep.add(self.p.best_step)  # best/ may be a hardlinked copy: its step folder stays too
        for s, d in found:
            if s not in keep:
                shutil.rmtree(d, ignore_errors=True)
                self.db.mark_deleted(str(d))

    # ---- end ----------------------------------------------------------------------------------------
    def handle_stop(self) -> None:
        self.p.stop_reason = "stopped"
        if self.p.step > 0:
            self.save()

    def finish(self) -> str:
        p = self.p
        if not self.s.val.items and self.s.is_main and p.last_saved_step >= 0:
            # Without validation there is no "best"; the final checkpoint is the one to use.
            self.update_best(ck.step_dir(self.run_dir, p.last_saved_step))
        summary = {"step": p.step, "epoch": p.epoch, "best_step": p.best_step, "best_eval_accuracy": p.best_metric,
                   "reason": p.stop_reason or "completed", "seconds": round(time.time() - self.t_start, 3)}
        self.wandb.finish()
        if p.stop_reason == "stopped":
            self.db.event("stopped", {**summary, "signal": self.stop.signal_name})
            self.db.status("stopped", step=p.step, message=f"stopped by {self.stop.signal_name or 'request'}")
            return "stopped"
        self.db.event("finished", summary)
        self.db.status("finished", step=p.step, message=summary["reason"])
        return "finished"

    def started_payload(self) -> dict[str, Any]:
        s = self.s
        return {
            "config": self.cfg.to_json_dict(),
            "world_size": s.world,
            "device": str(self.accelerator.device),
            "dtype": s.dtype_name,
            "model_kind": "vision-language" if s.is_vl else "text",
            "parameters": sum(x.numel() for x in s.model.parameters()),
            "trainable_parameters": sum(x.numel() for x in s.model.parameters() if x.requires_grad),
            "train_items": len(s.train),
            "val_items": len(s.val),
            "total_steps": s.plan.total_steps,
            "shared_prefix": s.core.shared_prefix,
            "resumed_at_step": self.p.step,
        }

    # ---- ranks ----------------------------------------------------------------------------------------
    def reduce(self, sums: MetricSums) -> MetricSums:
        """The sums over all ranks (every rank gets them)."""
        if self.s.world == 1:
            return sums
        values = sums.as_dict()
        keys = sorted(values)
        t = torch.tensor([values[k] for k in keys], dtype=torch.float64, device=self.accelerator.device)
        t = self.accelerator.reduce(t, reduction="sum")
        return MetricSums.from_dict(dict(zip(keys, t.tolist())))

    def any_rank(self, flag: bool) -> bool:
        if self.s.world == 1:
            return flag
        t = torch.tensor([1.0 if flag else 0.0], device=self.accelerator.device)
        return bool(self.accelerator.reduce(t, reduction="sum").item() > 0)
