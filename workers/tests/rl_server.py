"""`reward-studio serve-model` as RL trainers use it: a checkpoint, the server in a child process, plain HTTP.

Shared by test_rl_grpo_remote_reward.py and test_rl_client_requests.py (not a test module itself).
The server is the real CLI (node bin/reward-studio.mjs serve-model), so these tests cover what a
person starts next to their trainer.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
# "Reward model API for <label> (python) at http://127.0.0.1:<port>", maybe followed by " (API key required)"
URL_LINE = re.compile(r"^Reward model API for .+ \(python\) at (http://[^\s]+)")


def reward_checkpoint(base: Path, out: Path) -> Path:
    """The tiny model with a fresh score head saved once, so every load (server, `score`) has the same head."""
    from reward_studio.checkpointing import save_weights
    from reward_studio.model import load_processor, load_reward_model

    model, _ = load_reward_model(str(base))
    save_weights(model, out, load_processor(str(base), False), str(base))
    return out


def request(url: str, body: Any = None, key: str | None = None, method: str | None = None,
            headers: dict[str, str] | None = None, timeout: float = 180) -> tuple[int, Any]:
    """One HTTP request; returns (status, parsed JSON body) for 2xx and 4xx/5xx alike."""
    data = None if body is None else json.dumps(body).encode()
    sent = {"Content-Type": "application/json"} if data is not None else {}
    if key is not None:
        sent["Authorization"] = f"Bearer {key}"
    sent.update(headers or {})
    req = urllib.request.Request(url, data=data, headers=sent, method=method or ("POST" if data is not None else "GET"))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        raw = err.read()
        try:
            return err.code, json.loads(raw or b"null")
        except ValueError:
            return err.code, raw.decode(errors="replace")


class RewardServer:
    """`serve-model CHECKPOINT --port 0 [--api-key KEY] --quiet`, ready (GET /health 200) when constructed.

    api_key=False serves without a key, as for clients that cannot send one (OpenRLHF, verl).
    """

    def __init__(self, checkpoint: Path, api_key: bool = True, start_timeout: float = 120) -> None:
        self.key = secrets.token_hex(16) if api_key else None
        self.lines: list[str] = []
        self.url: str | None = None
        self._found = threading.Event()
        args = ["node", str(REPO / "bin" / "reward-studio.mjs"), "serve-model", str(checkpoint), "--port", "0",
                "--quiet"] + (["--api-key", self.key] if self.key else [])
        # A key only from --api-key (the CLI also reads REWARD_STUDIO_API_KEY; one set here must not leak in).
        env = {k: v for k, v in os.environ.items() if k != "REWARD_STUDIO_API_KEY"} | {"NO_COLOR": "1"}
        # Its own session: teardown can end the node process and the Python worker it spawned together.
        self.proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     encoding="utf-8", errors="replace", start_new_session=True,
                                     env=env)
        threading.Thread(target=self._read, daemon=True).start()
        try:
            self._wait_ready(start_timeout)
        except BaseException:
            self.close()
            raise

    def _read(self) -> None:
        # Drained for the whole life of the server, so a full pipe never blocks it.
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            match = URL_LINE.match(line)
            if match and self.url is None:
                self.url = match.group(1)
                self._found.set()

    def output(self) -> str:
        return "\n".join(self.lines[-40:])

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self._found.wait(0.1):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"serve-model printed no URL line (exit {self.proc.poll()}):\n{self.output()}")
        while True:
            try:
                status, body = request(f"{self.url}/health", key=self.key, timeout=5)
            except OSError:
                status, body = None, None
            if status == 200:
                assert body["status"] == "ok", body
                return
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"GET /health never answered 200 (last {status} {body}, exit {self.proc.poll()}):\n"
                                   f"{self.output()}")
            time.sleep(0.25)

    def post(self, path: str, body: Any, key: str | None | bool = True, **kw) -> tuple[int, Any]:
        """POST with the server's key (key=True), another key, or none (key=None)."""
        return request(f"{self.url}{path}", body, key=self.key if key is True else key, **kw)

    def close(self) -> None:
        if self.proc.poll() is None:
            # SIGTERM: the CLI closes the server and ends its worker; the whole group if that takes too long.
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        try:  # the worker, if the node process went before it
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def score_with_cli(checkpoint: Path, rows: list[dict[str, Any]], tmp: Path) -> list[list[float]]:
    """`python -m reward_studio score` on a data file of these rows (the reference the endpoints must equal)."""
    from conftest import run_worker

    data = tmp / "rl-items.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in rows))
    out = tmp / "rl-scored.jsonl"
    proc = run_worker(["score", "--model_path", str(checkpoint), "--data_path", str(data), "--output_path", str(out),
                       "--exact-output"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    return [json.loads(line)["scores"] for line in out.read_text().splitlines()]
