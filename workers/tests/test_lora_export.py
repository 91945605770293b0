"""LoRA checkpoints keep their score head; merged exports score exactly like the adapter they came from."""

import json
import subprocess
import sys

import pytest
import torch
from safetensors.torch import load_file

from conftest import read_db, series, write_run
from reward_studio.checkpointing import reward_core
from reward_studio.cli import main
from reward_studio.collate import Encoder, collate
from reward_studio.data import load_items
from reward_studio.loss import bradley_terry
from reward_studio.model import load_processor, load_reward_model


@pytest.fixture(scope="module")
def lora_run(tmp_path_factory, tiny_vl, colour_data):
    train, val = colour_data
    run = write_run(tmp_path_factory.mktemp("lora") / "run", base_model_name=str(tiny_vl),
                    train_data_path=str(train), val_data_path=str(val), batch_size=8, num_epochs=2,
                    learning_rate=3e-3, use_lora=True, lora_r=4, lora_alpha=8, lora_dropout=0.1,
                    early_stopping_patience=0, score_head="mlp")
    assert main(["train", "--run-dir", str(run)]) == 0
    return run


def val_rewards(model, ckpt, val):
    enc = Encoder(load_processor(str(ckpt), True), True, 2048, "truncate")
    items = load_items(val)
    batch = collate([enc.encode(i) for i in items], enc.pad_id)
    with torch.no_grad():
        return model.eval()(batch), batch


def test_lora_checkpoint_reload_identical(lora_run, colour_data, tiny_vl):
    ckpt = lora_run / "checkpoints" / "step-12"
    assert (ckpt / "adapter_model.safetensors").exists() and (ckpt / "score_head.safetensors").exists()
    assert not (ckpt / "model.safetensors").exists()  # adapter only, not a full copy
    adapter = load_file(str(ckpt / "adapter_model.safetensors"))
    assert any("score_head" in k for k in adapter)  # the head travels with the adapter
    assert not any("visual" in k for k in adapter)  # language model only
    assert any(k.endswith("lora_B.weight") and v.abs().sum() > 0 for k, v in adapter.items())
    model, rc = load_reward_model(str(ckpt))
    assert rc["lora"] is True and rc["base_model_name"] == str(tiny_vl.resolve())
    rewards, batch = val_rewards(model, ckpt, colour_data[1])
    # identical to what the training process measured with the in-memory model at that step (the loss is
    # computed on the head's output in reward units, RewardModel.loss_scores)
    logged = series(lora_run, "eval_loss")[12]
    with torch.no_grad():
        scores = reward_core(model).loss_scores(model(batch, return_logits=True))
    assert bradley_terry(scores, batch.pairs).item() == pytest.approx(logged, rel=1e-5, abs=1e-6)
    again, _ = val_rewards(load_reward_model(str(ckpt))[0], ckpt, colour_data[1])
    assert torch.equal(rewards, again)
    # and the head is the trained one, not a fresh init: a base model + fresh head scores differently
    fresh, _ = val_rewards(load_reward_model(str(tiny_vl))[0], ckpt, colour_data[1])
    assert not torch.allclose(fresh, rewards, atol=1e-3)


def test_merge_lora_export_reload_identical(lora_run, colour_data, tmp_path):
    ckpt = lora_run / "best"
    out = tmp_path / "exported"
    assert main(["export", "--checkpoint", str(ckpt), "--merge-lora", str(out)]) == 0
    assert (out / "model.safetensors").exists() and not (out / "adapter_model.safetensors").exists()
    meta = json.loads((out / "reward_config.json").read_text())
    assert meta["lora"] is False and meta["merged_lora"] is True
    for f in ("config.json", "score_head.safetensors", "tokenizer.json", "processor_config.json"):
        assert (out / f).exists(), f
    lora_model, _ = load_reward_model(str(ckpt))
    merged, rc = load_reward_model(str(out))
    assert rc["lora"] is False
    a, _ = val_rewards(lora_model, ckpt, colour_data[1])
    b, _ = val_rewards(merged, out, colour_data[1])
    torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)
    # plain transformers reads it as a reward model: the README's two lines, then the processor's inputs
    from PIL import Image
    from transformers import AutoModelForSequenceClassification, AutoProcessor

    model = AutoModelForSequenceClassification.from_pretrained(out, trust_remote_code=True).eval()
    processor = AutoProcessor.from_pretrained(out, trust_remote_code=True)
    assert type(model).__name__ == "RewardStudioQwen2VLForSequenceClassification"
    items = load_items(colour_data[1])
    standard = []
    for item in items:
        for response in item.responses:
            messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": item.query}]},
                        {"role": "assistant", "content": [{"type": "text", "text": response}]}]
            text = processor.apply_chat_template(messages, tokenize=False).rstrip("\n")
            inputs = processor(text=[text], images=[Image.open(item.images[0].path).convert("RGB")],
                               return_tensors="pt")
            with torch.no_grad():
                standard.append(float(model(**inputs).logits[0, 0]))
    assert max(abs(x - y) for x, y in zip(standard, b.tolist())) <= 1e-4
    # without trust_remote_code it refuses, rather than building a stock class with a random head
    with pytest.raises(Exception, match="trust_remote_code"):
        AutoModelForSequenceClassification.from_pretrained(out)


def test_best_dir_and_checkpoint_rows(lora_run):
    rows = read_db(lora_run, "SELECT step, is_best, deleted FROM checkpoints ORDER BY step")
    assert [r[0] for r in rows] == [6, 12]
    assert sum(r[1] for r in rows) == 1
    best_step = [r[0] for r in rows if r[1]][0]
    state = json.loads((lora_run / "best" / "trainer_state.json").read_text())
    assert state["global_step"] == best_step
    # each checkpoint was saved after an evaluation and carries it (the Runs view's Eval acc. column)
    evals = {step: value for step, value in read_db(lora_run, "SELECT step, value FROM scalars WHERE tag = 'eval_accuracy'")}
    for step, metrics_json in read_db(lora_run, "SELECT step, metrics_json FROM checkpoints ORDER BY step"):
        metrics = json.loads(metrics_json)
        assert metrics["eval_accuracy"] == pytest.approx(evals[step])
        assert "loss" in metrics and "eval_loss" in metrics


def test_score_server_answers_on_a_merged_export(lora_run, tmp_path):
    """An export names its own model_type: loading its tokenizer must not stop to ask on stdin whether to
    run its code (score-server's stdin is the request stream)."""
    out = tmp_path / "exported"
    assert main(["export", "--checkpoint", str(lora_run / "best"), "--merge-lora", str(out)]) == 0
    request = json.dumps({"id": 1, "items": [{"query": "What colour is the square?", "responses": ["red", "blue"]}]})
    proc = subprocess.run([sys.executable, "-m", "reward_studio", "score-server", "--model_path", str(out)],
                          input=request + "\n", capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    answer = json.loads(proc.stdout.strip().splitlines()[-1])
    assert answer["id"] == 1 and len(answer["results"][0]["scores"]) == 2
