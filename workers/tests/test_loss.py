"""Loss functions against hand-computed values."""

import math

import pytest
import torch

from reward_studio.data import preference_pairs
from reward_studio.loss import bradley_terry, pair_stats, plackett_luce, preference_loss
from reward_studio.reward_batch import RewardBatch


def sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_preference_pairs_skip_ties():
    assert preference_pairs([0, 1]) == [(0, 1)]
    assert preference_pairs([1, 0]) == [(1, 0)]
    assert sorted(preference_pairs([0, 1, 1])) == [(0, 1), (0, 2)]  # the tie 1-2 gives no pair
    assert sorted(preference_pairs([2, 0, 1])) == [(1, 0), (1, 2), (2, 0)]


def test_bradley_terry_hand_values():
    r = torch.tensor([2.0, 0.5, -1.0])
    pairs = torch.tensor([[0, 1], [2, 1]])
    expected = (-math.log(sig(1.5)) - math.log(sig(-1.5))) / 2
    assert bradley_terry(r, pairs).item() == pytest.approx(expected, rel=1e-6)
    with_margin = (-math.log(sig(1.5 - 0.5)) - math.log(sig(-1.5 - 0.5))) / 2
    assert bradley_terry(r, pairs, margin=0.5).item() == pytest.approx(with_margin, rel=1e-6)


def test_plackett_luce_hand_values():
    r = torch.tensor([1.0, 3.0, 2.0])
    # ranking: response 1 best, then 2, then 0
    groups = [(0, 3, [2, 0, 1])]
    e = math.exp
    expected = -(math.log(e(3) / (e(3) + e(2) + e(1))) + math.log(e(2) / (e(2) + e(1))))
    assert plackett_luce(r, groups).item() == pytest.approx(expected, rel=1e-6)


def test_plackett_luce_two_responses_is_bradley_terry():
    r = torch.tensor([0.3, 1.7, -2.0, 0.1])
    groups = [(0, 2, [1, 0]), (2, 2, [0, 1])]
    pairs = torch.tensor([[1, 0], [2, 3]])
    assert plackett_luce(r, groups).item() == pytest.approx(bradley_terry(r, pairs).item(), rel=1e-6)


def test_plackett_luce_ties_share_denominator():
    r = torch.tensor([2.0, 1.0, 0.0])
    groups = [(0, 3, [0, 0, 1])]  # 0 and 1 tie for best, 2 worst
    e = math.exp
    denom = e(2) + e(1) + e(0)
    expected = -(math.log(e(2) / denom) + math.log(e(1) / denom))
    assert plackett_luce(r, groups).item() == pytest.approx(expected, rel=1e-6)


def test_preference_loss_dispatch_and_stats():
    r = torch.tensor([1.0, 0.0, 0.5, 2.0])
    batch = RewardBatch.for_loss(torch.tensor([[0, 1], [2, 3]]), [(0, 2, [0, 1]), (2, 2, [0, 1])])
    assert preference_loss(r, batch, "pairwise").item() == pytest.approx(bradley_terry(r, batch.pairs).item())
    assert preference_loss(r, batch, "plackett_luce").item() == pytest.approx(
        bradley_terry(r, batch.pairs).item(), rel=1e-6)
    s = pair_stats(r, batch.pairs)
    assert s["pairs"] == 2 and s["correct"] == 1 and s["margin_sum"] == pytest.approx(1.0 - 1.5)


def test_item_margins_replace_the_run_margin_per_pair():
    r = torch.tensor([2.0, 0.5, -1.0, 0.0])
    # pair 0 belongs to an item with its own margin 2.0; pair 1's item has none (NaN): the run's 0.5
    batch = RewardBatch.for_loss(torch.tensor([[0, 1], [2, 3]]), [(0, 2, [0, 1]), (2, 2, [0, 1])],
                                 pair_margin=torch.tensor([2.0, float("nan")]))
    expected = (-math.log(sig(1.5 - 2.0)) - math.log(sig(-1.0 - 0.5))) / 2
    assert preference_loss(r, batch, "pairwise", 0.5, use_margin=True).item() == pytest.approx(expected, rel=1e-6)
    # ignoring the item's margin would give the run's margin on both pairs: a different number
    run_only = bradley_terry(r, batch.pairs, 0.5).item()
    assert run_only != pytest.approx(expected, rel=1e-3)
    # without use_margin_loss neither margin applies
    assert preference_loss(r, batch, "pairwise", 0.0).item() == pytest.approx(bradley_terry(r, batch.pairs).item())
