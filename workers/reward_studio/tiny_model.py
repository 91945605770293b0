"""`tiny-model OUT`: a tiny, randomly initialised Qwen2-VL (or Qwen2 text LM) built fully offline.

Used for demos and tests: it has the real architecture (vision tower, merger, m-RoPE text model),
a real byte-level BPE tokenizer trained here on a built-in corpus, a chat template and a processor
whose min_pixels == max_pixels == 56*56, so every image becomes exactly 4 merged vision tokens.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch

from reward_studio.conversation import CHATML_TEMPLATE

# Order mirrors Qwen2-VL's added tokens; the trainer puts special tokens first, so their ids are 0..13
# and the model config below must use exactly these ids (the processor looks them up by text).
SPECIAL_TOKENS = [
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|object_ref_start|>",
    "<|object_ref_end|>",
    "<|box_start|>",
    "<|box_end|>",
    "<|quad_start|>",
    "<|quad_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|vision_pad|>",
    "<|image_pad|>",
    "<|video_pad|>",
]

# Qwen-style ChatML chat template (with Qwen2.5's tool calls and tool results), without the default
# system prompt to keep tiny sequences short; the worker's fallback for template-less tokenizers too.
CHAT_TEMPLATE = CHATML_TEMPLATE

_COLOURS = "red green blue yellow orange purple pink brown black white gray grey cyan magenta".split()
_SHAPES = "circle square triangle rectangle star shape ellipse diamond hexagon".split()
_WORDS = (
    "the a an is it this that what which colour color of in on image picture shown there "
    "answer question please describe object background small large big bright dark light "
    "i think see looks like appears to be yes no not and or with left right top bottom center "
    "response better worse good bad correct wrong true false you are helpful assistant user system"
).split()


def _corpus() -> list[str]:
    """A deterministic corpus covering the sample task's vocabulary (colours, shapes, prompts)."""
    lines = []
    for colour in _COLOURS:
        for shape in _SHAPES:
            lines.append(f"What colour is the {shape} in the image? The {shape} is {colour}.")
            lines.append(f"The {colour} {shape} is on a {colour} background. It is {colour}.")
    lines.append(" ".join(_WORDS))
    lines.append(" ".join(w.capitalize() for w in _WORDS + _COLOURS + _SHAPES))
    lines.append("0 1 2 3 4 5 6 7 8 9 10 100 , . ? ! : ; ' \" ( ) - _ / \n")
    return lines


def build_tokenizer(vocab_size: int = 640):
    """Train a byte-level BPE (handles any text) and wrap it as a transformers fast tokenizer."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(_corpus(), trainer=trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        unk_token=None,
        additional_special_tokens=SPECIAL_TOKENS[1:],
    )
    fast.chat_template = CHAT_TEMPLATE
    fast.padding_side = "right"
    return fast


def _special_ids(tokenizer) -> dict[str, int]:
    ids = {t: tokenizer.convert_tokens_to_ids(t) for t in SPECIAL_TOKENS}
    assert all(isinstance(i, int) and i >= 0 for i in ids.values()), ids
    return ids


def tiny_vl_config(tokenizer, hidden: int = 64, layers: int = 2, heads: int = 4, vision_dim: int = 32,
                   vision_depth: int = 2):
    from transformers import Qwen2VLConfig

    ids = _special_ids(tokenizer)
    head_dim = hidden // heads
    half = head_dim // 2
    # m-RoPE splits head_dim/2 frequencies into temporal/height/width sections: they must sum to it.
    mrope_section = [half - 2 * (half // 3), half // 3, half // 3]
    vocab = ((len(tokenizer) + 63) // 64) * 64
    return Qwen2VLConfig(
        text_config=dict(
            vocab_size=vocab,
            hidden_size=hidden,
            intermediate_size=hidden * 2,
            num_hidden_layers=layers,
            num_attention_heads=heads,
            num_key_value_heads=max(1, heads // 2),
            max_position_embeddings=4096,
            rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "mrope_section": mrope_section},
            bos_token_id=ids["<|endoftext|>"],
            eos_token_id=ids["<|im_end|>"],
            pad_token_id=ids["<|endoftext|>"],
            tie_word_embeddings=True,
        ),
        vision_config=dict(
            depth=vision_depth,
            embed_dim=vision_dim,
            # The merger projects vision features straight into the text stream: same width as text.
            hidden_size=hidden,
            num_heads=2,
            mlp_ratio=2,
            patch_size=14,
            spatial_merge_size=2,
            temporal_patch_size=2,
            in_channels=3,
        ),
        image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"],
        tie_word_embeddings=True,
    )


ARCHES = ("qwen2_vl", "qwen2_5_vl", "qwen3_vl")


def tiny_arch_config(arch: str, tokenizer, hidden: int = 64, layers: int = 2, heads: int = 4,
                     vision_dim: int = 32, vision_depth: int = 2):
    """Qwen2.5-VL / Qwen3-VL variants of the tiny model (same tokenizer and special ids)."""
    if arch == "qwen2_vl":
        return tiny_vl_config(tokenizer, hidden, layers, heads, vision_dim, vision_depth)
    ids = _special_ids(tokenizer)
    head_dim = hidden // heads
    half = head_dim // 2
    vocab = ((len(tokenizer) + 63) // 64) * 64
    text = dict(vocab_size=vocab, hidden_size=hidden, intermediate_size=hidden * 2, num_hidden_layers=layers,
                num_attention_heads=heads, num_key_value_heads=max(1, heads // 2), max_position_embeddings=4096,
                bos_token_id=ids["<|endoftext|>"], eos_token_id=ids["<|im_end|>"], pad_token_id=ids["<|endoftext|>"])
    special = dict(image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
                   vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"],
                   tie_word_embeddings=True)
    if arch == "qwen2_5_vl":
        from transformers import Qwen2_5_VLConfig

        mrope = [half - 2 * (half // 3), half // 3, half // 3]
        text["rope_parameters"] = {"rope_type": "default", "rope_theta": 10000.0, "mrope_section": mrope}
        vision = dict(depth=vision_depth, hidden_size=vision_dim, intermediate_size=vision_dim * 2, num_heads=2,
                      out_hidden_size=hidden, patch_size=14, spatial_merge_size=2, temporal_patch_size=2,
                      window_size=56, fullatt_block_indexes=[vision_depth - 1])
        return Qwen2_5_VLConfig(text_config=text, vision_config=vision, **special)
    if arch == "qwen3_vl":
        from transformers import Qwen3VLConfig

        # Qwen3-VL interleaves the m-RoPE axes; the sections still cover head_dim/2 frequencies.
        mrope = [half - 2 * (half // 3), half // 3, half // 3]
        text.update(head_dim=head_dim, rope_parameters={"rope_type": "default", "rope_theta": 10000.0,
                                                        "mrope_section": mrope, "mrope_interleaved": True})
        vision = dict(depth=vision_depth, hidden_size=vision_dim, intermediate_size=vision_dim * 2, num_heads=2,
                      out_hidden_size=hidden, patch_size=16, spatial_merge_size=2, temporal_patch_size=2,
                      num_position_embeddings=64, deepstack_visual_indexes=[0])
        return Qwen3VLConfig(text_config=text, vision_config=vision, **special)
    raise ValueError(f"unknown arch {arch!r}; choose from {ARCHES}")


def tiny_text_config(tokenizer, hidden: int = 64, layers: int = 2, heads: int = 4):
    from transformers import Qwen2Config

    ids = _special_ids(tokenizer)
    vocab = ((len(tokenizer) + 63) // 64) * 64
    return Qwen2Config(
        vocab_size=vocab,
        hidden_size=hidden,
        intermediate_size=hidden * 2,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=max(1, heads // 2),
        max_position_embeddings=4096,
        bos_token_id=ids["<|endoftext|>"],
        eos_token_id=ids["<|im_end|>"],
        pad_token_id=ids["<|endoftext|>"],
        tie_word_embeddings=True,
    )


def build_tiny_model(out: str | os.PathLike, seed: int = 0, text_only: bool = False, hidden: int = 64,
                     layers: int = 2, heads: int = 4, vision_dim: int = 32, vision_depth: int = 2,
                     arch: str = "qwen2_vl") -> Path:
    """Write a loadable tiny model folder to `out` and return its path."""
    from transformers import AutoModelForImageTextToText, Qwen2ForCausalLM

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    tokenizer = build_tokenizer()
    if text_only:
        model = Qwen2ForCausalLM(tiny_text_config(tokenizer, hidden, layers, heads))
        model.save_pretrained(out)
        tokenizer.save_pretrained(out)
    else:
        config = tiny_arch_config(arch, tokenizer, hidden, layers, heads, vision_dim, vision_depth)
        model = AutoModelForImageTextToText.from_config(config)
        model.save_pretrained(out)
        _processor(arch, tokenizer).save_pretrained(out)
    (out / "TINY_MODEL.json").write_text(
        json.dumps({"seed": seed, "text_only": text_only, "arch": None if text_only else arch,
                    "note": "randomly initialised, for tests and demos"}, indent=2)
    )
    return out


def _processor(arch: str, tokenizer):
    """min_pixels == max_pixels: every square image becomes a 2x2 grid of merged tokens (4 tokens)."""
    from transformers import Qwen2VLImageProcessor, Qwen2VLVideoProcessor

    patch = 16 if arch == "qwen3_vl" else 14
    pixels = (patch * 4) ** 2  # 56x56 (Qwen2/2.5-VL) or 64x64 (Qwen3-VL): 4x4 patches -> 4 merged tokens
    image = Qwen2VLImageProcessor(min_pixels=pixels, max_pixels=pixels, patch_size=patch, temporal_patch_size=2,
                                  merge_size=2)
    if arch == "qwen3_vl":
        from transformers import Qwen3VLProcessor, Qwen3VLVideoProcessor

        video = Qwen3VLVideoProcessor(size={"shortest_edge": pixels, "longest_edge": pixels}, patch_size=patch)
        cls = Qwen3VLProcessor
    else:
        from transformers import Qwen2_5_VLProcessor, Qwen2VLProcessor

        # The processor class insists on a video processor even though the studio never feeds videos.
        video = Qwen2VLVideoProcessor(min_pixels=pixels, max_pixels=pixels)
        cls = Qwen2_5_VLProcessor if arch == "qwen2_5_vl" else Qwen2VLProcessor
    return cls(image_processor=image, tokenizer=tokenizer, video_processor=video, chat_template=CHAT_TEMPLATE)
