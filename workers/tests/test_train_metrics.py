"""MetricSums: one set of formulas for the training step's scalars and the evaluation's eval_* scalars."""

from __future__ import annotations

import math

import pytest
import torch

from reward_studio.reward_batch import RewardBatch
from reward_studio.train_metrics import EVAL_TAGS, TRAIN_TAGS, MetricSums, step_scalars


def known_batch() -> RewardBatch:
    """Item a: 2 responses ranked [0, 1]; item b: 3 responses ranked [0, 1, 1]. Prefixes of 3 and 2
    tokens, responses of 2, 1, 3, 2, 1 tokens."""
    prefix_mask = torch.tensor([[1, 1, 1], [0, 1, 1]])
    resp_mask = torch.tensor([[1, 1, 0], [1, 0, 0], [1, 1, 1], [1, 1, 0], [1, 0, 0]])
    return RewardBatch(
        prefix_ids=prefix_mask.clone(), prefix_mask=prefix_mask, prefix_mm=torch.zeros_like(prefix_mask),
        pixel_values=None, image_grid_thw=None, images_per_item=torch.tensor([0, 0]),
        resp_ids=resp_mask.clone(), resp_mask=resp_mask, resp_item=torch.tensor([0, 0, 1, 1, 1]),
        pairs=torch.tensor([[0, 1], [2, 3], [2, 4]]), pair_margin=torch.full((3,), float("nan")),
        groups=[(0, 2, [0, 1]), (2, 3, [0, 1, 1])], item_ids=["a", "b"])


REWARDS = torch.tensor([1.0, 0.0, 0.5, 2.0, -1.0])
# pair differences 1.0, -1.5, 1.5; rewards sum 2.5, squares 6.25 over 5 rows; item b's top score is a
# response ranked 1, item a's the best one
EXPECTED = {"accuracy": 2 / 3, "margin": 1.0 / 3, "mean_reward": 0.5, "reward_std": 1.0, "top1_accuracy": 0.5}


def test_training_scalars_of_a_known_batch():
    sums = MetricSums()
    sums.add(0.6, 1.0, REWARDS, known_batch(), shared=True)
    sums.add(0.9, 1.0, REWARDS, known_batch(), shared=True)  # a second micro-batch of the same step
    m = sums.train_scalars()
    assert list(m) == list(TRAIN_TAGS)
    assert m["loss"] == pytest.approx(0.75)  # the mean over micro-batches
    for tag in TRAIN_TAGS[1:]:
        assert m[tag] == pytest.approx(EXPECTED[tag])
    assert (sums.items, sums.tokens) == (4, 2 * (5 + 9))  # shared prefix: each prefix once


def test_eval_scalars_are_the_same_formulas_with_eval_names():
    sums = MetricSums()
    sums.add(0.6, 3.0, REWARDS, known_batch(), shared=False)  # eval weighs a batch's loss by its pairs
    sums.add(0.2, 1.0, REWARDS[:2], RewardBatch.for_loss(torch.tensor([[0, 1]]), [(0, 2, [0, 1])]), shared=False)
    m = sums.eval_scalars()
    assert list(m) == ["eval_" + t for t in EVAL_TAGS]
    assert list(m) == ["eval_loss", "eval_accuracy", "eval_margin", "eval_mean_reward", "eval_top1_accuracy"]
    assert m["eval_loss"] == pytest.approx((0.6 * 3 + 0.2) / 4)
    assert m["eval_accuracy"] == pytest.approx(3 / 4)
    assert m["eval_margin"] == pytest.approx(2.0 / 4)
    assert m["eval_mean_reward"] == pytest.approx(3.5 / 7)
    assert m["eval_top1_accuracy"] == pytest.approx(2 / 3)
    one = MetricSums()
    one.add(0.6, 3.0, REWARDS, known_batch(), shared=False)
    assert one.tokens == (3 + 3 + 2 + 2 + 2) + 9  # full concatenation: the prefix once per response row
    assert one.eval_scalars()["eval_top1_accuracy"] == pytest.approx(EXPECTED["top1_accuracy"])


def test_sums_add_up_over_ranks_like_one_batch():
    """What DDP's reduce does (element-wise sum of as_dict) gives the metrics of all the batches together."""
    a, b, both = MetricSums(), MetricSums(), MetricSums()
    a.add(0.6, 1.0, REWARDS, known_batch(), shared=True)
    b.add(0.9, 1.0, -REWARDS, known_batch(), shared=True)
    both.add(0.6, 1.0, REWARDS, known_batch(), shared=True)
    both.add(0.9, 1.0, -REWARDS, known_batch(), shared=True)
    summed = MetricSums.from_dict({k: a.as_dict()[k] + b.as_dict()[k] for k in a.as_dict()})
    assert summed == both
    assert summed.train_scalars()["accuracy"] == pytest.approx(0.5)
    assert MetricSums().train_scalars() == {"loss": 0.0, "accuracy": 0.0, "margin": 0.0, "mean_reward": 0.0,
                                            "reward_std": 0.0}  # nothing accumulated: no division by zero


def test_step_scalars_order_and_rates():
    sums = MetricSums()
    sums.add(0.6, 1.0, REWARDS, known_batch(), shared=True)
    m = step_scalars(sums, grad_norm=0.25, learning_rate=1e-4, seconds=2.0, epoch=1.5)
    tags = ["loss", "accuracy", "margin", "mean_reward", "reward_std", "grad_norm", "learning_rate",
            "samples_per_second", "tokens_per_second", "epoch"]
    assert list(m)[: len(tags)] == tags  # + gpu_memory_gb on CUDA
    assert (m["grad_norm"], m["learning_rate"], m["epoch"]) == (0.25, 1e-4, 1.5)
    assert m["samples_per_second"] == pytest.approx(1.0) and m["tokens_per_second"] == pytest.approx(7.0)
    assert math.isfinite(step_scalars(sums, 0.0, 0.0, 0.0, 0.0)["tokens_per_second"])
