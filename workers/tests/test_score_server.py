"""`score-server`: the model loads once, requests are JSON lines, scores equal `score`'s, bad input is answered."""

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import make_text_data, run_worker
from reward_studio.checkpointing import save_weights
from reward_studio.model import load_processor, load_reward_model


def fixed_checkpoint(base: Path, out: Path, vl: bool) -> Path:
    """The base model with a fresh head, saved once: every later load has the same head (a real checkpoint)."""
    model, _ = load_reward_model(str(base))
    save_weights(model, out, load_processor(str(base), vl), str(base))
    return out


@pytest.fixture(scope="module")
def vl_checkpoint(tmp_path_factory, tiny_vl) -> Path:
    return fixed_checkpoint(tiny_vl, tmp_path_factory.mktemp("srv") / "vl-ckpt", True)


@pytest.fixture(scope="module")
def text_checkpoint(tmp_path_factory, tiny_text) -> Path:
    return fixed_checkpoint(tiny_text, tmp_path_factory.mktemp("srv") / "text-ckpt", False)


class Server:
    def __init__(self, model_path: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "reward_studio", "score-server", "--model_path",
                                      str(model_path), "--max_length", "1024"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, encoding="utf-8")
        self.ready = json.loads(self.proc.stdout.readline())

    def ask(self, line: str) -> dict:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> int:
        self.proc.stdin.close()
        return self.proc.wait(timeout=60)


def score_file(model: Path, data: Path, tmp: Path) -> list[list[float]]:
    out = tmp / "scored.jsonl"
    proc = run_worker(["score", "--model_path", str(model), "--data_path", str(data), "--output_path", str(out),
                       "--exact-output", "--max_length", "1024"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    return [json.loads(line)["scores"] for line in out.read_text().splitlines()]


def test_scores_equal_score_command_with_images(vl_checkpoint, colour_data, tmp_path):
    val = colour_data[1]
    rows = [json.loads(x) for x in val.read_text().splitlines()]
    expected = score_file(vl_checkpoint, val, tmp_path)
    server = Server(vl_checkpoint)
    try:
        assert server.ready["type"] == "ready" and server.ready["is_vl"] is True
        assert server.ready["model_path"] == str(vl_checkpoint) and server.ready["device"] in ("cpu", "cuda")
        items = []
        for row in rows:
            raw = (val.parent / row["image"]).read_bytes()
            items.append({"query": row["query"], "responses": row["response"],
                          "image": base64.b64encode(raw).decode()})
        reply = server.ask(json.dumps({"id": "all", "items": items}))
        assert reply["id"] == "all" and reply["ms"] >= 0
        got = [r["scores"] for r in reply["results"]]
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            assert g == pytest.approx(e, abs=1e-5)
        # a data URL works the same as bare base64, one item at a time
        first = items[0] | {"image": "data:image/png;base64," + items[0]["image"]}
        again = server.ask(json.dumps({"id": 7, "items": [first]}))
        assert again["id"] == 7 and again["results"][0]["scores"] == pytest.approx(expected[0], abs=1e-5)
    finally:
        assert server.close() == 0


def test_bad_lines_and_items_are_answered_not_fatal(vl_checkpoint, text_checkpoint, tmp_path):
    server = Server(vl_checkpoint)
    try:
        bad_json = server.ask("{not json")
        assert bad_json["id"] is None and "not valid JSON" in bad_json["error"]["message"]
        assert "items" in server.ask(json.dumps({"id": 1}))["error"]["message"]
        assert server.ask("[1, 2]")["error"]["message"] == "request must be a JSON object"
        reply = server.ask(json.dumps({"id": 2, "items": [
            {"query": "q", "responses": ["fine answer"]},
            {"query": 5, "responses": ["x"]},
            {"query": "q", "responses": []},
            {"query": "q", "responses": ["ok", ""]},
            {"query": "q", "responses": ["ok"], "image": "%%% not base64"},
            {"query": "q", "responses": ["ok"], "image": base64.b64encode(b"not an image at all").decode()},
            "just a string",
        ]}))
        results = reply["results"]
        assert len(results[0]["scores"]) == 1
        assert "'query' must be a string" in results[1]["error"]["message"]
        assert "non-empty list" in results[2]["error"]["message"]
        assert "response 1 is empty" in results[3]["error"]["message"]
        assert "not valid base64" in results[4]["error"]["message"]
        assert "cannot be decoded" in results[5]["error"]["message"]
        assert "expected an object" in results[6]["error"]["message"]
        assert all(r.get("error", {}).get("hint") for r in results[1:])
        # still serving after all that
        assert len(server.ask(json.dumps({"id": 3, "items": [{"query": "q", "responses": ["a", "b"]}]}))
                   ["results"][0]["scores"]) == 2
    finally:
        assert server.close() == 0
    text = Server(text_checkpoint)
    try:
        assert text.ready["is_vl"] is False
        from PIL import Image

        Image.new("RGB", (8, 8), (1, 2, 3)).save(tmp_path / "p.png")
        png = base64.b64encode((tmp_path / "p.png").read_bytes()).decode()
        reply = text.ask(json.dumps({"id": "t", "items": [{"query": "q", "responses": ["a"], "image": png}]}))
        assert "text-only" in reply["results"][0]["error"]["message"]
    finally:
        assert text.close() == 0


def test_text_scores_equal_score_command(text_checkpoint, tmp_path):
    data = make_text_data(tmp_path / "d", 6)
    expected = score_file(text_checkpoint, data, tmp_path)
    rows = [json.loads(x) for x in data.read_text().splitlines()]
    server = Server(text_checkpoint)
    try:
        reply = server.ask(json.dumps({"id": 0, "items": [{"query": r["query"], "responses": r["response"]}
                                                          for r in rows]}))
        for g, e in zip([r["scores"] for r in reply["results"]], expected):
            assert g == pytest.approx(e, abs=1e-5)
    finally:
        assert server.close() == 0


def test_missing_model_exits_2_with_json_error(tmp_path):
    proc = run_worker(["score-server", "--model_path", str(tmp_path / "nope")], input="")
    assert proc.returncode == 2
    err = json.loads(proc.stderr.strip().splitlines()[-1])
    assert err["event"] == "error" and "not found" in err["message"]
