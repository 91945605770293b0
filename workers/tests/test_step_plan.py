"""Steps per epoch and total steps: step_plan.plan_steps against the table the studio's TypeScript
estimate (app/runs/run-estimate.ts, planSteps) is checked against too, and against the batches the
loop really runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reward_studio.config import TrainConfig
from reward_studio.step_plan import UNTIL_MAX_STEPS, StepPlan, batches_per_epoch, plan_steps
from reward_studio.train_data import epoch_batches

CASES = json.loads((Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "step-plan-cases.json").read_text())
INPUTS = ("items", "world_size", "batch_size", "gradient_accumulation_steps", "num_epochs", "max_steps")


def case_id(case: dict) -> str:
    return "-".join(f"{k}={case[k]}" for k in INPUTS)


def test_table_covers_the_edge_cases():
    assert len(CASES) >= 15
    assert any(c["items"] == 0 for c in CASES)
    assert any(0 < c["items"] < c["world_size"] for c in CASES)
    assert any(c["items"] % (c["world_size"] * c["batch_size"]) for c in CASES)  # a short last batch
    assert any(c["gradient_accumulation_steps"] > batches_per_epoch(c["items"], c["world_size"], c["batch_size"]) > 0
               for c in CASES)
    assert any(c["max_steps"] > 0 and c["num_epochs"] == 0 for c in CASES)
    assert any(c["max_steps"] > 0 and c["num_epochs"] > 0 and c["total_steps"] == c["max_steps"] for c in CASES)
    assert any(c["max_steps"] > 0 and c["num_epochs"] > 0 and c["total_steps"] < c["max_steps"] for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_plan_steps_matches_the_shared_table(case):
    got = plan_steps(*(case[k] for k in INPUTS))
    assert got == (case["steps_per_epoch"], case["total_steps"])


@pytest.mark.parametrize("case", [c for c in CASES if c["items"] > 0], ids=case_id)
def test_every_rank_runs_the_planned_batches(case):
    """The loop's data order gives each rank exactly batches_per_epoch micro-batches, and grouping them by
    accumulation (the last window may be shorter) gives steps_per_epoch optimizer steps."""
    world, gas = case["world_size"], case["gradient_accumulation_steps"]
    planned = batches_per_epoch(case["items"], world, case["batch_size"])
    for rank in range(world):
        batches = epoch_batches(case["items"], case["batch_size"], 7, 0, rank, world)
        assert len(batches) == planned
        assert len(range(0, len(batches), gas)) == case["steps_per_epoch"]


def test_step_plan_for_a_run_reads_the_config():
    cfg = TrainConfig(batch_size=3, gradient_accumulation_steps=2, num_epochs=2)
    plan = StepPlan.for_run(cfg, 17, 1)
    assert (plan.batches_per_epoch, plan.steps_per_epoch, plan.total_steps, plan.epoch_limit) == (6, 3, 6, 2)
    assert plan.epoch_progress(1, 3) == 1.5
    only_steps = StepPlan.for_run(TrainConfig(num_epochs=0, max_steps=40), 100, 1)
    assert (only_steps.total_steps, only_steps.epoch_limit) == (40, UNTIL_MAX_STEPS)
