"""The preference loss is computed on the head's output in reward units (RewardModel.loss_scores), not on the
bounded reward: rewards at the ends of the score range still learn.

The reward users see keeps its formula, score_min + (score_max - score_min) * sigmoid(head(h)); only what
the loss is computed on changed. bench/reward_vs_trl.py measures what this does on a 2,000-pair task.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch

from conftest import series
from reward_studio import checkpointing as ck
from reward_studio.cli import main
from reward_studio.collate import Encoder, collate
from reward_studio.data import load_items
from reward_studio.loss import bradley_terry, plackett_luce, preference_loss
from reward_studio.model import HEAD_INIT_STD, RewardModel, build_reward_model, load_processor
from reward_studio.reward_batch import RewardBatch


def sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@pytest.fixture
def text_model(tiny_text) -> RewardModel:
    torch.manual_seed(0)
    return build_reward_model(str(tiny_text), "mlp", -5.0, 5.0, torch.float32, "sdpa")


def with_range(model: RewardModel, lo: float, hi: float, kind: str = "sigmoid") -> RewardModel:
    model.score_min, model.score_max, model.score_range = lo, hi, kind
    return model


# ---- the quantity --------------------------------------------------------------------------------------
def test_loss_scores_are_reward_units_at_the_centre(text_model):
    raw = torch.tensor([-3.0, -0.5, 0.0, 0.5, 3.0])
    m = with_range(text_model, -5.0, 5.0)
    assert torch.allclose(m.loss_scores(raw), raw * 2.5)  # (5 - -5) / 4: the reward's slope at the centre
    # near the centre a difference of loss scores is the difference of rewards
    small = torch.tensor([0.001, -0.002])
    assert torch.allclose(m.loss_scores(small) - m.loss_scores(small).mean(),
                          m.reward_from_logits(small) - m.reward_from_logits(small).mean(), atol=1e-6)
    assert torch.allclose(with_range(text_model, 0.0, 1.0).loss_scores(raw), raw / 4)
    assert torch.equal(with_range(text_model, -5.0, 5.0, "none").loss_scores(raw), raw)  # unbounded: the reward


def test_forward_default_is_the_reward_and_return_logits_the_head_output(text_model, tiny_text):
    enc = Encoder(load_processor(str(tiny_text), False), False, 2048, "truncate")
    from reward_studio.data import Item

    items = [Item(id="a", query="What colour is it?", images=[], responses=["It is red.", "Blue."],
                  ranking=[0, 1], source="a")]
    batch = collate([enc.encode(it) for it in items], enc.pad_id)
    with torch.no_grad():
        raw = text_model(batch, return_logits=True)
        rewards = text_model(batch)
    assert torch.allclose(rewards, -5.0 + 10.0 * torch.sigmoid(raw))
    # a fresh head starts small: rewards near the centre of the range
    last = text_model.score_head.net[-1]
    assert last.weight.std().item() == pytest.approx(HEAD_INIT_STD, rel=0.3)
    assert last.bias.abs().max().item() == 0
    assert rewards.abs().max() < 1.0


# ---- the losses on it ------------------------------------------------------------------------------------
def test_confidently_wrong_pairs_keep_their_gradient(text_model):
    """A pair ranked wrongly with both rewards at the ends of the range: on the bounded reward the sigmoid
    leaves it almost no gradient; on loss_scores it has the largest gradient there is (the loss's slope)."""
    m = with_range(text_model, -5.0, 5.0)
    pairs = torch.tensor([[0, 1]])
    raw = torch.tensor([-9.0, 9.0], requires_grad=True)  # better response at -5, worse at +5
    bradley_terry(m.reward_from_logits(raw), pairs).backward()
    old = raw.grad.abs().max().item()
    raw.grad = None
    bradley_terry(m.loss_scores(raw), pairs).backward()
    new = raw.grad.abs().max().item()
    assert old < 2e-3 and new == pytest.approx(2.5, rel=1e-6)
    # Plackett-Luce alike
    raw.grad = None
    plackett_luce(m.reward_from_logits(raw), [(0, 2, [0, 1])]).backward()
    old_pl = raw.grad.abs().max().item()
    raw.grad = None
    plackett_luce(m.loss_scores(raw), [(0, 2, [0, 1])]).backward()
    assert old_pl < 2e-3 and raw.grad.abs().max().item() == pytest.approx(2.5, rel=1e-6)


def test_margin_is_in_reward_units(text_model):
    """With use_margin_loss the margin is subtracted from the loss-score difference, in reward units:
    near the centre it is the margin on the reward difference, as the seed's margin loss meant it."""
    raw = torch.tensor([0.2, -0.1, 0.05, 0.0])
    scores = text_model.loss_scores(raw)
    batch = RewardBatch.for_loss(torch.tensor([[0, 1], [2, 3]]), [(0, 2, [0, 1]), (2, 2, [0, 1])],
                                 pair_margin=torch.tensor([float("nan"), 1.5]))
    expected = -(math.log(sig(2.5 * 0.3 - 0.5)) + math.log(sig(2.5 * 0.05 - 1.5))) / 2
    assert preference_loss(scores, batch, "pairwise", 0.5, use_margin=True).item() == pytest.approx(expected, rel=1e-6)


# ---- training: pairs at the ends of the range are relearned ---------------------------------------------
def confidently_wrong_checkpoint(base: Path, data: Path, out: Path, z: float = 8.0) -> Path:
    """The tiny text model with its head set so every pair of `data` is ranked the wrong way round with
    |head output| >= z: every reward sits within 0.003 of an end of the -5..5 range (as after a round of
    training on flipped labels)."""
    torch.manual_seed(0)
    model = build_reward_model(str(base), "mlp", -5.0, 5.0, torch.float32, "sdpa")
    proc = load_processor(str(base), False)
    enc = Encoder(proc, False, 2048, "truncate")
    batch = collate([enc.encode(it) for it in load_items(data)], enc.pad_id)
    with torch.no_grad():
        u = model.score_head.net[:-1](model._hidden_shared(batch))  # the last layer's input
        better = torch.zeros(len(u), dtype=torch.bool)
        better[batch.pairs[:, 0]] = True
        d = u[~better].mean(0) - u[better].mean(0)
        centre = (u[~better].mean(0) + u[better].mean(0)) / 2
        last = model.score_head.net[-1]
        last.weight.copy_(d.unsqueeze(0))
        last.bias.fill_(-centre.dot(d))
        scale = z / model.score_head(model._hidden_shared(batch)).abs().min()
        last.weight.mul_(scale)
        last.bias.mul_(scale)
        raw = model(batch, return_logits=True)
        assert (raw[better] <= -z + 1e-3).all() and (raw[~better] >= z - 1e-3).all()
    ck.save_weights(model, out, proc, str(base))
    return out


def test_confidently_wrong_model_relearns_with_the_loss_on_loss_scores(tiny_text, tmp_path, monkeypatch):
    """20 steps from a model that ranks every pair wrongly with rewards pinned at the ends of the range.
    With the loss on loss_scores every pair is right after a few steps; with the loss on the bounded reward
    (the old behaviour, patched in) the sigmoid passes almost no gradient and the model stays wrong."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny kernels: one thread is fastest and does not fight other test processes
    rows = []
    for i in range(64):
        good, bad = ("yes it is", "no") if i % 2 else ("please describe it", "bad")
        first = i % 3 != 0
        rows.append({"id": f"t{i}", "query": f"question {i % 7}", "response": [good, bad] if first else [bad, good],
                     "human_ranking": [0, 1] if first else [1, 0]})
    data = tmp_path / "pairs.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    ckpt = confidently_wrong_checkpoint(tiny_text, data, tmp_path / "confidently-wrong")

    def train(name: str) -> dict[int, float]:
        out = tmp_path / name
        rc = main(["train", "--base_model_name", str(tiny_text), "--train_data_path", str(data),
                   "--val_data_path", str(data), "--resume_from_checkpoint", str(ckpt), "--load_weights_only",
                   "--batch_size", "16", "--num_epochs", "0", "--max_steps", "20", "--eval_steps", "4",
                   "--learning_rate", "1e-3", "--seed", "0", "--early_stopping_patience", "0",
                   "--output_dir", str(out)])
        assert rc == 0
        return series(next(out.iterdir()), "eval_accuracy")

    try:
        new = train("new")
        with monkeypatch.context() as patch:
            patch.setattr(RewardModel, "loss_scores", lambda self, raw: self.reward_from_logits(raw))
            old = train("old")
    finally:
        torch.set_num_threads(threads)
    assert sorted(new) == sorted(old) == [4, 8, 12, 16, 20]
    assert min(new[s] for s in (8, 12, 16, 20)) == 1.0, new
    assert max(old.values()) <= 0.25, old
