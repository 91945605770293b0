"""The metrics of training steps and evaluations, each formula written once.

MetricSums accumulates sums (never means) over micro-batches or evaluation batches, so they can be
added up over ranks before anything is divided. The same sums give the training scalars of a step and
the evaluation scalars (named eval_*). Which tags each writes is the metrics.sqlite contract
(workers/README.md) that the studio's charts read.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import torch

from reward_studio.loss import pair_stats
from reward_studio.reward_batch import RewardBatch

TRAIN_TAGS = ("loss", "accuracy", "margin", "mean_reward", "reward_std")
EVAL_TAGS = ("loss", "accuracy", "margin", "mean_reward", "top1_accuracy")
EVAL_PREFIX = "eval_"


@dataclass
class MetricSums:
    loss_sum: float = 0.0  # loss * weight, summed
    loss_weight: float = 0.0  # training: 1 per micro-batch (the step's loss is their mean); eval: pairs or items
    pairs: float = 0.0
    correct: float = 0.0  # pairs whose better response got the higher reward (ties skipped: no pair)
    margin_sum: float = 0.0  # reward(better) - reward(worse), summed over pairs
    rows: float = 0.0  # responses
    reward_sum: float = 0.0
    reward_sq_sum: float = 0.0
    top1: float = 0.0  # items whose top-scored response is one the human ranked best
    items: float = 0.0
    tokens: float = 0.0  # tokens the backbone processed (RewardBatch.count_tokens)

    def add(self, loss: float, weight: float, rewards: torch.Tensor, batch: RewardBatch, shared: bool) -> None:
        """One batch: its loss (weighted), and the statistics of its rewards (bounded, one per response row)."""
        self.loss_sum += loss * weight
        self.loss_weight += weight
        for key, value in pair_stats(rewards, batch.pairs).items():
            setattr(self, key, getattr(self, key) + value)
        for offset, n, ranking in batch.groups:
            r = rewards[offset:offset + n].tolist()
            top = max(range(n), key=lambda j: r[j])
            self.top1 += float(ranking[top] == min(ranking))
        self.items += batch.num_items
        self.tokens += batch.count_tokens(shared)

    def as_dict(self) -> dict[str, float]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, float]) -> MetricSums:
        return cls(**values)

    def summary(self) -> dict[str, float]:
        """Every metric the sums give, unprefixed."""
        rows = max(self.rows, 1.0)
        mean = self.reward_sum / rows
        var = max(self.reward_sq_sum / rows - mean * mean, 0.0)
        return {
            "loss": self.loss_sum / max(self.loss_weight, 1.0),
            "accuracy": self.correct / max(self.pairs, 1.0),
            "margin": self.margin_sum / max(self.pairs, 1.0),
            "mean_reward": mean,
            "reward_std": math.sqrt(var),
            "top1_accuracy": self.top1 / max(self.items, 1.0),
        }

    def train_scalars(self) -> dict[str, float]:
        summary = self.summary()
        return {tag: summary[tag] for tag in TRAIN_TAGS}

    def eval_scalars(self) -> dict[str, float]:
        summary = self.summary()
        return {EVAL_PREFIX + tag: summary[tag] for tag in EVAL_TAGS}


def step_scalars(sums: MetricSums, grad_norm: float, learning_rate: float, seconds: float,
                 epoch: float) -> dict[str, float]:
    """What one optimizer step logs: the batch metrics, then the optimizer's and the speed's."""
    seconds = max(seconds, 1e-9)
    m = {
        **sums.train_scalars(),
        "grad_norm": grad_norm,
        "learning_rate": learning_rate,
        "samples_per_second": sums.items / seconds,
        "tokens_per_second": sums.tokens / seconds,
        "epoch": epoch,
    }
    if torch.cuda.is_available():
        m["gpu_memory_gb"] = torch.cuda.max_memory_allocated() / 2**30
    return m
