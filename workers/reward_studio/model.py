"""The reward model: a Qwen2-VL-family (or Qwen2 text) backbone + a score head.

We keep only the backbone (`.model` of the generation class): the LM head would compute
full-vocabulary logits we never use. The reward is read from the last non-padding token's hidden
state and mapped smoothly into [score_min, score_max]:

    reward = score_min + (score_max - score_min) * sigmoid(head(h_last))

Two forward paths give the same rewards:
  * full:   every response row is prefix + response; the image and query are encoded once per response.
  * shared: the prefix (image + query) is encoded once per item with the KV cache on; the cache is
            gathered to one row per response and the responses continue from it, with m-RoPE positions
            continuing from the prefix's largest position (exactly what get_rope_index gives them).
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
from pathlib import Path
from typing import Any

import torch
from torch import nn

from reward_studio.errors import ModelError
from reward_studio.hf_reward_model import ScoreHead, apply_score_range, last_attended_index
from reward_studio.reward_batch import RewardBatch

log = logging.getLogger("reward_studio")

REWARD_CONFIG = "reward_config.json"
HEAD_FILE = "score_head.safetensors"
WEIGHTS_FILE = "model.safetensors"
HEAD_INIT_STD = 0.02  # std of the score head's last layer at init (bench/reward_vs_trl.py chose it)


# The export's class reads the reward the same way (one definition, so they cannot drift).
last_token_index = last_attended_index


class RewardModel(nn.Module):
    # PEFT treats a module with `.config.model_type` like a transformers model and asks for this.
    base_model_prefix = "backbone"

    def __init__(self, backbone: nn.Module, is_vl: bool, head_kind: str = "mlp",
                 score_min: float = -5.0, score_max: float = 5.0, score_range: str = "sigmoid",
                 head_bias: bool = True) -> None:
        super().__init__()
        self.backbone = backbone
        self.config = backbone.config  # PEFT looks for `.config`
        self.is_vl = is_vl
        hidden = text_hidden_size(backbone.config)
        self.score_head = ScoreHead(hidden, head_kind, head_bias)
        # The head's last layer starts small (as transformers' initializer_range does for the stock
        # classes' `score`): every reward starts near the centre of the range and no pair starts out
        # confidently wrong. Loading a checkpoint replaces it.
        last = self.score_head.net[-1]
        nn.init.normal_(last.weight, std=HEAD_INIT_STD)
        if last.bias is not None:
            nn.init.zeros_(last.bias)
        self.head_bias = head_bias
        self.score_range = score_range
        self.head_kind = head_kind
        self.score_min = float(score_min)
        self.score_max = float(score_max)
        self.shared_prefix = True

    # ---- the two paths ------------------------------------------------------------------------
    def forward(self, batch: RewardBatch, shared: bool | None = None, return_logits: bool = False) -> torch.Tensor:
        """Rewards, one per response row of the batch (see reward_batch.RewardBatch); with return_logits, the head's
        raw output before the score range (what training computes its loss from, see loss_scores)."""
        shared = self.shared_prefix if shared is None else shared
        h = self._hidden_shared(batch) if shared else self._hidden_full(batch)
        raw = self.score_head(h.float())
        return raw if return_logits else self.reward_from_logits(raw)

    def reward_from_logits(self, raw: torch.Tensor) -> torch.Tensor:
        return apply_score_range(raw, self.score_min, self.score_max, self.score_range)

    def loss_scores(self, raw: torch.Tensor) -> torch.Tensor:
        """What the preference loss is computed on: the head's output in reward units at the centre of the
        range, (score_max - score_min) / 4 * raw (the sigmoid's slope there), so differences match reward
        differences near the centre but are never squashed. A loss on the bounded reward itself stops
        learning from the pairs it gets most wrong once their rewards sit at the ends of the range."""
        if self.score_range == "none":
            return raw
        return raw * (self.score_max - self.score_min) / 4

    def _positions(self, ids: torch.Tensor, mask: torch.Tensor, mm: torch.Tensor,
                   grid: torch.Tensor | None) -> torch.Tensor:
        if self.is_vl:
            pos, _ = self.backbone.get_rope_index(
                input_ids=ids, mm_token_type_ids=mm, image_grid_thw=grid, attention_mask=mask
            )
            return pos
        return (mask.long().cumsum(-1) - 1).clamp(min=0)

    def _hidden_full(self, batch: RewardBatch) -> torch.Tensor:
        ids, mask, mm, pv, grid = full_layout(batch)
        pos = self._positions(ids, mask, mm, grid)
        kwargs: dict[str, Any] = {}
        if self.is_vl and pv is not None:
            kwargs = dict(pixel_values=pv, image_grid_thw=grid, mm_token_type_ids=mm)
        out = self.backbone(input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=False, **kwargs)
        h = out.last_hidden_state
        return h[torch.arange(h.shape[0], device=h.device), last_token_index(mask)]

    def _hidden_shared(self, batch: RewardBatch) -> torch.Tensor:
        from transformers import DynamicCache

        ids, mask, mm = batch.prefix_ids, batch.prefix_mask, batch.prefix_mm
        pv, grid = batch.pixel_values, batch.image_grid_thw
        pos = self._positions(ids, mask, mm, grid)
        kwargs: dict[str, Any] = {}
        if self.is_vl and pv is not None:
            kwargs = dict(pixel_values=pv, image_grid_thw=grid, mm_token_type_ids=mm)
        cache = DynamicCache(config=self.backbone.config)
        kv = {cache_kwarg(self.backbone): cache}
        self.backbone(input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=True, **kv, **kwargs)
        rows = batch.resp_item
        cache.batch_select_indices(rows)  # one copy of the item's prefix cache per response row
        # Text after the prefix continues from the prefix's largest position (m-RoPE: all 3 axes).
        start = (pos.amax(dim=(0, 2)) if pos.dim() == 3 else pos.amax(dim=1)) + 1
        rids, rmask = batch.resp_ids, batch.resp_mask
        rpos = start[rows].unsqueeze(1) + torch.arange(rids.shape[1], device=rids.device).unsqueeze(0)
        if self.is_vl:
            rpos = rpos.unsqueeze(0).expand(3, -1, -1)
        full_mask = torch.cat([mask[rows], rmask], dim=1)
        out = self.backbone(input_ids=rids, attention_mask=full_mask, position_ids=rpos, use_cache=True, **kv)
        h = out.last_hidden_state
        return h[torch.arange(h.shape[0], device=h.device), last_token_index(rmask)]


@functools.cache
def _forward_takes(cls: type, name: str) -> bool:
    return name in inspect.signature(cls.forward).parameters


def cache_kwarg(backbone: nn.Module) -> str:
    """The KV cache argument's name: transformers 5.24 renamed forward's `past_key_values` to `cache`
    (the old name warns and goes in 5.40); older 5.x releases only know `past_key_values`."""
    return "cache" if _forward_takes(type(backbone), "cache") else "past_key_values"


def full_layout(batch: RewardBatch) -> tuple[torch.Tensor, ...]:
    """Rebuild one full (prefix + response) row per response, right-padded, images repeated per row."""
    pids, pmask, pmm = batch.prefix_ids, batch.prefix_mask, batch.prefix_mm
    rids, rmask, rows = batch.resp_ids, batch.resp_mask, batch.resp_item
    plen, rlen = pmask.sum(1), rmask.sum(1)
    total = plen[rows] + rlen
    n, width = rows.shape[0], int(total.max())
    ids = torch.full((n, width), 0, dtype=pids.dtype, device=pids.device)
    mm = torch.zeros((n, width), dtype=pmm.dtype, device=pids.device)
    mask = torch.zeros((n, width), dtype=pmask.dtype, device=pids.device)
    for r in range(n):
        i = int(rows[r])
        p, q = int(plen[i]), int(rlen[r])
        ids[r, :p] = pids[i, pids.shape[1] - p:]
        mm[r, :p] = pmm[i, pids.shape[1] - p:]
        ids[r, p:p + q] = rids[r, :q]
        mask[r, :p + q] = 1
    pv, grid = batch.pixel_values, batch.image_grid_thw
    if pv is None:
        return ids, mask, mm, None, None
    per_item_images = batch.images_per_item.tolist()
    patches = grid.prod(-1).tolist()
    # Split pixel patches and grids per item, then repeat them for each of the item's response rows.
    pv_items, grid_items, k, off = [], [], 0, 0
    for count in per_item_images:
        size = sum(patches[k:k + count])
        pv_items.append(pv[off:off + size])
        grid_items.append(grid[k:k + count])
        off += size
        k += count
    pv_rows = torch.cat([pv_items[int(i)] for i in rows])
    grid_rows = torch.cat([grid_items[int(i)] for i in rows])
    return ids, mask, mm, pv_rows, grid_rows


# ---- loading -------------------------------------------------------------------------------------
def text_hidden_size(config: Any) -> int:
    text = getattr(config, "text_config", None)
    return int(getattr(text, "hidden_size", None) or config.hidden_size)


def is_vl_config(config: Any) -> bool:
    return getattr(config, "vision_config", None) is not None


def resolve_dtype(name: str) -> torch.dtype:
    if name == "bf16" and torch.cuda.is_available() and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    if name == "auto" and torch.cuda.is_available() and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return torch.float32  # CPU: bf16 matmuls are slow and lossy here; fp32 is the honest choice


def resolve_attn(name: str) -> str:
    if name == "flash_attention_2":
        import importlib.util

        if not (torch.cuda.is_available() and importlib.util.find_spec("flash_attn")):
            log.warning("flash_attention_2 requested but flash_attn/CUDA is not available; using sdpa")
            return "sdpa"
    return name


def check_model_folder(path: str) -> None:
    p = Path(path) if path else None
    if p is None or not p.is_dir():
        raise ModelError(f"model folder not found: {path or '(empty base_model_name)'}",
                         "Set base_model_name to a local Hugging Face model folder (e.g. Qwen2-VL-2B-Instruct), "
                         "or create a test model with `python -m reward_studio tiny-model OUT`.")
    if not (p / "config.json").exists():
        raise ModelError(f"{path} has no config.json: not a Hugging Face model folder",
                         "Point base_model_name at the folder that contains config.json and the weights.")


def quantization_config(bits: int, dtype: torch.dtype) -> Any:
    """bitsandbytes loading (seed 003's --load_in_8bit / --load_in_4bit). Never silently ignored: where it
    cannot run, the run stops here with what to do instead."""
    import importlib.util

    flag = f"load_in_{bits}bit"
    if not torch.cuda.is_available():
        raise ModelError(f"{flag} needs a CUDA GPU (bitsandbytes quantises on the GPU) and this machine has none",
                         f"Drop --{flag} to train LoRA on full-precision weights here, or run on a CUDA machine.")
    if importlib.util.find_spec("bitsandbytes") is None:
        raise ModelError(f"{flag} needs the bitsandbytes package, which is not installed",
                         "pip install bitsandbytes (into the training environment), or drop the flag.")
    from transformers import BitsAndBytesConfig

    if bits == 8:
        return BitsAndBytesConfig(load_in_8bit=True)
    return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                              bnb_4bit_compute_dtype=dtype)


def load_backbone(path: str, dtype: torch.dtype = torch.float32, attn: str = "sdpa",
                  quant_bits: int = 0) -> tuple[nn.Module, bool]:
    """Load a local folder's model class and keep only its base model: the generation class of a base
    model, or the sequence-classification class of one of our exports (see hf_export)."""
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForImageTextToText

    check_model_folder(path)
    quant: dict[str, Any] = {}
    if quant_bits:
        quant = {"quantization_config": quantization_config(quant_bits, dtype),
                 "device_map": {"": torch.cuda.current_device()}}
    try:
        exported = exported_class(path)
        if exported is not None:
            gen = exported.from_pretrained(path, dtype=dtype, attn_implementation=attn, local_files_only=True)
            vl = is_vl_config(gen.config)
        else:
            config = AutoConfig.from_pretrained(path, local_files_only=True, trust_remote_code=False)
            vl = is_vl_config(config)
            cls = AutoModelForImageTextToText if vl else AutoModelForCausalLM
            gen = cls.from_pretrained(path, dtype=dtype, attn_implementation=attn, local_files_only=True, **quant)
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"cannot load model from {path}: {exc.__class__.__name__}: {exc}",
                         "Check that the folder is a complete Qwen2-VL-family or Qwen2 model "
                         "supported by the installed transformers.") from exc
    if quant_bits:
        from peft import prepare_model_for_kbit_training

        # Norms in fp32 and input gradients on, so LoRA adapters on the quantised layers train stably.
        gen = prepare_model_for_kbit_training(gen, use_gradient_checkpointing=False)
    backbone = gen.model
    backbone.config.use_cache = False
    return backbone, vl


def exported_class(path: str) -> Any:
    """The sequence-classification class an export's config.json names (ours, or the family's stock
    class for a linear, unbounded head), or None for a base model / checkpoint folder."""
    config = json.loads((Path(path) / "config.json").read_text())
    model_type = str(config.get("model_type", ""))
    if model_type.startswith("reward_studio_"):
        from reward_studio.hf_reward_model import classes_for

        return classes_for(model_type)[1]
    if any(str(a).endswith("ForSequenceClassification") for a in config.get("architectures") or []):
        from transformers import AutoModelForSequenceClassification

        return AutoModelForSequenceClassification
    return None


def load_processor(path: str, vl: bool, min_pixels: int = 0, max_pixels: int = 0) -> Any:
    from transformers import AutoProcessor, AutoTokenizer

    # trust_remote_code=False: the worker never runs a folder's code, and an export's own model_type
    # (hf_reward_model) must not make transformers ask on stdin whether to (score-server reads stdin).
    proc = AutoProcessor.from_pretrained(path, local_files_only=True, trust_remote_code=False) if vl else \
        AutoTokenizer.from_pretrained(path, local_files_only=True, trust_remote_code=False)
    if vl and (min_pixels or max_pixels):
        size = dict(proc.image_processor.size)
        if min_pixels:
            size["shortest_edge"] = int(min_pixels)
        if max_pixels:
            size["longest_edge"] = int(max_pixels)
        proc.image_processor.size = size
    return proc


def read_reward_config(path: str | Path) -> dict[str, Any] | None:
    f = Path(path) / REWARD_CONFIG
    return json.loads(f.read_text()) if f.exists() else None


def build_reward_model(base: str, head_kind: str, score_min: float, score_max: float,
                       dtype: torch.dtype, attn: str, score_range: str = "sigmoid",
                       head_bias: bool = True, quant_bits: int = 0) -> RewardModel:
    backbone, vl = load_backbone(base, dtype, attn, quant_bits)
    model = RewardModel(backbone, vl, head_kind, score_min, score_max, score_range, head_bias)
    model.score_head.to(torch.float32)
    return model


def load_reward_model(path: str, base_model_name: str | None = None, dtype: torch.dtype = torch.float32,
                      attn: str = "sdpa", trainable: bool = False) -> tuple[nn.Module, dict[str, Any]]:
    """Load a checkpoint or exported folder (full or LoRA) as a reward model, with its head.

    A folder without reward_config.json is treated as a plain base model with a fresh head.
    """
    from safetensors.torch import load_file

    check_model_folder(path) if not (Path(path) / REWARD_CONFIG).exists() else None
    rc = read_reward_config(path)
    if rc is None:
        model = build_reward_model(path, "mlp", -5.0, 5.0, dtype, attn)
        return model, {"base_model_name": path, "lora": False, "score_head": "mlp", "score_min": -5.0,
                       "score_max": 5.0, "fresh_head": True}
    if rc.get("lora"):
        from peft import PeftModel

        base = base_model_name or rc["base_model_name"]
        model = build_reward_model(base, *head_args(rc), dtype, attn, *head_extra(rc))
        model = PeftModel.from_pretrained(model, path, is_trainable=trainable)
        return model, rc
    model = build_reward_model(path, *head_args(rc), dtype, attn, *head_extra(rc))
    model.score_head.load_state_dict(_strip(load_file(str(Path(path) / HEAD_FILE)), "score_head."))
    return model, rc


def head_args(rc: dict[str, Any]) -> tuple[str, float, float]:
    return rc["score_head"], rc["score_min"], rc["score_max"]


def head_extra(rc: dict[str, Any]) -> tuple[str, bool]:
    """score_range and head_bias; folders written before they existed are sigmoid-ranged with a bias."""
    return rc.get("score_range", "sigmoid"), bool(rc.get("head_bias", True))


def _strip(state: dict[str, torch.Tensor], prefix: str) -> dict[str, torch.Tensor]:
    return {k[len(prefix):] if k.startswith(prefix) else k: v for k, v in state.items()}
