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

import json
import logging
from pathlib import Path
from typing import Any

import torch
from torch import nn

from reward_studio.errors import ModelError

log = logging.getLogger("reward_studio")

REWARD_CONFIG = "reward_config.json"
HEAD_FILE = "score_head.safetensors"
WEIGHTS_FILE = "model.safetensors"


class ScoreHead(nn.Module):
    def __init__(self, hidden: int, kind: str) -> None:
        super().__init__()
        if kind == "mlp":  # seed 000: two layers, hidden size equal to the model's
            self.net = nn.Sequential(nn.Linear(hidden, hidden), nn.GELU(), nn.Linear(hidden, 1))
        elif kind == "linear":
            self.net = nn.Sequential(nn.Linear(hidden, 1))
        else:
            raise ValueError(f"unknown score_head {kind!r}")

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return self.net(h).squeeze(-1)


def last_token_index(mask: torch.Tensor) -> torch.Tensor:
    """Index of the last 1 in each row of an attention mask: right, left or no padding alike."""
    positions = torch.arange(mask.shape[1], device=mask.device).expand_as(mask)
    return (positions * (mask > 0)).max(dim=1).values


class RewardModel(nn.Module):
    # PEFT treats a module with `.config.model_type` like a transformers model and asks for this.
    base_model_prefix = "backbone"

    def __init__(self, backbone: nn.Module, is_vl: bool, head_kind: str = "mlp",
                 score_min: float = -5.0, score_max: float = 5.0) -> None:
        super().__init__()
        self.backbone = backbone
        self.config = backbone.config  # PEFT looks for `.config`
        self.is_vl = is_vl
        hidden = text_hidden_size(backbone.config)
        self.score_head = ScoreHead(hidden, head_kind)
        self.head_kind = head_kind
        self.score_min = float(score_min)
        self.score_max = float(score_max)
        self.shared_prefix = True

    # ---- the two paths ------------------------------------------------------------------------
    def forward(self, batch: dict[str, Any], shared: bool | None = None) -> torch.Tensor:
        """Rewards, one per response row of the batch (see collate.collate)."""
        shared = self.shared_prefix if shared is None else shared
        h = self._hidden_shared(batch) if shared else self._hidden_full(batch)
        raw = self.score_head(h.float())
        return self.score_min + (self.score_max - self.score_min) * torch.sigmoid(raw)

    def _positions(self, ids: torch.Tensor, mask: torch.Tensor, mm: torch.Tensor,
                   grid: torch.Tensor | None) -> torch.Tensor:
        if self.is_vl:
            pos, _ = self.backbone.get_rope_index(
                input_ids=ids, mm_token_type_ids=mm, image_grid_thw=grid, attention_mask=mask
            )
            return pos
        return (mask.long().cumsum(-1) - 1).clamp(min=0)

    def _hidden_full(self, batch: dict[str, Any]) -> torch.Tensor:
        ids, mask, mm, pv, grid = full_layout(batch)
        pos = self._positions(ids, mask, mm, grid)
        kwargs: dict[str, Any] = {}
        if self.is_vl and pv is not None:
            kwargs = dict(pixel_values=pv, image_grid_thw=grid, mm_token_type_ids=mm)
        out = self.backbone(input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=False, **kwargs)
        h = out.last_hidden_state
        return h[torch.arange(h.shape[0], device=h.device), last_token_index(mask)]

    def _hidden_shared(self, batch: dict[str, Any]) -> torch.Tensor:
        from transformers import DynamicCache

        ids, mask, mm = batch["prefix_ids"], batch["prefix_mask"], batch["prefix_mm"]
        pv, grid = batch.get("pixel_values"), batch.get("image_grid_thw")
        pos = self._positions(ids, mask, mm, grid)
        kwargs: dict[str, Any] = {}
        if self.is_vl and pv is not None:
            kwargs = dict(pixel_values=pv, image_grid_thw=grid, mm_token_type_ids=mm)
        cache = DynamicCache(config=self.backbone.config)
        self.backbone(input_ids=ids, attention_mask=mask, position_ids=pos, past_key_values=cache,
                      use_cache=True, **kwargs)
        rows = batch["resp_item"]
        cache.batch_select_indices(rows)  # one copy of the item's prefix cache per response row
        # Text after the prefix continues from the prefix's largest position (m-RoPE: all 3 axes).
        start = (pos.amax(dim=(0, 2)) if pos.dim() == 3 else pos.amax(dim=1)) + 1
        rids, rmask = batch["resp_ids"], batch["resp_mask"]
        rpos = start[rows].unsqueeze(1) + torch.arange(rids.shape[1], device=rids.device).unsqueeze(0)
        if self.is_vl:
            rpos = rpos.unsqueeze(0).expand(3, -1, -1)
        full_mask = torch.cat([mask[rows], rmask], dim=1)
        out = self.backbone(input_ids=rids, attention_mask=full_mask, position_ids=rpos,
                            past_key_values=cache, use_cache=True)
        h = out.last_hidden_state
        return h[torch.arange(h.shape[0], device=h.device), last_token_index(rmask)]


def full_layout(batch: dict[str, Any]) -> tuple[torch.Tensor, ...]:
    """Rebuild one full (prefix + response) row per response, right-padded, images repeated per row."""
    pids, pmask, pmm = batch["prefix_ids"], batch["prefix_mask"], batch["prefix_mm"]
    rids, rmask, rows = batch["resp_ids"], batch["resp_mask"], batch["resp_item"]
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
    pv, grid = batch.get("pixel_values"), batch.get("image_grid_thw")
    if pv is None:
        return ids, mask, mm, None, None
    per_item_images = batch["images_per_item"].tolist()
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


def load_backbone(path: str, dtype: torch.dtype = torch.float32, attn: str = "sdpa") -> tuple[nn.Module, bool]:
    """Load the generation class from a local folder and keep only its base model."""
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForImageTextToText

    check_model_folder(path)
    try:
        config = AutoConfig.from_pretrained(path, local_files_only=True)
        vl = is_vl_config(config)
        cls = AutoModelForImageTextToText if vl else AutoModelForCausalLM
        gen = cls.from_pretrained(path, dtype=dtype, attn_implementation=attn, local_files_only=True)
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"cannot load model from {path}: {exc.__class__.__name__}: {exc}",
                         "Check that the folder is a complete Qwen2-VL-family or Qwen2 model "
                         "supported by the installed transformers.") from exc
    backbone = gen.model
    backbone.config.use_cache = False
    return backbone, vl


def load_processor(path: str, vl: bool, min_pixels: int = 0, max_pixels: int = 0) -> Any:
    from transformers import AutoProcessor, AutoTokenizer

    proc = AutoProcessor.from_pretrained(path, local_files_only=True) if vl else \
        AutoTokenizer.from_pretrained(path, local_files_only=True)
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
                       dtype: torch.dtype, attn: str) -> RewardModel:
    backbone, vl = load_backbone(base, dtype, attn)
    model = RewardModel(backbone, vl, head_kind, score_min, score_max)
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
        model = build_reward_model(base, rc["score_head"], rc["score_min"], rc["score_max"], dtype, attn)
        model = PeftModel.from_pretrained(model, path, is_trainable=trainable)
        return model, rc
    model = build_reward_model(path, rc["score_head"], rc["score_min"], rc["score_max"], dtype, attn)
    model.score_head.load_state_dict(_strip(load_file(str(Path(path) / HEAD_FILE)), "score_head."))
    return model, rc


def _strip(state: dict[str, torch.Tensor], prefix: str) -> dict[str, torch.Tensor]:
    return {k[len(prefix):] if k.startswith(prefix) else k: v for k, v in state.items()}
