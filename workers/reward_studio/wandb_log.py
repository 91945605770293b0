"""Optional Weights & Biases logging. W&B is a mirror of metrics.sqlite, never a reason to stop a run: a
missing package or a failing init logs a warning (stderr and a `log` event) and the run goes on without it."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from reward_studio.config import TrainConfig

log = logging.getLogger("reward_studio")


class WandbLog:
    def __init__(self, run: Any = None) -> None:
        self.run = run  # the wandb run, None when not logging to W&B

    @classmethod
    def start(cls, cfg: TrainConfig, run_dir: Path, main: bool, db: Any) -> WandbLog:
        if not (cfg.use_wandb and main):
            return cls()
        try:
            import wandb  # noqa: F401
        except ImportError:
            message = ("--use_wandb is set but the wandb package is not installed: metrics go to metrics.sqlite "
                       "only. To log to W&B, install it into this Python environment (`pip install wandb`, or "
                       "`pip install -e 'workers[wandb]'` in the Reward Studio checkout) and run again.")
            log.warning("%s", message)  # on stderr (and worker.log), not only in metrics.sqlite
            db.event("log", {"level": "warning", "message": message})
            return cls()
        if cfg.wandb_api_key:
            os.environ.setdefault("WANDB_API_KEY", cfg.wandb_api_key)
        try:
            return cls(wandb.init(project=cfg.wandb_project, name=run_dir.name, config=cfg.to_json_dict(),
                                  dir=str(run_dir)))
        except Exception as exc:  # offline machine, bad key: the run itself must go on
            message = (f"W&B init failed ({exc.__class__.__name__}: {exc}); continuing without it, metrics go to "
                       "metrics.sqlite only. Check --wandb_api_key / WANDB_API_KEY and the network, or set "
                       "WANDB_MODE=offline.")
            log.warning("%s", message)
            db.event("log", {"level": "warning", "message": message})
            return cls()

    def log(self, metrics: dict[str, Any], step: int) -> None:
        if self.run is not None:
            try:
                self.run.log(metrics, step=step)
            except Exception as exc:
                log.warning("W&B log failed: %s", exc)

    def finish(self) -> None:
        if self.run is not None:
            self.run.finish()
