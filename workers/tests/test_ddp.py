"""Two processes (torchrun, gloo on CPU) run the same code; only rank 0 writes metrics and checkpoints."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import read_db, write_run


def test_two_process_ddp(tmp_path, tiny_vl, colour_data):
    train, val = colour_data
    run = write_run(tmp_path / "run", base_model_name=str(tiny_vl), train_data_path=str(train),
                    val_data_path=str(val), batch_size=4, num_epochs=1, learning_rate=1e-3, eval_steps=3)
    torchrun = Path(sys.executable).parent / "torchrun"
    assert torchrun.exists() or shutil.which("torchrun"), "torchrun ships with torch"
    proc = subprocess.run([str(torchrun), "--nproc_per_node", "2", "--master_port", "29533", "-m", "reward_studio",
                           "train", "--run-dir", str(run)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    started = json.loads(read_db(run, "SELECT json FROM events WHERE kind = 'started'")[0][0])
    assert started["world_size"] == 2
    # 48 items over 2 ranks -> 24 each -> 6 batches of 4 -> 6 optimizer steps
    assert read_db(run, "SELECT phase, step, total_steps FROM status")[0] == ("finished", 6, 6)
    assert len(read_db(run, "SELECT 1 FROM events WHERE kind = 'started'")) == 1  # rank 1 wrote nothing
    ckpt = run / "checkpoints" / "step-6"
    assert (ckpt / "rng_state_0.pt").exists() and (ckpt / "rng_state_1.pt").exists()
    assert json.loads((ckpt / "trainer_state.json").read_text())["world_size"] == 2
