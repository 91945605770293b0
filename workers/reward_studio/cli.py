"""Command line: train, describe-config, score, export, export-onnx, tiny-model."""

from __future__ import annotations

import argparse
import json
import os
import sys

from reward_studio.config import add_config_flags, describe, overrides_from_args


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m reward_studio",
                                     description="Reward Studio worker: train and use reward models.")
    sub = parser.add_subparsers(dest="command", required=True)

    train = sub.add_parser("train", help="Train a reward model (run dir config.json and/or seed-000 flags).")
    train.add_argument("--run-dir", "--run_dir", dest="run_dir", default=None,
                       help="Run directory with config.json (and data/). Without it a new "
                            "<output_dir>/<experiment_name>_<timestamp>/ is created.")
    add_config_flags(train)

    rm = sub.add_parser("reward-modeling", help="Seed 003's TRL reward_modeling.py: its flags, a standard "
                        "reward model in --output_dir.")
    from reward_studio.reward_modeling import add_flags

    add_flags(rm)

    sub.add_parser("describe-config", help="Print every training option (type, default, help) as JSON.")

    score = sub.add_parser("score", help="Score a dataset with a checkpoint (seed 000's test_reward_model.py).")
    score.add_argument("--model_path", "--model-path", required=True,
                       help="Checkpoint folder (step-N, best/, an export) or a run directory.")
    score.add_argument("--data_path", "--data-path", required=True, help="Seed-format JSONL or Parquet.")
    score.add_argument("--output_path", "--output-path", default=None,
                       help="Result JSONL. A file path F.jsonl writes F_<model>_<time>.jsonl beside it (never "
                            "overwrites); a directory or nothing = results/reward_results_<model>_<time>.jsonl.")
    score.add_argument("--exact-output", "--exact_output", action="store_true",
                       help="Write exactly --output_path (replacing it), without the model name and time.")
    score.add_argument("--base_model_name", "--base-model-name", default=None,
                       help="Base model folder for LoRA checkpoints (default: the one recorded in the checkpoint).")
    score.add_argument("--batch_size", "--batch-size", type=int, default=8)
    score.add_argument("--max_length", "--max-length", type=int, default=4096)
    score.add_argument("--full-concat", action="store_true", help="Disable the shared-prefix path.")
    score.add_argument("--json-progress", "--json_progress", action="store_true",
                       help="Print progress and the summary as JSON lines on stdout.")

    export = sub.add_parser("export", help="Write a standalone HF-style folder (LoRA merged) from a checkpoint.")
    export.add_argument("--checkpoint", required=True)
    export.add_argument("--merge-lora", "--merge_lora", "--out", dest="out", required=True, help="Output folder.")
    export.add_argument("--base_model_name", "--base-model-name", default=None)
    export.add_argument("--no-verify", action="store_true", help="Skip the reload-and-compare check.")

    server = sub.add_parser("score-server", help="Load a model once, then score JSON-line requests from stdin.")
    server.add_argument("--model_path", "--model-path", required=True,
                        help="Checkpoint folder (step-N, best/, an export) or a run directory.")
    server.add_argument("--base_model_name", "--base-model-name", default=None)
    server.add_argument("--max_length", "--max-length", type=int, default=4096)
    server.add_argument("--max_batch_tokens", "--max-batch-tokens", type=int, default=16384,
                        help="Padded tokens per forward pass; requests' items are packed up to it (an item "
                             "larger than it is scored alone).")

    onnx = sub.add_parser("export-onnx", help="Write the reward model as one ONNX graph + what onnxruntime-node needs.")
    onnx.add_argument("--checkpoint", required=True, help="Checkpoint folder (step-N, best/, a merged export).")
    onnx.add_argument("--out", required=True, help="Output folder (must not exist or be empty).")
    onnx.add_argument("--base_model_name", "--base-model-name", default=None,
                      help="Base model folder for LoRA checkpoints (default: the one recorded in the checkpoint).")
    onnx.add_argument("--opset", type=int, default=17, help="ONNX opset version.")
    onnx.add_argument("--image-size", "--image_size", type=int, default=448,
                      help="VL: the graph's fixed image resolution is smart_resize(SIZE, SIZE) under the "
                           "processor's min/max pixels (56x56 for the tiny model whatever SIZE is).")
    onnx.add_argument("--verify-image", "--verify_image", action="append", default=[], metavar="PATH",
                      help="VL: also check the export on this image at its own size (repeatable): the "
                           "checkpoint scores it natively, the export at its grid; max |diff| per size is "
                           "reported as verify_resolutions.")
    onnx.add_argument("--max_length", "--max-length", type=int, default=4096,
                      help="Longest prompt + response in tokens (responses are truncated as `score` does).")

    tiny = sub.add_parser("tiny-model", help="Write a tiny random Qwen2-VL (or Qwen2 text LM) for tests/demos.")
    tiny.add_argument("out")
    tiny.add_argument("--seed", type=int, default=0)
    tiny.add_argument("--text-only", "--text_only", action="store_true")
    tiny.add_argument("--hidden", type=int, default=64, help="Text hidden size (also the merger's output).")
    tiny.add_argument("--layers", type=int, default=2, help="Text decoder layers.")
    tiny.add_argument("--heads", type=int, default=4, help="Attention heads (head_dim = hidden / heads).")
    tiny.add_argument("--vision-dim", "--vision_dim", type=int, default=32, help="Vision tower width.")
    tiny.add_argument("--vision-depth", "--vision_depth", type=int, default=2, help="Vision tower blocks.")
    tiny.add_argument("--arch", default="qwen2_vl", choices=["qwen2_vl", "qwen2_5_vl", "qwen3_vl"],
                      help="Vision-language architecture of the tiny model.")
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the worker never downloads
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = build_parser().parse_args(argv)
    if args.command == "describe-config":
        print(json.dumps(describe(), indent=2))
        return 0
    if args.command == "reward-modeling":
        from reward_studio.reward_modeling import reward_modeling_main

        return reward_modeling_main(args)
    if args.command == "train":
        from reward_studio.run_setup import train_main

        return train_main(args.run_dir, overrides_from_args(args))
    from reward_studio.errors import WorkerError
    from reward_studio.run_setup import setup_logging

    setup_logging(None, True)
    try:
        if args.command == "score":
            from reward_studio.score import score_main

            score_main(args.model_path, args.data_path, args.output_path, args.base_model_name, args.batch_size,
                       args.json_progress, args.max_length, shared_prefix=not args.full_concat,
                       exact_output=args.exact_output)
        elif args.command == "export":
            from reward_studio.export import export_main

            print(json.dumps(export_main(args.checkpoint, args.out, args.base_model_name, not args.no_verify)))
        elif args.command == "score-server":
            from reward_studio.score_server import serve_main

            return serve_main(args.model_path, args.base_model_name, args.max_length, args.max_batch_tokens)
        elif args.command == "export-onnx":
            from reward_studio.onnx_export import export_onnx_main

            print(json.dumps(export_onnx_main(args.checkpoint, args.out, args.base_model_name, args.opset,
                                              args.image_size, args.max_length, args.verify_image)))
        elif args.command == "tiny-model":
            from reward_studio.tiny_model import build_tiny_model

            path = build_tiny_model(args.out, seed=args.seed, text_only=args.text_only, arch=args.arch,
                                    hidden=args.hidden, layers=args.layers, heads=args.heads,
                                    vision_dim=args.vision_dim, vision_depth=args.vision_depth)
            print(json.dumps({"output": str(path), "text_only": args.text_only, "seed": args.seed,
                              "arch": None if args.text_only else args.arch}))
    except WorkerError as exc:
        print(json.dumps({"event": "error", **exc.to_event()}), file=sys.stderr, flush=True)
        return 2
    return 0


def entry() -> None:
    sys.exit(main())
