"""Everything a training run is built from, made once before the first step: data, model, optimizer,
schedule, step plan. `build_setup` returns it as one frozen TrainSetup; the loop only reads it."""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import torch

from reward_studio import checkpointing as ck
from reward_studio.collate import Encoder
from reward_studio.config import TrainConfig
from reward_studio.data import Item, display_path, load_items, original_source
from reward_studio.errors import ConfigError
from reward_studio.model import build_reward_model, load_processor, resolve_attn, resolve_dtype
from reward_studio.step_plan import StepPlan
from reward_studio.train_data import SplitData

log = logging.getLogger("reward_studio")


@dataclass(frozen=True)
class TrainSetup:
    accelerator: Any  # accelerate.Accelerator
    model: torch.nn.Module  # what the loop calls: wrapped by accelerator.prepare (DDP) once a resume loaded it
    core: Any  # the RewardModel inside (LoRA and DDP unwrapped): reward_from_logits, loss_scores, shared_prefix
    processor: Any  # saved with every checkpoint
    is_vl: bool
    dtype_name: str
    params: list[torch.nn.Parameter]  # the trainable ones, clipped together
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LambdaLR
    train: SplitData
    val: SplitData  # no items without validation data
    plan: StepPlan

    @property
    def rank(self) -> int:
        return self.accelerator.process_index

    @property
    def world(self) -> int:
        return self.accelerator.num_processes

    @property
    def is_main(self) -> bool:
        return self.accelerator.is_main_process


def build_setup(cfg: TrainConfig, run_dir: Path, accelerator: Any, db: Any) -> TrainSetup:
    db.status("loading", message="reading data")
    train_items, val_items = load_splits(cfg, run_dir)
    db.status("loading", message="loading model")
    dtype = resolve_dtype(cfg.dtype)
    model, processor = load_model(cfg, dtype, db)
    model = model.to(accelerator.device)
    core = ck.reward_core(model)
    encoder = Encoder(processor, core.is_vl, cfg.max_length, cfg.truncation)
    train, val = check_lengths(cfg, encoder, train_items, val_items, db, accelerator.is_main_process)
    params, optimizer = build_optimizer(cfg, model)
    plan = StepPlan.for_run(cfg, len(train), accelerator.num_processes)
    scheduler = build_scheduler(cfg, optimizer, plan.total_steps)
    return TrainSetup(accelerator, model, core, processor, core.is_vl, str(dtype).replace("torch.", ""), params,
                      optimizer, scheduler, train, val, plan)


def load_splits(cfg: TrainConfig, run_dir: Path) -> tuple[list[Item], list[Item]]:
    if not cfg.train_data_path:
        raise ConfigError("train_data_path is not set", "Put data/train.jsonl in the run directory or pass "
                          "--train_data_path.")

    def load(value: str) -> list[Item]:
        # A copy the worker froze from the person's file is reported as that file (same line numbers).
        path = Path(value) if Path(value).is_absolute() else run_dir / value
        original = original_source(path)
        return load_items(path, label=display_path(original) if original else None)

    return load(cfg.train_data_path), load(cfg.val_data_path) if cfg.val_data_path else []


def load_model(cfg: TrainConfig, dtype: torch.dtype, db: Any) -> tuple[torch.nn.Module, Any]:
    """The reward model (LoRA applied when asked) and its processor, on the CPU."""
    torch.manual_seed(cfg.seed)  # the score head and LoRA init draw from it
    quant_bits = 8 if cfg.load_in_8bit else 4 if cfg.load_in_4bit else 0
    # A linear head has no bias: the pairwise loss never moves it (it cancels in r_better - r_worse), and
    # without it the head is exactly the stock classes' `score` layer (hf_export).
    model = build_reward_model(cfg.base_model_name, cfg.score_head, cfg.score_min, cfg.score_max,
                               dtype, resolve_attn(cfg.effective_attn()),
                               score_range=cfg.score_range, head_bias=cfg.score_head != "linear",
                               quant_bits=quant_bits)
    processor = load_processor(cfg.base_model_name, model.is_vl, cfg.min_pixels, cfg.max_pixels)
    if cfg.freeze_vision_tower and model.is_vl:
        model.backbone.visual.requires_grad_(False)
    shared = cfg.shared_prefix
    if cfg.gradient_checkpointing:
        enable_activation_checkpointing(model.backbone)
        if shared:
            shared = False
            db.event("log", {"message": "gradient_checkpointing disables the KV cache, so the shared-prefix "
                                        "path is off; using full concatenation"})
    model.shared_prefix = shared
    if cfg.use_lora:
        from reward_studio.lora import apply_lora

        model = apply_lora(model, cfg.lora_r, cfg.lora_alpha, cfg.lora_dropout, cfg.lora_target_regex, model.is_vl)
    return model, processor


def enable_activation_checkpointing(backbone: torch.nn.Module) -> None:
    """transformers 5.24 renamed gradient_checkpointing_enable to activation_checkpointing_enable (the old
    name warns and goes in v6); earlier 5.x releases only have the old one."""
    if hasattr(backbone, "activation_checkpointing_enable"):
        backbone.activation_checkpointing_enable(activation_checkpointing_kwargs={"use_reentrant": False})
    else:
        backbone.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})


def check_lengths(cfg: TrainConfig, encoder: Encoder, train_items: list[Item], val_items: list[Item], db: Any,
                  main: bool) -> tuple[SplitData, SplitData]:
    """Apply max_length to both splits and report what was cut or dropped (data_report event and line)."""
    splits, reports = {}, {}
    for name, items in (("train", train_items), ("val", val_items)):
        if name == "train" or items:
            items, rep, budgets = encoder.check_lengths(items)
            reports[name] = rep.as_dict()
        else:
            budgets = {}
        splits[name] = SplitData(items, budgets, encoder, cfg.seed, cfg.num_workers)
    payload = {"max_length": cfg.max_length, "truncation": cfg.truncation, **reports}
    db.event("data_report", payload)
    if main:
        print(json.dumps({"type": "data_report", **payload}, default=str), flush=True)
    for split, rep in reports.items():
        if rep["dropped_items"] or rep["truncated_responses"]:
            log.warning("%s: %d responses truncated, %d items (%d pairs) dropped for max_length=%d",
                        split, rep["truncated_responses"], rep["dropped_items"], rep["dropped_pairs"], cfg.max_length)
    if not splits["train"].items:
        raise ConfigError(f"every training item is longer than max_length={cfg.max_length} and was dropped",
                          "Raise max_length or use truncation='truncate'.")
    return splits["train"], splits["val"]


def build_optimizer(cfg: TrainConfig, model: torch.nn.Module) -> tuple[list[torch.nn.Parameter], torch.optim.AdamW]:
    # No weight decay on biases and norms (AdamW's usual split).
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        (no_decay if p.ndim < 2 or "norm" in name.lower() else decay).append(p)
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=cfg.learning_rate,
    )
    return decay + no_decay, optimizer


def build_scheduler(cfg: TrainConfig, optimizer: torch.optim.Optimizer,
                    total: int) -> torch.optim.lr_scheduler.LambdaLR:
    """Warmup, then the chosen decay over the planned steps (constant without use_scheduler, as seed 000)."""
    if cfg.use_scheduler:
        fn = partial(lr_lambda, total=total, warmup=int(cfg.warmup_ratio * total), kind=cfg.lr_scheduler)
    else:
        fn = partial(lr_lambda, total=total, warmup=0, kind="constant")
    return torch.optim.lr_scheduler.LambdaLR(optimizer, fn)


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
