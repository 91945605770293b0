"""No deprecated transformers call from the worker's own code: training (shared-prefix path with its KV
cache, activation checkpointing, LoRA), scoring and export run with FutureWarning turned into an error.

transformers announces an API's removal with a FutureWarning one or more releases ahead (the KV cache's
`past_key_values` argument goes in 5.40, `gradient_checkpointing_enable` in v6); this test fails on the
first such call, while workers/pyproject.toml's upper bound keeps installs on majors we have tested.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import write_run

# PEFT itself reads `model.is_gradient_checkpointing` (deprecated in transformers 5.24): not our call.
NOT_OURS = ["-W", "ignore:`is_gradient_checkpointing` is deprecated:FutureWarning"]


def strict(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-W", "error::FutureWarning", *NOT_OURS, "-m", "reward_studio", *args],
                          capture_output=True, text=True, timeout=600, cwd=cwd)


def test_training_scoring_and_export_make_no_deprecated_calls(tmp_path, tiny_vl, tiny_text, colour_data):
    train, val = colour_data
    common = dict(train_data_path=str(train), val_data_path=str(val), batch_size=8, num_epochs=1, max_steps=2,
                  early_stopping_patience=0)
    runs = {
        "shared_prefix": write_run(tmp_path / "a", base_model_name=str(tiny_vl), **common),
        "checkpointing": write_run(tmp_path / "b", base_model_name=str(tiny_vl), gradient_checkpointing=True, **common),
        "lora": write_run(tmp_path / "c", base_model_name=str(tiny_vl), use_lora=True, lora_r=4, **common),
    }
    for name, run in runs.items():
        proc = strict(["train", "--run-dir", str(run)])
        assert proc.returncode == 0, f"{name}: {proc.stderr[-3000:]}"
    best = runs["lora"] / "best"
    proc = strict(["score", "--model_path", str(best), "--data_path", str(val), "--output_path", str(tmp_path / "r/")])
    assert proc.returncode == 0, proc.stderr[-3000:]
    proc = strict(["export", "--checkpoint", str(best), "--merge-lora", str(tmp_path / "export")])
    assert proc.returncode == 0, proc.stderr[-3000:]
