"""Seed 003's training commands, copied from the seed with only the model, dataset and output paths
changed, train the tiny text model on a TRL chosen/rejected JSONL; the output folder loads with
transformers' AutoModelForSequenceClassification (and PEFT's PeftModel for LoRA) and scores exactly
like `python -m reward_studio score`."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
import torch

GOOD = ["yes, gladly", "sure thing, here it is", "of course", "happy to help"]
BAD = ["no", "go away", "never", "not now"]

# Seed 003, "全量训练" and "LoRA 训练", verbatim but for the three paths.
FULL = """--model_name_or_path {model} --dataset_name {data} --output_dir {out}
  --per_device_train_batch_size 8 --num_train_epochs 1 --gradient_checkpointing True
  --learning_rate 1.0e-5 --eval_strategy steps --eval_steps 50 --max_length 2048"""
LORA = FULL + """ --use_peft --lora_task_type SEQ_CLS --lora_r 32 --lora_alpha 16"""


def write_trl_jsonl(path: Path, n: int) -> None:
    rng = random.Random(3)
    rows = []
    for i in range(n):
        q = f"Can you help with task {i % 13}?"
        rows.append({"chosen": [{"role": "user", "content": q}, {"role": "assistant", "content": rng.choice(GOOD)}],
                     "rejected": [{"role": "user", "content": q}, {"role": "assistant", "content": rng.choice(BAD)}]})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "reward_studio", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, tiny_text) -> Path:
    cwd = tmp_path_factory.mktemp("seed003")
    os.symlink(tiny_text, cwd / "tiny")
    write_trl_jsonl(cwd / "prefs.jsonl", 120)
    return cwd


def seed_command(template: str, out: str) -> list[str]:
    return ["reward-modeling", *template.format(model="./tiny", data="./prefs.jsonl", out=out).split()]


def worker_scores(cwd: Path, model_path: str) -> list[list[float]]:
    """`python -m reward_studio score` on the first 50 items: its per-item scores."""
    lines = (cwd / "prefs.jsonl").read_text().splitlines()[:50]
    (cwd / "first50.jsonl").write_text("\n".join(lines) + "\n")
    proc = run(cwd, "score", "--model_path", model_path, "--data_path", "first50.jsonl", "--output_path", "results/")
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])["output_path"]
    return [json.loads(line)["scores"] for line in Path(cwd, out).read_text().splitlines()]


def hf_scores(model: torch.nn.Module, tokenizer, cwd: Path) -> list[list[float]]:
    """The README's recipe: the chat template's text of the conversation with each answer, without the
    newline after the final end-of-turn token, through a plain `model(**inputs).logits[:, 0]`."""
    scores = []
    for line in (cwd / "first50.jsonl").read_text().splitlines():
        row = json.loads(line)
        texts = [tokenizer.apply_chat_template(row[side], tokenize=False).rstrip("\n") for side in ("chosen", "rejected")]
        inputs = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False)
        with torch.no_grad():
            scores.append(model(**inputs).logits[:, 0].tolist())
    return scores


def max_abs_diff(a: list[list[float]], b: list[list[float]]) -> float:
    assert len(a) == len(b) == 50
    return max(abs(x - y) for ra, rb in zip(a, b) for x, y in zip(ra, rb))


def test_full_training_command_gives_a_stock_sequence_classifier(workdir):
    proc = run(workdir, *seed_command(FULL, "./reward_model_output"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = workdir / "reward_model_output"
    config = json.loads((out / "config.json").read_text())
    assert config["architectures"] == ["Qwen2ForSequenceClassification"] and "auto_map" not in config
    assert (out / "run" / "checkpoints").is_dir()  # checkpoints inside the output folder
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(str(out)).eval()  # no remote code needed
    ours = worker_scores(workdir, "reward_model_output")
    assert max_abs_diff(hf_scores(model, AutoTokenizer.from_pretrained(str(out)), workdir), ours) <= 1e-4
    assert len({round(s, 6) for row in ours for s in row}) > 10  # real, varied scores rather than a constant


def test_lora_command_gives_a_seq_cls_adapter_and_a_merge(workdir, tiny_text):
    proc = run(workdir, *seed_command(LORA, "./lora_output"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = workdir / "lora_output"
    adapter = json.loads((out / "adapter_config.json").read_text())
    assert adapter["task_type"] == "SEQ_CLS" and adapter["modules_to_save"] == ["score"]
    assert adapter["r"] == 32 and adapter["lora_alpha"] == 16
    from peft import PeftModel
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(out))
    base = AutoModelForSequenceClassification.from_pretrained(str(tiny_text), num_labels=1,
                                                              pad_token_id=tokenizer.pad_token_id)
    model = PeftModel.from_pretrained(base, str(out)).eval()
    ours = worker_scores(workdir, "lora_output")
    assert max_abs_diff(hf_scores(model, tokenizer, workdir), ours) <= 1e-4
    # seed 003 step 4 (`swift export --merge_lora true`): one merged standard folder, same scores
    proc = run(workdir, "export", "--checkpoint", "lora_output", "--merge-lora", "DPO_Reward")
    assert proc.returncode == 0, proc.stderr[-3000:]
    merged = AutoModelForSequenceClassification.from_pretrained(str(workdir / "DPO_Reward")).eval()
    assert max_abs_diff(hf_scores(merged, tokenizer, workdir), ours) <= 1e-4


def test_flags_that_cannot_run_here_say_so(workdir):
    if not torch.cuda.is_available():
        proc = run(workdir, *seed_command(LORA, "./q8"), "--load_in_8bit")
        assert proc.returncode == 2
        assert "load_in_8bit needs a CUDA GPU" in proc.stderr
    proc = run(workdir, *seed_command(FULL, "./q4"), "--load_in_4bit")
    assert proc.returncode == 2 and "set use_lora" in proc.stderr
    proc = run(workdir, *seed_command(FULL, "./f16"), "--fp16", "True")
    assert proc.returncode == 2 and "--fp16" in proc.stderr
    proc = run(workdir, *seed_command(FULL, "./typo"), "--per_device_train_batchsize", "8")
    assert proc.returncode == 2 and "unrecognized arguments" in proc.stderr


# Seed 003, "多卡训练", verbatim but for the paths; `--load_in_8bit` needs CUDA (refused above on CPU) and,
# without GPUs, `--multi_gpu` makes accelerate start its two processes with torchrun on gloo.
MULTI = """--num_processes 2 --mixed_precision bf16 {script}
  --dataset_name {data} --model_name_or_path {model} --output_dir {out}
  --per_device_train_batch_size 1 --gradient_accumulation_steps 8 --num_train_epochs 3 --max_length 3000
  --learning_rate 1e-6 --use_peft --lora_task_type SEQ_CLS --lora_r 16 --lora_alpha 32 --lora_dropout 0.05"""


def test_multi_process_command_under_accelerate_launch(workdir):
    script = Path(__file__).resolve().parents[1] / "reward_modeling.py"  # seed 003's script name
    accelerate = Path(sys.executable).parent / "accelerate"
    args = MULTI.format(script=script, data="./prefs.jsonl", model="./tiny", out="./reward_model_output_2gpu").split()
    cuda = torch.cuda.device_count() >= 2
    cmd = [str(accelerate), "launch", *([] if cuda else ["--multi_gpu"]), *args, *(["--load_in_8bit"] if cuda else [])]
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "PYTHONWARNINGS": "ignore", "ACCELERATE_DISABLE_RICH": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert " x2" in proc.stderr  # "training N items … on cpu:0 x2": two processes shared the work
    out = workdir / "reward_model_output_2gpu"
    assert json.loads((out / "adapter_config.json").read_text())["task_type"] == "SEQ_CLS"
    assert json.loads((out / "run" / "config.json").read_text())["num_epochs"] == 3


def test_dataset_folder_in_another_tools_format(workdir):
    """--dataset_name a folder of LLaMA-Factory ShareGPT files: read through the studio's importer
    (`reward-studio convert`), its test file used for evaluation."""
    folder = workdir / "sharegpt"
    folder.mkdir()
    for split, n in (("train", 40), ("test", 8)):
        rows = [{"conversations": [{"from": "system", "value": "Be kind."},
                                   {"from": "human", "value": f"Can you help with task {i}?"}],
                 "chosen": {"from": "gpt", "value": GOOD[i % 4]}, "rejected": {"from": "gpt", "value": BAD[i % 4]}}
                for i in range(n)]
        (folder / f"{split}.json").write_text(json.dumps(rows))
    proc = run(workdir, "reward-modeling", "--model_name_or_path", "./tiny", "--dataset_name", "./sharegpt",
               "--output_dir", "./sharegpt_out", "--max_steps", "2", "--eval_strategy", "steps", "--eval_steps", "1")
    assert proc.returncode == 0, proc.stderr[-3000:]
    val = (workdir / "sharegpt_out" / "run" / "data" / "converted" / "test.jsonl").read_text().splitlines()
    assert len(val) == 8 and json.loads(val[0])["messages"][0] == {"role": "system", "content": "Be kind."}
    report = [json.loads(line) for line in proc.stdout.splitlines() if '"data_report"' in line][0]
    assert report["train"]["items"] == 40 and report["val"]["items"] == 8
