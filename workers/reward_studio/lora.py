"""LoRA on the language model only, with the score head trained and saved alongside (modules_to_save)."""

from __future__ import annotations

import re

from torch import nn

from reward_studio.errors import ConfigError

# PEFT full-matches these against module names inside RewardModel ("backbone.language_model.layers.0...").
VL_REGEX = r".*language_model.*\.(q|k|v|o|gate|up|down)_proj"
# Text-only Qwen2: the backbone *is* the language model ("backbone.layers.0.self_attn.q_proj").
TEXT_REGEX = r".*backbone\.layers\.\d+\.(self_attn|mlp)\.(q|k|v|o|gate|up|down)_proj"


def resolve_target_regex(regex: str, is_vl: bool) -> str:
    if regex in ("", "auto"):
        return VL_REGEX if is_vl else TEXT_REGEX
    return regex


def apply_lora(model: nn.Module, r: int, alpha: int, dropout: float, regex: str, is_vl: bool) -> nn.Module:
    from peft import LoraConfig, get_peft_model

    pattern = resolve_target_regex(regex, is_vl)
    matched = [n for n, m in model.named_modules() if isinstance(m, nn.Linear) and re.fullmatch(pattern, n)]
    if not matched:
        raise ConfigError(f"lora_target_regex {pattern!r} matches no Linear module of this model",
                          "Use 'auto', or a regex that fully matches names like "
                          "'backbone.language_model.layers.0.self_attn.q_proj'.")
    config = LoraConfig(r=r, lora_alpha=alpha, lora_dropout=dropout, target_modules=pattern,
                        modules_to_save=["score_head"], bias="none")
    return get_peft_model(model, config)
