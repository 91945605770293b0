"""Starting a training run: run directory, config merge, logging, signals, and the error contract.

Exit codes: 0 = finished or stopped (SIGTERM/SIGINT); 2 = bad input (an `error` event says what and
what to do); 1 = unexpected failure (an `error` event points at worker.log's traceback). In every
non-zero case the error event is the last event in metrics.sqlite and status.phase is 'failed'.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from reward_studio.config import TrainConfig
from reward_studio.errors import ConfigError, DataError, WorkerError
from reward_studio.metrics_db import MetricsDB, NullDB

log = logging.getLogger("reward_studio")


def new_run_dir(output_dir: str, experiment: str) -> Path:
    """<output_dir>/<experiment>_<YYYYmmdd-HHMMSS>/ — unique per run, as seed 000 does."""
    base = Path(output_dir) / f"{experiment}_{time.strftime('%Y%m%d-%H%M%S')}"
    path, n = base, 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.name}-{n}")
    path.mkdir(parents=True)
    return path


def setup_logging(run_dir: Path | None, main: bool) -> None:
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    log.setLevel(logging.INFO if main else logging.WARNING)  # one voice per run, not one per rank
    log.handlers.clear()
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    err = logging.StreamHandler(sys.stderr)
    err.setFormatter(fmt)
    log.addHandler(err)
    if run_dir is not None and main:
        fh = logging.FileHandler(run_dir / "worker.log")
        fh.setFormatter(fmt)
        log.addHandler(fh)


def freeze_data(cfg: TrainConfig, run_dir: Path) -> TrainConfig:
    """Copy the given data files into run_dir/data so the run stands alone (seed flags path).

    data/sources.json remembers each copy's original, so data errors found later name the person's
    file and line (the copy keeps the line numbers), not the copy."""
    from reward_studio.data import display_path, original_source, record_source, write_jsonl_absolute

    data = run_dir / "data"
    data.mkdir(exist_ok=True)
    for split, attr in (("train", "train_data_path"), ("val", "val_data_path")):
        src = getattr(cfg, attr)
        if not src:
            continue
        p = Path(src).resolve()
        if not p.exists():
            raise DataError(f"{split} data file not found: {display_path(src)}", f"Check --{attr}.")
        if p.suffix.lower() == ".parquet":
            dst = data / f"{split}.parquet"
            shutil.copy2(p, dst)
        else:
            dst = data / f"{split}.jsonl"
            write_jsonl_absolute(Path(display_path(p)), dst)
        # a copy of another run's frozen copy (resume into a new folder) keeps pointing at the original
        record_source(dst, original_source(p) or str(p))
        setattr(cfg, attr, f"data/{dst.name}")
    return cfg


# Config fields that hold paths. Given as flags they mean what they mean in the shell: relative to the
# working directory of the command (made absolute at once, so config.json reruns anywhere). Relative
# paths inside a run's config.json (the studio's data/train.jsonl) stay relative to the run directory.
PATH_FLAGS = ("resume_from_checkpoint", "train_data_path", "val_data_path", "base_model_name", "output_dir")


def absolute_flags(overrides: dict[str, Any]) -> dict[str, Any]:
    out = dict(overrides)
    for key in PATH_FLAGS:
        value = out.get(key)
        if not isinstance(value, str) or not value:
            continue
        p = Path(value).expanduser()
        if key == "base_model_name" and not p.exists():
            continue  # not a folder here: keep the text as typed for the error message
        out[key] = os.path.abspath(p)
    return out


def checkpoint_run(ckpt: Path) -> Path | None:
    """The run directory a checkpoint folder belongs to (RUN/checkpoints/step-N or RUN/best), if any."""
    if ckpt.parent.name == "checkpoints":
        return ckpt.parent.parent
    if ckpt.name == "best":
        return ckpt.parent
    return None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text()) if path.is_file() else None
    except (OSError, json.JSONDecodeError):
        return None


def inherited_config(resume: str) -> tuple[dict[str, Any], Path | None]:
    """The training config of the run a checkpoint comes from, for a resume that does not repeat it.

    Its config.json gives everything (epochs, patience, lr, data, LoRA, ...); the checkpoint's
    reward_config.json says what the weights are (base model, head, score range, LoRA or not) and wins
    for those; trainer_state.json fills batch size and seed for a checkpoint without its run. Never
    inherited: where to resume from, load_weights_only, output_dir (a new run goes next to the old one)."""
    from dataclasses import fields

    from reward_studio.checkpointing import resolve_resume_path

    ckpt = resolve_resume_path(resume)
    src_run = checkpoint_run(ckpt)
    known = {f.name for f in fields(TrainConfig)}
    base: dict[str, Any] = {}
    data = _read_json(src_run / "config.json") if src_run else None
    if isinstance(data, dict):
        base = {k: v for k, v in data.items() if k in known}
        for key in ("train_data_path", "val_data_path"):
            value = base.get(key)
            if isinstance(value, str) and value and not Path(value).is_absolute():
                base[key] = str(src_run / value)
    state = _read_json(ckpt / "trainer_state.json")
    if isinstance(state, dict) and not isinstance(data, dict):
        for key, name in (("batch_size", "batch_size"), ("gradient_accumulation_steps", "gradient_accumulation_steps"),
                          ("seed", "sampler_seed")):
            if state.get(name) is not None:
                base[key] = state[name]
    rc = _read_json(ckpt / "reward_config.json")
    if isinstance(rc, dict):
        bm = rc.get("base_model_name")
        if isinstance(bm, str) and bm and Path(bm).is_dir():
            base["base_model_name"] = bm
        for key, name in (("score_head", "score_head"), ("score_min", "score_min"), ("score_max", "score_max"),
                          ("score_range", "score_range"), ("use_lora", "lora")):
            if rc.get(name) is not None:
                base[key] = rc[name]
    for key in ("resume_from_checkpoint", "load_weights_only", "output_dir"):
        base.pop(key, None)
    return base, src_run


def resolve_config(run_dir_arg: str | None, overrides: dict[str, Any], main: bool) -> tuple[TrainConfig, Path, bool]:
    """Returns (config, run_dir, created). Flags override config.json values."""
    if run_dir_arg:
        run_dir = Path(os.path.abspath(Path(run_dir_arg).expanduser()))
        run_dir.mkdir(parents=True, exist_ok=True)
        return TrainConfig(), run_dir, False
    naming = {k: v for k, v in overrides.items() if k in ("output_dir", "experiment_name")}
    if overrides.get("resume_from_checkpoint"):  # a resume into a new folder: named and placed like its source
        try:
            inherited, src_run = inherited_config(overrides["resume_from_checkpoint"])
        except WorkerError:
            inherited, src_run = {}, None  # build_config reports it, inside the error contract
        if inherited.get("experiment_name"):
            naming.setdefault("experiment_name", inherited["experiment_name"])
        if src_run is not None:
            naming.setdefault("output_dir", str(src_run.parent))
    cfg = TrainConfig(**naming)
    return cfg, (new_run_dir(os.path.abspath(cfg.output_dir), cfg.experiment_name) if main else Path()), True


def build_config(run_dir: Path, overrides: dict[str, Any], created: bool) -> TrainConfig:
    cfg_file = run_dir / "config.json"
    own = cfg_file.exists() and not created
    try:
        base = json.loads(cfg_file.read_text()) if own else {}
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{cfg_file}: not valid JSON ({exc})", "Fix config.json or start from flags.") from exc
    if not isinstance(base, dict):
        raise ConfigError(f"{cfg_file}: expected a JSON object", "Fix config.json.")
    inherited: dict[str, Any] = {}
    if not own and overrides.get("resume_from_checkpoint"):
        # A run without its own config.json resumes with the checkpoint's run's settings; flags still win.
        inherited, src_run = inherited_config(overrides["resume_from_checkpoint"])
        log.info("resume: settings of %s (flags override them)", src_run or overrides["resume_from_checkpoint"])
    try:
        cfg = TrainConfig.from_dict({**inherited, **base, **overrides})
        cfg.validate()
    except ValueError as exc:
        raise ConfigError(str(exc), "Run `python -m reward_studio describe-config` for valid fields and values.")
    if not created:  # studio layout: data/ snapshot next to config.json
        if not cfg.train_data_path and (run_dir / "data" / "train.jsonl").exists():
            cfg.train_data_path = "data/train.jsonl"
        if not cfg.val_data_path and (run_dir / "data" / "val.jsonl").exists():
            cfg.val_data_path = "data/val.jsonl"
    else:
        cfg = freeze_data(cfg, run_dir)
        cfg.output_dir = str(run_dir.parent)  # where this run really is, for config.json
    return cfg


def train_main(run_dir_arg: str | None, overrides: dict[str, Any]) -> int:
    from accelerate import Accelerator, DistributedDataParallelKwargs

    from reward_studio.train_loop import StopFlag, train

    # Text without images leaves the vision tower unused in some steps: DDP must tolerate that.
    import torch

    # cpu=True on a CPU-only machine lets torchrun/accelerate start a gloo (MULTI_CPU) process group.
    acc = Accelerator(cpu=not torch.cuda.is_available(),
                      kwargs_handlers=[DistributedDataParallelKwargs(find_unused_parameters=True)])
    main = acc.is_main_process
    overrides = absolute_flags(overrides)
    cfg, run_dir, created = resolve_config(run_dir_arg, overrides, main)
    if created and acc.num_processes > 1:
        from accelerate.utils import broadcast_object_list

        holder = [str(run_dir)]
        broadcast_object_list(holder)
        run_dir = Path(holder[0])
    setup_logging(run_dir, main)
    db: Any = MetricsDB(run_dir / "metrics.sqlite") if main else NullDB()
    stop = StopFlag()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    db.status("starting", message="starting worker")
    db.start_heartbeat()
    if main:
        print(json.dumps({"type": "run_dir", "path": str(run_dir.resolve())}), flush=True)
    try:
        cfg = build_config(run_dir, overrides, created)
        if main:
            cfg.save(run_dir / "config.json")
        from reward_studio.model import check_model_folder

        check_model_folder(cfg.base_model_name)
        outcome = train(cfg, run_dir, acc, db, stop)
        log.info("run %s: %s", run_dir, outcome)
        return 0
    except WorkerError as exc:
        fail(db, exc.to_event())
        return 2
    except Exception as exc:  # our bug or an environment problem: keep the traceback for the log
        log.error("unexpected failure:\n%s", traceback.format_exc())
        fail(db, {"message": f"{exc.__class__.__name__}: {exc}", "type": "internal_error",
                  "hint": f"See {run_dir / 'worker.log'} for the traceback; report it if the inputs look right."})
        return 1
    finally:
        db.close()


def fail(db: Any, payload: dict[str, str]) -> None:
    log.error("%s%s", payload["message"], f" — {payload['hint']}" if payload.get("hint") else "")
    print(json.dumps({"event": "error", **payload}), file=sys.stderr, flush=True)
    db.status("failed", message=payload["message"][:500])
    db.event("error", payload)
