"""The studio's Parquet export, as other tools open it: `datasets.load_dataset("parquet", ...)` reads
it, and TRL's RewardTrainer trains on it as is (the tiny text model, a few CPU steps).

The project is made and exported through the real CLI (`node bin/reward-studio.mjs`), the way a
person would: import a JSONL file, `export --format parquet`.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Required (the worker's test extra installs them): a missing one fails the suite, never skips it.
import datasets
import trl

REPO = Path(__file__).resolve().parents[2]
# The studio's CLI runs on Node (npm test has it); without it these tests fail, they never skip.
NODE = shutil.which("node") or "node"

SYSTEM = {"role": "system", "content": "You are a helpful assistant."}
TOOLS = [{"type": "function", "function": {"name": "colour_of", "description": "The colour of a shape.",
                                            "parameters": {"type": "object", "properties": {"shape": {"type": "string"}}}}}]


def _cli(*args: str) -> str:
    done = subprocess.run([NODE, "bin/reward-studio.mjs", *args], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def _new_project(directory: Path) -> None:
    """An empty project, made as a person would: the sample project with no items."""
    _cli("sample-project", str(directory), "--items", "0")


def _text_rows(n: int) -> list[dict]:
    """TRL conversational rows: a system prompt, earlier turns, a margin on every row, tools on some."""
    rows = []
    for i in range(n):
        colour, wrong = ("red", "blue") if i % 2 else ("green", "yellow")
        prompt = [SYSTEM, {"role": "user", "content": f"Look at shape {i}."}, {"role": "assistant", "content": "I see it."},
                  {"role": "user", "content": "What colour is it?"}]
        row = {"id": f"t{i}", "prompt": prompt, "chosen": [{"role": "assistant", "content": f"It is {colour}."}],
               "rejected": [{"role": "assistant", "content": f"It is {wrong}, I think."}], "margin": 0.5 + (i % 3)}
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def text_parquet(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("parquet-text")
    data = root / "prefs.jsonl"
    rows = _text_rows(8)
    # A seed row with three ranked responses and tools: it becomes three ordered pairs.
    seed = {"id": "three", "query": "Which colour is warm?", "response": ["Red.", "Blue.", "Green."], "human_ranking": [0, 2, 1],
            "messages": [SYSTEM, {"role": "user", "content": "Which colour is warm?"}], "tools": TOOLS, "margin": 1.0}
    data.write_text("".join(json.dumps(row) + "\n" for row in rows))
    (root / "seed.jsonl").write_text(json.dumps(seed) + "\n")
    project = root / "project"
    _new_project(project)
    _cli("import", str(data), "--project", str(project))
    _cli("import", str(root / "seed.jsonl"), "--project", str(project))
    out = root / "export" / "train.parquet"
    report = json.loads(_cli("export", "--project", str(project), "--format", "parquet", "--out", str(out)).strip().splitlines()[-1])
    return out, report


def test_datasets_loads_the_text_export_with_trl_columns(text_parquet):
    out, report = text_parquet
    assert report["rows"] == 11 and report["items"] == 9 and report["omissions"] == []
    ds = datasets.load_dataset("parquet", data_files=str(out), split="train")
    assert set(ds.column_names) == {"id", "prompt", "chosen", "rejected", "tools", "margin"}
    first = ds[0]
    assert first["id"] == "t0"
    assert first["prompt"] == [{"role": m["role"], "content": m["content"]} for m in _text_rows(1)[0]["prompt"]]
    assert first["chosen"] == [{"role": "assistant", "content": "It is green."}]
    assert first["margin"] == 0.5
    three = [row for row in ds if row["id"].startswith("three#")]
    assert [row["id"] for row in three] == ["three#0-1", "three#0-2", "three#2-1"]
    assert json.loads(three[0]["tools"]) == TOOLS
    assert trl.data_utils.is_conversational(first)


# Runs in its own interpreter: a Trainer leaves process-wide state behind (accelerate's state,
# torch flags) that changed the numbers of later in-process tests (test_lora_export's reload check).
TRAIN_SCRIPT = """
import json, math, sys
import datasets
from transformers import AutoTokenizer
from trl import RewardConfig, RewardTrainer

data, model, out = sys.argv[1:4]
ds = datasets.load_dataset("parquet", data_files=data, split="train")
args = RewardConfig(output_dir=out, max_steps=4, per_device_train_batch_size=4, learning_rate=1e-3,
                    logging_steps=1, report_to="none", save_strategy="no", use_cpu=True, dataloader_num_workers=0,
                    dataset_num_proc=None)
trainer = RewardTrainer(model=model, args=args, train_dataset=ds, processing_class=AutoTokenizer.from_pretrained(model))
result = trainer.train()
losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
print(json.dumps({"steps": result.global_step, "losses": losses, "train_rows": len(trainer.train_dataset), "rows": len(ds)}))
"""


def test_trl_reward_trainer_trains_on_the_export(text_parquet, tiny_text, tmp_path):
    out, _ = text_parquet
    done = subprocess.run([sys.executable, "-c", TRAIN_SCRIPT, str(out), str(tiny_text), str(tmp_path / "rm")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["steps"] == 4
    assert len(result["losses"]) == 4 and all(math.isfinite(loss) for loss in result["losses"])
    # Every pair was tokenized through the chat template and none was dropped for length.
    assert result["train_rows"] == result["rows"]


def test_datasets_decodes_the_embedded_images(tmp_path):
    project = tmp_path / "sample"
    _cli("sample-project", str(project), "--items", "12")
    out = tmp_path / "images.parquet"
    report = json.loads(_cli("export", "--project", str(project), "--format", "parquet", "--out", str(out)).strip().splitlines()[-1])
    assert report["rows"] > 0 and report["imagesEmbedded"] == report["rows"]
    ds = datasets.load_dataset("parquet", data_files=str(out), split="train")
    assert isinstance(ds.features["images"].feature, datasets.Image)
    row = ds[0]
    image_parts = [part for message in row["prompt"] for part in message["content"] if part["type"] == "image"]
    assert len(image_parts) == len(row["images"]) == 1
    image = row["images"][0]
    assert image.size[0] > 0 and image.size[1] > 0
    assert row["chosen"][0]["content"] == [{"type": "text", "text": row["chosen"][0]["content"][0]["text"]}]
