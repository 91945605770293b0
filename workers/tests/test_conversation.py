"""Whole conversations, end to end: read and checked from data files, rendered through the model's own
chat template (tools, tool calls and results, images where they stand), scored by `score` and
`score-server` alike, trained on through the real CLI, and an item's own margin in the margin loss."""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path
from typing import Any

import pytest
import torch
from PIL import Image

from conftest import read_db, run_worker, series, write_run
from reward_studio.collate import Encoder, collate
from reward_studio.data import ImageRef, Item, load_items
from reward_studio.errors import DataError
from reward_studio.loss import preference_loss
from reward_studio.model import load_processor
from test_score_server import Server, fixed_checkpoint, score_file

SYSTEM = "You are a helpful assistant."
# Three user turns (with the assistant's answers between them) after a system prompt.
THREE_TURNS = [
    {"role": "system", "content": SYSTEM},
    {"role": "user", "content": "What colour is the sky?"},
    {"role": "assistant", "content": "It is blue."},
    {"role": "user", "content": [{"type": "text", "text": "And the grass?"}]},
    {"role": "assistant", "content": "It is green."},
    {"role": "user", "content": "Which one is darker?"},
]
RESPONSES = ["The grass is darker.", "I think the sky, it is dark at night."]
AQI_TOOLS = [{"type": "function", "function": {"name": "realtime_aqi", "description": "Air quality of a city",
                                               "parameters": {"type": "object",
                                                              "properties": {"city": {"type": "string"}}}}}]


def item(messages: list[dict[str, Any]] | None, responses: list[str] = RESPONSES, images: list[ImageRef] = (),
         tools: list[dict[str, Any]] | None = None, margin: float | None = None, query: str = "q") -> Item:
    return Item("c1", query, list(images), list(responses), [0, 1] + [1] * (len(responses) - 2), "test:1",
                messages=messages, tools=tools, margin=margin)


def square(path: Path, colour: tuple[int, int, int], size: int = 56) -> Path:
    Image.new("RGB", (size, size), colour).save(path)
    return path


def until_end_of_turn(ids: list[int], start: int, end_id: int) -> list[int]:
    """ids up to and including the first end-of-turn token at or after `start` (the response's own)."""
    k = ids.index(end_id, start)
    return ids[: k + 1]


# ---- rendering: prefix + response == the chat template's rendering of the next assistant turn ----------
def test_text_conversation_equals_chat_template_tokens(tiny_text):
    tok = load_processor(str(tiny_text), False)
    enc = Encoder(tok, False, 2048, "truncate")
    encoded = enc.encode(item(THREE_TURNS))
    end_id = tok.convert_tokens_to_ids("<|im_end|>")
    for response, response_ids in zip(RESPONSES, encoded.response_ids):
        full = tok.apply_chat_template(THREE_TURNS + [{"role": "assistant", "content": response}], tokenize=False)
        ids = tok(full, add_special_tokens=False)["input_ids"]
        assert encoded.prefix_ids + response_ids == until_end_of_turn(ids, len(encoded.prefix_ids), end_id)
        assert response_ids[-1] == end_id  # the reward is read on the response's own end-of-turn token
    prefix = tok.decode(encoded.prefix_ids)
    assert prefix.count("<|im_start|>") == 7 and SYSTEM in prefix and "It is green." in prefix
    assert enc.prefix_length(item(THREE_TURNS)) == len(encoded.prefix_ids)


def test_vl_conversation_with_image_in_second_user_turn_equals_processor_tokens(tiny_vl, tmp_path):
    proc = load_processor(str(tiny_vl), True)
    enc = Encoder(proc, True, 2048, "truncate")
    messages = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": "I will show you a square."},
        {"role": "assistant", "content": "Please show me."},
        {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What colour is it?"}]},
    ]
    png = square(tmp_path / "red.png", (220, 38, 38))
    it = item(messages, ["It is red.", "It is blue."], images=[ImageRef(path=str(png))])
    encoded = enc.encode(it)
    end_id = proc.tokenizer.convert_tokens_to_ids("<|im_end|>")
    image_id = proc.image_token_id
    for response, response_ids in zip(it.responses, encoded.response_ids):
        full = proc.apply_chat_template(messages + [{"role": "assistant", "content": response}], tokenize=False)
        ids = proc(text=[full], images=[Image.open(png).convert("RGB")], return_tensors="pt")["input_ids"][0].tolist()
        assert encoded.prefix_ids + response_ids == until_end_of_turn(ids, len(encoded.prefix_ids), end_id)
    # the image's 4 tokens stand in the second user turn, after the assistant's first answer
    first_image = encoded.prefix_ids.index(image_id)
    assert encoded.prefix_ids.count(image_id) == 4
    assert "Please show me." in proc.tokenizer.decode(encoded.prefix_ids[:first_image])
    assert sum(encoded.prefix_mm) == 4 and encoded.pixel_values is not None
    assert enc.prefix_length(it) == len(encoded.prefix_ids)


def test_vl_two_images_in_two_turns_length_and_order(tiny_vl, tmp_path):
    proc = load_processor(str(tiny_vl), True)
    enc = Encoder(proc, True, 2048, "truncate")
    messages = [
        {"role": "user", "content": [{"type": "text", "text": "First:"}, {"type": "image"}]},
        {"role": "assistant", "content": "Seen."},
        {"role": "user", "content": [{"type": "text", "text": "Second:"}, {"type": "image"},
                                     {"type": "text", "text": "Same colour?"}]},
    ]
    red, blue = square(tmp_path / "r.png", (220, 38, 38)), square(tmp_path / "b.png", (37, 99, 235), 112)
    it = item(messages, ["No.", "Yes."], images=[ImageRef(path=str(red)), ImageRef(path=str(blue))])
    encoded = enc.encode(it)
    assert enc.prefix_length(it) == len(encoded.prefix_ids)
    full = proc.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    images = [Image.open(p).convert("RGB") for p in (red, blue)]
    assert encoded.prefix_ids == proc(text=[full], images=images, return_tensors="pt")["input_ids"][0].tolist()
    # swapping the images changes the pixels fed, not the layout: the order of 'image' is the order of the parts
    swapped = enc.encode(item(messages, ["No.", "Yes."], images=[ImageRef(path=str(blue)), ImageRef(path=str(red))]))
    assert not torch.equal(swapped.pixel_values, encoded.pixel_values)


def test_tool_calls_and_results_render_through_the_template(tiny_text, tmp_path):
    tok = load_processor(str(tiny_text), False)
    enc = Encoder(tok, False, 4096, "truncate")
    call_aqi = {"name": "realtime_aqi", "arguments": {"city": "Beijing"}}
    call_weather = {"name": "weather", "arguments": {"city": "Beijing"}}
    messages = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": "How is the air in Beijing?"},
        {"role": "tool_call", "content": json.dumps(call_aqi)},
        {"role": "tool_call", "content": json.dumps(call_weather)},
        {"role": "tool", "content": '{"aqi": 10}'},
        {"role": "tool", "content": "sunny"},
    ]
    bare_tool = dict(AQI_TOOLS[0]["function"])
    rows = [{"messages": messages, "tools": [bare_tool], "response": RESPONSES, "human_ranking": [0, 1]}]
    got = enc.prefix_text(load_items(write_jsonl(tmp_path / "tools.jsonl", rows))[0])
    # What transformers' tool-use format asks for: one assistant turn holding both calls, the tools OpenAI-shaped.
    expected = tok.apply_chat_template(
        [messages[0], messages[1],
         {"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function": call_aqi},
                                                              {"type": "function", "function": call_weather}]},
         {"role": "tool", "content": '{"aqi": 10}'}, {"role": "tool", "content": "sunny"}],
        tools=AQI_TOOLS, add_generation_prompt=True, tokenize=False)
    assert got == expected
    assert got.count("<tool_call>\n{") == 2 and got.count("<tool_response>") == 2 and '"realtime_aqi"' in got
    assert got.count("<|im_start|>assistant") == 2  # the calls' turn and the generation prompt
    # a call that is not JSON stays what it is: plain assistant text
    odd = [messages[1], {"role": "tool_call", "content": "realtime_aqi(Beijing)"}, {"role": "tool", "content": "10"}]
    text = enc.prefix_text(item(odd))
    assert "<|im_start|>assistant\nrealtime_aqi(Beijing)<|im_end|>" in text and "<tool_call>" not in text


def test_assistant_text_and_its_calls_render_as_one_turn(tiny_text):
    """OpenAI's assistant {content, tool_calls}, stored as assistant + tool_call messages, is one turn again."""
    tok = load_processor(str(tiny_text), False)
    call = {"name": "realtime_aqi", "arguments": {"city": "Rome"}}
    messages = [{"role": "user", "content": "Air in Rome?"}, {"role": "assistant", "content": "Let me check."},
                {"role": "tool_call", "content": json.dumps(call)}, {"role": "tool", "content": "17"}]
    got = Encoder(tok, False, 2048, "truncate").prefix_text(item(messages, tools=AQI_TOOLS))
    expected = tok.apply_chat_template(
        [messages[0], {"role": "assistant", "content": "Let me check.",
                       "tool_calls": [{"type": "function", "function": call}]}, messages[3]],
        tools=AQI_TOOLS, add_generation_prompt=True, tokenize=False)
    assert got == expected and got.count("<|im_start|>assistant") == 2
    assert "Let me check.\n<tool_call>\n" in got


def test_single_turn_items_render_as_before(tiny_vl, tiny_text, tmp_path):
    """A plain query is the one-user-turn conversation: same text with or without `messages`."""
    text_enc = Encoder(load_processor(str(tiny_text), False), False, 2048, "truncate")
    plain = text_enc.prefix_text(item(None, query="What colour is it?"))
    assert plain == "<|im_start|>user\nWhat colour is it?<|im_end|>\n<|im_start|>assistant\n"
    assert text_enc.prefix_text(item([{"role": "user", "content": "What colour is it?"}])) == plain
    vl_enc = Encoder(load_processor(str(tiny_vl), True), True, 2048, "truncate")
    ref = [ImageRef(path=str(square(tmp_path / "g.png", (22, 163, 74))))]
    vl_plain = vl_enc.prefix_text(item(None, images=ref, query="What colour is it?"))
    assert vl_plain == ("<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>What colour is it?<|im_end|>\n"
                        "<|im_start|>assistant\n")
    as_messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What colour is it?"}]}]
    assert vl_enc.prefix_text(item(as_messages, images=ref)) == vl_plain


def test_template_less_tokenizer_uses_chatml_for_every_message(tiny_text):
    tok = load_processor(str(tiny_text), False)
    tok.chat_template = None
    text = Encoder(tok, False, 2048, "truncate").prefix_text(item(THREE_TURNS))
    assert text.startswith(f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\nWhat colour is the sky?")
    assert text.endswith("<|im_start|>user\nWhich one is darker?<|im_end|>\n<|im_start|>assistant\n")


def test_text_model_refuses_image_parts(tiny_text, tmp_path):
    enc = Encoder(load_processor(str(tiny_text), False), False, 2048, "truncate")
    ref = [ImageRef(path=str(square(tmp_path / "x.png", (1, 2, 3))))]
    with pytest.raises(DataError, match="text-only"):
        enc.prefix_text(item([{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "?"}]}],
                             images=ref))


# ---- data files: messages, tools, margin --------------------------------------------------------------
def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_jsonl_reads_messages_tools_and_margin(tmp_path):
    square(tmp_path / "a.png", (220, 38, 38))
    rows = [
        {"id": "conv", "query": "What colour?", "image": ["a.png"], "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What colour?"}]}],
         "tools": [AQI_TOOLS[0]["function"]], "margin": 1.5, "response": ["Red.", "Blue."], "human_ranking": [0, 1]},
        {"id": "no-query", "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"},
                                        {"role": "user", "content": [{"type": "text", "text": "bye"}]}],
         "response": ["Bye!", "No."], "human_ranking": [0, 1]},
        {"id": "plain", "query": "q", "response": ["a", "b"], "human_ranking": [1, 0]},
    ]
    conv, no_query, plain = load_items(write_jsonl(tmp_path / "d.jsonl", rows))
    assert conv.messages[1]["content"][0] == {"type": "image"} and conv.margin == 1.5
    assert conv.tools == AQI_TOOLS  # a bare definition is wrapped into the OpenAI shape
    assert no_query.query == "bye" and no_query.tools is None and no_query.margin is None
    assert plain.messages is None and plain.tools is None and plain.margin is None


BAD_ROWS = [
    ({"messages": "hello"}, "'messages' must be a non-empty list", "conversation before the responses"),
    ({"messages": [{"role": "bot", "content": "x"}]}, "role 'bot' is not one of", "roles"),
    ({"messages": [{"role": "user", "content": 5}]}, "content must be a string or a list of parts", "parts"),
    ({"messages": [{"role": "user", "content": [{"type": "video"}]}]}, "content[0]: a content part must be",
     "image"),
    ({"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]},
     "ends with a assistant message", "move a final assistant turn"),
    ({"messages": [{"role": "system", "content": "s"}, {"role": "tool", "content": "r"}]}, "has no user message",
     "user message"),
    ({"messages": [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "?"}]}]},
     "1 image part(s) but the item has 0 image(s)", "in the order of 'image'"),
    ({"messages": [{"role": "user", "content": "q"}, {"role": "tool_call", "content": ""},
                   {"role": "tool", "content": "r"}]}, "tool_call's content must be the call as JSON text", "name"),
    ({"tools": [{"description": "no name"}]}, "tools[0]: a tool definition needs a 'name'", "parameters"),
    ({"tools": "{not json"}, "'tools' is a string but not valid JSON", "list of tool definitions"),
    ({"tools": {"name": "x"}}, "'tools' must be a list", "function"),
    ({"margin": "big"}, "'margin' must be a finite number", "run's margin"),
    ({"margin": True}, "'margin' must be a finite number", "run's margin"),
]


@pytest.mark.parametrize("change,needle,hint", BAD_ROWS)
def test_bad_conversation_fields_name_file_line_and_fix(tmp_path, change, needle, hint):
    good = {"query": "q", "response": ["a", "b"], "human_ranking": [0, 1]}
    path = write_jsonl(tmp_path / "d.jsonl", [good, {**good, **change}])
    with pytest.raises(DataError) as err:
        load_items(path)
    assert f"{path}:2" in err.value.message and needle in err.value.message, err.value.message
    assert hint in err.value.hint, err.value.hint


def test_nan_margin_is_refused(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"query": "q", "response": ["a", "b"], "human_ranking": [0, 1], "margin": NaN}\n')
    with pytest.raises(DataError, match=r"d\.jsonl:1: 'margin' must be a finite number"):
        load_items(path)


def test_parquet_reads_messages_tools_and_margin(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    square(tmp_path / "a.png", (22, 163, 74))
    # Arrow keeps one struct type per column: every content is a list of parts, absent fields become null.
    rows = [
        {"id": "p1", "query": "What colour?", "image": ["a.png"], "response": ["Green.", "Red."],
         "human_ranking": [0, 1], "margin": 2.0, "tools": json.dumps(AQI_TOOLS),
         "messages": [{"role": "system", "content": [{"type": "text", "text": SYSTEM}]},
                      {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What colour?"}]}]},
        {"id": "p2", "query": "q", "image": [], "response": ["a", "b"], "human_ranking": [1, 0], "margin": None,
         "tools": None, "messages": None},
    ]
    path = tmp_path / "d.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    first, second = load_items(path)
    assert first.messages[1]["content"] == [{"type": "image"}, {"type": "text", "text": "What colour?"}]
    assert first.tools == AQI_TOOLS and first.margin == 2.0 and len(first.images) == 1
    assert second.messages is None and second.tools is None and second.margin is None
    # tools as Arrow structs: a field one tool lacks comes back as null and is dropped, not rendered as null
    structs = [{**rows[0], "tools": [{"name": "a", "description": "first"}, {"name": "b"}]}]
    pq.write_table(pa.Table.from_pylist(structs), tmp_path / "structs.parquet")
    assert load_items(tmp_path / "structs.parquet")[0].tools == [
        {"type": "function", "function": {"name": "a", "description": "first"}},
        {"type": "function", "function": {"name": "b"}}]
    bad = [{**rows[0], "image": []}]
    pq.write_table(pa.Table.from_pylist(bad), tmp_path / "bad.parquet")
    with pytest.raises(DataError, match=r"bad\.parquet:1: 'messages' has 1 image part\(s\) but the item has 0"):
        load_items(tmp_path / "bad.parquet")


# ---- per-item margin -------------------------------------------------------------------------------------
def test_item_margin_reaches_the_loss_through_collate(tiny_text):
    enc = Encoder(load_processor(str(tiny_text), False), False, 2048, "truncate")
    items = [item(THREE_TURNS, margin=3.0), item(None, ["yes", "no", "maybe"], query="x")]
    batch = collate([enc.encode(it) for it in items], enc.pad_id)
    assert batch.pairs.tolist() == [[0, 1], [2, 3], [2, 4]]
    assert torch.isnan(batch.pair_margin[1:]).all() and batch.pair_margin[0].item() == 3.0
    rewards = torch.tensor([1.0, 0.0, 0.5, 0.0, 0.25])
    sig = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    # use_margin_loss: the first item's pair takes its own margin 3.0, the others the run's 0.5
    expected = -(math.log(sig(1.0 - 3.0)) + math.log(sig(0.5 - 0.5)) + math.log(sig(0.25 - 0.5))) / 3
    assert preference_loss(rewards, batch, "pairwise", 0.5, use_margin=True).item() == pytest.approx(expected)
    # without use_margin_loss an item's margin is ignored, as the run's is
    plain = -(math.log(sig(1.0)) + math.log(sig(0.5)) + math.log(sig(0.25))) / 3
    assert preference_loss(rewards, batch, "pairwise", 0.0, use_margin=False).item() == pytest.approx(plain)


# ---- scoring and serving -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def text_ckpt(tmp_path_factory, tiny_text) -> Path:
    return fixed_checkpoint(tiny_text, tmp_path_factory.mktemp("conv") / "text-ckpt", False)


@pytest.fixture(scope="module")
def vl_ckpt(tmp_path_factory, tiny_vl) -> Path:
    return fixed_checkpoint(tiny_vl, tmp_path_factory.mktemp("conv") / "vl-ckpt", True)


def test_score_and_score_server_take_conversations(text_ckpt, tmp_path):
    other_system = [{"role": "system", "content": "Answer in one word."}] + THREE_TURNS[1:]
    tool_turns = [THREE_TURNS[1], {"role": "tool_call", "content": json.dumps({"name": "realtime_aqi",
                                                                                "arguments": {"city": "Paris"}})},
                  {"role": "tool", "content": "42"}]
    rows = [
        {"id": "a", "messages": THREE_TURNS, "response": RESPONSES, "human_ranking": [0, 1]},
        {"id": "b", "messages": other_system, "response": RESPONSES, "human_ranking": [0, 1]},
        {"id": "c", "messages": tool_turns, "tools": AQI_TOOLS, "response": RESPONSES},
        {"id": "d", "query": "Which one is darker?", "response": RESPONSES, "human_ranking": [0, 1]},
    ]
    data = write_jsonl(tmp_path / "conv.jsonl", rows)
    expected = score_file(text_ckpt, data, tmp_path)
    # the conversation is what is scored: same last question, other earlier turns -> other scores
    assert expected[0] != pytest.approx(expected[1], abs=1e-6)
    assert expected[0] != pytest.approx(expected[3], abs=1e-6)
    server = Server(text_ckpt)
    try:
        items = [{k: r[k] for k in ("messages", "tools") if k in r} | {"responses": r["response"]} for r in rows[:3]]
        items.append({"query": rows[3]["query"], "responses": RESPONSES})
        items.append({"messages": [{"role": "assistant", "content": "hi"}], "responses": ["x"]})
        reply = server.ask(json.dumps({"id": 1, "items": items}))
        got = [r.get("scores") for r in reply["results"]]
        for g, e in zip(got[:4], expected):
            assert g == pytest.approx(e, abs=1e-5)
        assert "has no user message" in reply["results"][4]["error"]["message"]
    finally:
        assert server.close() == 0


def test_score_server_conversation_with_images_equals_score(vl_ckpt, tmp_path):
    red, blue = square(tmp_path / "r.png", (220, 38, 38)), square(tmp_path / "b.png", (37, 99, 235))
    messages = [
        {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Remember this one."}]},
        {"role": "assistant", "content": "Done."},
        {"role": "user", "content": [{"type": "text", "text": "And now:"}, {"type": "image"},
                                     {"type": "text", "text": "Same colour?"}]},
    ]
    rows = [{"id": "i", "image": ["r.png", "b.png"], "messages": messages, "response": ["No.", "Yes."],
             "human_ranking": [0, 1]}]
    expected = score_file(vl_ckpt, write_jsonl(tmp_path / "vl.jsonl", rows), tmp_path)
    b64 = [base64.b64encode(p.read_bytes()).decode() for p in (red, blue)]
    server = Server(vl_ckpt)
    try:
        reply = server.ask(json.dumps({"id": 1, "items": [
            {"messages": messages, "images": b64, "responses": ["No.", "Yes."]},
            {"messages": messages, "images": b64[:1], "responses": ["No."]},
            {"messages": messages, "images": b64, "image": b64[0], "responses": ["No."]},
        ]}))
        assert reply["results"][0]["scores"] == pytest.approx(expected[0], abs=1e-5)
        assert "2 image part(s) but the item has 1 image(s)" in reply["results"][1]["error"]["message"]
        assert "either 'image' or 'images'" in reply["results"][2]["error"]["message"]
    finally:
        assert server.close() == 0


# ---- training through the real CLI ----------------------------------------------------------------------
def conversation_rows(n: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(n):
        good, bad = ("It is blue.", "no") if i % 2 else ("The grass is green.", "bad")
        messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": f"question {i % 5}"},
                    {"role": "assistant", "content": "Tell me more."}, {"role": "user", "content": "Which colour?"}]
        row: dict[str, Any] = {"id": f"c{i}", "messages": messages, "response": [good, bad], "human_ranking": [0, 1]}
        if i % 3 == 0:
            row["margin"] = 1.0 + i / 10
        if i % 4 == 0:
            row["messages"] = messages[:2] + [
                {"role": "tool_call", "content": json.dumps({"name": "realtime_aqi", "arguments": {"city": "Rome"}})},
                {"role": "tool", "content": "17"}]
            row["tools"] = AQI_TOOLS
        rows.append(row)
    return rows


def test_train_cli_on_conversations_with_item_margins(tmp_path, tiny_text):
    rows = conversation_rows(12)
    train = write_jsonl(tmp_path / "data" / "train.jsonl", rows[:8])
    val = write_jsonl(tmp_path / "data" / "val.jsonl", rows[8:])
    run = write_run(tmp_path / "run", base_model_name=str(tiny_text), train_data_path=str(train),
                    val_data_path=str(val), batch_size=4, max_steps=2, num_epochs=1, learning_rate=1e-3,
                    use_margin_loss=True, margin=0.5, early_stopping_patience=0, save_total_limit=1)
    proc = run_worker(["train", "--run-dir", str(run)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert read_db(run, "SELECT phase FROM status")[0][0] == "finished"
    report = json.loads(read_db(run, "SELECT json FROM events WHERE kind = 'data_report'")[0][0])
    assert report["train"]["items"] == 8 and report["train"]["dropped_items"] == 0
    losses = series(run, "loss")
    assert sorted(losses) == [1, 2] and all(math.isfinite(v) for v in losses.values())
    assert "eval_accuracy" in {t for (t,) in read_db(run, "SELECT DISTINCT tag FROM scalars")}
    assert (run / "best" / "reward_config.json").exists()


# ---- ONNX exports: the chat template in per-role pieces ------------------------------------------------
QWEN2_VL_STYLE = (  # Qwen2-VL's layout: a default system prompt when the first message is not a system one
    "{% for message in messages %}{% if loop.first and message['role'] != 'system' %}<|im_start|>system\n"
    "You are a helpful assistant.<|im_end|>\n{% endif %}<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n{% else %}"
    "{% for content in message['content'] %}{% if content['type'] == 'image' %}"
    "<|vision_start|><|image_pad|><|vision_end|>{% elif content['type'] == 'text' %}{{ content['text'] }}"
    "{% endif %}{% endfor %}<|im_end|>\n{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
TRIMS = ("{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] | trim }}<|im_end|>\n"
         "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
STRIPS_THINKING = (  # Qwen3's habit: earlier assistant turns lose their <think> block
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{% if message['role'] == 'assistant' and '</think>' in message['content'] %}"
    "{{ message['content'].split('</think>')[-1].lstrip('\\n') }}{% else %}{{ message['content'] }}{% endif %}"
    "<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
SYSTEM_ONLY_FIRST = (
    "{% for message in messages %}{% if message['role'] == 'system' and not loop.first %}"
    "{{ raise_exception('System message must be first') }}{% endif %}<|im_start|>{{ message['role'] }}\n"
    "{{ message['content'] }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")


def text_encoder(tiny_text: Path, template: str | None = None) -> Encoder:
    tok = load_processor(str(tiny_text), False)
    if template is not None:
        tok.chat_template = template
    return Encoder(tok, False, 4096, "truncate")


def test_onnx_layout_reproduces_the_template(tiny_text, tiny_vl):
    from reward_studio.onnx_conversation import conversation_layout, render_with_layout

    enc = text_encoder(tiny_text)
    layout = conversation_layout(enc, False)
    assert layout is not None and "image_part" not in layout
    assert render_with_layout(layout, THREE_TURNS) == enc.prefix_text(item(THREE_TURNS))
    probe = layout["probe"]
    assert probe["prefix_ids"] == enc.tokenizer(enc.prefix_text(item(probe["messages"])),
                                                add_special_tokens=False)["input_ids"]
    vl = Encoder(load_processor(str(tiny_vl), True), True, 4096, "truncate")
    vl_layout = conversation_layout(vl, True)
    assert vl_layout["image_part"] == "<|vision_start|><|image_pad|><|vision_end|>"
    with_image = THREE_TURNS[:-1] + [{"role": "user", "content": [{"type": "text", "text": "This: "},
                                                                 {"type": "image"}]}]
    assert render_with_layout(vl_layout, with_image) == vl.prefix_text(
        item(with_image, images=[ImageRef(path="unused.png")]))


def test_onnx_layout_default_system_prompt_and_refused_orders(tiny_text):
    from reward_studio.onnx_conversation import conversation_layout, render_with_layout

    qwen2_vl = text_encoder(tiny_text, QWEN2_VL_STYLE)
    layout = conversation_layout(qwen2_vl, False)
    assert "You are a helpful assistant." in layout["start"]["user"]
    assert "You are a helpful assistant." not in layout["start"]["system"]
    no_system = THREE_TURNS[1:]
    assert render_with_layout(layout, no_system) == qwen2_vl.prefix_text(item(no_system))
    strict = text_encoder(tiny_text, SYSTEM_ONLY_FIRST)
    strict_layout = conversation_layout(strict, False)
    assert "system" not in strict_layout["between"]["user"] and "user" in strict_layout["between"]["system"]
    late = [{"role": "user", "content": "a"}, {"role": "system", "content": "s"}, {"role": "user", "content": "b"}]
    assert render_with_layout(strict_layout, late) is None  # Node refuses it, as the template does
    assert render_with_layout(strict_layout, THREE_TURNS) == strict.prefix_text(item(THREE_TURNS))


@pytest.mark.parametrize("template", [TRIMS, STRIPS_THINKING], ids=["trims", "strips-thinking"])
def test_onnx_layout_is_withheld_when_the_template_rewrites_contents(tiny_text, template):
    from reward_studio.onnx_conversation import conversation_layout

    assert conversation_layout(text_encoder(tiny_text, template), False) is None
