"""`reward-modeling`: seed 003's TRL script (`examples/scripts/reward_modeling.py`) with its flags unchanged.

    python -m reward_studio reward-modeling --model_name_or_path M --dataset_name DATA --output_dir OUT \\
        --per_device_train_batch_size 8 --num_train_epochs 1 --gradient_checkpointing True \\
        --learning_rate 1.0e-5 --eval_strategy steps --eval_steps 50 --max_length 2048 [--use_peft …]
    accelerate launch --num_processes 2 --mixed_precision bf16 -m reward_studio reward-modeling …

TRL's flags (script, RewardConfig/TrainingArguments and ModelConfig names) become a TrainConfig with TRL's
defaults and TRL's model — a linear head without bias and an unbounded score, i.e. a stock
`Qwen2ForSequenceClassification` — and the worker's own training loop runs it. DATA is a local file or
folder in any format the studio imports (TRL chosen/rejected and seed rows natively; everything else
through the studio's importer, `reward-studio convert`).

OUT is where the reward model lands, as TRL leaves it: full training → a standard model folder
(AutoModelForSequenceClassification.from_pretrained(OUT)); --use_peft → a PEFT SEQ_CLS adapter in OUT
(merge it with `python -m reward_studio export --checkpoint OUT --merge-lora MERGED`, seed 003's
`swift export --merge_lora true`). The run itself (config.json, metrics.sqlite, checkpoints/, best/)
is OUT/run/.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from reward_studio.config import _parse_bool
from reward_studio.errors import ConfigError, DataError

RUN_SUBDIR = "run"
HOLDOUT_SHARE = 0.05  # a single file with evaluation on: this share of it is held out, seeded
SPLIT_NAMES = {"train": ("train",), "test": ("test", "validation", "val", "eval", "dev")}


def add_flags(p: argparse.ArgumentParser) -> None:
    """TRL's flag names and defaults (RewardConfig overrides TrainingArguments' where TRL does)."""
    def flag(name: str, *aliases: str, **kw: Any) -> None:
        p.add_argument(f"--{name}", *aliases, **kw)

    def switch(name: str, default: bool) -> None:  # `--flag`, `--flag True` and `--flag false` alike
        p.add_argument(f"--{name}", nargs="?", const=True, default=default, type=_parse_bool)

    # ScriptArguments
    flag("dataset_name", required=True, help="Local file or folder in any format the studio imports.")
    flag("dataset_config", default=None)
    flag("dataset_train_split", default="train")
    flag("dataset_test_split", default="test")
    # ModelConfig
    flag("model_name_or_path", required=True, help="Local Hugging Face model folder (never downloaded).")
    flag("dtype", "--torch_dtype", dest="dtype", default="auto", choices=["auto", "bfloat16", "float32"])
    flag("attn_implementation", default="sdpa", choices=["sdpa", "flash_attention_2", "eager"])
    switch("trust_remote_code", False)
    switch("use_peft", False)
    flag("lora_r", type=int, default=16)
    flag("lora_alpha", type=int, default=32)
    flag("lora_dropout", type=float, default=0.05)
    flag("lora_target_modules", nargs="+", default=None)
    flag("lora_task_type", default="CAUSAL_LM")
    switch("load_in_8bit", False)
    switch("load_in_4bit", False)
    # RewardConfig / TrainingArguments
    flag("output_dir", required=True, help="Where the final reward model lands (the run is OUT/run/).")
    flag("per_device_train_batch_size", type=int, default=8)
    flag("per_device_eval_batch_size", type=int, default=8)
    flag("gradient_accumulation_steps", type=int, default=1)
    flag("num_train_epochs", type=float, default=3.0)
    flag("max_steps", type=int, default=-1)
    flag("learning_rate", type=float, default=1e-4)
    flag("weight_decay", type=float, default=0.0)
    flag("max_grad_norm", type=float, default=1.0)
    flag("lr_scheduler_type", default="linear", choices=["linear", "cosine", "constant", "constant_with_warmup"])
    flag("warmup_ratio", type=float, default=0.0)
    switch("gradient_checkpointing", True)
    flag("eval_strategy", default="no", choices=["no", "steps", "epoch"])
    flag("eval_steps", type=float, default=None)
    flag("save_strategy", default="steps", choices=["no", "steps", "epoch", "best"])
    flag("save_steps", type=float, default=500)
    flag("save_total_limit", type=int, default=None)
    flag("logging_steps", type=float, default=10)
    flag("seed", type=int, default=42)
    switch("bf16", True)
    switch("fp16", False)
    flag("max_length", type=int, default=1024)
    flag("report_to", nargs="+", default=["none"])
    flag("run_name", default=None)
    flag("dataloader_num_workers", type=int, default=0)
    flag("resume_from_checkpoint", default=None)
    flag("center_rewards_coefficient", type=float, default=None)


def refuse(flag: str, why: str, hint: str) -> None:
    raise ConfigError(f"--{flag}: {why}", hint)


def check_supported(a: argparse.Namespace) -> None:
    """Flags TRL accepts that this worker cannot honour: said, never silently ignored."""
    if a.dataset_config:
        refuse("dataset_config", "Hub dataset configurations are not available offline",
               "Point --dataset_name at a local file or folder instead.")
    if a.lora_task_type.upper() not in ("SEQ_CLS", "CAUSAL_LM"):
        refuse("lora_task_type", f"{a.lora_task_type} is not a reward-model task", "Use --lora_task_type SEQ_CLS.")
    if a.fp16:
        refuse("fp16", "fp16 training is not supported (bf16 is, on GPUs that have it)", "Use --bf16 True.")
    if a.center_rewards_coefficient:
        refuse("center_rewards_coefficient", "reward centering is not implemented",
               "Leave it out; the pairwise loss does not depend on the rewards' offset.")
    if a.trust_remote_code:
        refuse("trust_remote_code", "base models are loaded only with transformers' own classes",
               "Use a Qwen2-VL-family or Qwen2/Qwen3 text model folder.")
    if a.num_train_epochs != int(a.num_train_epochs):
        refuse("num_train_epochs", f"{a.num_train_epochs} is not a whole number of epochs",
               "Use a whole number, or --max_steps to stop part-way.")


def train_overrides(a: argparse.Namespace, train: Path, val: Path | None) -> dict[str, Any]:
    """The TrainConfig that trains what TRL's script trains."""
    steps = a.eval_steps if a.eval_steps is not None else a.logging_steps  # HF: eval_steps defaults to logging_steps
    lora_regex = "auto" if not a.lora_target_modules or a.lora_target_modules == ["all-linear"] else \
        r".*\.(" + "|".join(a.lora_target_modules) + ")"
    return {
        "base_model_name": os.path.abspath(a.model_name_or_path),
        "train_data_path": str(train),
        "val_data_path": str(val) if val else "",
        "score_head": "linear", "score_range": "none",  # TRL's model: Qwen2ForSequenceClassification
        "dtype": "fp32" if not a.bf16 or a.dtype == "float32" else "auto",
        "attn_implementation": a.attn_implementation,
        "gradient_checkpointing": a.gradient_checkpointing,
        "max_length": a.max_length,
        "batch_size": a.per_device_train_batch_size,
        "eval_batch_size": a.per_device_eval_batch_size,
        "gradient_accumulation_steps": a.gradient_accumulation_steps,
        "learning_rate": a.learning_rate,
        "weight_decay": a.weight_decay,
        "max_grad_norm": a.max_grad_norm,
        "num_epochs": int(a.num_train_epochs) if a.max_steps <= 0 else 0,
        "max_steps": max(a.max_steps, 0),
        "use_scheduler": True,
        "lr_scheduler": "constant" if a.lr_scheduler_type.startswith("constant") else a.lr_scheduler_type,
        "warmup_ratio": a.warmup_ratio,
        "seed": a.seed,
        "eval_steps": int(steps) if a.eval_strategy == "steps" else 0,
        "save_steps": int(a.save_steps) if a.save_strategy == "steps" else 0,
        "save_total_limit": a.save_total_limit or 0,
        "early_stopping_patience": 0,  # TRL trains every epoch it is asked to
        "logging_steps": max(int(a.logging_steps), 1),
        "num_workers": a.dataloader_num_workers,
        "use_wandb": "wandb" in a.report_to or "all" in a.report_to,
        "experiment_name": a.run_name or "reward_model",
        "use_lora": a.use_peft,
        "lora_r": a.lora_r, "lora_alpha": a.lora_alpha, "lora_dropout": a.lora_dropout,
        "lora_target_regex": lora_regex,
        "load_in_8bit": a.load_in_8bit, "load_in_4bit": a.load_in_4bit,
        **({"resume_from_checkpoint": os.path.abspath(a.resume_from_checkpoint)} if a.resume_from_checkpoint else {}),
    }


# ---- data -----------------------------------------------------------------------------------------
def prepare_data(a: argparse.Namespace, data_dir: Path) -> tuple[Path, Path | None]:
    """The dataset as seed JSONL in data_dir: train, and the evaluation split when evaluation is on."""
    from reward_studio.data import load_items, write_jsonl_absolute

    source = Path(a.dataset_name).expanduser()
    if not source.exists():
        raise DataError(f"--dataset_name {a.dataset_name}: no such file or folder",
                        "Give a local preference file (JSONL, JSON, Parquet, …) or a folder with train/test files.")
    data_dir.mkdir(parents=True, exist_ok=True)
    want_eval = a.eval_strategy != "no"
    if source.is_dir():
        splits = convert_with_studio(source, data_dir / "converted")
        train = splits.get(a.dataset_train_split) or splits.get("train")
        if train is None:
            raise DataError(f"{source}: no '{a.dataset_train_split}' split found",
                            f"Name the training file {a.dataset_train_split}.jsonl (or similar) inside the folder.")
        test = splits.get(a.dataset_test_split) or next((splits[n] for n in SPLIT_NAMES["test"] if n in splits), None)
        return train, (test if want_eval else None) or (holdout(train, data_dir, a.seed)[1] if want_eval else None)
    frozen = None
    if native_rows(source):  # seed or TRL rows: read here, so errors name the person's file and line
        try:
            load_items(source)
            frozen = data_dir / "all.jsonl"
            write_jsonl_absolute(source, frozen)
        except DataError:
            if studio_cli() is None:
                raise
            # TRL trains on what it can: the importer leaves out the rows it cannot use, each one reported
    if frozen is None:
        frozen = convert_with_studio(source, data_dir / "converted")["train"]
    return holdout(frozen, data_dir, a.seed) if want_eval else (frozen, None)


def native_rows(source: Path) -> bool:
    """Whether the worker's own reader takes the file (seed or TRL rows in JSON(L)/Parquet); other tools'
    formats go through the studio's importer."""
    from reward_studio.data import PARQUET_MAGIC, _head, _read_jsonl, _read_parquet
    from reward_studio.trl_rows import is_trl_row

    try:
        rows = _read_parquet(source) if _head(source, 4) == PARQUET_MAGIC else _read_jsonl(source)
    except DataError:
        return False
    first = rows[0][1] if rows else None
    return isinstance(first, dict) and ("response" in first or is_trl_row(first))


def holdout(all_rows: Path, data_dir: Path, seed: int) -> tuple[Path, Path | None]:
    """TRL evaluates on the dataset's test split; a single file has none, so a seeded share is held out."""
    lines = [line for line in all_rows.read_text(encoding="utf-8").split("\n") if line.strip()]
    n_val = max(1, round(len(lines) * HOLDOUT_SHARE)) if len(lines) >= 20 else 0
    if n_val == 0:
        print(json.dumps({"event": "warning", "message": f"{len(lines)} items are too few to hold out an evaluation "
                          "split; training without evaluation"}), file=sys.stderr, flush=True)
        return all_rows, None
    order = list(range(len(lines)))
    random.Random(seed).shuffle(order)
    val_idx = set(order[:n_val])
    train, val = data_dir / "train.jsonl", data_dir / "val.jsonl"
    train.write_text("".join(lines[i] + "\n" for i in range(len(lines)) if i not in val_idx), encoding="utf-8")
    val.write_text("".join(lines[i] + "\n" for i in sorted(val_idx)), encoding="utf-8")
    print(json.dumps({"event": "log", "message": f"no test split: evaluating on {n_val} of {len(lines)} items held "
                      f"out (seed {seed}); give a folder with train and test files to choose them"}),
          file=sys.stderr, flush=True)
    return train, val


def studio_cli() -> list[str] | None:
    """`node bin/reward-studio.mjs` of the checkout this worker lives in, when there is one."""
    bin_file = Path(__file__).resolve().parents[2] / "bin" / "reward-studio.mjs"
    node = shutil.which("node")
    return [node, str(bin_file)] if node and bin_file.exists() else None


def convert_with_studio(source: Path, out: Path) -> dict[str, Path]:
    """Any format the studio imports, as seed JSONL, through the studio's own importer."""
    cli = studio_cli()
    if cli is None:
        raise DataError(f"{source}: not seed or TRL chosen/rejected rows, and the studio's importer (node + "
                        "bin/reward-studio.mjs) is not available to convert it",
                        "Convert it with `reward-studio convert FILE --out data.jsonl` where the studio is installed, "
                        "or run the worker from a Reward Studio checkout.")
    if out.exists():
        shutil.rmtree(out)
    target = out if source.is_dir() else out / "train.jsonl"
    out.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([*cli, "convert", str(source), "--out", str(target)], capture_output=True, text=True)
    if proc.stderr.strip():  # the rows left out and why, grouped (the importer's report)
        print(proc.stderr.rstrip(), file=sys.stderr, flush=True)
    if proc.returncode != 0:
        raise DataError(f"{source}: the studio's importer could not read it (see above)",
                        "Check the file's format (see the README's import table), or pass a seed / TRL JSONL.")
    if not source.is_dir():
        return {"train": target}
    return {p.stem: p for p in sorted(out.glob("*.jsonl"))}


# ---- the final model --------------------------------------------------------------------------------
def land_model(run_dir: Path, out: Path, use_peft: bool) -> dict[str, Any]:
    """Put the run's best model where TRL puts its final model: OUT itself."""
    from reward_studio.checkpointing import SEQ_CLS_ADAPTER_DIR, find_best
    from reward_studio.hf_export import write_hf_model
    from reward_studio.model import load_processor, load_reward_model

    best = find_best(run_dir) or run_dir / "best"  # also a best/ whose swap a kill left half done
    if not (best / "reward_config.json").exists():
        raise ConfigError(f"{run_dir} has no best/ checkpoint to hand over", "See the run's worker.log.")
    if use_peft:
        for f in (best / SEQ_CLS_ADAPTER_DIR).iterdir():
            shutil.copy2(f, out / f.name)
        return {"output_dir": str(out), "adapter": True}
    model, rc = load_reward_model(str(best))
    processor = load_processor(str(best), model.is_vl)
    chosen = write_hf_model(model.eval(), out, processor, rc.get("base_model_name", ""))
    return {"output_dir": str(out), "adapter": False, **chosen}


def reward_modeling_main(a: argparse.Namespace) -> int:
    from reward_studio.run_setup import train_main

    out = Path(a.output_dir).expanduser().resolve()
    run_dir = out / RUN_SUBDIR
    rank = int(os.environ.get("RANK", "0"))
    ready = run_dir / "data" / ".ready"
    if rank == 0:
        try:
            check_supported(a)
            if (run_dir / "checkpoints").exists() and not a.resume_from_checkpoint:
                raise ConfigError(f"{out} already holds a run", "Choose a new --output_dir, or continue it with "
                                  f"--resume_from_checkpoint {run_dir}.")
            ready.unlink(missing_ok=True)
            train, val = prepare_data(a, run_dir / "data")
            overrides = train_overrides(a, train, val)
            ready.write_text(json.dumps(overrides))
        except (ConfigError, DataError) as exc:
            ready.parent.mkdir(parents=True, exist_ok=True)
            ready.write_text(json.dumps({"error": str(exc)}))
            print(json.dumps({"event": "error", **exc.to_event()}), file=sys.stderr, flush=True)
            return 2
    else:  # the other processes of `accelerate launch` wait for rank 0's data
        deadline = time.time() + 1800
        while not ready.exists() and time.time() < deadline:
            time.sleep(0.5)
        overrides = json.loads(ready.read_text())
        if "error" in overrides:
            return 2
    code = train_main(str(run_dir), overrides)
    if code == 0 and rank == 0:
        print(json.dumps({"type": "reward_model", **land_model(run_dir, out, a.use_peft)}), flush=True)
    return code
