"""`export --checkpoint CKPT --merge-lora OUT`: one standalone Hugging Face sequence-classification folder.

LoRA deltas are merged into the base weights (PEFT merge_and_unload, seed 003's `swift export
--merge_lora true`); the folder is written by hf_export.write_hf_model, so
`AutoModelForSequenceClassification.from_pretrained(OUT, trust_remote_code=True)` loads it (without
trust_remote_code for a linear, unbounded head on a text model) and its logits are the rewards.
A full-weights checkpoint is re-written the same way (nothing to merge). The export is verified twice
on a probe batch: reloaded by the worker, and loaded by transformers' AutoModelForSequenceClassification;
both must give the checkpoint's rewards.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import torch

from reward_studio.checkpointing import is_peft, reward_core
from reward_studio.collate import Encoder, collate
from reward_studio.data import Item
from reward_studio.errors import ConfigError, ModelError
from reward_studio.hf_export import load_hf_model, write_hf_model
from reward_studio.model import full_layout, load_processor, load_reward_model
from reward_studio.reward_batch import RewardBatch

# fp32 on both sides: anything above this is a real difference between the export and the checkpoint.
VERIFY_TOLERANCE = 1e-4


def probe_batch(encoder: Encoder, is_vl: bool, tmp: Path) -> RewardBatch:
    from PIL import Image

    from reward_studio.data import ImageRef

    images = []
    if is_vl:
        Image.new("RGB", (56, 56), (200, 30, 30)).save(tmp / "probe.png")
        images = [ImageRef(path=str(tmp / "probe.png"))]
    item = Item("probe", "What colour is the shape?", images, ["It is red.", "It is blue."], [0, 1], "probe")
    return collate([encoder.encode(item)], encoder.pad_id)


def export_main(checkpoint: str, out: str, base_model_name: str | None, verify: bool = True) -> dict[str, Any]:
    from reward_studio.score import resolve_model_path

    src, dst = resolve_model_path(checkpoint), Path(out)  # also a run, or reward-modeling's --output_dir
    if not (src / "reward_config.json").exists():
        raise ConfigError(f"{src} is not a reward checkpoint (no reward_config.json)",
                          "Point --checkpoint at a checkpoints/step-N or best/ folder of a run.")
    if dst.exists() and any(dst.iterdir()):
        raise ConfigError(f"{dst} exists and is not empty", "Choose a new output folder.")
    model, rc = load_reward_model(str(src), base_model_name)
    model.eval()
    was_lora = is_peft(model)
    is_vl = reward_core(model).is_vl
    proc_src = src if (src / "tokenizer_config.json").exists() else Path(base_model_name or rc["base_model_name"])
    processor = load_processor(str(proc_src), is_vl)
    encoder = Encoder(processor, is_vl, 512, "truncate")
    dst.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as td:  # the probe image is decoded right away
        batch = probe_batch(encoder, is_vl, Path(td)) if verify else None
    with torch.no_grad():  # reference rewards from the unmerged checkpoint
        before = model(batch) if verify else None
    merged = model.merge_and_unload() if was_lora else model
    tmp = dst.with_name(dst.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    chosen = write_hf_model(merged, tmp, processor, base_model_name or rc.get("base_model_name", ""))
    meta = json.loads((tmp / "reward_config.json").read_text())
    meta["exported_from"] = str(src.resolve())
    meta["merged_lora"] = was_lora
    (tmp / "reward_config.json").write_text(json.dumps(meta, indent=2) + "\n")
    dst.rmdir()
    tmp.rename(dst)
    result = {"output": str(dst), "merged_lora": was_lora, **chosen}
    if verify:
        reloaded, _ = load_reward_model(str(dst))
        reloaded.eval()
        with torch.no_grad():
            after = reloaded(batch)
            standard = hf_rewards(load_hf_model(dst), batch)
        result["verify_max_abs_diff"] = float((before - after).abs().max())
        result["verify_hf_max_abs_diff"] = float((before - standard).abs().max())
        if result["verify_hf_max_abs_diff"] > VERIFY_TOLERANCE:
            raise ModelError(f"{dst}: AutoModelForSequenceClassification scores differ from the checkpoint by "
                             f"{result['verify_hf_max_abs_diff']:.2e}", "Report this with the checkpoint; the "
                             "export folder is kept for inspection.")
    return result


def hf_rewards(model: torch.nn.Module, batch: RewardBatch) -> torch.Tensor:
    """Rewards of a standard sequence-classification model on the worker's batch, one row per response
    (prefix + response concatenated, right-padded: what a plain `model(**inputs).logits[:, 0]` sees)."""
    ids, mask, mm, pv, grid = full_layout(batch)
    extra = {} if pv is None else {"pixel_values": pv, "image_grid_thw": grid, "mm_token_type_ids": mm}
    return model(input_ids=ids, attention_mask=mask, **extra).logits[:, 0].float()
