"""The training loop: data order, accumulation, evaluation, checkpoints, stop and resume.

Determinism (what makes resume exact): the item order of epoch e is a permutation drawn from
seed + e; the data position saved in a checkpoint is (epoch, next batch index); RNG states are saved
and restored per rank; the DataLoader gets its own generator so it never consumes the global RNG.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import torch
from torch.utils.data import DataLoader, Dataset

from reward_studio import checkpointing as ck
from reward_studio.collate import Encoder, EncodedItem, batch_to, collate, count_tokens
from reward_studio.config import TrainConfig
from reward_studio.data import Item, display_path, load_items, original_source
from reward_studio.errors import ConfigError
from reward_studio.loss import pair_stats, preference_loss
from reward_studio.model import build_reward_model, load_processor, resolve_attn, resolve_dtype

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


# Encoded items (token ids + preprocessed pixels) are kept in memory up to this budget, so image
# decoding and resizing happen once per item rather than once per epoch.
CACHE_BYTES = int(float(os.environ.get("REWARD_STUDIO_CACHE_MB", "1024")) * 2**20)


class EncodedDataset(Dataset):
    def __init__(self, items: list[Item], encoder: Encoder, budgets: dict[str, int],
                 cache: dict[int, EncodedItem] | None = None) -> None:
        self.items, self.encoder, self.budgets = items, encoder, budgets
        self.cache = cache if cache is not None else {}

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> EncodedItem:
        if i in self.cache:
            return self.cache[i]
        item = self.items[i]
        enc = self.encoder.encode(item, self.budgets.get(item.source))
        used = self.cache.setdefault("_bytes", 0)  # type: ignore[arg-type]
        size = 0 if enc.pixel_values is None else enc.pixel_values.numel() * enc.pixel_values.element_size()
        if used + size <= CACHE_BYTES:
            self.cache[i] = enc
            self.cache["_bytes"] = used + size  # type: ignore[index]
        return enc


def enable_activation_checkpointing(backbone: torch.nn.Module) -> None:
    """transformers 5.24 renamed gradient_checkpointing_enable to activation_checkpointing_enable (the old
    name warns and goes in v6); earlier 5.x releases only have the old one."""
    if hasattr(backbone, "activation_checkpointing_enable"):
        backbone.activation_checkpointing_enable(activation_checkpointing_kwargs={"use_reentrant": False})
    else:
        backbone.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})


def epoch_batches(n: int, batch_size: int, seed: int, epoch: int, rank: int, world: int) -> list[list[int]]:
    """This rank's batches for an epoch. Every rank gets the same number (wrap-around padding, as
    DistributedSampler does) so collective ops stay in lockstep."""
    g = torch.Generator().manual_seed(seed * 1000003 + epoch)
    order = torch.randperm(n, generator=g).tolist()
    if world > 1 and len(order) % world:
        order += order[: world - len(order) % world]
    mine = order[rank::world]
    return [mine[i:i + batch_size] for i in range(0, len(mine), batch_size)]


def lr_lambda(step: int, total: int, warmup: int, kind: str) -> float:
    if warmup and step < warmup:
        return (step + 1) / (warmup + 1)
    if kind == "constant":
        return 1.0
    progress = (step - warmup) / max(1, total - warmup)
    progress = min(1.0, max(0.0, progress))
    if kind == "cosine":
        return 0.5 * (1.0 + math.cos(math.pi * progress))
    return max(0.0, 1.0 - progress)


@dataclass
class Progress:
    step: int = 0
    epoch: int = 0
    batch_in_epoch: int = 0
    best_metric: float | None = None
    best_step: int | None = None
    evals_without_improvement: int = 0
    last_saved_step: int = -1
    stop_reason: str = ""
    history: list[dict[str, Any]] = field(default_factory=list)


class Trainer:
    def __init__(self, cfg: TrainConfig, run_dir: Path, accelerator: Any, db: Any, stop: StopFlag) -> None:
        self.cfg, self.run_dir, self.acc, self.db, self.stop = cfg, run_dir, accelerator, db, stop
        self.rank, self.world = accelerator.process_index, accelerator.num_processes
        self.main = accelerator.is_main_process
        self.p = Progress()
        self.wandb = None

    # ---- setup ------------------------------------------------------------------------------------
    def _path(self, p: str) -> Path:
        q = Path(p)
        return q if q.is_absolute() else (self.run_dir / q)

    def load_data(self) -> None:
        cfg = self.cfg
        if not cfg.train_data_path:
            raise ConfigError("train_data_path is not set", "Put data/train.jsonl in the run directory or pass "
                              "--train_data_path.")
        self.train_items = self._load_split(cfg.train_data_path)
        self.val_items = self._load_split(cfg.val_data_path) if cfg.val_data_path else []

    def _load_split(self, value: str) -> list[Item]:
        # A copy the worker froze from the person's file is reported as that file (same line numbers).
        path = self._path(value)
        original = original_source(path)
        return load_items(path, label=display_path(original) if original else None)

    def load_model(self) -> None:
        cfg = self.cfg
        torch.manual_seed(cfg.seed)  # the score head and LoRA init draw from it
        dtype = resolve_dtype(cfg.dtype)
        attn = resolve_attn(cfg.effective_attn())
        self.dtype_name = str(dtype).replace("torch.", "")
        quant_bits = 8 if cfg.load_in_8bit else 4 if cfg.load_in_4bit else 0
        # A linear head has no bias: the pairwise loss never moves it (it cancels in r_better - r_worse), and
        # without it the head is exactly the stock classes' `score` layer (hf_export).
        model = build_reward_model(cfg.base_model_name, cfg.score_head, cfg.score_min, cfg.score_max, dtype, attn,
                                   score_range=cfg.score_range, head_bias=cfg.score_head != "linear",
                                   quant_bits=quant_bits)
        self.processor = load_processor(cfg.base_model_name, model.is_vl, cfg.min_pixels, cfg.max_pixels)
        self.is_vl = model.is_vl
        if cfg.freeze_vision_tower and model.is_vl:
            model.backbone.visual.requires_grad_(False)
        shared = cfg.shared_prefix
        if cfg.gradient_checkpointing:
            enable_activation_checkpointing(model.backbone)
            if shared:
                shared = False
                self.event("log", {"message": "gradient_checkpointing disables the KV cache, so the shared-prefix "
                                   "path is off; using full concatenation"})
        model.shared_prefix = shared
        if cfg.use_lora:
            from reward_studio.lora import apply_lora

            model = apply_lora(model, cfg.lora_r, cfg.lora_alpha, cfg.lora_dropout, cfg.lora_target_regex,
                               model.is_vl)
        self.model = model.to(self.acc.device)
        self.core = ck.reward_core(self.model)
        self.encoder = Encoder(self.processor, self.is_vl, cfg.max_length, cfg.truncation)

    def check_lengths(self) -> None:
        reports = {}
        self.train_items, rep, self.train_budgets = self.encoder.check_lengths(self.train_items)
        reports["train"] = rep.as_dict()
        if self.val_items:
            self.val_items, rep, self.val_budgets = self.encoder.check_lengths(self.val_items)
            reports["val"] = rep.as_dict()
        else:
            self.val_budgets = {}
        payload = {"max_length": self.cfg.max_length, "truncation": self.cfg.truncation, **reports}
        self.event("data_report", payload)
        if self.main:
            print(json_line({"type": "data_report", **payload}), flush=True)
        for split, rep in reports.items():
            if rep["dropped_items"] or rep["truncated_responses"]:
                log.warning("%s: %d responses truncated, %d items (%d pairs) dropped for max_length=%d",
                            split, rep["truncated_responses"], rep["dropped_items"], rep["dropped_pairs"],
                            self.cfg.max_length)
        if not self.train_items:
            raise ConfigError(f"every training item is longer than max_length={self.cfg.max_length} and was dropped",
                              "Raise max_length or use truncation='truncate'.")

    def build_optimizer(self) -> None:
        cfg = self.cfg
        decay, no_decay = [], []
        for name, p in self.model.named_parameters():
            if not p.requires_grad:
                continue
            (no_decay if p.ndim < 2 or "norm" in name.lower() else decay).append(p)
        self.params = decay + no_decay
        self.optimizer = torch.optim.AdamW(
            [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
            lr=cfg.learning_rate,
        )
        n = len(self.train_items)
        per_rank = math.ceil(n / self.world)
        self.batches_per_epoch = math.ceil(per_rank / cfg.batch_size)
        self.steps_per_epoch = math.ceil(self.batches_per_epoch / cfg.gradient_accumulation_steps)
        total = self.steps_per_epoch * max(cfg.num_epochs, 0)
        if cfg.max_steps > 0:
            total = min(total, cfg.max_steps) if cfg.num_epochs > 0 else cfg.max_steps
        self.total_steps = total
        # num_epochs = 0 with max_steps: loop over the data until the step budget is spent
        self.epoch_limit = cfg.num_epochs if cfg.num_epochs > 0 else 10**9
        if cfg.use_scheduler:
            warmup = int(cfg.warmup_ratio * total)
            fn = partial(lr_lambda, total=total, warmup=warmup, kind=cfg.lr_scheduler)
        else:
            fn = partial(lr_lambda, total=total, warmup=0, kind="constant")
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, fn)

    def maybe_resume(self) -> None:
        cfg = self.cfg
        if not cfg.resume_from_checkpoint:
            return
        ckpt = ck.resolve_resume_path(str(self._path(cfg.resume_from_checkpoint)))
        ck.load_weights_into(self.model, ckpt)
        if cfg.load_weights_only:
            self.event("log", {"message": f"loaded weights from {ckpt}; fresh optimizer, schedule and data order"})
            return
        state = ck.read_state(ckpt)
        if state.get("world_size", 1) != self.world:
            log.warning("resuming a %s-process run with %s processes: data order differs from the original",
                        state.get("world_size"), self.world)
        dev = self.acc.device
        self.optimizer.load_state_dict(torch.load(ckpt / "optimizer.pt", map_location=dev, weights_only=True))
        self.scheduler.load_state_dict(torch.load(ckpt / "scheduler.pt", weights_only=True))
        rng_file = ckpt / f"rng_state_{self.rank}.pt"
        self.resume_rng = torch.load(rng_file, weights_only=False) if rng_file.exists() else None
        p = self.p
        p.step, p.epoch, p.batch_in_epoch = state["global_step"], state["epoch"], state["batch_in_epoch"]
        p.best_metric, p.best_step = state.get("best_metric"), state.get("best_step")
        p.evals_without_improvement = state.get("evals_without_improvement", 0)
        p.last_saved_step = p.step
        same_run = ckpt.resolve().is_relative_to(self.run_dir.resolve())
        rewound = self.db.rewind(p.step) if same_run else None
        self.event("resumed", {"checkpoint": str(ckpt), "step": p.step, "epoch": p.epoch,
                               "batch_in_epoch": p.batch_in_epoch, "rewound": rewound})
        if same_run:  # the abandoned attempt's later checkpoints are not part of this run any more
            for s, d in ck.list_checkpoints(self.run_dir):
                if s > p.step and self.main:
                    import shutil

                    shutil.rmtree(d, ignore_errors=True)
        if self.main and p.best_step is not None:
            self.carry_best(ckpt)

    def carry_best(self, ckpt: Path) -> None:
        """best/ continues with the resumed state: it must be the checkpoint of best_step, also when that
        checkpoint lies in the run resumed from (a resume into a new folder) and no later eval beats it."""
        from reward_studio.run_setup import checkpoint_run

        step = self.p.best_step
        # A worker killed mid-swap of best/ left best.tmp / best.old: put the complete one back first.
        ck.recover_swapped_folder(self.run_dir / "best")

        def at_step(d: Path) -> bool:
            try:
                return (d / ck.STATE_FILE).is_file() and ck.read_state(d).get("global_step") == step
            except (OSError, ValueError):
                return False

        if at_step(self.run_dir / "best"):
            return
        src_run = checkpoint_run(ckpt)
        candidates = [ck.step_dir(self.run_dir, step), ckpt]
        if src_run is not None:
            candidates += [ck.step_dir(src_run, step), ck.find_best(src_run) or src_run / "best"]
        for cand in candidates:
            if cand.resolve() != (self.run_dir / "best").resolve() and at_step(cand):
                ck.link_or_copy_tree(cand, self.run_dir / "best")
                self.event("log", {"message": f"best/ is step {step} (eval_accuracy {self.p.best_metric}), "
                                              f"copied from {cand}"})
                return
        log.warning("the best checkpoint (step %s) of the resumed run was not found; best/ will be the next "
                    "improvement", step)
        self.event("log", {"level": "warning", "message": f"best checkpoint step {step} not found next to {ckpt}"})

    # ---- helpers ----------------------------------------------------------------------------------
    def event(self, kind: str, payload: dict[str, Any]) -> None:
        self.db.event(kind, payload)

    def loader(self, items: list[Item], budgets: dict[str, int], batches: list[list[int]]) -> DataLoader:
        caches = self.__dict__.setdefault("_caches", {})
        ds = EncodedDataset(items, self.encoder, budgets, caches.setdefault(id(items), {}))
        # Own generator: DataLoader would otherwise draw a seed from the global RNG on every iterator,
        # shifting dropout after a mid-epoch resume.
        return DataLoader(ds, batch_sampler=batches, collate_fn=partial(collate, pad_id=self.encoder.pad_id),
                          num_workers=self.cfg.num_workers, generator=torch.Generator().manual_seed(self.cfg.seed))

    def reduce_sum(self, values: dict[str, float]) -> dict[str, float]:
        if self.world == 1:
            return values
        keys = sorted(values)
        t = torch.tensor([values[k] for k in keys], dtype=torch.float64, device=self.acc.device)
        t = self.acc.reduce(t, reduction="sum")
        return dict(zip(keys, t.tolist()))

    def any_rank(self, flag: bool) -> bool:
        if self.world == 1:
            return flag
        t = torch.tensor([1.0 if flag else 0.0], device=self.acc.device)
        return bool(self.acc.reduce(t, reduction="sum").item() > 0)

    # ---- main loop --------------------------------------------------------------------------------
    def run(self) -> str:
        cfg, p = self.cfg, self.p
        self.db.status("loading", message="reading data")
        self.load_data()
        self.db.status("loading", message="loading model")
        self.load_model()
        self.check_lengths()
        self.build_optimizer()
        self.resume_rng = None
        self.maybe_resume()
        self.model = self.acc.prepare(self.model)
        self.setup_wandb()
        self.event("started", self.started_payload())
        log.info("training %d items (%d val) for %d steps on %s x%d", len(self.train_items), len(self.val_items),
                 self.total_steps, self.acc.device, self.world)
        if self.resume_rng is not None:
            ck.set_rng_state(self.resume_rng)
        self.db.status("training", step=p.step, total_steps=self.total_steps, epoch=float(p.epoch))
        self.t_start = time.time()
        while p.epoch < self.epoch_limit and p.step < self.total_steps and not p.stop_reason:
            self.train_epoch()
            if not p.stop_reason:
                p.epoch += 1
                p.batch_in_epoch = 0
        return self.finish()

    def train_epoch(self) -> None:
        cfg, p = self.cfg, self.p
        batches = epoch_batches(len(self.train_items), cfg.batch_size, cfg.seed, p.epoch, self.rank, self.world)
        gas = cfg.gradient_accumulation_steps
        start = p.batch_in_epoch
        it = iter(self.loader(self.train_items, self.train_budgets, batches[start:]))
        b = start
        while b < len(batches):
            if self.any_rank(self.stop.requested):
                self.handle_stop()
                return
            window = min(gas, len(batches) - b)  # the epoch's last window may be shorter
            self.optimizer_step([next(it) for _ in range(window)])
            if STEP_DELAY:
                time.sleep(STEP_DELAY)
            b += window
            p.batch_in_epoch = b
            self.after_step(epoch_end=b >= len(batches))
            if p.stop_reason or p.step >= self.total_steps:
                return
        if self.any_rank(self.stop.requested):
            self.handle_stop()

    def optimizer_step(self, micro_batches: list[dict[str, Any]]) -> None:
        cfg, model = self.cfg, self.model
        model.train()
        t0 = time.time()
        sums: dict[str, float] = {"loss_sum": 0.0, "items": 0.0, "tokens": 0.0}
        for i, batch in enumerate(micro_batches):
            batch = batch_to(batch, self.acc.device)
            last = i == len(micro_batches) - 1
            sync = contextlib.nullcontext() if last or self.world == 1 else self.acc.no_sync(model)
            with sync:
                raw = model(batch, return_logits=True)
                rewards = self.core.reward_from_logits(raw)  # what metrics report; the loss is on loss_scores
                margin = cfg.margin if cfg.use_margin_loss else 0.0
                loss = preference_loss(self.core.loss_scores(raw), batch, cfg.ranking_loss, margin,
                                       cfg.use_margin_loss)
                self.acc.backward(loss / len(micro_batches))
            sums["loss_sum"] += float(loss.detach())
            sums["items"] += len(batch["item_ids"])
            sums["tokens"] += count_tokens(batch, self.core.shared_prefix)
            for k, v in pair_stats(rewards.detach(), batch["pairs"]).items():
                sums[k] = sums.get(k, 0.0) + v
        clip = cfg.max_grad_norm if cfg.max_grad_norm > 0 else float("inf")
        grad_norm = torch.nn.utils.clip_grad_norm_(self.params, clip)
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.p.step += 1
        sums["micro"] = float(len(micro_batches))
        total = self.reduce_sum(sums)
        dt = max(time.time() - t0, 1e-9)
        self.last_metrics = self.train_metrics(total, float(grad_norm), dt)

    def train_metrics(self, s: dict[str, float], grad_norm: float, dt: float) -> dict[str, float]:
        rows = max(s["rows"], 1.0)
        mean = s["reward_sum"] / rows
        var = max(s["reward_sq_sum"] / rows - mean * mean, 0.0)
        m = {
            "loss": s["loss_sum"] / max(s["micro"], 1.0),
            "accuracy": s["correct"] / max(s["pairs"], 1.0),
            "margin": s["margin_sum"] / max(s["pairs"], 1.0),
            "mean_reward": mean,
            "reward_std": math.sqrt(var),
            "grad_norm": grad_norm,
            "learning_rate": self.scheduler.get_last_lr()[0],
            "samples_per_second": s["items"] / dt,
            "tokens_per_second": s["tokens"] / dt,
            "epoch": self.p.epoch + self.p.batch_in_epoch / max(1, self.batches_per_epoch),
        }
        if torch.cuda.is_available():
            m["gpu_memory_gb"] = torch.cuda.max_memory_allocated() / 2**30
        return m

    def after_step(self, epoch_end: bool) -> None:
        cfg, p = self.cfg, self.p
        m = self.last_metrics
        m["epoch"] = p.epoch + p.batch_in_epoch / max(1, self.batches_per_epoch)
        if p.step % cfg.logging_steps == 0 or p.step == 1:
            self.db.scalars(p.step, m)
            self.log_wandb(m)
        self.db.status("training", step=p.step, total_steps=self.total_steps, epoch=m["epoch"])
        last = p.step >= self.total_steps or (epoch_end and p.epoch + 1 >= self.epoch_limit)
        do_eval = bool(self.val_items) and (
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
            self.event("log", {"message": f"early stopping: eval_accuracy did not improve for "
                                          f"{p.evals_without_improvement} evaluations", "step": p.step})

    # ---- evaluation -------------------------------------------------------------------------------
    @torch.no_grad()
    def evaluate(self) -> bool:
        cfg, p = self.cfg, self.p
        self.db.status("evaluating", step=p.step)
        metrics, samples = self.score_split(self.val_items, self.val_budgets)
        self.db.scalars(p.step, metrics)
        self.log_wandb(metrics)
        self.event("eval", {"step": p.step, **metrics})
        if cfg.log_samples and samples:
            self.event("samples", {"step": p.step, "items": samples})
            self.log_wandb({"samples": samples})
        acc = metrics["eval_accuracy"]
        improved = p.best_metric is None or acc > p.best_metric
        if improved:
            p.best_metric, p.best_step, p.evals_without_improvement = acc, p.step, 0
        else:
            p.evals_without_improvement += 1
        self.db.status("training", step=p.step)
        return improved

    @torch.no_grad()
    def score_split(self, items: list[Item], budgets: dict[str, int]) -> tuple[dict[str, float], list[dict]]:
        cfg = self.cfg
        self.model.eval()
        bs = cfg.eval_batch_size or cfg.batch_size
        mine = list(range(len(items)))[self.rank::self.world]
        batches = [mine[i:i + bs] for i in range(0, len(mine), bs)]
        s = {"loss_w": 0.0, "w": 0.0, "pairs": 0.0, "correct": 0.0, "margin_sum": 0.0, "rows": 0.0,
             "reward_sum": 0.0, "reward_sq_sum": 0.0, "top1": 0.0, "items": 0.0}
        samples = []
        margin = cfg.margin if cfg.use_margin_loss else 0.0
        # The unwrapped module: DDP's forward may broadcast buffers, which would hang when ranks hold
        # different numbers of evaluation batches.
        model = self.acc.unwrap_model(self.model)
        for batch in self.loader(items, budgets, batches):
            batch = batch_to(batch, self.acc.device)
            raw = model(batch, return_logits=True).float()
            rewards = self.core.reward_from_logits(raw)
            loss = preference_loss(self.core.loss_scores(raw), batch, cfg.ranking_loss, margin, cfg.use_margin_loss)
            w = batch["pairs"].shape[0] if cfg.ranking_loss == "pairwise" else len(batch["groups"])
            s["loss_w"] += float(loss) * w
            s["w"] += w
            for k, v in pair_stats(rewards, batch["pairs"]).items():
                s[k] += v
            for gi, (off, n, ranking) in enumerate(batch["groups"]):
                r = rewards[off:off + n].tolist()
                top = max(range(n), key=lambda j: r[j])
                s["top1"] += float(ranking[top] == min(ranking))
                s["items"] += 1
                if len(samples) < 4:
                    samples.append({"id": batch["item_ids"][gi], "scores": r, "human_ranking": ranking})
        s = self.reduce_sum(s)
        rows = max(s["rows"], 1.0)
        metrics = {
            "eval_loss": s["loss_w"] / max(s["w"], 1.0),
            "eval_accuracy": s["correct"] / max(s["pairs"], 1.0),
            "eval_margin": s["margin_sum"] / max(s["pairs"], 1.0),
            "eval_mean_reward": s["reward_sum"] / rows,
            "eval_top1_accuracy": s["top1"] / max(s["items"], 1.0),
        }
        return metrics, samples

    # ---- checkpoints ------------------------------------------------------------------------------
    def save(self, is_best: bool = False) -> None:
        p = self.p
        if p.last_saved_step == p.step:
            if is_best and self.main:
                self.update_best(ck.step_dir(self.run_dir, p.step))
            return
        self.db.status("saving", step=p.step)
        final = ck.step_dir(self.run_dir, p.step)
        tmp = final.with_name(final.name + ".tmp")
        if self.main:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
        self.acc.wait_for_everyone()
        torch.save(ck.rng_state(), tmp / f"rng_state_{self.rank}.pt")
        if self.main:
            model = self.acc.unwrap_model(self.model)
            ck.save_weights(model, tmp, self.processor, self.cfg.base_model_name)
            torch.save(self.optimizer.state_dict(), tmp / "optimizer.pt")
            torch.save(self.scheduler.state_dict(), tmp / "scheduler.pt")
            ck.write_state(tmp, self.trainer_state())
        self.acc.wait_for_everyone()
        if self.main:
            import shutil

            shutil.rmtree(final, ignore_errors=True)
            tmp.rename(final)
            metrics = {k: v for k, v in self.last_metrics.items()} if hasattr(self, "last_metrics") else {}
            self.db.add_checkpoint(p.step, str(final), metrics, is_best=False)
            self.event("checkpoint", {"step": p.step, "path": str(final), "is_best": is_best})
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
        self.event("log", {"message": f"best/ is now step {step} ({why})"})

    def rotate(self) -> None:
        limit = self.cfg.save_total_limit
        if limit <= 0:
            return
        found = ck.list_checkpoints(self.run_dir)
        keep = {s for s, _ in found[-limit:]}
        if self.p.best_step is not None:
            keep.add(self.p.best_step)
        import shutil

        for s, d in found:
            if s not in keep:
                shutil.rmtree(d, ignore_errors=True)
                self.db.mark_deleted(str(d))

    def trainer_state(self) -> dict[str, Any]:
        p = self.p
        return {
            "global_step": p.step,
            "epoch": p.epoch,
            "batch_in_epoch": p.batch_in_epoch,
            "sampler_seed": self.cfg.seed,
            "data_order": "torch.randperm(n, Generator(seed * 1000003 + epoch)), then rank::world_size",
            "best_metric": p.best_metric,
            "best_metric_name": "eval_accuracy",
            "best_step": p.best_step,
            "evals_without_improvement": p.evals_without_improvement,
            "total_steps": self.total_steps,
            "world_size": self.world,
            "batch_size": self.cfg.batch_size,
            "gradient_accumulation_steps": self.cfg.gradient_accumulation_steps,
            "last_metrics": getattr(self, "last_metrics", {}),
        }

    # ---- end ----------------------------------------------------------------------------------------
    def handle_stop(self) -> None:
        p = self.p
        p.stop_reason = "stopped"
        if p.step > 0:
            self.save()

    def finish(self) -> str:
        p = self.p
        if not self.val_items and self.main and p.last_saved_step >= 0:
            # Without validation there is no "best"; the final checkpoint is the one to use.
            self.update_best(ck.step_dir(self.run_dir, p.last_saved_step))
        summary = {"step": p.step, "epoch": p.epoch, "best_step": p.best_step, "best_eval_accuracy": p.best_metric,
                   "reason": p.stop_reason or "completed", "seconds": round(time.time() - self.t_start, 3)}
        if self.wandb is not None:
            self.wandb.finish()
        if p.stop_reason == "stopped":
            self.event("stopped", {**summary, "signal": self.stop.signal_name})
            self.db.status("stopped", step=p.step, message=f"stopped by {self.stop.signal_name or 'request'}")
            return "stopped"
        self.event("finished", summary)
        self.db.status("finished", step=p.step, message=summary["reason"])
        return "finished"

    def started_payload(self) -> dict[str, Any]:
        n_all = sum(x.numel() for x in self.model.parameters())
        n_train = sum(x.numel() for x in self.model.parameters() if x.requires_grad)
        return {
            "config": self.cfg.to_json_dict(),
            "world_size": self.world,
            "device": str(self.acc.device),
            "dtype": self.dtype_name,
            "model_kind": "vision-language" if self.is_vl else "text",
            "parameters": n_all,
            "trainable_parameters": n_train,
            "train_items": len(self.train_items),
            "val_items": len(self.val_items),
            "total_steps": self.total_steps,
            "shared_prefix": self.core.shared_prefix,
            "resumed_at_step": self.p.step,
        }

    # ---- W&B ----------------------------------------------------------------------------------------
    def setup_wandb(self) -> None:
        if not (self.cfg.use_wandb and self.main):
            return
        try:
            import wandb  # noqa: F401
        except ImportError:
            message = ("--use_wandb is set but the wandb package is not installed: metrics go to metrics.sqlite "
                       "only. To log to W&B, install it into this Python environment (`pip install wandb`, or "
                       "`pip install -e 'workers[wandb]'` in the Reward Studio checkout) and run again.")
            log.warning("%s", message)  # on stderr (and worker.log), not only in metrics.sqlite
            self.event("log", {"level": "warning", "message": message})
            return
        import os

        if self.cfg.wandb_api_key:
            os.environ.setdefault("WANDB_API_KEY", self.cfg.wandb_api_key)
        try:
            self.wandb = wandb.init(project=self.cfg.wandb_project, name=self.run_dir.name,
                                    config=self.cfg.to_json_dict(), dir=str(self.run_dir))
        except Exception as exc:  # offline machine, bad key: the run itself must go on
            message = (f"W&B init failed ({exc.__class__.__name__}: {exc}); continuing without it, metrics go to "
                       "metrics.sqlite only. Check --wandb_api_key / WANDB_API_KEY and the network, or set "
                       "WANDB_MODE=offline.")
            log.warning("%s", message)
            self.event("log", {"level": "warning", "message": message})
            self.wandb = None

    def log_wandb(self, metrics: dict[str, Any]) -> None:
        if self.wandb is not None:
            try:
                self.wandb.log(metrics, step=self.p.step)
            except Exception as exc:
                log.warning("W&B log failed: %s", exc)


def json_line(obj: dict[str, Any]) -> str:
    import json

    return json.dumps(obj, default=str)
