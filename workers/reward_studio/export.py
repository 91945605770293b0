"""`export --checkpoint CKPT --merge-lora OUT`: one standalone Hugging Face-style folder.

LoRA deltas are merged into the base weights (PEFT merge_and_unload); the score head, configs and
tokenizer/processor files are written beside them. The folder loads with model.load_reward_model
without the base model, and (weights under "model.*") with the generation class too.
A full-weights checkpoint is re-written the same way (nothing to merge). The export is verified by
reloading it and comparing rewards on a probe batch.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import torch

from reward_studio.checkpointing import is_peft, reward_core, save_weights
from reward_studio.collate import Encoder, collate
from reward_studio.data import Item
from reward_studio.errors import ConfigError
from reward_studio.model import load_processor, load_reward_model


def probe_batch(encoder: Encoder, is_vl: bool, tmp: Path) -> dict[str, Any]:
    from PIL import Image

    from reward_studio.data import ImageRef

    images = []
    if is_vl:
        Image.new("RGB", (56, 56), (200, 30, 30)).save(tmp / "probe.png")
        images = [ImageRef(path=str(tmp / "probe.png"))]
    item = Item("probe", "What colour is the shape?", images, ["It is red.", "It is blue."], [0, 1], "probe")
    return collate([encoder.encode(item)], encoder.pad_id)


def export_main(checkpoint: str, out: str, base_model_name: str | None, verify: bool = True) -> dict[str, Any]:
    src, dst = Path(checkpoint), Path(out)
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
    save_weights(merged, tmp, processor, base_model_name or rc.get("base_model_name", ""))
    meta = json.loads((tmp / "reward_config.json").read_text())
    meta["exported_from"] = str(src.resolve())
    meta["merged_lora"] = was_lora
    (tmp / "reward_config.json").write_text(json.dumps(meta, indent=2) + "\n")
    dst.rmdir()
    tmp.rename(dst)
    result = {"output": str(dst), "merged_lora": was_lora}
    if verify:
        reloaded, _ = load_reward_model(str(dst))
        reloaded.eval()
        with torch.no_grad():
            after = reloaded(batch)
        result["verify_max_abs_diff"] = float((before - after).abs().max())
    return result
