"""How many optimizer steps a run takes: the one formula the worker counts with.

The studio estimates the same numbers before a run starts (app/runs/run-estimate.ts, planSteps);
both are checked against the shared table tests/fixtures/step-plan-cases.json, so a change here must
change that table and the TypeScript mirror together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reward_studio.config import TrainConfig

# num_epochs = 0 with max_steps: the loop goes over the data again and again until the step budget is spent.
UNTIL_MAX_STEPS = 10**9


def batches_per_epoch(items: int, world_size: int, batch_size: int) -> int:
    """Micro-batches each rank runs per epoch. Items (not pairs) are split over the ranks with wrap-around
    padding (epoch_batches), so every rank gets ceil(items / world_size) of them."""
    per_rank = math.ceil(items / world_size)
    return math.ceil(per_rank / batch_size)


def plan_steps(items: int, world_size: int, batch_size: int, gradient_accumulation_steps: int,
               num_epochs: int, max_steps: int) -> tuple[int, int]:
    """(steps_per_epoch, total_steps). An epoch's last accumulation window may be shorter, and still is
    one optimizer step. max_steps > 0 caps the total; with num_epochs = 0 it is the total."""
    steps_per_epoch = math.ceil(batches_per_epoch(items, world_size, batch_size) / gradient_accumulation_steps)
    total = steps_per_epoch * max(num_epochs, 0)
    if max_steps > 0:
        total = min(total, max_steps) if num_epochs > 0 else max_steps
    return steps_per_epoch, total


@dataclass(frozen=True)
class StepPlan:
    batches_per_epoch: int
    steps_per_epoch: int
    total_steps: int
    epoch_limit: int  # epochs the loop may start (UNTIL_MAX_STEPS when only max_steps bounds the run)

    @classmethod
    def for_run(cls, cfg: TrainConfig, items: int, world_size: int) -> StepPlan:
        steps_per_epoch, total = plan_steps(items, world_size, cfg.batch_size, cfg.gradient_accumulation_steps,
                                            cfg.num_epochs, cfg.max_steps)
        return cls(batches_per_epoch(items, world_size, cfg.batch_size), steps_per_epoch, total,
                   cfg.num_epochs if cfg.num_epochs > 0 else UNTIL_MAX_STEPS)

    def epoch_progress(self, epoch: int, batch_in_epoch: int) -> float:
        """The fractional epoch logged as the `epoch` scalar."""
        return epoch + batch_in_epoch / max(1, self.batches_per_epoch)
