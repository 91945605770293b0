"""TrainConfig: every training option, its default, help text and unit, in one place.

The same dataclass drives `config.json` in a run directory, the seed-000 command-line flags and
`describe-config` (which the studio's train form renders from), so the three can never disagree.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Secrets are accepted from flags but never written into config.json (a run dir may be shared).
SECRET_FIELDS = {"wandb_api_key"}


def opt(default: Any, help: str, *, unit: str | None = None, choices: list[str] | None = None,
        group: str = "training", flags: list[str] | None = None, requires: str | None = None) -> Any:
    meta = {"help": help, "unit": unit, "choices": choices, "group": group, "flags": flags, "requires": requires}
    return field(default=default, metadata=meta)


@dataclass
class TrainConfig:
    # --- model -------------------------------------------------------------------------------
    base_model_name: str = opt("", "Local Hugging Face model folder: Qwen2-VL / Qwen2.5-VL / Qwen3-VL or a "
                               "Qwen2-style text causal LM. Never downloaded.", group="model")
    score_head: str = opt("mlp", "Score head on the last token's hidden state: two-layer MLP with hidden size = "
                          "model hidden size (seed default) or a single linear layer without bias (TRL's and the "
                          "stock Hugging Face classes' head). Its last layer starts small (std 0.02), so rewards "
                          "start at the centre of the range.", choices=["mlp", "linear"], group="model")
    score_min: float = opt(-5.0, "Lower end of the reward range. Rewards are score_min + (score_max - score_min) * "
                           "sigmoid(head output). Training does not see the bound: the loss is computed on the "
                           "head output times (score_max - score_min) / 4, the reward's slope at the centre, so "
                           "rewards at the ends of the range still learn; the range sets the loss's scale (and "
                           "the margin's unit).", unit="reward", group="model")
    score_max: float = opt(5.0, "Upper end of the reward range (see score_min for what it does to training).",
                           unit="reward", group="model")
    score_range: str = opt("sigmoid", "How the reward range is applied: sigmoid maps the head's output into "
                           "[score_min, score_max] (seed 000); none = the head's raw, unbounded output, as TRL and "
                           "Hugging Face reward models (score_min/score_max unused; with the linear head the export "
                           "is a stock Qwen2ForSequenceClassification that loads without remote code).",
                           choices=["sigmoid", "none"], group="model")
    dtype: str = opt("auto", "Weights/compute dtype. auto = bf16 on a CUDA GPU that supports it, fp32 otherwise; "
                     "bf16 on CPU falls back to fp32.", choices=["auto", "bf16", "fp32"], group="model")
    attn_implementation: str = opt("sdpa", "Attention kernel. flash_attention_2 only when the flash_attn package is "
                                   "installed and a GPU is present (otherwise sdpa, with a log event).",
                                   choices=["sdpa", "flash_attention_2", "eager"], group="model")
    use_flash_attention: bool = opt(False, "Seed flag: same as attn_implementation=flash_attention_2.", group="model")
    freeze_vision_tower: bool = opt(False, "Do not train the vision encoder (and its merger).", group="model")
    gradient_checkpointing: bool = opt(False, "Recompute activations in backward to save memory (disables the "
                                       "shared-prefix path, which needs the KV cache).", group="model")
    shared_prefix: bool = opt(True, "Encode the image + query prefix once per item and reuse its KV cache for every "
                              "response (same rewards as full concatenation, less compute).", group="model")
    min_pixels: int = opt(0, "Minimum image pixels after resizing (0 = the model's processor default).",
                          unit="pixels", group="data")
    max_pixels: int = opt(0, "Maximum image pixels after resizing (0 = the model's processor default).",
                          unit="pixels", group="data")
    # --- data ---------------------------------------------------------------------------------
    train_data_path: str = opt("", "Training data: seed-format JSONL or Parquet. A relative path in config.json "
                               "is resolved against the run directory; as a flag, against the working directory.",
                               group="data")
    val_data_path: str = opt("", "Validation data (same format). Empty = no evaluation.", group="data")
    max_length: int = opt(2048, "Maximum tokens of prompt + one response (image tokens included).",
                          unit="tokens", group="data")
    truncation: str = opt("truncate", "What to do with responses longer than max_length: cut the response's tail "
                          "or drop the whole item. Both are counted in a data_report event.",
                          choices=["truncate", "drop"], group="data")
    num_workers: int = opt(0, "DataLoader worker processes.", unit="processes", group="data")
    # --- optimisation -------------------------------------------------------------------------
    batch_size: int = opt(8, "Items (pairs or rankings) per device per micro-batch.", unit="items")
    eval_batch_size: int = opt(0, "Items per device during evaluation (0 = batch_size).", unit="items")
    gradient_accumulation_steps: int = opt(1, "Micro-batches per optimizer step.", unit="micro-batches")
    learning_rate: float = opt(1e-5, "Peak learning rate (AdamW).", unit="lr")
    weight_decay: float = opt(0.01, "AdamW weight decay (not applied to biases and norms).")
    max_grad_norm: float = opt(1.0, "Clip the global gradient norm to this value (0 = no clipping).")
    num_epochs: int = opt(10, "Passes over the training data.", unit="epochs")
    max_steps: int = opt(0, "Stop after this many optimizer steps (0 = run all epochs).", unit="steps")
    use_scheduler: bool = opt(True, "Use warmup + lr_scheduler (default: 10% warmup, then linear decay to 0); "
                              "without it the learning rate is constant (seed 000's default).")
    lr_scheduler: str = opt("linear", "Decay after warmup (when use_scheduler).",
                            choices=["linear", "cosine", "constant"])
    warmup_ratio: float = opt(0.1, "Fraction of total steps spent warming up (when use_scheduler).",
                              unit="fraction")
    seed: int = opt(42, "Seed for model init of the head, data order and dropout.")
    # --- loss ---------------------------------------------------------------------------------
    use_margin_loss: bool = opt(False, "Bradley-Terry with a margin: -log sigmoid(r_better - r_worse - margin).",
                                group="loss")
    margin: float = opt(0.5, "Margin for use_margin_loss. An item's own margin in the data replaces it for that "
                        "item's pairs.", unit="reward", group="loss")
    ranking_loss: str = opt("pairwise", "N-response rankings: all ordered pairs (ties skipped) or listwise "
                            "Plackett-Luce (the margin applies to pairwise only).",
                            choices=["pairwise", "plackett_luce"], group="loss")
    # --- LoRA ---------------------------------------------------------------------------------
    use_lora: bool = opt(False, "Train LoRA adapters (plus the score head) instead of all weights.", group="lora")
    lora_r: int = opt(16, "LoRA rank.", unit="rank", group="lora")
    lora_alpha: int = opt(32, "LoRA alpha (scale = alpha / r).", group="lora")
    lora_dropout: float = opt(0.05, "Dropout on the LoRA branch.", unit="probability", group="lora")
    lora_target_regex: str = opt("auto", "Regex (full match) of module names that get adapters. auto = the "
                                 "language model's q/k/v/o/gate/up/down projections (vision tower untouched).",
                                 group="lora")
    load_in_8bit: bool = opt(False, "Load the base model's weights in 8 bits (bitsandbytes, CUDA GPUs only) and "
                             "train LoRA adapters on top. Needs use_lora.", group="lora", requires="use_lora")
    load_in_4bit: bool = opt(False, "Load the base model's weights in 4 bits (NF4, bitsandbytes, CUDA GPUs only; "
                             "QLoRA) and train LoRA adapters on top. Needs use_lora.", group="lora", requires="use_lora")
    # --- evaluation, checkpoints --------------------------------------------------------------
    eval_steps: int = opt(0, "Evaluate every N optimizer steps (0 = at the end of every epoch).", unit="steps",
                          group="checkpoints")
    save_steps: int = opt(0, "Save a checkpoint every N optimizer steps (0 = after every evaluation).",
                          unit="steps", group="checkpoints")
    save_total_limit: int = opt(3, "Keep only the last K step checkpoints (best/ is never deleted; 0 = keep all).",
                                unit="checkpoints", group="checkpoints")
    early_stopping_patience: int = opt(3, "Stop after this many evaluations without a better eval_accuracy "
                                       "(0 = never).", unit="evaluations", group="checkpoints")
    logging_steps: int = opt(1, "Write training scalars every N optimizer steps.", unit="steps",
                             group="checkpoints")
    log_samples: bool = opt(False, "After each evaluation, write a few scored validation items as a 'samples' "
                            "event (and to W&B).", group="checkpoints")
    resume_from_checkpoint: str = opt("", "checkpoints/step-N folder, or a run directory (its latest checkpoint). "
                                      "A run without its own config.json takes the checkpoint's run's settings "
                                      "(base model, epochs, patience, ...); flags still override them.",
                                      group="checkpoints")
    load_weights_only: bool = opt(False, "With resume_from_checkpoint: load weights only and start a fresh "
                                  "optimizer, schedule and data order.", group="checkpoints")
    # --- run ----------------------------------------------------------------------------------
    experiment_name: str = opt("reward_model", "Run name; without --run-dir the run goes to "
                               "<output_dir>/<experiment_name>_<YYYYmmdd-HHMMSS>/.", group="run")
    output_dir: str = opt("checkpoints", "Parent folder for runs started without --run-dir.", group="run")
    use_wandb: bool = opt(False, "Also log to Weights & Biases (only if the wandb package is installed).",
                          group="run")
    wandb_project: str = opt("qwen_reward", "W&B project.", group="run")
    wandb_api_key: str = opt("", "W&B API key (never written to config.json; prefer WANDB_API_KEY).", group="run")

    # ------------------------------------------------------------------------------------------
    def validate(self) -> None:
        """Reject values that would only fail later, with a message naming the field."""
        def bad(name: str, why: str) -> None:
            raise ValueError(f"config field '{name}': {why}")

        for f in dataclasses.fields(self):
            choices = f.metadata.get("choices")
            if choices and getattr(self, f.name) not in choices:
                bad(f.name, f"must be one of {choices}, got {getattr(self, f.name)!r}")
        if self.score_max <= self.score_min:
            bad("score_max", "must be greater than score_min")
        for name in ("batch_size", "gradient_accumulation_steps", "max_length"):
            if getattr(self, name) < 1:
                bad(name, "must be >= 1")
        if self.num_epochs < 1 and self.max_steps < 1:
            bad("num_epochs", "must be >= 1 (or set max_steps)")
        if self.load_in_8bit and self.load_in_4bit:
            bad("load_in_4bit", "choose one of load_in_8bit and load_in_4bit")
        if (self.load_in_8bit or self.load_in_4bit) and not self.use_lora:
            bad("use_lora", "quantised (8-bit/4-bit) weights cannot be trained directly: set use_lora to train "
                            "LoRA adapters on them")
        if self.learning_rate <= 0:
            bad("learning_rate", "must be > 0")
        if not 0 <= self.warmup_ratio < 1:
            bad("warmup_ratio", "must be in [0, 1)")

    def effective_attn(self) -> str:
        return "flash_attention_2" if self.use_flash_attention else self.attn_implementation

    def to_json_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        for k in SECRET_FIELDS:
            d.pop(k, None)
        return d

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json_dict(), indent=2) + "\n")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TrainConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown config fields {unknown}; run `python -m reward_studio describe-config` "
                             "for the valid ones")
        hints = typing.get_type_hints(cls)
        values = {}
        for k, v in data.items():
            values[k] = _coerce(hints[k], v, k)
        return cls(**values)

    @classmethod
    def load(cls, path: str | Path) -> "TrainConfig":
        return cls.from_dict(json.loads(Path(path).read_text()))


def _coerce(tp: Any, value: Any, name: str) -> Any:
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise ValueError(f"config field '{name}' must be true/false, got {value!r}")
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
            raise ValueError(f"config field '{name}' must be an integer, got {value!r}")
        return int(value)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"config field '{name}' must be a number, got {value!r}")
        return float(value)
    if value is None:
        return ""
    return str(value)


def _type_name(tp: Any) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string"}[tp]


def describe() -> dict[str, Any]:
    """Machine-readable description of every TrainConfig field (for the studio's train form)."""
    hints = typing.get_type_hints(TrainConfig)
    fields = []
    for f in dataclasses.fields(TrainConfig):
        entry = {
            "name": f.name,
            "type": _type_name(hints[f.name]),
            "default": f.default,
            "help": f.metadata["help"],
            "group": f.metadata["group"],
            "flag": f"--{f.name}",
            "secret": f.name in SECRET_FIELDS,
        }
        if f.metadata.get("unit"):
            entry["unit"] = f.metadata["unit"]
        if f.metadata.get("choices"):
            entry["choices"] = f.metadata["choices"]
        if f.metadata.get("requires"):
            entry["requires"] = f.metadata["requires"]
        fields.append(entry)
    return {"version": 1, "fields": fields}


def add_config_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per field; defaults are None so we can tell 'given' from 'not given' (flags override JSON)."""
    hints = typing.get_type_hints(TrainConfig)
    for f in dataclasses.fields(TrainConfig):
        tp = hints[f.name]
        if tp is bool:
            # `--flag` (seed style) or `--flag true/false` both work.
            parser.add_argument(f"--{f.name}", nargs="?", const=True, default=None, type=_parse_bool,
                                help=f.metadata["help"])
        else:
            parser.add_argument(f"--{f.name}", type=tp, default=None, choices=f.metadata.get("choices"),
                                help=f.metadata["help"])


def _parse_bool(text: str) -> bool:
    t = text.strip().lower()
    if t in ("1", "true", "yes", "on"):
        return True
    if t in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true/false, got {text!r}")


def overrides_from_args(args: argparse.Namespace) -> dict[str, Any]:
    return {f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig)
            if getattr(args, f.name, None) is not None}
