"""Errors a person can act on: what happened, where, and what to do about it."""

from __future__ import annotations


class WorkerError(Exception):
    """Raised for problems with the inputs (data, model folder, config), never for our own bugs."""

    kind = "worker_error"

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def to_event(self) -> dict[str, str]:
        return {"message": self.message, "type": self.kind, "hint": self.hint}


class DataError(WorkerError):
    kind = "data_error"


class ModelError(WorkerError):
    kind = "model_error"


class ConfigError(WorkerError):
    kind = "config_error"
