"""`score-server`: one reward model loaded once, scoring requests read as JSON lines on stdin.

The studio keeps this process warm for the score playground and the reward-model HTTP API, so a
request pays for encoding and one forward pass, never for loading the model again.

Protocol (one JSON object per line, UTF-8):
  stdout, once loaded:  {"type": "ready", "model_path", "is_vl", "device", "load_seconds", "fresh_head"}
  stdin, per request:   {"id": any, "items": [{"query": str, "responses": [str, ...], "image": base64 | null}]}
                        an item may carry the whole conversation instead of a query (as in data files):
                        {"messages": [...], "tools"?: [...], "images"?: [base64, ...], "responses": [...]},
                        one image per {"type": "image"} part, in order ("image" still works for one).
  stdout, per request:  {"id": ..., "results": [{"scores": [...], "truncated_responses": n}
                                                | {"error": {"message", "hint"}}], "ms": x}
A line that is not a request is answered {"id": null | its id, "error": {"message", "hint"}}; a bad
item gets its own error and the other items are still scored. The process never exits on bad input;
end of stdin ends it. Loading problems exit 2 with a JSON error line on stderr, like `score`.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import torch

from reward_studio.collate import Encoder, batch_to, collate
from reward_studio.conversation import last_user_text, parse_messages, parse_tools
from reward_studio.data import ImageRef, Item
from reward_studio.errors import DataError, WorkerError
from reward_studio.model import load_processor, load_reward_model, resolve_dtype
from reward_studio.score import resolve_model_path

# Items scored in one forward pass; `score` uses the same default batch size.
BATCH_ITEMS = 8


class RequestError(Exception):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def as_dict(self) -> dict[str, str]:
        return {"message": self.message, "hint": self.hint}


def decode_image(value: Any, where: str) -> ImageRef | None:
    """Bare base64 or a data URL -> an in-memory image, decoded once here so a bad one fails this item only."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RequestError(f"{where}: 'image' must be a base64 string or null, got {type(value).__name__}",
                           "Send the image file's bytes as base64 (or a data: URL), or leave 'image' out.")
    text = value.split(",", 1)[1] if value.startswith("data:") and "," in value else value
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise RequestError(f"{where}: 'image' is not valid base64 ({exc})",
                           "Encode the image file's bytes as standard base64.") from exc
    ref = ImageRef(data=data, label=f"{where} image")
    try:
        ref.open()
    except Exception as exc:  # PIL raises many types for undecodable bytes
        raise RequestError(f"{where}: 'image' cannot be decoded as an image ({exc.__class__.__name__})",
                           "Send a PNG, JPEG, WebP, GIF or TIFF file.") from exc
    return ref


def parse_item(raw: Any, where: str) -> Item:
    if not isinstance(raw, dict):
        raise RequestError(f"{where}: expected an object with 'query' (or 'messages') and 'responses'",
                           "See the score-server protocol.")
    responses = raw.get("responses")
    if not isinstance(responses, list) or not responses:
        raise RequestError(f"{where}: 'responses' must be a non-empty list of strings", "Send at least one response.")
    for i, r in enumerate(responses):
        if not isinstance(r, str) or not r.strip():
            raise RequestError(f"{where}: response {i} is empty or not a string", "Write the response text.")
    images = request_images(raw, where)
    try:  # the same checks as a data file's row, reported on this item only
        messages = None if raw.get("messages") is None else parse_messages(raw["messages"], where, len(images))
        tools = parse_tools(raw.get("tools"), where)
    except DataError as exc:
        raise RequestError(exc.message, exc.hint) from exc
    query = raw.get("query")
    if query is None and messages is not None:
        query = last_user_text(messages)
    if not isinstance(query, str):
        raise RequestError(f"{where}: 'query' must be a string", "Send the prompt text as 'query', or the "
                                                                 "conversation as 'messages'.")
    # Rankings are unknown here and unused for scoring: all tied, so no preference pairs are built.
    return Item(id=where, query=query, images=images, responses=list(responses), ranking=[0] * len(responses),
                source=where, messages=messages, tools=tools)


def request_images(raw: dict[str, Any], where: str) -> list[ImageRef]:
    """"images" (a list, one per image part of the messages) or the single "image"; decoded here."""
    many = raw.get("images")
    if many is None:
        one = decode_image(raw.get("image"), where)
        return [one] if one else []
    if raw.get("image") not in (None, ""):
        raise RequestError(f"{where}: send either 'image' or 'images', not both", "Put every image in 'images'.")
    if not isinstance(many, list):
        raise RequestError(f"{where}: 'images' must be a list of base64 strings", "Send one entry per image part.")
    refs = [decode_image(value, f"{where} images[{i}]") for i, value in enumerate(many)]
    if any(ref is None for ref in refs):
        raise RequestError(f"{where}: 'images' holds an empty entry", "Send every image's bytes as base64.")
    return [ref for ref in refs if ref is not None]


class ScoreServer:
    def __init__(self, model_path: str, base_model_name: str | None, max_length: int) -> None:
        t0 = time.time()
        self.model_path = resolve_model_path(model_path)
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        model, rc = load_reward_model(str(self.model_path), base_model_name, resolve_dtype("auto"))
        self.model = model.to(self.device).eval()
        core = model.get_base_model() if hasattr(model, "peft_config") else model
        self.is_vl = bool(core.is_vl)
        self.fresh_head = bool(rc.get("fresh_head"))
        mp = self.model_path
        proc_src = mp if (mp / "tokenizer_config.json").exists() else Path(base_model_name or rc["base_model_name"])
        self.encoder = Encoder(load_processor(str(proc_src), self.is_vl), self.is_vl, max_length, "truncate")
        self.load_seconds = round(time.time() - t0, 3)

    def ready_line(self) -> dict[str, Any]:
        return {"type": "ready", "model_path": str(self.model_path), "is_vl": self.is_vl,
                "device": self.device.type, "load_seconds": self.load_seconds, "fresh_head": self.fresh_head}

    def prepare(self, raw: Any, where: str) -> tuple[Any, int]:
        """An item -> (encoded item, truncated response count), or a RequestError saying why not."""
        item = parse_item(raw, where)
        if item.images and not self.is_vl:
            raise RequestError(f"{where}: this model is text-only and cannot read the image",
                               "Leave the image out, or use a vision-language checkpoint.")
        try:
            kept, report, budgets = self.encoder.check_lengths([item])
            if not kept:
                raise RequestError(f"{where}: the prompt alone is longer than max_length "
                                   f"({self.encoder.max_length} tokens)", "Shorten the prompt or use a smaller image.")
            return self.encoder.encode(item, budgets.get(item.source)), report.truncated_responses
        except WorkerError as exc:
            raise RequestError(exc.message, exc.hint) from exc

    def score(self, items: Any) -> list[dict[str, Any]]:
        results: list[dict[str, Any] | None] = [None] * len(items)
        ready: list[tuple[int, Any, int]] = []
        for i, raw in enumerate(items):
            try:
                encoded, truncated = self.prepare(raw, f"item {i}")
                ready.append((i, encoded, truncated))
            except RequestError as exc:
                results[i] = {"error": exc.as_dict()}
        for start in range(0, len(ready), BATCH_ITEMS):
            chunk = ready[start:start + BATCH_ITEMS]
            try:
                with torch.no_grad():
                    batch = batch_to(collate([e for _, e, _ in chunk], self.encoder.pad_id), self.device)
                    rewards = self.model(batch).float().cpu().tolist()
            except Exception as exc:  # e.g. out of memory on a huge image: fail these items, keep serving
                for i, _, _ in chunk:
                    results[i] = {"error": {"message": f"item {i}: scoring failed ({exc.__class__.__name__}: {exc})",
                                            "hint": "Try fewer or shorter responses, or a smaller image."}}
                continue
            for (i, _, truncated), (off, n, _) in zip(chunk, batch["groups"]):
                results[i] = {"scores": rewards[off:off + n], "truncated_responses": truncated}
        return [r if r is not None else {"error": {"message": "not scored", "hint": ""}} for r in results]

    def answer(self, line: str) -> dict[str, Any]:
        t0 = time.time()
        try:
            request = json.loads(line)
        except json.JSONDecodeError as exc:
            return {"id": None, "error": {"message": f"request is not valid JSON ({exc.msg} at column {exc.colno})",
                                          "hint": "Send one JSON object per line."}}
        if not isinstance(request, dict):
            return {"id": None, "error": {"message": "request must be a JSON object", "hint": "See the protocol."}}
        rid = request.get("id")
        items = request.get("items")
        if not isinstance(items, list):
            return {"id": rid, "error": {"message": "request has no 'items' list",
                                         "hint": "Send {\"id\": ..., \"items\": [{\"query\", \"responses\"}]}."}}
        try:
            results = self.score(items)
        except Exception as exc:  # our own bug: answer this request with it, keep the model loaded
            return {"id": rid, "error": {"message": f"internal error: {exc.__class__.__name__}: {exc}",
                                         "hint": "This is a bug in the worker; the request was not scored."}}
        return {"id": rid, "results": results, "ms": round((time.time() - t0) * 1000, 3)}


def serve_main(model_path: str, base_model_name: str | None, max_length: int,
               stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    server = ScoreServer(model_path, base_model_name, max_length)
    if server.fresh_head:
        print(json.dumps({"event": "warning", "message": f"{server.model_path} has no trained score head: "
                                                         "its scores are random"}), file=sys.stderr, flush=True)
    stdout.write(json.dumps(server.ready_line()) + "\n")
    stdout.flush()
    for line in stdin:
        if not line.strip():
            continue
        try:
            reply = server.answer(line)
        except Exception as exc:  # our own bug: say so on this request, keep the model loaded
            reply = {"id": None, "error": {"message": f"internal error: {exc.__class__.__name__}: {exc}",
                                           "hint": "This is a bug in the worker; the request was not scored."}}
        stdout.write(json.dumps(reply, ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


__all__ = ["serve_main", "ScoreServer"]
