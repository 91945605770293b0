"""Training throughput of the reward model: pairs/s, tokens/s and peak memory.

On a CUDA GPU: a randomly initialised Qwen2-VL-2B-sized model (config written by hand with the
2B dimensions; nothing is downloaded) in bf16, full fine-tune and LoRA, shared-prefix vs full
concatenation. On CPU: the same code on the tiny test model (a smoke test, numbers not meaningful).

    .venv/bin/python bench/worker/bench_train.py                 # auto: GPU if present
    .venv/bin/python bench/worker/bench_train.py --device cpu --steps 3
    .venv/bin/python bench/worker/bench_train.py --json-out bench/results/worker.json

Prints a table and one JSON document (also written to --json-out when given).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "workers"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from reward_studio.collate import Encoder, batch_to, collate, count_tokens  # noqa: E402
from reward_studio.data import ImageRef, Item  # noqa: E402
from reward_studio.lora import apply_lora  # noqa: E402
from reward_studio.loss import preference_loss  # noqa: E402
from reward_studio.model import RewardModel  # noqa: E402
from reward_studio.tiny_model import CHAT_TEMPLATE, SPECIAL_TOKENS, build_tokenizer, tiny_vl_config  # noqa: E402


def qwen2vl_2b_config(tokenizer):
    """Qwen2-VL-2B-Instruct's published dimensions; special ids from our offline tokenizer."""
    from transformers import Qwen2VLConfig

    ids = {t: tokenizer.convert_tokens_to_ids(t) for t in SPECIAL_TOKENS}
    return Qwen2VLConfig(
        text_config=dict(
            vocab_size=151936, hidden_size=1536, intermediate_size=8960, num_hidden_layers=28,
            num_attention_heads=12, num_key_value_heads=2, max_position_embeddings=32768, rms_norm_eps=1e-6,
            rope_parameters={"rope_type": "default", "rope_theta": 1000000.0, "mrope_section": [16, 24, 24]},
            bos_token_id=ids["<|endoftext|>"], eos_token_id=ids["<|im_end|>"], pad_token_id=ids["<|endoftext|>"],
            tie_word_embeddings=True,
        ),
        vision_config=dict(depth=32, embed_dim=1280, hidden_size=1536, num_heads=16, mlp_ratio=4, patch_size=14,
                           spatial_merge_size=2, temporal_patch_size=2, in_channels=3, hidden_act="quick_gelu"),
        image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"],
        tie_word_embeddings=True,
    )


def build_processor(tokenizer, pixels: int):
    from transformers import Qwen2VLImageProcessor, Qwen2VLProcessor, Qwen2VLVideoProcessor

    return Qwen2VLProcessor(
        image_processor=Qwen2VLImageProcessor(min_pixels=pixels, max_pixels=pixels),
        video_processor=Qwen2VLVideoProcessor(min_pixels=pixels, max_pixels=pixels),
        tokenizer=tokenizer, chat_template=CHAT_TEMPLATE,
    )


def make_batches(encoder: Encoder, n_batches: int, batch_size: int, image_size: int, response_words: int,
                 tmp: Path) -> list[dict]:
    from PIL import Image, ImageDraw

    words = "the red circle is on a grey background and it looks bright".split()
    batches = []
    for b in range(n_batches):
        items = []
        for i in range(batch_size):
            img = Image.new("RGB", (image_size, image_size), (120, 120, 120))
            ImageDraw.Draw(img).ellipse([image_size // 4] * 2 + [3 * image_size // 4] * 2, fill=(200, 30 + i, 30))
            path = tmp / f"img-{b}-{i}.png"
            img.save(path)
            resp = [" ".join(words[(k + j) % len(words)] for j in range(response_words)) for k in range(2)]
            items.append(Item(f"{b}-{i}", "What colour is the circle in this picture? Describe it.",
                              [ImageRef(path=str(path))], resp, [0, 1], f"bench:{b}:{i}"))
        batches.append(collate([encoder.encode(it) for it in items], encoder.pad_id))
    return batches


def run_case(backbone_factory, encoder, batches, device, lora: bool, shared: bool, steps: int, warmup: int) -> dict:
    torch.manual_seed(0)
    backbone = backbone_factory()
    model = RewardModel(backbone, True, "mlp", -5.0, 5.0)
    model.score_head.float()
    model.shared_prefix = shared
    if lora:
        model = apply_lora(model, 16, 32, 0.05, "auto", True)
    model.to(device).train()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-5)
    if device.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    pairs = tokens = 0
    t0 = None
    for step in range(warmup + steps):
        if step == warmup:
            if device.type == "cuda":
                torch.cuda.synchronize()
            t0 = time.perf_counter()
            pairs = tokens = 0
        batch = batch_to(batches[step % len(batches)], device)
        rewards = model(batch)
        loss = preference_loss(rewards, batch)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        pairs += int(batch["pairs"].shape[0])
        tokens += count_tokens(batch, shared)
    if device.type == "cuda":
        torch.cuda.synchronize()
    dt = time.perf_counter() - t0
    result = {
        "mode": "lora" if lora else "full",
        "path": "shared-prefix" if shared else "full-concat",
        "pairs_per_second": pairs / dt,
        "tokens_per_second": tokens / dt,
        "seconds_per_step": dt / steps,
        "trainable_parameters": sum(p.numel() for p in params),
        "peak_memory_gb": torch.cuda.max_memory_allocated() / 2**30 if device.type == "cuda" else None,
    }
    del model, opt, params, backbone
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="auto", choices=["auto", "cuda", "cpu"])
    ap.add_argument("--steps", type=int, default=None, help="timed steps (default 10 on GPU, 3 on CPU)")
    ap.add_argument("--warmup", type=int, default=None)
    ap.add_argument("--batch-size", type=int, default=None, help="items (pairs) per step (default 8 GPU, 4 CPU)")
    ap.add_argument("--image-size", type=int, default=None, help="square image side; 448 -> 256 vision tokens")
    ap.add_argument("--response-words", type=int, default=48)
    ap.add_argument("--modes", default="full,lora")
    ap.add_argument("--paths", default="shared,full")
    ap.add_argument("--json-out", default=None)
    args = ap.parse_args()

    cuda = torch.cuda.is_available() if args.device == "auto" else args.device == "cuda"
    device = torch.device("cuda" if cuda else "cpu")
    steps = args.steps or (10 if cuda else 3)
    warmup = args.warmup if args.warmup is not None else (3 if cuda else 1)
    batch_size = args.batch_size or (8 if cuda else 4)
    image_size = args.image_size or (448 if cuda else 56)
    tokenizer = build_tokenizer()
    from transformers import Qwen2VLForConditionalGeneration
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    if cuda:
        config, dtype, label = qwen2vl_2b_config(tokenizer), torch.bfloat16, "Qwen2-VL-2B-sized (random init)"
        config._attn_implementation = "sdpa"
    else:
        config, dtype, label = tiny_vl_config(tokenizer), torch.float32, "tiny test model (CPU smoke run)"

    def backbone_factory():
        with torch.device(device):
            gen = Qwen2VLForConditionalGeneration._from_config(config, dtype=dtype)
        backbone = gen.model
        del gen  # the LM head is never used by a reward model
        return backbone

    processor = build_processor(tokenizer, image_size * image_size)
    encoder = Encoder(processor, True, 8192, "truncate")
    results = []
    with tempfile.TemporaryDirectory() as td:
        batches = make_batches(encoder, 4, batch_size, image_size, args.response_words, Path(td))
    prefix_tokens = float(batches[0]["prefix_mask"].sum(1).float().mean())
    response_tokens = float(batches[0]["resp_mask"].sum(1).float().mean())
    for mode in args.modes.split(","):
        for path in args.paths.split(","):
            r = run_case(backbone_factory, encoder, batches, device, mode == "lora", path == "shared", steps, warmup)
            results.append(r)
            print(f"  done: {r['mode']:5s} {r['path']:13s} {r['pairs_per_second']:.2f} pairs/s", file=sys.stderr)
    doc = {
        "model": label,
        "device": torch.cuda.get_device_name(0) if cuda else platform.processor() or "cpu",
        "dtype": str(dtype).replace("torch.", ""),
        "torch": torch.__version__,
        "transformers": __import__("transformers").__version__,
        "batch_items": batch_size,
        "image_size": image_size,
        "mean_prefix_tokens": prefix_tokens,
        "mean_response_tokens": response_tokens,
        "steps": steps,
        "results": results,
    }
    print(f"\n{label} on {doc['device']} ({doc['dtype']}), {batch_size} pairs/step, image {image_size}px, "
          f"prefix ~{prefix_tokens:.0f} tok, response ~{response_tokens:.0f} tok")
    print(f"{'mode':6s} {'path':14s} {'pairs/s':>9s} {'tokens/s':>10s} {'s/step':>8s} {'peak GB':>8s} {'trainable':>12s}")
    for r in results:
        mem = f"{r['peak_memory_gb']:.1f}" if r["peak_memory_gb"] is not None else "-"
        print(f"{r['mode']:6s} {r['path']:14s} {r['pairs_per_second']:9.2f} {r['tokens_per_second']:10.0f} "
              f"{r['seconds_per_step']:8.3f} {mem:>8s} {r['trainable_parameters']:12,d}")
    print(json.dumps(doc, indent=2))
    if args.json_out:
        Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_out).write_text(json.dumps(doc, indent=2) + "\n")


if __name__ == "__main__":
    main()
