"""`export-onnx --checkpoint CKPT --out DIR`: the whole reward model as one ONNX graph, for onnxruntime.

The graph scores ONE item: its responses are the rows, each row the full prompt prefix followed by
the response (the full-concatenation layout of model.full_layout, equal to the shared-prefix path).

  text model:  input_ids [rows, seq], attention_mask [rows, seq]                     -> rewards [rows]
  VL model:    + position_ids [3, rows, seq] (m-RoPE, computed by the caller as get_rope_index does)
               + pixel_values [patches, patch_dim] of one image at the export's FIXED grid

Qwen2-VL's vision tower turns image_grid_thw into Python loops (rotary positions, attention chunks),
so tracing bakes the grid in: the export accepts one image per item, at one resolution. The grid is
smart_resize(image_size, image_size) under the processor's own min/max pixels — for the tiny model
(min == max == 56*56) that is 56x56 whatever image_size is. An image of another size is resized to
that fixed size by the caller; for images whose own smart_resize gives the same size (square ones)
this is exactly what the Python processor does, for others it is a stretch (written into the config).
An item without an image still passes pixel_values (zeros): no <|image_pad|> token reads them.

onnx_config.json carries everything a caller needs to rebuild the Python worker's inputs without
Python: the chat prompt rendered around a sentinel (0 and 1 image), the chat template taken apart into
per-role pieces for conversations (onnx_conversation.py; null when it does not decompose), the end
token, pad id, max_length, the image processor's numbers, and a probe (ids the Python tokenizer gave)
to check a tokenizer against.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import torch
from torch import nn

from reward_studio.checkpointing import is_peft, reward_core
from reward_studio.collate import Encoder, collate
from reward_studio.data import ImageRef, Item
from reward_studio.errors import ConfigError, ModelError
from reward_studio.hf_reward_model import apply_score_range
from reward_studio.model import RewardModel, full_layout, last_token_index, load_processor, load_reward_model
from reward_studio.onnx_conversation import conversation_layout
from reward_studio.reward_batch import RewardBatch

FORMAT_VERSION = 1
QUERY_SENTINEL = "\u2063REWARD_STUDIO_QUERY\u2063"
VL_ARCHES = ("qwen2_vl", "qwen2_5_vl")
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja",
                   "vocab.json", "merges.txt", "processor_config.json", "preprocessor_config.json")


# ---- the traced graphs ---------------------------------------------------------------------------
class _RewardMapping(nn.Module):
    """Last non-padding token -> head -> the score range, as RewardModel.forward."""

    def __init__(self, core: RewardModel) -> None:
        super().__init__()
        self.head = core.score_head
        self.score_min, self.score_max, self.score_range = core.score_min, core.score_max, core.score_range

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        h = hidden[torch.arange(hidden.shape[0], device=hidden.device), last_token_index(mask)]
        return apply_score_range(self.head(h.float()), self.score_min, self.score_max, self.score_range)


class TextRewardGraph(nn.Module):
    def __init__(self, core: RewardModel) -> None:
        super().__init__()
        self.backbone = core.backbone
        self.reward = _RewardMapping(core)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        positions = (attention_mask.long().cumsum(-1) - 1).clamp(min=0)  # as RewardModel._positions
        out = self.backbone(input_ids=input_ids, attention_mask=attention_mask, position_ids=positions,
                            use_cache=False)
        return self.reward(out.last_hidden_state, attention_mask)


class VlRewardGraph(nn.Module):
    def __init__(self, core: RewardModel, grid: list[int]) -> None:
        super().__init__()
        self.backbone = core.backbone
        self.reward = _RewardMapping(core)
        self.register_buffer("grid", torch.tensor([grid], dtype=torch.long), persistent=False)
        self.image_token_id = int(core.backbone.config.image_token_id)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, position_ids: torch.Tensor,
                pixel_values: torch.Tensor) -> torch.Tensor:
        features = self.backbone.visual(pixel_values, grid_thw=self.grid).pooler_output  # [image tokens, hidden]
        embeds = self.backbone.get_input_embeddings()(input_ids)
        # Every row holds the same image: its k-th <|image_pad|> takes feature k. A gather keeps this
        # traceable for any number of rows (masked_scatter would need the features repeated per row).
        is_image = input_ids == self.image_token_id
        index = (is_image.long().cumsum(-1) - 1).clamp(min=0, max=features.shape[0] - 1)
        embeds = torch.where(is_image.unsqueeze(-1), features[index].to(embeds.dtype), embeds)
        out = self.backbone.language_model(inputs_embeds=embeds, attention_mask=attention_mask,
                                           position_ids=position_ids, use_cache=False)
        return self.reward(out.last_hidden_state, attention_mask)


# ---- inputs --------------------------------------------------------------------------------------
def fixed_image_size(processor: Any, image_size: int) -> tuple[int, int]:
    """The (height, width) the Python processor gives an image_size x image_size picture."""
    from transformers.models.qwen2_vl.image_processing_qwen2_vl import smart_resize

    ip = processor.image_processor
    factor = int(ip.patch_size) * int(ip.merge_size)
    return smart_resize(image_size, image_size, factor=factor, min_pixels=int(ip.size["shortest_edge"]),
                        max_pixels=int(ip.size["longest_edge"]))


def probe_items(is_vl: bool, size: tuple[int, int], tmp: Path) -> list[Item]:
    from PIL import Image

    images: list[ImageRef] = []
    if is_vl:
        Image.new("RGB", (size[1], size[0]), (200, 30, 30)).save(tmp / "probe.png")
        images = [ImageRef(path=str(tmp / "probe.png"))]
    responses = ["It is red.", "It is blue, I think — maybe.", "Red!\nDefinitely red."]
    return [Item("probe", "What colour is the shape? Answer briefly.", images, responses, [0, 1, 1], "probe")]


def graph_inputs(core: RewardModel, batch: RewardBatch) -> dict[str, torch.Tensor]:
    """The ONNX inputs for a one-item batch, built by the worker's own full-layout code."""
    ids, mask, mm, pv, grid = full_layout(batch)
    inputs = {"input_ids": ids, "attention_mask": mask}
    if core.is_vl:
        inputs["position_ids"] = core._positions(ids, mask, mm, grid)
        inputs["pixel_values"] = pv[: int(grid[0].prod())] if pv is not None else None
    return inputs


# ---- config --------------------------------------------------------------------------------------
def prompt_layout(encoder: Encoder, is_vl: bool) -> dict[str, Any]:
    """The prefix text around the query, for an item without and with one image."""
    def split(images: list[ImageRef]) -> dict[str, str]:
        text = encoder.prefix_text(Item("layout", QUERY_SENTINEL, images, ["x"], [0], "layout"))
        if text.count(QUERY_SENTINEL) != 1:
            raise ModelError("the chat template does not place the query exactly once",
                             "Use a model whose chat template renders the user message as given.")
        before, after = text.split(QUERY_SENTINEL)
        return {"before": before, "after": after}

    layout = {"no_image": split([])}
    if is_vl:
        layout["one_image"] = split([ImageRef(path="unused.png")])
    return layout


def image_config(processor: Any, size: tuple[int, int]) -> dict[str, Any]:
    ip = processor.image_processor
    patch, merge, temporal = int(ip.patch_size), int(ip.merge_size), int(ip.temporal_patch_size)
    grid = [1, size[0] // patch, size[1] // patch]
    return {
        "processor_class": type(ip).__name__,
        "backend": "torchvision" if "Torchvision" in str(type(ip).__mro__) else "pil",
        "height": size[0], "width": size[1], "grid_thw": grid,
        "image_tokens": grid[0] * grid[1] * grid[2] // (merge * merge),
        "patch_size": patch, "temporal_patch_size": temporal, "merge_size": merge,
        "patch_dim": 3 * temporal * patch * patch,
        "do_resize": bool(ip.do_resize), "resample": int(ip.resample), "antialias": True,
        "do_rescale": bool(ip.do_rescale), "rescale_factor": float(ip.rescale_factor),
        "do_normalize": bool(ip.do_normalize), "image_mean": [float(x) for x in ip.image_mean],
        "image_std": [float(x) for x in ip.image_std],
        "min_pixels": int(ip.size["shortest_edge"]), "max_pixels": int(ip.size["longest_edge"]),
        "resize_policy": "every image is resized to height x width (exact for images whose smart_resize gives "
                         "that size, a stretch for others)",
    }


def build_config(core: RewardModel, encoder: Encoder, processor: Any, size: tuple[int, int] | None,
                 probe: Item, rc: dict[str, Any], max_length: int, opset: int) -> dict[str, Any]:
    enc = encoder.encode(Item(probe.id, probe.query, [], probe.responses, probe.ranking, probe.source))
    config: dict[str, Any] = {
        "format": "reward-studio-onnx", "format_version": FORMAT_VERSION, "opset": opset,
        "model_file": "model.onnx", "is_vl": core.is_vl,
        "model_type": core.backbone.config.model_type,
        "inputs": {"input_ids": ["rows", "seq"], "attention_mask": ["rows", "seq"]},
        "output": {"rewards": ["rows"]},
        "score_min": core.score_min, "score_max": core.score_max, "score_range": core.score_range,
        "score_head": rc.get("score_head"),
        "max_length": max_length, "pad_id": encoder.pad_id, "end_text": encoder.end_text,
        "query_sentinel": QUERY_SENTINEL, "prompt": prompt_layout(encoder, core.is_vl),
        "conversation": conversation_layout(encoder, core.is_vl),
        "tokenizer_file": "tokenizer.json",
        # A tokenizer reimplementation checks itself against these ids (the Python tokenizer's) at load.
        "probe": {"query": probe.query, "responses": probe.responses, "prefix_ids": enc.prefix_ids,
                  "response_ids": enc.response_ids},
        "base_model_name": rc.get("base_model_name"),
    }
    if core.is_vl:
        cfg = core.backbone.config
        config["inputs"].update({"position_ids": [3, "rows", "seq"], "pixel_values": None})
        config["image"] = image_config(processor, size)
        config["inputs"]["pixel_values"] = [config["image"]["grid_thw"][1] * config["image"]["grid_thw"][2],
                                            config["image"]["patch_dim"]]
        config["image_token_id"] = int(cfg.image_token_id)
        config["image_pad_text"] = "<|image_pad|>"
        config["spatial_merge_size"] = int(cfg.vision_config.spatial_merge_size)
        config["vision_start_token_id"] = int(cfg.vision_start_token_id)
    return config


# ---- main ----------------------------------------------------------------------------------------
def check_paths(src: Path, dst: Path) -> None:
    if not (src / "reward_config.json").exists():
        raise ConfigError(f"{src} is not a reward checkpoint (no reward_config.json)",
                          "Point --checkpoint at a checkpoints/step-N or best/ folder of a run, or a merged export.")
    if dst.exists() and (not dst.is_dir() or any(dst.iterdir())):
        raise ConfigError(f"{dst} exists and is not empty",
                          "Choose a new output folder, or delete the old export first.")


def export_onnx_main(checkpoint: str, out: str, base_model_name: str | None = None, opset: int = 17,
                     image_size: int = 448, max_length: int = 4096,
                     verify_images: list[str] | None = None) -> dict[str, Any]:
    src, dst = Path(checkpoint), Path(out)
    check_paths(src, dst)
    if not 14 <= opset <= 23:
        raise ConfigError(f"--opset {opset} is out of range", "Use an ONNX opset between 14 and 23 (17 is tested).")
    model, rc = load_reward_model(str(src), base_model_name, torch.float32, attn="eager")
    model.eval()
    core = reward_core(model)
    if is_peft(model):
        model = model.merge_and_unload()  # LoRA deltas folded into the base weights, as `export` does
        core = model
    model_type = core.backbone.config.model_type
    if core.is_vl and model_type not in VL_ARCHES:
        raise ModelError(f"ONNX export does not support {model_type} models yet",
                         f"Export a {' or '.join(VL_ARCHES)} model, or score this one with the Python worker.")
    proc_src = src if (src / "tokenizer_config.json").exists() else Path(base_model_name or rc["base_model_name"])
    processor = load_processor(str(proc_src), core.is_vl)
    encoder = Encoder(processor, core.is_vl, max_length, "truncate")
    size = fixed_image_size(processor, image_size) if core.is_vl else None
    tmp = dst.with_name(dst.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        with tempfile.TemporaryDirectory() as td:
            probe = probe_items(core.is_vl, size or (0, 0), Path(td))[0]
            batch = collate([encoder.encode(probe)], encoder.pad_id)
        inputs = graph_inputs(core, batch)
        graph = VlRewardGraph(core, image_config(processor, size)["grid_thw"]) if core.is_vl else TextRewardGraph(core)
        graph.eval()
        with torch.no_grad():
            expected = core(batch, shared=False).float()
        _trace(graph, inputs, tmp / "model.onnx", opset)
        config = build_config(core, encoder, processor, size, probe, rc, max_length, opset)
        (tmp / "onnx_config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n")
        _copy_side_files(proc_src, src, tmp)
        (tmp / "tokenizer.json").write_text(worker_tokenizer_json(encoder.tokenizer), encoding="utf-8")
        diff = _verify(tmp / "model.onnx", inputs, expected)
        by_size = _verify_images(tmp / "model.onnx", core, encoder, processor, size, probe, verify_images or []) \
            if core.is_vl and size else []
        if dst.exists():
            dst.rmdir()
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp.rename(dst)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    image = config.get("image")
    note = "text-only" if image is None else \
        f"images at {image['width']}x{image['height']} (grid {'x'.join(str(g) for g in image['grid_thw'])})"
    result: dict[str, Any] = {"output": str(dst), "verify_max_abs_diff": diff, "note": note}
    if core.is_vl:
        result["verify_resolutions"] = by_size
    return result


def _trace(graph: nn.Module, inputs: dict[str, torch.Tensor], path: Path, opset: int) -> None:
    names = list(inputs)
    dynamic = {"input_ids": {0: "rows", 1: "seq"}, "attention_mask": {0: "rows", 1: "seq"},
               "position_ids": {1: "rows", 2: "seq"}, "rewards": {0: "rows"}}
    try:
        with torch.no_grad():
            torch.onnx.export(graph, tuple(inputs[n] for n in names), str(path), input_names=names,
                              output_names=["rewards"], dynamic_axes={k: v for k, v in dynamic.items()
                                                                      if k in names or k == "rewards"},
                              opset_version=opset, dynamo=False, do_constant_folding=True)
    except Exception as exc:
        raise ModelError(f"ONNX tracing failed: {exc.__class__.__name__}: {exc}",
                         "Score this model with the Python worker instead; the ONNX export supports "
                         "Qwen2 text and Qwen2-VL / Qwen2.5-VL reward models.") from exc


def _verify(path: Path, inputs: dict[str, torch.Tensor], expected: torch.Tensor) -> float:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(["rewards"], {k: v.numpy() for k, v in inputs.items()})[0]
    return float((torch.from_numpy(got) - expected).abs().max())


def resize_to_grid(src: str, size: tuple[int, int], out: Path) -> None:
    """The image as the ONNX scorer feeds it: RGB, resized to the grid with torch's uint8 antialiased
    bicubic (what app/onnx/qwen-image-preprocess.ts reproduces), saved lossless."""
    import numpy as np
    from PIL import Image
    from torchvision.transforms.v2 import InterpolationMode
    from torchvision.transforms.v2.functional import resize

    with Image.open(src) as im:
        rgb = torch.from_numpy(np.asarray(im.convert("RGB")).copy()).permute(2, 0, 1)
    small = resize(rgb, [size[0], size[1]], interpolation=InterpolationMode.BICUBIC, antialias=True)
    Image.fromarray(small.permute(1, 2, 0).contiguous().numpy()).save(out)


def _verify_images(path: Path, core: RewardModel, encoder: Encoder, processor: Any, size: tuple[int, int],
                   probe: Item, images: list[str]) -> list[dict[str, Any]]:
    """Real images at their own sizes: the checkpoint scores each at its native resolution (as the
    worker does), the export at its grid (as the studio's ONNX scorer does). Max |Δ| per image size;
    `resized` when the checkpoint would not see that size at the grid (the scores then differ)."""
    import onnxruntime as ort
    from PIL import Image
    from transformers.models.qwen2_vl.image_processing_qwen2_vl import smart_resize

    ip = processor.image_processor
    factor = int(ip.patch_size) * int(ip.merge_size)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    found: dict[tuple[int, int], dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as td:
        for index, image in enumerate(images):
            try:
                with Image.open(image) as im:
                    width, height = im.size
                small = Path(td) / f"grid-{index}.png"
                resize_to_grid(image, size, small)
            except (OSError, ValueError):
                continue  # an unreadable project image is not the export's problem
            native = Item("verify", probe.query, [ImageRef(path=image)], probe.responses, probe.ranking, "verify")
            gridded = Item("verify", probe.query, [ImageRef(path=str(small))], probe.responses, probe.ranking, "verify")
            with torch.no_grad():
                expected = core(collate([encoder.encode(native)], encoder.pad_id), shared=False).float()
                inputs = graph_inputs(core, collate([encoder.encode(gridded)], encoder.pad_id))
            got = session.run(["rewards"], {k: v.numpy() for k, v in inputs.items()})[0]
            delta = float((torch.from_numpy(got) - expected).abs().max())
            own = smart_resize(height, width, factor=factor, min_pixels=int(ip.size["shortest_edge"]),
                               max_pixels=int(ip.size["longest_edge"]))
            entry = found.setdefault((width, height), {"width": width, "height": height, "images": 0,
                                                       "max_abs_diff": 0.0, "resized": tuple(own) != tuple(size)})
            entry["images"] += 1
            entry["max_abs_diff"] = max(entry["max_abs_diff"], delta)
    return list(found.values())


def worker_tokenizer_json(tokenizer: Any) -> str:
    """The tokenizer as the worker runs it. transformers may replace parts of the folder's tokenizer.json
    by class (Qwen2Tokenizer adds NFC and Qwen2's split regex), so the file alone is not enough."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        raise ModelError("the model's tokenizer is not a fast (tokenizers) tokenizer",
                         "Save the model with a tokenizer.json (a recent transformers does) and export again.")
    return backend.to_str(pretty=True)


def _copy_side_files(proc_src: Path, src: Path, dst: Path) -> None:
    for name in TOKENIZER_FILES:
        if (proc_src / name).exists():
            shutil.copy2(proc_src / name, dst / name)
    meta = json.loads((src / "reward_config.json").read_text())
    meta["exported_from"] = str(src.resolve())
    (dst / "reward_config.json").write_text(json.dumps(meta, indent=2) + "\n")
