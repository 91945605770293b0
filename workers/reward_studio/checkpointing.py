"""Checkpoint folders: weights (full or LoRA adapter) + score head + everything needed to resume exactly.

checkpoints/step-N/
  reward_config.json        what the folder is (full or LoRA, head kind, score range, base model)
  config.json               the backbone's HF config (full weights only)
  model.safetensors         full weights, keys as in the HF generation class ("model.*"; no LM head)
  adapter_model.safetensors + adapter_config.json   LoRA (PEFT format; the score head is in modules_to_save)
  seq_cls_adapter/          LoRA: the same adapter as a standard PEFT SEQ_CLS adapter (hf_export)
  score_head.safetensors    the score head, always (also for LoRA: a head never gets lost)
  tokenizer / processor files
  optimizer.pt, scheduler.pt, rng_state_<rank>.pt, trainer_state.json
A folder is written as step-N.tmp and renamed when complete, so readers never see half a checkpoint.
best/ is replaced by a swap (best -> best.old, best.tmp -> best, delete best.old), never deleted first:
a worker killed mid-swap leaves a complete best.tmp or best.old, which readers find (find_best) and
the trainer puts back on resume (recover_swapped_folder).
"""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from reward_studio.errors import ConfigError
from reward_studio.model import HEAD_FILE, REWARD_CONFIG, WEIGHTS_FILE, RewardModel

STATE_FILE = "trainer_state.json"
SEQ_CLS_ADAPTER_DIR = "seq_cls_adapter"


def is_peft(model: torch.nn.Module) -> bool:
    return hasattr(model, "peft_config")


def reward_core(model: torch.nn.Module) -> RewardModel:
    """The RewardModel inside a PEFT wrapper (or the model itself)."""
    return model.get_base_model() if is_peft(model) else model


def head_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    head = reward_core(model).score_head
    if hasattr(head, "modules_to_save"):  # PEFT ModulesToSaveWrapper: the trained copy is the active one
        name = head.active_adapters[0] if hasattr(head, "active_adapters") else head.active_adapter
        head = head.modules_to_save[name]
    return {f"score_head.{k}": v.detach().cpu().contiguous() for k, v in head.state_dict().items()}


def load_head_state(model: torch.nn.Module, state: dict[str, torch.Tensor]) -> None:
    head = reward_core(model).score_head
    if hasattr(head, "modules_to_save"):
        name = head.active_adapters[0] if hasattr(head, "active_adapters") else head.active_adapter
        head = head.modules_to_save[name]
    head.load_state_dict({k[len("score_head."):]: v for k, v in state.items()})


def unique_tensors(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """safetensors refuses tensors that share storage; copy the (rare) duplicates."""
    out, seen = {}, set()
    for k, v in state.items():
        t = v.detach().cpu().contiguous()
        ptr = (t.untyped_storage().data_ptr(), t.storage_offset(), t.numel())
        out[k] = t.clone() if ptr in seen else t
        seen.add(ptr)
    return out


def reward_config_dict(model: torch.nn.Module, base_model_name: str) -> dict[str, Any]:
    core = reward_core(model)
    return {
        "format_version": 1,
        "lora": is_peft(model),
        "base_model_name": str(Path(base_model_name).resolve()) if base_model_name else "",
        "model_kind": "vision-language" if core.is_vl else "text",
        "model_type": getattr(core.backbone.config, "model_type", ""),
        "score_head": core.head_kind,
        "score_min": core.score_min,
        "score_max": core.score_max,
        "score_range": core.score_range,
        "head_bias": core.head_bias,
        "reward_formula": "head(h_last_token)" if core.score_range == "none" else
        "score_min + (score_max - score_min) * sigmoid(head(h_last_token))",
    }


def save_weights(model: torch.nn.Module, out: Path, processor: Any, base_model_name: str) -> None:
    """Weights + head + configs + processor: enough for `score` and `export` to load the folder alone."""
    out.mkdir(parents=True, exist_ok=True)
    core = reward_core(model)
    if is_peft(model):
        from reward_studio.hf_export import write_seq_cls_adapter

        model.save_pretrained(str(out))
        # The same adapter under the names other tools know (PEFT SEQ_CLS over the sequence-classification
        # class), so TRL / PEFT users can reload the run's adapter without the studio.
        write_seq_cls_adapter(model, out / SEQ_CLS_ADAPTER_DIR, processor, base_model_name)
    else:
        state = {f"model.{k}": v for k, v in core.backbone.state_dict().items()}
        save_file(unique_tensors(state), str(out / WEIGHTS_FILE), metadata={"format": "pt"})
        core.backbone.config.save_pretrained(str(out))
    save_file(head_state(model), str(out / HEAD_FILE), metadata={"format": "pt"})
    (out / REWARD_CONFIG).write_text(json.dumps(reward_config_dict(model, base_model_name), indent=2) + "\n")
    if processor is not None:
        processor.save_pretrained(str(out))


def load_weights_into(model: torch.nn.Module, ckpt: Path) -> None:
    """Load a checkpoint's trained weights into an already-built (possibly PEFT-wrapped) model."""
    rc = json.loads((ckpt / REWARD_CONFIG).read_text())
    if bool(rc.get("lora")) != is_peft(model):
        want = "use_lora=true" if rc.get("lora") else "use_lora=false"
        raise ConfigError(f"checkpoint {ckpt} is {'a LoRA adapter' if rc.get('lora') else 'full weights'} "
                          "but the run is configured the other way", f"Set {want} to resume from it.")
    if is_peft(model):
        from peft import set_peft_model_state_dict

        set_peft_model_state_dict(model, load_file(str(ckpt / "adapter_model.safetensors")))
    else:
        state = load_file(str(ckpt / WEIGHTS_FILE))
        backbone_state = {k[len("model."):]: v for k, v in state.items() if k.startswith("model.")}
        missing, unexpected = reward_core(model).backbone.load_state_dict(backbone_state, strict=False)
        if unexpected or missing:
            raise ConfigError(f"checkpoint {ckpt} does not match the model (missing {list(missing)[:5]}, "
                              f"unexpected {list(unexpected)[:5]})", "Resume with the same base_model_name.")
    load_head_state(model, load_file(str(ckpt / HEAD_FILE)))


# ---- RNG ------------------------------------------------------------------------------------------
def rng_state() -> dict[str, Any]:
    state = {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


# ---- folders --------------------------------------------------------------------------------------
def step_dir(run_dir: Path, step: int) -> Path:
    return run_dir / "checkpoints" / f"step-{step}"


def list_checkpoints(run_dir: Path) -> list[tuple[int, Path]]:
    root = run_dir / "checkpoints"
    found = []
    if root.is_dir():
        for p in root.iterdir():
            if p.is_dir() and p.name.startswith("step-") and p.name[5:].isdigit() and (p / STATE_FILE).exists():
                found.append((int(p.name[5:]), p))
    return sorted(found)


def resolve_resume_path(path: str) -> Path:
    """Accept a step-N folder, a run directory (latest checkpoint) or its checkpoints/ folder."""
    p = Path(path)
    if p.is_file():  # seed 000 passes a checkpoint *file*; its folder is the checkpoint here
        p = p.parent
    if p.name == "best":  # a best/ whose swap a killed worker left half done
        p = find_swapped_folder(p) or p
    if (p / STATE_FILE).exists() or (p / REWARD_CONFIG).exists():
        return p
    for run in (p, p.parent):
        found = list_checkpoints(run)
        if found:
            return found[-1][1]
    raise ConfigError(f"no checkpoint found at {path}",
                      "Give a checkpoints/step-N folder or a run directory that contains checkpoints.")


def link_or_copy_tree(src: Path, dst: Path) -> None:
    """best/ as hardlinks where the filesystem allows (no extra disk), otherwise a copy.

    Built as DST.tmp, then swapped in by swap_into_place, so a kill at any moment leaves either the
    old or the new folder findable (recover_swapped_folder puts it back on the next load)."""
    tmp = _swap_tmp(dst)
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    # trainer_state.json last: its presence in DST.tmp marks the copy as complete (see is_complete).
    files = sorted((f for f in src.rglob("*") if not f.is_dir()), key=lambda f: f.name == STATE_FILE)
    for f in files:
        target = tmp / f.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(f, target)
        except OSError:
            shutil.copy2(f, target)
    swap_into_place(tmp, dst)


def _swap_tmp(dst: Path) -> Path:
    return dst.with_name(dst.name + ".tmp")


def _swap_aside(dst: Path) -> Path:
    return dst.with_name(dst.name + ".old")


def is_complete(folder: Path) -> bool:
    """A checkpoint folder written by this module is complete once its trainer_state.json exists."""
    return (folder / STATE_FILE).is_file()


def swap_into_place(tmp: Path, dst: Path) -> None:
    """Replace DST by the complete TMP without a moment where neither exists on disk:
    DST -> DST.old, TMP -> DST, then delete DST.old. (Deleting DST first, as before, lost best/
    when the worker was killed between the delete and the rename.)"""
    aside = _swap_aside(dst)
    shutil.rmtree(aside, ignore_errors=True)
    if dst.exists():
        dst.rename(aside)
    tmp.rename(dst)
    shutil.rmtree(aside, ignore_errors=True)


def recover_swapped_folder(dst: Path) -> bool:
    """Finish or undo a swap that a killed worker left half done; True when DST exists afterwards.
    Only for the run's own trainer at (re)start: it moves and deletes folders, which a reader must
    not do while a live trainer may be mid-swap (readers use find_swapped_folder).

    DST missing: the new copy (DST.tmp) wins when complete, else the previous one (DST.old).
    DST present: leftovers are stale (a kill while building DST.tmp, or before DST.old was deleted)."""
    tmp, aside = _swap_tmp(dst), _swap_aside(dst)
    if not dst.exists():
        found = find_swapped_folder(dst)
        if found is not None:
            found.rename(dst)
    if dst.exists():
        for leftover in (tmp, aside):
            shutil.rmtree(leftover, ignore_errors=True)
    return dst.exists()


def find_swapped_folder(dst: Path) -> Path | None:
    """Read-only: DST, or when a kill interrupted its swap the complete copy left beside it
    (DST.tmp, the newer, before DST.old); None when there is none."""
    if dst.is_dir():
        return dst
    for candidate in (_swap_tmp(dst), _swap_aside(dst)):
        if candidate.is_dir() and is_complete(candidate):
            return candidate
    return None


def find_best(run_dir: Path) -> Path | None:
    """The run's best checkpoint folder for a reader (score, export, hand-over), tolerating a swap
    that a killed worker left half done."""
    return find_swapped_folder(run_dir / "best")


def write_state(out: Path, state: dict[str, Any]) -> None:
    (out / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")


def read_state(ckpt: Path) -> dict[str, Any]:
    return json.loads((ckpt / STATE_FILE).read_text())
