"""`score-server`: one reward model loaded once, scoring requests read as JSON lines on stdin.

The studio keeps this process warm for the score playground and the reward-model HTTP API, so a
request pays for encoding and one forward pass, never for loading the model again.

Protocol (one JSON object per line, UTF-8):
  stdout, once loaded:  {"type": "ready", "model_path", "is_vl", "device", "load_seconds", "fresh_head",
                         "max_batch_tokens"}
  stdin, per request:   {"id": any, "items": [{"query": str, "responses": [str, ...], "image": base64 | null}]}
                        an item may carry the whole conversation instead of a query (as in data files):
                        {"messages": [...], "tools"?: [...], "images"?: [base64, ...], "responses": [...]},
                        one image per {"type": "image"} part, in order ("image" still works for one);
                        or one already-rendered text (what RL trainers send): {"text": str, "images"?: [...]}.
  stdout, per request:  {"id": ..., "results": [{"scores": [...], "truncated_responses": n, "tokens": n}
                                                | {"error": {"message", "hint", "code"?}}], "ms": x}
                        a text item's result also has "end_token_added" and "turn_opening_found" (booleans).
A line that is not a request is answered {"id": null | its id, "error": {"message", "hint"}}; a bad
item gets its own error and the other items are still scored. The process never exits on bad input;
end of stdin ends it. Loading problems exit 2 with a JSON error line on stderr, like `score`.
"tokens" counts the item's sequences (prefix once per response, images as their expanded tokens). An
item whose prompt alone does not fit max_length gets an error with "code": "too_long".

A text item is one sequence, the chat template already applied (special tokens kept as text), e.g.
"<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n<|endoftext|>". It is scored
where training reads the reward, so it scores what `score` gives the same conversation + response:
  * leading and trailing copies of the pad token's text are stripped (and whitespace after the last
    end-of-turn token);
  * the assistant-turn opening is the chat template's generation prompt (a probe conversation rendered
    with add_generation_prompt minus without it, e.g. "<|im_start|>assistant\n"). The text is cut at its
    LAST occurrence: the prompt is the text through it, the response the text after it up to the first
    end-of-turn token (e.g. "<|im_end|>"); anything after that token is dropped. Both pieces are
    tokenized as training tokenizes them (prompt alone, response + end token alone);
  * no end-of-turn token after the opening: it is appended, scored as if the turn ended there, and the
    result says "end_token_added": true;
  * no opening at all (a plain string): the text's first token is the prompt and the rest the response
    (end token appended if missing), "turn_opening_found": false. The model is causal, so where the cut
    falls only changes tokenization at the boundary, not what the reward token sees;
  * VL models take "images", one per image placeholder already in the prompt part of the text (e.g.
    "<|vision_start|><|image_pad|><|vision_end|>"), processed with the prompt as for conversations.
    Placeholders without images (or in the response), or images for a text-only model, are item errors;
  * max_length as for other items: a long response is truncated keeping its end token; a prompt
    alone too long is a "too_long" error.

Scoring is batched by padded tokens, not item count: encoded items are sorted by length and packed into
forward passes of at most --max_batch_tokens padded tokens (estimated as the collated layout pads them:
items x longest prompt + response rows x longest response) and MAX_BATCH_ITEMS items; an item larger than
the budget is scored alone. Results come back in request order; a forward pass that fails fails only its
own items.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import torch

from reward_studio.collate import EncodedItem, Encoder, collate
from reward_studio.conversation import last_user_text, parse_messages, parse_tools
from reward_studio.data import ImageRef, Item
from reward_studio.errors import DataError, WorkerError
from reward_studio.model import load_processor, load_reward_model, resolve_dtype
from reward_studio.score import resolve_model_path

# Padded tokens per forward pass (--max_batch_tokens) and items per forward pass at most.
DEFAULT_MAX_BATCH_TOKENS = 16384
MAX_BATCH_ITEMS = 256


class RequestError(Exception):
    def __init__(self, message: str, hint: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code  # machine-readable kind, e.g. "too_long" (the HTTP side answers 413)

    def as_dict(self) -> dict[str, str]:
        out = {"message": self.message, "hint": self.hint}
        if self.code:
            out["code"] = self.code
        return out


@dataclass
class Prepared:
    """An item ready for a forward pass, and what its result says besides the scores."""

    index: int
    encoded: EncodedItem
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def prefix_len(self) -> int:
        return len(self.encoded.prefix_ids)

    @property
    def resp_lens(self) -> list[int]:
        return [len(ids) for ids in self.encoded.response_ids]

    @property
    def tokens(self) -> int:
        return sum(self.prefix_len + n for n in self.resp_lens)


def padded_tokens(items: int, max_prefix: int, rows: int, max_resp: int) -> int:
    """Tokens of one collated batch with its padding: prefixes left-padded per item, responses as rows."""
    return items * max_prefix + rows * max_resp


def token_batches(sizes: list[tuple[int, list[int]]], max_tokens: int,
                  max_items: int = MAX_BATCH_ITEMS) -> list[list[int]]:
    """Indices of (prefix length, response lengths) items grouped into forward passes: sorted by length,
    each pass filled while its padded size stays within max_tokens (an item bigger than that goes alone)."""
    order = sorted(range(len(sizes)), key=lambda k: (sizes[k][0] + max(sizes[k][1], default=0), k))
    batches: list[list[int]] = []
    current: list[int] = []
    max_prefix = max_resp = rows = 0
    for k in order:
        prefix, resps = sizes[k]
        grown = padded_tokens(len(current) + 1, max(max_prefix, prefix), rows + len(resps),
                              max(max_resp, max(resps, default=0)))
        if current and (grown > max_tokens or len(current) >= max_items):
            batches.append(current)
            current, max_prefix, max_resp, rows = [], 0, 0, 0
        current.append(k)
        max_prefix, max_resp, rows = max(max_prefix, prefix), max(max_resp, max(resps, default=0)), rows + len(resps)
    if current:
        batches.append(current)
    return batches


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
    def __init__(self, model_path: str, base_model_name: str | None, max_length: int,
                 max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS) -> None:
        t0 = time.time()
        self.model_path = resolve_model_path(model_path)
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        model, rc = load_reward_model(str(self.model_path), base_model_name, resolve_dtype("auto"))
        self.model = model.to(self.device).eval()
        core = model.get_base_model() if hasattr(model, "peft_config") else model
        self.is_vl = bool(core.is_vl)
        self.fresh_head = bool(rc.get("fresh_head"))
        self.max_batch_tokens = max(1, int(max_batch_tokens))
        mp = self.model_path
        proc_src = mp if (mp / "tokenizer_config.json").exists() else Path(base_model_name or rc["base_model_name"])
        self.encoder = Encoder(load_processor(str(proc_src), self.is_vl), self.is_vl, max_length, "truncate")
        self.load_seconds = round(time.time() - t0, 3)

    def ready_line(self) -> dict[str, Any]:
        return {"type": "ready", "model_path": str(self.model_path), "is_vl": self.is_vl,
                "device": self.device.type, "load_seconds": self.load_seconds, "fresh_head": self.fresh_head,
                "max_batch_tokens": self.max_batch_tokens}

    def too_long(self, where: str) -> RequestError:
        return RequestError(f"{where}: the prompt alone is longer than max_length ({self.encoder.max_length} tokens)",
                            "Shorten the prompt or use a smaller image.", code="too_long")

    def prepare(self, raw: Any, where: str, index: int = 0) -> Prepared:
        """An item -> its encoding and result fields, or a RequestError saying why not."""
        if isinstance(raw, dict) and "text" in raw:
            return self.prepare_text(raw, where, index)
        item = parse_item(raw, where)
        if item.images and not self.is_vl:
            raise RequestError(f"{where}: this model is text-only and cannot read the image",
                               "Leave the image out, or use a vision-language checkpoint.")
        try:
            kept, report, budgets = self.encoder.check_lengths([item])
            if not kept:
                raise self.too_long(where)
            encoded = self.encoder.encode(item, budgets.get(item.source))
        except WorkerError as exc:
            raise RequestError(exc.message, exc.hint) from exc
        return Prepared(index, encoded, {"truncated_responses": report.truncated_responses})

    def prepare_text(self, raw: dict[str, Any], where: str, index: int) -> Prepared:
        """A {"text", "images"?} item: one rendered sequence, cut where training reads the reward."""
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            raise RequestError(f"{where}: 'text' must be a non-empty string",
                               "Send the prompt and response rendered with the chat template.")
        mixed = [k for k in ("query", "messages", "responses", "tools") if raw.get(k) is not None]
        if mixed:
            raise RequestError(f"{where}: a 'text' item cannot also have {', '.join(repr(k) for k in mixed)}",
                               "Send either the rendered 'text', or 'query'/'messages' with 'responses'.")
        images = request_images(raw, where)
        if images and not self.is_vl:
            raise RequestError(f"{where}: this model is text-only and cannot read the image",
                               "Leave the images out, or use a vision-language checkpoint.")
        enc = self.encoder
        try:
            split = enc.split_rendered(text)
        except WorkerError as exc:
            raise RequestError(f"{where}: {exc.message}", exc.hint) from exc
        placeholder = enc.image_placeholder
        if placeholder in split.response:
            raise RequestError(f"{where}: the response part of 'text' holds an image placeholder ({placeholder})",
                               "Images belong in the prompt: put their placeholders before the assistant turn.")
        shown = split.prefix.count(placeholder)
        if shown != len(images):
            raise RequestError(f"{where}: 'text' has {shown} image placeholder(s) ({placeholder}) but the item has "
                               f"{len(images)} image(s)",
                               "Send one entry of 'images' per image placeholder, in order"
                               + ("." if self.is_vl else ", with a vision-language checkpoint."))
        try:
            budget = enc.response_budget(enc.rendered_prefix_length(split.prefix, images))
            if budget is None:
                raise self.too_long(where)
            truncated = int(len(enc.response_ids(split.response)) > budget)
            encoded = enc.encode_rendered(split.prefix, [split.response], images, budget, item_id=where)
        except WorkerError as exc:
            raise RequestError(exc.message, exc.hint) from exc
        return Prepared(index, encoded, {"truncated_responses": truncated, "end_token_added": split.end_token_added,
                                         "turn_opening_found": split.turn_opening_found})

    def score(self, items: Any) -> list[dict[str, Any]]:
        results: list[dict[str, Any] | None] = [None] * len(items)
        ready: list[Prepared] = []
        for i, raw in enumerate(items):
            try:
                ready.append(self.prepare(raw, f"item {i}", i))
            except RequestError as exc:
                results[i] = {"error": exc.as_dict()}
        sizes = [(p.prefix_len, p.resp_lens) for p in ready]
        for group in token_batches(sizes, self.max_batch_tokens):
            chunk = [ready[k] for k in group]
            try:
                with torch.no_grad():
                    batch = collate([p.encoded for p in chunk], self.encoder.pad_id).to(self.device)
                    rewards = self.model(batch).float().cpu().tolist()
            except Exception as exc:  # e.g. out of memory on a huge image: fail these items, keep serving
                for p in chunk:
                    results[p.index] = {"error": {
                        "message": f"item {p.index}: scoring failed ({exc.__class__.__name__}: {exc})",
                        "hint": "Try fewer or shorter responses, or a smaller image."}}
                continue
            for p, (off, n, _) in zip(chunk, batch.groups):
                results[p.index] = {"scores": rewards[off:off + n], **p.info, "tokens": p.tokens}
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
               max_batch_tokens: int = DEFAULT_MAX_BATCH_TOKENS,
               stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    server = ScoreServer(model_path, base_model_name, max_length, max_batch_tokens)
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
