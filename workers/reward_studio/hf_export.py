"""Reward models as standard Hugging Face folders: what `export` and `reward-modeling` hand to other tools.

A model folder (`write_hf_model`):
  config.json          the backbone's config, num_labels 1, pad_token_id, and the class that loads it:
                         * a linear head without bias and an unbounded score (score_range "none") on a text
                           family with a stock class: `Qwen2ForSequenceClassification` (or Qwen3's) —
                           `AutoModelForSequenceClassification.from_pretrained(dir)`, no remote code;
                         * anything else (seed 000's MLP head, a sigmoid-mapped score range, vision-language
                           models): our class from modeling_reward_studio.py through `auto_map`, under our
                           own model_type, so only `trust_remote_code=True` loads it — a loader that forgets
                           it gets an error, never a silently random head.
  model.safetensors    model.* (backbone) + score.* (head), the stock classes' names
  modeling_reward_studio.py   (remote-code case) a copy of hf_reward_model.py
  reward_config.json, score_head.safetensors   what the worker itself reads
  tokenizer / processor files

A LoRA adapter (`write_seq_cls_adapter`): PEFT's own layout with task_type SEQ_CLS, module names of the
class above ("model.layers.0.self_attn.q_proj") and the head in modules_to_save as "score", so
`PeftModel.from_pretrained(<that class on the base model>, dir)` rebuilds the trained reward model.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path
from typing import Any

import torch

from reward_studio import hf_reward_model
from reward_studio.checkpointing import head_state, is_peft, reward_config_dict, reward_core, unique_tensors
from reward_studio.model import HEAD_FILE, REWARD_CONFIG, WEIGHTS_FILE, RewardModel

MODELING_FILE = "modeling_reward_studio.py"
# Text families whose stock ForSequenceClassification class is exactly "linear head without bias on the
# last non-padding token".
STOCK_CLASSES = {"qwen2": "Qwen2ForSequenceClassification", "qwen3": "Qwen3ForSequenceClassification"}


def stock_class_name(core: RewardModel) -> str | None:
    """The stock transformers class that computes exactly this reward, if there is one."""
    model_type = getattr(core.backbone.config, "model_type", "")
    plain = core.head_kind == "linear" and not core.head_bias and core.score_range == "none"
    return STOCK_CLASSES.get(model_type) if plain and not core.is_vl else None


def reward_spec(core: RewardModel) -> dict[str, Any]:
    return {"head": core.head_kind, "bias": core.head_bias, "score_min": core.score_min,
            "score_max": core.score_max, "score_range": core.score_range}


def pad_token_id(processor: Any) -> int | None:
    tok = getattr(processor, "tokenizer", processor)
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    return None if pad is None else int(pad)


def hf_config(core: RewardModel, processor: Any) -> Any:
    """The export's config object: the backbone's, re-classed and labelled as a one-output classifier."""
    stock = stock_class_name(core)
    source = core.backbone.config
    if stock:
        config = copy.deepcopy(source)
        config.architectures = [stock]
    else:
        config_cls, model_cls = hf_reward_model.classes_for(source.model_type)
        fields = {k: v for k, v in source.to_dict().items()
                  if k not in ("model_type", "architectures", "transformers_version", "auto_map")}
        config = config_cls(**fields)
        config.architectures = [model_cls.__name__]
        config.auto_map = {"AutoConfig": f"{Path(MODELING_FILE).stem}.{config_cls.__name__}",
                           "AutoModelForSequenceClassification": f"{Path(MODELING_FILE).stem}.{model_cls.__name__}"}
        config.reward_studio = reward_spec(core)
    config.num_labels = 1
    config.pad_token_id = pad_token_id(processor)
    config.use_cache = False
    return config


def write_hf_model(model: torch.nn.Module, out: Path, processor: Any, base_model_name: str) -> dict[str, Any]:
    """Write a full-weights (or already merged) reward model as a standard folder. Returns what was chosen."""
    if is_peft(model):
        raise ValueError("merge the LoRA adapter first (merge_and_unload) — write_hf_model writes full weights")
    core = reward_core(model)
    out.mkdir(parents=True, exist_ok=True)
    stock = stock_class_name(core)
    head = {k[len("score_head."):]: v for k, v in head_state(model).items()}
    if stock:  # the stock class's head is one bias-free Linear called `score`
        head_out = {"score.weight": head["net.0.weight"]}
    else:
        head_out = {f"score.{k}": v for k, v in head.items()}
    state = {f"model.{k}": v for k, v in core.backbone.state_dict().items()}
    from safetensors.torch import save_file

    save_file(unique_tensors({**state, **head_out}), str(out / WEIGHTS_FILE), metadata={"format": "pt"})
    save_file({f"score_head.{k}": v for k, v in head.items()}, str(out / HEAD_FILE), metadata={"format": "pt"})
    hf_config(core, processor).save_pretrained(str(out))
    if not stock:
        shutil.copyfile(hf_reward_model.__file__, out / MODELING_FILE)
    meta = reward_config_dict(model, base_model_name)
    meta["hf_class"] = stock or hf_config(core, processor).architectures[0]
    meta["trust_remote_code"] = not stock
    (out / REWARD_CONFIG).write_text(json.dumps(meta, indent=2) + "\n")
    if processor is not None:
        processor.save_pretrained(str(out))
    return {"hf_class": meta["hf_class"], "trust_remote_code": not stock}


def load_hf_model(folder: str | Path, dtype: torch.dtype = torch.float32) -> torch.nn.Module:
    """The folder through transformers' own loader, exactly as another tool would load it."""
    from transformers import AutoModelForSequenceClassification

    return AutoModelForSequenceClassification.from_pretrained(str(folder), trust_remote_code=True, dtype=dtype,
                                                              local_files_only=True).eval()


# ---- PEFT SEQ_CLS adapters -------------------------------------------------------------------------
def hf_module_name(name: str) -> str:
    """Our module path -> the sequence-classification class's ("backbone." -> "model.", head -> "score")."""
    name = re.sub(r"^(base_model\.model\.)?backbone\.", lambda m: f"{m.group(1) or ''}model.", name)
    return re.sub(r"^(base_model\.model\.)?score_head\.", lambda m: f"{m.group(1) or ''}score.", name)


def write_seq_cls_adapter(model: torch.nn.Module, out: Path, processor: Any, base_model_name: str) -> None:
    """PEFT SEQ_CLS adapter of a LoRA reward model, named for the sequence-classification class."""
    from peft import get_peft_model_state_dict
    from safetensors.torch import save_file

    core = reward_core(model)
    out.mkdir(parents=True, exist_ok=True)
    state = {}
    for key, value in get_peft_model_state_dict(model).items():
        new = hf_module_name(key)
        if stock_class_name(core) and new.endswith("score.net.0.weight"):
            new = new.replace("score.net.0.weight", "score.weight")
        state[new] = value.detach().cpu().contiguous()
    save_file(unique_tensors(state), str(out / "adapter_model.safetensors"), metadata={"format": "pt"})
    config = model.peft_config[model.active_adapter].to_dict()
    target = config.get("target_modules")
    config["target_modules"] = target.replace("backbone", "model") if isinstance(target, str) else \
        sorted(hf_module_name(str(t)) for t in target or [])
    config.update(task_type="SEQ_CLS", modules_to_save=["score"],
                  base_model_name_or_path=str(Path(base_model_name).resolve()) if base_model_name else None)
    (out / "adapter_config.json").write_text(json.dumps(config, indent=2, default=list) + "\n")
    spec = {"hf_class": stock_class_name(core) or hf_reward_model.classes_for(core.backbone.config.model_type)[1].__name__,
            "reward_studio": reward_spec(core)}
    (out / "reward_head.json").write_text(json.dumps(spec, indent=2) + "\n")
    if not stock_class_name(core):
        shutil.copyfile(hf_reward_model.__file__, out / MODELING_FILE)
    if processor is not None:
        processor.save_pretrained(str(out))
