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
    def __init__(self, model_path: Path, *extra: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "reward_studio", "score-server", "--model_path",
                                      str(model_path), "--max_length", "1024", *extra],
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


# ---- already-rendered text items (what RL trainers send) and token-bounded batching ------------------
def png_b64(path: Path, colour=(200, 30, 30)) -> str:
    from PIL import Image

    Image.new("RGB", (56, 56), colour).save(path)
    return base64.b64encode(path.read_bytes()).decode()


def test_text_item_scores_equal_conversation_and_score_command(text_checkpoint, tmp_path):
    tok = load_processor(str(text_checkpoint), False)
    pad, end = tok.pad_token, "<|im_end|>"
    # an earlier assistant turn: the cut is at the LAST assistant-turn opening
    messages = [{"role": "system", "content": "You are a careful assistant."},
                {"role": "user", "content": "Hi there"},
                {"role": "assistant", "content": "Hello, how can I help?"},
                {"role": "user", "content": "Is the sky blue?"}]
    responses = ["yes it is blue during the day", "no"]
    prefix = tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    assert prefix.endswith("<|im_start|>assistant\n") and prefix.count("<|im_start|>assistant\n") == 2
    texts = [prefix + r + end + "\n" + pad + pad for r in responses]
    data = tmp_path / "conv.jsonl"
    data.write_text(json.dumps({"id": "c0", "messages": messages, "response": responses}) + "\n")
    expected = score_file(text_checkpoint, data, tmp_path)[0]
    server = Server(text_checkpoint)
    try:
        reply = server.ask(json.dumps({"id": "t", "items": [
            {"text": texts[0]}, {"text": texts[1]},
            {"messages": messages, "responses": responses},
            {"text": pad + prefix + responses[0]},  # left pad, no end token: training appends it
            {"text": prefix + responses[1] + end + "\n<|im_start|>user\nignored<|im_end|>\n"},
            {"text": "just a plain string of text"},
        ]}))
        res = reply["results"]
        assert [r["scores"][0] for r in res[:2]] == pytest.approx(expected, abs=1e-4)
        assert res[2]["scores"] == pytest.approx(expected, abs=1e-4)
        for r in res[:2]:
            assert r["end_token_added"] is False and r["turn_opening_found"] is True
            assert r["truncated_responses"] == 0
        assert res[3]["scores"][0] == pytest.approx(expected[0], abs=1e-4) and res[3]["end_token_added"] is True
        assert res[4]["scores"][0] == pytest.approx(expected[1], abs=1e-4) and res[4]["end_token_added"] is False
        assert res[5]["turn_opening_found"] is False and res[5]["end_token_added"] is True
        assert len(res[5]["scores"]) == 1
        # tokens: the prompt once per response plus each response with its end token
        n_prefix = len(tok(prefix, add_special_tokens=False)["input_ids"])
        n_resp = [len(tok(r + end, add_special_tokens=False)["input_ids"]) for r in responses]
        assert res[0]["tokens"] == n_prefix + n_resp[0] and res[2]["tokens"] == 2 * n_prefix + sum(n_resp)
    finally:
        assert server.close() == 0


def test_text_item_with_image_equals_query_item(vl_checkpoint, tmp_path):
    proc = load_processor(str(vl_checkpoint), True)
    png = png_b64(tmp_path / "red.png")
    query = "What colour is the square?"
    prefix = proc.apply_chat_template([{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": query}]}],
                                      add_generation_prompt=True, tokenize=False)
    assert prefix.count("<|image_pad|>") == 1
    server = Server(vl_checkpoint)
    try:
        reply = server.ask(json.dumps({"id": 1, "items": [
            {"query": query, "responses": ["The square is red.", "It is blue."], "image": png},
            {"text": prefix + "The square is red.<|im_end|>\n", "images": [png]},
            {"text": "<|endoftext|>" + prefix + "It is blue.", "images": ["data:image/png;base64," + png]},
            {"text": prefix + "The square is red.<|im_end|>\n"},  # a placeholder without its image
            {"text": prefix + "red <|image_pad|>", "images": [png]},  # a placeholder in the response
        ]}))
        res = reply["results"]
        assert res[1]["scores"][0] == pytest.approx(res[0]["scores"][0], abs=1e-4)
        assert res[2]["scores"][0] == pytest.approx(res[0]["scores"][1], abs=1e-4)
        assert res[2]["end_token_added"] is True and res[1]["tokens"] > len(prefix.split())
        assert "1 image placeholder(s)" in res[3]["error"]["message"] and "0 image(s)" in res[3]["error"]["message"]
        assert "response part" in res[4]["error"]["message"]
        assert len(server.ask(json.dumps({"id": 2, "items": [{"text": "ok"}]}))["results"][0]["scores"]) == 1
    finally:
        assert server.close() == 0


def test_text_item_errors_and_too_long_code(text_checkpoint, tmp_path):
    png = png_b64(tmp_path / "p.png")
    long_prompt = " ".join(f"word{i}" for i in range(1500))
    server = Server(text_checkpoint)
    try:
        reply = server.ask(json.dumps({"id": "e", "items": [
            {"text": f"<|im_start|>user\n{long_prompt}<|im_end|>\n<|im_start|>assistant\nok<|im_end|>"},
            {"query": long_prompt, "responses": ["ok"]},
            {"text": "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n" + long_prompt},
            {"text": "<|im_start|>user\nlook<|im_end|>\n<|im_start|>assistant\nok", "images": [png]},
            {"text": "<|vision_start|><|image_pad|><|vision_end|>q<|im_start|>assistant\nok"},
            {"text": "", "responses": ["x"]},
            {"text": "q", "responses": ["x"]},
            {"text": "<|endoftext|><|endoftext|>"},
        ]}))
        res = reply["results"]
        for r in res[:2]:
            assert r["error"]["code"] == "too_long" and "longer than max_length" in r["error"]["message"]
        assert res[2]["truncated_responses"] == 1 and res[2]["tokens"] == 1024  # long response: truncated
        assert "text-only" in res[3]["error"]["message"] and "code" not in res[3]["error"]
        assert "image placeholder" in res[4]["error"]["message"]
        assert "non-empty string" in res[5]["error"]["message"]
        assert "cannot also have 'responses'" in res[6]["error"]["message"]
        assert "empty" in res[7]["error"]["message"]
        assert all(r["error"]["hint"] for i, r in enumerate(res) if i != 2)
        after = server.ask(json.dumps({"id": "next", "items": [{"text": "<|im_start|>assistant\nfine"}]}))
        assert after["id"] == "next" and len(after["results"][0]["scores"]) == 1
    finally:
        assert server.close() == 0


def test_token_batches_bounds_padded_tokens():
    from reward_studio.score_server import padded_tokens, token_batches

    sizes = [(5 + (i * 37) % 300, [1 + (i * 11) % 90] * (1 + i % 3)) for i in range(60)] + [(5000, [3000])]
    for budget in (1, 500, 4096, 10**9):
        batches = token_batches(sizes, budget, max_items=16)
        assert sorted(k for b in batches for k in b) == list(range(len(sizes)))
        for b in batches:
            assert len(b) <= 16
            cost = padded_tokens(len(b), max(sizes[k][0] for k in b), sum(len(sizes[k][1]) for k in b),
                                 max(max(sizes[k][1]) for k in b))
            assert cost <= budget or len(b) == 1
        if budget == 1:
            assert all(len(b) == 1 for b in batches)
    assert len(token_batches(sizes, 10**9, max_items=256)) == 1


def test_many_items_in_one_request_equal_one_at_a_time(text_checkpoint):
    items = []
    for i in range(40):
        words = " ".join(f"w{j}" for j in range((i * 53) % 150 + 1))
        responses = [" ".join(f"r{j}" for j in range((i * 17 + k * 29) % 120 + 1)) for k in range(1 + i % 3)]
        if i % 4 == 3:
            items.append({"text": f"<|im_start|>user\n{words}<|im_end|>\n<|im_start|>assistant\n{responses[0]}"})
        else:
            items.append({"query": words, "responses": responses})
    server = Server(text_checkpoint)
    try:
        together = server.ask(json.dumps({"id": "all", "items": items}))["results"]
        alone = [server.ask(json.dumps({"id": i, "items": [item]}))["results"][0] for i, item in enumerate(items)]
    finally:
        assert server.close() == 0
    assert all("scores" in r for r in together)
    for t, a in zip(together, alone):
        assert t["scores"] == pytest.approx(a["scores"], abs=1e-5) and t["tokens"] == a["tokens"]
    tiny = Server(text_checkpoint, "--max_batch_tokens", "16")
    try:
        assert tiny.ready["max_batch_tokens"] == 16
        small = tiny.ask(json.dumps({"id": "tiny", "items": items}))["results"]
    finally:
        assert tiny.close() == 0
    for s, a in zip(small, alone):
        assert s["scores"] == pytest.approx(a["scores"], abs=1e-5)
