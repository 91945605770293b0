"""The reward model as a Hugging Face class — the file every export carries as `modeling_reward_studio.py`.

An export's config.json names one of the classes below through `auto_map`, so

    AutoModelForSequenceClassification.from_pretrained(folder, trust_remote_code=True)

builds backbone + score head exactly as the worker trained them and returns the reward as
`logits[:, 0]` — never a silently random head. The config's `model_type` is our own
("reward_studio_qwen2", …): a loader that forgets `trust_remote_code=True` fails loudly instead of
building the family's stock class with a fresh linear head.

This file is self-contained on purpose (torch + transformers only): it is copied into export folders
and imported there by transformers' remote-code loader, without the reward_studio package. The worker
imports the same classes (ScoreHead, apply_score_range) so the export and training cannot drift.

The reward is read at the last attended token of each row (right or left padding alike). The worker
renders prompt + response with the chat template and ends each response with the end-of-turn token
(`<|im_end|>` for Qwen), so a caller feeds `apply_chat_template(messages, tokenize=False)` with the
trailing newline after the final end-of-turn token removed.
"""

from __future__ import annotations

import importlib
from typing import Any

import torch
from torch import nn
from transformers import PreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutputWithPast

# How score_min..score_max is applied to the head's output (`reward_studio.score_range`).
SCORE_RANGES = ("sigmoid", "none")


class ScoreHead(nn.Module):
    """The score head on the last token's hidden state: seed 000's two-layer MLP or one linear layer."""

    def __init__(self, hidden: int, kind: str, bias: bool = True) -> None:
        super().__init__()
        if kind == "mlp":  # seed 000: two layers, hidden size equal to the model's
            self.net = nn.Sequential(nn.Linear(hidden, hidden), nn.GELU(), nn.Linear(hidden, 1))
        elif kind == "linear":
            self.net = nn.Sequential(nn.Linear(hidden, 1, bias=bias))
        else:
            raise ValueError(f"unknown score_head {kind!r}")

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return self.net(h).squeeze(-1)


def apply_score_range(raw: torch.Tensor, score_min: float, score_max: float, score_range: str) -> torch.Tensor:
    """The reward users see. sigmoid: score_min + (score_max - score_min) * sigmoid(raw); none: raw."""
    if score_range == "none":
        return raw
    return score_min + (score_max - score_min) * torch.sigmoid(raw)


def last_attended_index(mask: torch.Tensor) -> torch.Tensor:
    """Index of the last 1 in each row of an attention mask: right, left or no padding alike."""
    positions = torch.arange(mask.shape[1], device=mask.device).expand_as(mask)
    return (positions * (mask > 0)).max(dim=1).values


class RewardStudioModelMixin:
    """Backbone (`model`, as in the family's own classes) + `score` head; logits[:, 0] is the reward."""

    base_model_prefix = "model"
    supports_gradient_checkpointing = True
    _supports_sdpa = True
    _supports_flash_attn = True
    _supports_attention_backend = True
    backbone_class: type[nn.Module]

    def __init__(self, config: Any) -> None:
        super().__init__(config)
        spec = dict(getattr(config, "reward_studio", None) or {})
        self.reward_spec = {"head": spec.get("head", "mlp"), "bias": bool(spec.get("bias", True)),
                            "score_min": float(spec.get("score_min", -5.0)),
                            "score_max": float(spec.get("score_max", 5.0)),
                            "score_range": spec.get("score_range", "sigmoid")}
        self.model = self.backbone_class(config)
        hidden = getattr(getattr(config, "text_config", None), "hidden_size", None) or config.hidden_size
        self.score = ScoreHead(int(hidden), self.reward_spec["head"], self.reward_spec["bias"])
        self.post_init()

    def forward(self, input_ids: torch.Tensor | None = None, attention_mask: torch.Tensor | None = None,
                position_ids: torch.Tensor | None = None, inputs_embeds: torch.Tensor | None = None,
                labels: torch.Tensor | None = None, **kwargs: Any) -> SequenceClassifierOutputWithPast:
        ref = input_ids if input_ids is not None else inputs_embeds[..., 0]
        if attention_mask is None:
            attention_mask = torch.ones(ref.shape[:2], dtype=torch.long, device=ref.device)
        if position_ids is None and not self.is_vision_language():
            # Text: positions count attended tokens, so a left-padded row scores like an unpadded one.
            position_ids = (attention_mask.long().cumsum(-1) - 1).clamp(min=0)
        kwargs.pop("use_cache", None)
        out = self.model(input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids,
                         inputs_embeds=inputs_embeds, use_cache=False, **kwargs)
        h = out.last_hidden_state
        last = h[torch.arange(h.shape[0], device=h.device), last_attended_index(attention_mask)]
        spec = self.reward_spec
        reward = apply_score_range(self.score(last.float()), spec["score_min"], spec["score_max"],
                                   spec["score_range"])
        loss = None
        if labels is not None:  # regression on the reward, as the stock classes do for num_labels=1
            loss = nn.functional.mse_loss(reward, labels.float().view(-1))
        return SequenceClassifierOutputWithPast(loss=loss, logits=reward.unsqueeze(-1))

    def is_vision_language(self) -> bool:
        return getattr(self.config, "vision_config", None) is not None

    def _init_weights(self, module: nn.Module) -> None:  # weights always come from the export
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)


# (our model_type, transformers module, its config class, its backbone class) per supported family.
FAMILIES = {
    "qwen2": ("reward_studio_qwen2", "qwen2", "Qwen2Config", "Qwen2Model"),
    "qwen3": ("reward_studio_qwen3", "qwen3", "Qwen3Config", "Qwen3Model"),
    "qwen2_vl": ("reward_studio_qwen2_vl", "qwen2_vl", "Qwen2VLConfig", "Qwen2VLModel"),
    "qwen2_5_vl": ("reward_studio_qwen2_5_vl", "qwen2_5_vl", "Qwen2_5_VLConfig", "Qwen2_5_VLModel"),
    "qwen3_vl": ("reward_studio_qwen3_vl", "qwen3_vl", "Qwen3VLConfig", "Qwen3VLModel"),
}


def _family_classes(family: str) -> tuple[type, type] | None:
    """(config class, model class) for a family, or None when this transformers lacks it."""
    model_type, module_name, config_name, backbone_name = FAMILIES[family]
    try:
        module = importlib.import_module(f"transformers.models.{module_name}")
        base_config, backbone = getattr(module, config_name), getattr(module, backbone_name)
    except (ImportError, AttributeError):
        return None
    stem = "RewardStudio" + config_name[: -len("Config")]
    config_cls = type(f"{stem}Config", (base_config,), {"model_type": model_type, "__module__": __name__})
    model_cls = type(f"{stem}ForSequenceClassification", (RewardStudioModelMixin, PreTrainedModel),
                     {"config_class": config_cls, "backbone_class": backbone, "__module__": __name__,
                      "_no_split_modules": getattr(backbone, "_no_split_modules", None)})
    return config_cls, model_cls


# Module-level names, so `auto_map` can point at "modeling_reward_studio.RewardStudioQwen2ForSequenceClassification".
CLASSES: dict[str, tuple[type, type]] = {}
for _family in FAMILIES:
    _pair = _family_classes(_family)
    if _pair is not None:
        CLASSES[_family] = _pair
        globals()[_pair[0].__name__], globals()[_pair[1].__name__] = _pair


def classes_for(model_type: str) -> tuple[type, type]:
    """Our (config, model) classes for a backbone model_type ("qwen2_vl") or our own ("reward_studio_qwen2_vl")."""
    family = model_type[len("reward_studio_"):] if model_type.startswith("reward_studio_") else model_type
    if family not in CLASSES:
        raise ValueError(f"model_type {model_type!r} has no reward-model class here; supported: {sorted(CLASSES)}")
    return CLASSES[family]


def base_for_adapter(base_dir: str, adapter_dir: str, **kwargs: Any) -> PreTrainedModel:
    """The base model as the sequence-classification class a SEQ_CLS adapter of ours was trained on;
    then `PeftModel.from_pretrained(base, adapter_dir)`. The head comes from the adapter (modules_to_save)."""
    import json
    from pathlib import Path

    spec = json.loads((Path(adapter_dir) / "reward_head.json").read_text())
    base_config = json.loads((Path(base_dir) / "config.json").read_text())
    if spec["hf_class"].startswith("RewardStudio"):
        config_cls, model_cls = classes_for(base_config["model_type"])
        config = config_cls.from_pretrained(base_dir, num_labels=1)
        config.reward_studio = spec["reward_studio"]
        return model_cls.from_pretrained(base_dir, config=config, **kwargs)
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    pad = AutoTokenizer.from_pretrained(adapter_dir).pad_token_id  # batches need it to find each row's end
    return AutoModelForSequenceClassification.from_pretrained(base_dir, num_labels=1, pad_token_id=pad, **kwargs)
