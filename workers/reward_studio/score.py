"""`score`: seed 000's test_reward_model.py — a checkpoint + a dataset -> per-item result JSONL + summary.

Per item: id, query, scores (one per response), predicted_ranking (same convention as human_ranking:
rank of response[i], 0 = highest score), human_ranking, correct (the top-scored response is one the
human ranked best), margin (score of the human-best response minus the best score among the others).
Summary: accuracy (share of correct items), pairwise_accuracy (ordered pairs, ties skipped), mean_margin.

Items without a human preference (no human_ranking, or every response tied) are scored too: their
correct and margin are null (human_ranking as given) and the summary's accuracy and margin count
labeled items only (`labeled_items`); `items` counts every scored item.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import torch

from reward_studio.collate import Encoder, collate
from reward_studio.data import load_items, preference_pairs
from reward_studio.model import load_processor, load_reward_model, read_reward_config, resolve_dtype


def resolve_model_path(path: str) -> Path:
    """A checkpoint folder, or a run directory (its best/, else its latest checkpoint)."""
    from reward_studio.checkpointing import find_best, list_checkpoints

    p = Path(path)
    if (p / "reward_config.json").exists():
        return p
    for run in (p, p / "run"):  # a run directory, or reward-modeling's --output_dir (a LoRA adapter)
        best = find_best(run)  # also a best/ whose swap a killed worker left half done
        if best is not None and (best / "reward_config.json").exists():
            return best
    found = list_checkpoints(p)
    return found[-1][1] if found else p  # else: a plain base model folder (fresh head, with a warning)


def model_label(model_path: Path) -> str:
    """The model's name for result files: <run>_step-N, <run>_best, or the folder's name."""
    name = model_path.name
    if name.startswith("step-") or name == "best":
        name = f"{model_path.parent.parent.name if name != 'best' else model_path.parent.name}_{name}"
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def default_output(model_path: Path, out_dir: Path) -> Path:
    return out_dir / f"reward_results_{model_label(model_path)}_{time.strftime('%Y%m%d-%H%M%S')}.jsonl"


def stamped_output(path: Path, model_path: Path) -> Path:
    """--output_path results/reward_results.jsonl -> results/reward_results_<model>_<YYYYmmdd-HHMMSS>.jsonl
    (seed 000: results carry the model name and time, so a run never overwrites an earlier one)."""
    return path.with_name(f"{path.stem}_{model_label(model_path)}_{time.strftime('%Y%m%d-%H%M%S')}{path.suffix}")


def claim_output(path: Path) -> Path:
    """`path`, or path-2, path-3, ... when taken (two runs in the same second); created empty, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 1
    while True:
        cand = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        try:
            with cand.open("x", encoding="utf-8"):
                return cand
        except FileExistsError:
            n += 1


def rank_of(scores: list[float]) -> list[int]:
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    ranks = [0] * len(scores)
    for r, i in enumerate(order):
        ranks[i] = r
    return ranks


def item_result(item: Any, scores: list[float]) -> dict[str, Any]:
    pairs = preference_pairs(item.ranking)
    if not pairs:  # score-only: nothing to be right or wrong about
        return {"id": item.id, "query": item.query, "scores": scores, "predicted_ranking": rank_of(scores),
                "human_ranking": item.ranking, "correct": None, "margin": None, "pairs_correct": 0, "pairs": 0}
    best = min(item.ranking)
    top = max(range(len(scores)), key=lambda i: scores[i])
    best_idx = [i for i, r in enumerate(item.ranking) if r == best]
    others = [scores[i] for i in range(len(scores)) if item.ranking[i] != best]
    margin = max(scores[i] for i in best_idx) - max(others)
    return {
        "id": item.id,
        "query": item.query,
        "scores": scores,
        "predicted_ranking": rank_of(scores),
        "human_ranking": item.ranking,
        "correct": item.ranking[top] == best,
        "margin": margin,
        "pairs_correct": sum(scores[a] > scores[b] for a, b in pairs),
        "pairs": len(pairs),
    }


def score_main(model_path: str, data_path: str, output_path: str | None, base_model_name: str | None,
               batch_size: int, json_progress: bool, max_length: int, shared_prefix: bool = True,
               exact_output: bool = False) -> dict[str, Any]:
    t0 = time.time()
    mp = resolve_model_path(model_path)
    dtype = resolve_dtype("auto")
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model, rc = load_reward_model(str(mp), base_model_name, dtype)
    model.to(device).eval()
    core = model.get_base_model() if hasattr(model, "peft_config") else model
    core.shared_prefix = shared_prefix
    proc_src = mp if (mp / "tokenizer_config.json").exists() else Path(base_model_name or rc["base_model_name"])
    processor = load_processor(str(proc_src), core.is_vl)
    encoder = Encoder(processor, core.is_vl, max_length, "truncate")
    items = load_items(data_path, require_preference=False)
    items_kept, report, budgets = encoder.check_lengths(items)
    out = Path(output_path) if output_path else None
    if out is None or out.is_dir() or (output_path or "").endswith(("/", "\\")):
        out = claim_output(default_output(mp, out if out is not None else Path("results")))
    elif exact_output:  # the caller owns the name (the studio's evaluation folder)
        out.parent.mkdir(parents=True, exist_ok=True)
    else:
        out = claim_output(stamped_output(out, mp))
    emit = (lambda obj: print(json.dumps(obj), flush=True)) if json_progress else (lambda obj: None)
    emit({"type": "start", "items": len(items_kept), "model_path": str(mp), "data_report": report.as_dict()})
    results = []
    with out.open("w", encoding="utf-8") as fh, torch.no_grad():
        for start in range(0, len(items_kept), batch_size):
            chunk = items_kept[start:start + batch_size]
            # The encoder and collate want a ranking; an all-tied stand-in makes no training pairs.
            encodable = [it if it.ranking is not None else dataclasses.replace(it, ranking=[0] * len(it.responses))
                         for it in chunk]
            batch = collate([encoder.encode(it, budgets.get(it.source)) for it in encodable], encoder.pad_id).to(device)
            rewards = model(batch).float().cpu().tolist()
            for (off, n, _), item in zip(batch.groups, chunk):
                res = item_result(item, rewards[off:off + n])
                results.append(res)
                fh.write(json.dumps(res, ensure_ascii=False) + "\n")
            emit({"type": "progress", "done": len(results), "total": len(items_kept)})
    labeled = [r for r in results if r["correct"] is not None]
    n = max(len(labeled), 1)
    pairs = sum(r["pairs"] for r in labeled)
    summary = {
        "model_path": str(mp),
        "data_path": str(data_path),
        "output_path": str(out),
        "items": len(results),
        "labeled_items": len(labeled),
        "accuracy": sum(r["correct"] for r in labeled) / n,
        "pairwise_accuracy": sum(r["pairs_correct"] for r in labeled) / max(pairs, 1),
        "mean_margin": sum(r["margin"] for r in labeled) / n,
        "truncated_responses": report.truncated_responses,
        "dropped_items": report.dropped_items,
        "seconds": round(time.time() - t0, 3),
    }
    if rc.get("fresh_head"):
        summary["warning"] = f"{mp} is a base model without a trained score head: these scores are random"
        print(json.dumps({"event": "warning", "message": summary["warning"]}), file=sys.stderr, flush=True)
    out.with_suffix(".summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps({"type": "summary", **summary} if json_progress else summary), flush=True)
    return summary


def fail_json(exc: Exception) -> None:
    payload = exc.to_event() if hasattr(exc, "to_event") else {"message": str(exc), "type": "error", "hint": ""}
    print(json.dumps({"event": "error", **payload}), file=sys.stderr, flush=True)


__all__ = ["score_main", "read_reward_config"]
