"""Does the studio's default reward model learn as well as TRL's RewardTrainer? Held-out accuracy side by side.

    .venv/bin/python bench/reward_vs_trl.py                       # full run: 2 systems x 2 lrs x 4 seeds
    .venv/bin/python bench/reward_vs_trl.py --seeds 1 --train 400 --test 200 --epochs 2   # quick look
    .venv/bin/python bench/reward_vs_trl.py --systems ours --lrs 1e-3 --json-out /tmp/rvt.json

The task is generated here (no download). A prompt names one coloured shape and asks its colour
("I see a cyan star. What colour is the star?"); the chosen answer copies the colour ("The star is
cyan."). In half of the pairs the rejected answer names another colour ("The star is red."): the
model must compare the answer with the prompt. In the other half it is not an answer at all ("I do
not know.", "cyan cyan cyan", ...): easy pairs, learned in a few steps, as in real preference data.
30% of the (right colour, wrong colour) combinations never occur in training; the held-out test split
is fresh pairs, half drawn like the training pairs and half copy pairs with those held-out
combinations, which only a model that compares answer and prompt gets right (memorised combinations
do not carry over). TRL lands around 0.9-0.98 on it. The easy pairs are what hurt a loss computed on
a bounded reward: they drive every proper answer's reward to the top of the range, where the sigmoid's
gradient vanishes, before the copy pairs are learned.

Both systems get the same tiny random Qwen2 text model (`tiny-model --text-only`, hidden 64, 2
layers by default), the same pairs as the same token sequences, 4 epochs, batch 16 pairs, fp32, the
same seeds:
  * ours: `python -m reward_studio train` with only data/model/lr/epochs/batch/seed flags, i.e. the
    studio's TrainConfig defaults for everything else (head, score range, loss, schedule, weight
    decay, clipping); no validation split, so best/ is the final checkpoint; held-out accuracy from
    `python -m reward_studio score` (pairwise_accuracy: score(chosen) > score(rejected)).
  * TRL: `RewardTrainer` on `AutoModelForSequenceClassification(num_labels=1)` of the same folder,
    TRL's defaults except bf16 and gradient checkpointing off (fp32 on CPU, like ours), no saving;
    held-out accuracy computed the same way on the final model. TRL gets pre-tokenized ids: the
    tiny model's chat template renders TRL's conversational chosen/rejected format, and the template's
    "\\n" after the closing <|im_end|> is cut so TRL reads the reward on <|im_end|>, as the studio
    does. The script asserts, for every pair, that these ids equal the studio encoder's.

Each training runs in its own process with one torch thread (`--threads`; two threads per process on
two busy cores were 20x slower for these tiny kernels), two at a time (`--jobs`, ours and TRL side by
side). Train seconds are the training loop's wall time (model and data loading excluded: ours from its
`finished` event, TRL's around `trainer.train()`); peak RSS is that training process's maximum
resident set (os.wait4). Prints a table and one JSON document (also to --json-out).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

COLOURS = "red green blue yellow orange purple pink brown black white gray cyan magenta".split()
SHAPES = "circle square triangle rectangle star ellipse diamond hexagon".split()
EASY_SHARE = 0.5  # pairs whose rejected answer is not an answer at all


# ---- the task -----------------------------------------------------------------------------------
def held_out_combos(seed: int, share: float = 0.3) -> set[tuple[str, str]]:
    """(right colour, wrong colour) combinations that never occur in training."""
    rng = random.Random(seed)
    return {(a, b) for a in COLOURS for b in COLOURS if a != b and rng.random() < share}


def make_item(rng: random.Random, item_id: str) -> tuple[dict, tuple[str, str]]:
    shape, colour = rng.choice(SHAPES), rng.choice(COLOURS)
    wrong = rng.choice([c for c in COLOURS if c != colour])
    query = f"I see a {colour} {shape}. What colour is the {shape}?"
    chosen, rejected = f"The {shape} is {colour}.", f"The {shape} is {wrong}."
    if rng.random() < EASY_SHARE:  # an easy pair: the rejected answer is not an answer at all
        rejected = rng.choice([f"is {shape} the {colour}", "I do not know.", f"The {shape} {shape} {shape}.",
                               f"{colour} {colour} {colour}"])
        wrong = ""
    if rng.random() < 0.5:
        item = {"id": item_id, "query": query, "response": [chosen, rejected], "human_ranking": [0, 1]}
    else:
        item = {"id": item_id, "query": query, "response": [rejected, chosen], "human_ranking": [1, 0]}
    return item, (colour, wrong)


def make_task(n_train: int, n_test: int, seed: int) -> tuple[list[dict], list[dict]]:
    """Training pairs avoid the held-out colour combinations; every second test pair is a copy pair
    with a held-out combination, the others are drawn like the training pairs."""
    rng = random.Random(seed)
    held = held_out_combos(seed)
    train: list[dict] = []
    while len(train) < n_train:
        item, combo = make_item(rng, f"train-{len(train)}")
        if combo not in held:
            train.append(item)
    test: list[dict] = []
    while len(test) < n_test:
        item, combo = make_item(rng, f"test-{len(test)}")
        if (combo in held) == (len(test) % 2 == 1):
            test.append(item)
    return train, test


def write_jsonl(path: Path, items: list[dict]) -> None:
    path.write_text("".join(json.dumps(it) + "\n" for it in items))


def chosen_rejected(item: dict) -> tuple[str, str]:
    r = item["response"]
    return (r[0], r[1]) if item["human_ranking"] == [0, 1] else (r[1], r[0])


def trl_token_ids(model_dir: str, items: list[dict]) -> list[dict]:
    """TRL's conversational format rendered with the tiny model's chat template, cut after <|im_end|>;
    checked against the studio's encoder (prefix + response + <|im_end|>) for every pair."""
    sys.path.insert(0, str(ROOT / "workers"))
    from transformers import AutoTokenizer

    from reward_studio.collate import Encoder
    from reward_studio.data import Item

    tok = AutoTokenizer.from_pretrained(model_dir)
    enc = Encoder(tok, False, 4096, "truncate")
    end = tok.convert_tokens_to_ids("<|im_end|>")
    out = []
    for it in items:
        ours = enc.encode(Item(id=it["id"], query=it["query"], images=[], responses=it["response"],
                               ranking=it["human_ranking"], source=it["id"]))
        row = {}
        for key, text in zip(("chosen_ids", "rejected_ids"), chosen_rejected(it)):
            conv = [{"role": "user", "content": it["query"]}, {"role": "assistant", "content": text}]
            ids = list(tok.apply_chat_template(conv, tokenize=True, return_dict=True)["input_ids"])
            ids = ids[: len(ids) - ids[::-1].index(end)]  # drop the template's "\n" after the last <|im_end|>
            assert ids == ours.prefix_ids + ours.response_ids[it["response"].index(text)], \
                f"token mismatch on {it['id']}"
            row[key] = ids
        out.append(row)
    return out


# ---- TRL, in its own process ----------------------------------------------------------------------
def trl_worker(args: argparse.Namespace) -> None:
    import torch
    from datasets import Dataset
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, set_seed
    from trl import RewardConfig, RewardTrainer

    data = json.loads(Path(args.trl_data).read_text())
    tok = AutoTokenizer.from_pretrained(args.model)
    set_seed(args.seed)
    model = AutoModelForSequenceClassification.from_pretrained(args.model, num_labels=1)
    model.config.pad_token_id = tok.pad_token_id
    cfg = RewardConfig(output_dir=args.out, learning_rate=args.lr, num_train_epochs=args.epochs,
                       per_device_train_batch_size=args.batch, seed=args.seed, bf16=False,
                       gradient_checkpointing=False, save_strategy="no", report_to=[], logging_steps=50,
                       use_cpu=True, dataloader_num_workers=0, disable_tqdm=True)
    trainer = RewardTrainer(model=model, args=cfg, train_dataset=Dataset.from_list(data["train"]),
                            processing_class=tok)
    t0 = time.time()
    trainer.train()
    seconds = time.time() - t0
    model.eval()
    correct = 0
    with torch.no_grad():
        for row in data["test"]:
            scores = []
            for key in ("chosen_ids", "rejected_ids"):
                ids = torch.tensor([row[key]])
                scores.append(float(model(input_ids=ids, attention_mask=torch.ones_like(ids)).logits[0, 0]))
            correct += scores[0] > scores[1]
    print(json.dumps({"accuracy": correct / len(data["test"]), "train_seconds": seconds}), flush=True)


# ---- running --------------------------------------------------------------------------------------
def run_child(cmd: list[str], env: dict) -> tuple[str, float]:
    """stdout and peak RSS (MiB) of one child process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=ROOT)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[:5])} ... failed ({p.returncode}):\n{err.read().decode()[-3000:]}")
        return out.read().decode(), usage.ru_maxrss / 1024


def last_json(text: str) -> dict:
    return json.loads([line for line in text.splitlines() if line.startswith("{")][-1])


def run_ours(work: Path, model: str, lr: float, seed: int, args: argparse.Namespace, env: dict) -> dict:
    out_dir = work / f"ours-lr{lr:g}-s{seed}"
    cmd = [PY, "-m", "reward_studio", "train", "--base_model_name", model,
           "--train_data_path", str(work / "train.jsonl"), "--batch_size", str(args.batch),
           "--num_epochs", str(args.epochs), "--learning_rate", str(lr), "--seed", str(seed),
           "--output_dir", str(out_dir), *args.ours_flags.split()]
    _, rss = run_child(cmd, env)
    run = max(out_dir.iterdir(), key=lambda d: d.stat().st_mtime)
    con = sqlite3.connect(run / "metrics.sqlite")
    finished = json.loads(con.execute("SELECT json FROM events WHERE kind='finished' ORDER BY id DESC").fetchone()[0])
    con.close()
    text, _ = run_child([PY, "-m", "reward_studio", "score", "--model_path", str(run / "best"),
                         "--data_path", str(work / "test.jsonl"), "--output_path", str(out_dir / "scores") + "/",
                         "--batch_size", "32"], env)
    return {"accuracy": last_json(text)["pairwise_accuracy"], "train_seconds": finished["seconds"], "rss_mib": rss}


def run_trl(work: Path, model: str, lr: float, seed: int, args: argparse.Namespace, env: dict) -> dict:
    cmd = [PY, str(Path(__file__).resolve()), "--trl-worker", "--trl-data", str(work / "trl.json"),
           "--model", model, "--lr", str(lr), "--seed", str(seed), "--epochs", str(args.epochs),
           "--batch", str(args.batch), "--out", str(work / f"trl-lr{lr:g}-s{seed}")]
    text, rss = run_child(cmd, env)
    return {**last_json(text), "rss_mib": rss}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--systems", default="ours,trl")
    ap.add_argument("--lrs", default="3e-4,1e-3")
    ap.add_argument("--seeds", type=int, default=4, help="seeds per system and lr")
    ap.add_argument("--first-seed", type=int, default=0, help="seeds are first-seed .. first-seed + seeds - 1")
    ap.add_argument("--train", type=int, default=2000, help="training pairs")
    ap.add_argument("--test", type=int, default=1000, help="held-out pairs")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--data-seed", type=int, default=1234)
    ap.add_argument("--jobs", type=int, default=2, help="trainings at a time (ours and TRL side by side)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads per training (OMP_NUM_THREADS)")
    ap.add_argument("--ours-flags", default="", help="extra train flags for ours (experiments; the comparison "
                    "itself passes none)")
    ap.add_argument("--work", default="", help="keep data, runs and the model here (default: a temp folder)")
    ap.add_argument("--json-out", default="")
    # internal: one TRL training in a child process
    ap.add_argument("--trl-worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--trl-data", help=argparse.SUPPRESS)
    ap.add_argument("--model", help=argparse.SUPPRESS)
    ap.add_argument("--lr", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.trl_worker:
        trl_worker(args)
        return

    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="reward-vs-trl-"))
    work.mkdir(parents=True, exist_ok=True)
    threads = str(args.threads)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads,
           "TRANSFORMERS_VERBOSITY": "error", "TOKENIZERS_PARALLELISM": "false",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "workers"), os.environ.get("PYTHONPATH", "")])}
    model = str(work / f"tiny-text-h{args.hidden}-l{args.layers}")
    if not Path(model, "config.json").exists():
        run_child([PY, "-m", "reward_studio", "tiny-model", model, "--text-only", "--hidden", str(args.hidden),
                   "--layers", str(args.layers)], env)
    train, test = make_task(args.train, args.test, args.data_seed)
    write_jsonl(work / "train.jsonl", train)
    write_jsonl(work / "test.jsonl", test)
    (work / "trl.json").write_text(json.dumps({"train": trl_token_ids(model, train),
                                               "test": trl_token_ids(model, test)}))
    systems = args.systems.split(",")
    lrs = [float(x) for x in args.lrs.split(",")]
    runners = {"ours": run_ours, "trl": run_trl}
    jobs = [(system, lr, seed) for lr in lrs for seed in range(args.first_seed, args.first_seed + args.seeds)
            for system in systems]

    def one(job: tuple[str, float, int]) -> dict:
        system, lr, seed = job
        r = runners[system](work, model, lr, seed, args, env)
        print(f"  {system:<5} lr {lr:g} seed {seed}: accuracy {r['accuracy']:.4f}  "
              f"train {r['train_seconds']:.1f} s  rss {r['rss_mib']:.0f} MiB", flush=True)
        return {"system": system, "lr": lr, "seed": seed, **r}

    t0 = time.time()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(one, jobs))

    print(f"\n{args.train} train / {args.test} held-out pairs, tiny Qwen2 text (hidden {args.hidden}, "
          f"{args.layers} layers), {args.epochs} epochs, batch {args.batch}, "
          f"seeds {args.first_seed}..{args.first_seed + args.seeds - 1}, "
          f"{args.jobs} at a time x {args.threads} thread; {time.time() - t0:.0f} s in all\n")
    print(f"{'system':<7}{'lr':>8}  {'held-out accuracy':>20}  {'median':>7}  {'train s':>8}  {'peak RSS MiB':>12}")
    summary = []
    for lr in lrs:
        for system in systems:
            rs = [r for r in results if r["system"] == system and r["lr"] == lr]
            acc = [r["accuracy"] for r in rs]
            row = {"system": system, "lr": lr, "accuracy_mean": statistics.mean(acc),
                   "accuracy_std": statistics.stdev(acc) if len(acc) > 1 else 0.0,
                   "accuracy_median": statistics.median(acc),
                   "train_seconds_mean": statistics.mean(r["train_seconds"] for r in rs),
                   "peak_rss_mib": max(r["rss_mib"] for r in rs)}
            summary.append(row)
            print(f"{system:<7}{lr:>8g}  {row['accuracy_mean']:>12.4f} ± {row['accuracy_std']:.4f}  "
                  f"{row['accuracy_median']:>7.4f}  {row['train_seconds_mean']:>8.1f}  {row['peak_rss_mib']:>12.0f}")
    doc = {"task": {"train": args.train, "test": args.test, "data_seed": args.data_seed},
           "model": {"hidden": args.hidden, "layers": args.layers}, "epochs": args.epochs, "batch": args.batch,
           "jobs": args.jobs, "threads": args.threads, "summary": summary, "runs": results}
    print(json.dumps(doc))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(doc, indent=2) + "\n")


if __name__ == "__main__":
    main()
