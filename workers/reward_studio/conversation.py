"""Conversations: what an item's prompt is, validated once and rendered through the model's chat template.

An item's prompt is a list of messages (the conversation before the responses being judged). The
studio's canonical shape, as app/store/types.ts `PromptMessage`:

  {"role": "system" | "user" | "assistant" | "tool_call" | "tool",
   "content": str | [{"type": "text", "text": str} | {"type": "image"}, ...]}

`tool_call` is an assistant's call of a tool, its content the call as JSON text
(`{"name": "realtime_aqi", "arguments": {"city": "Beijing"}}`); `tool` is the tool's result. Image
parts stand where the images were shown and match the item's image list one-to-one, in order.

A single-turn item (a query and its images) is the special case: one user message with the image
parts first, then the query. Both go through `template_messages` and the same chat template, so a
conversation of one user turn renders exactly as the query did before conversations existed.
"""

from __future__ import annotations

import json
import math
from typing import Any

from reward_studio.errors import DataError

ROLES = ("system", "user", "assistant", "tool_call", "tool")
# The response being judged is the next assistant turn: it follows the person or a tool's result.
LAST_ROLES = ("user", "tool")

# ChatML (Qwen's layout), used when a tokenizer ships without a chat template (base text models) and
# as the tiny test model's own template. Tools and tool calls follow Qwen2.5's template: the tool list
# goes into the system turn, calls are <tool_call> JSON inside the assistant turn, and consecutive tool
# results share one user turn as <tool_response> blocks. No default system prompt (tiny sequences).
CHATML_TEMPLATE = (
    # No whitespace control ("-") and no newline right after a block tag: the transformers Jinja
    # environment uses trim_blocks, which would eat it. Newlines after tags are written as {{ '\n' }}.
    "{% macro render(content) %}{% if content is string %}{{ content }}{% else %}{% for part in content %}"
    "{% if part['type'] == 'image' or 'image' in part %}<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif part['type'] == 'text' %}{{ part['text'] }}{% endif %}{% endfor %}{% endif %}{% endmacro %}"
    "{% if tools %}<|im_start|>system\n"
    "{% if messages[0]['role'] == 'system' %}{{ render(messages[0]['content']) }}{{ '\\n\\n' }}{% endif %}"
    "# Tools\n\n<tools>{% for tool in tools %}{{ '\\n' }}{{ tool | tojson }}{% endfor %}{{ '\\n' }}</tools>\n\n"
    "Call a function with <tool_call>{\"name\": ..., \"arguments\": ...}</tool_call>.<|im_end|>\n{% endif %}"
    "{% for message in messages %}"
    "{% if tools and loop.first and message['role'] == 'system' %}"
    "{% elif message['role'] == 'assistant' and message['tool_calls'] %}<|im_start|>assistant\n"
    "{% if message['content'] %}{{ render(message['content']) }}{{ '\\n' }}{% endif %}"
    "{% for call in message['tool_calls'] %}{% if not loop.first %}{{ '\\n' }}{% endif %}"
    "<tool_call>{{ '\\n' }}{{ '{\"name\": ' }}{{ call['function']['name'] | tojson }}{{ ', \"arguments\": ' }}"
    "{{ call['function']['arguments'] | tojson }}{{ '}\\n' }}</tool_call>{% endfor %}<|im_end|>\n"
    "{% elif message['role'] == 'tool' %}"
    "{% if loop.first or messages[loop.index0 - 1]['role'] != 'tool' %}<|im_start|>user{% endif %}"
    "{{ '\\n' }}<tool_response>\n{{ render(message['content']) }}\n</tool_response>"
    "{% if loop.last or messages[loop.index0 + 1]['role'] != 'tool' %}<|im_end|>\n{% endif %}"
    "{% else %}<|im_start|>{{ message['role'] }}\n{{ render(message['content']) }}<|im_end|>\n{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


# ---- validation (data files, score-server requests) -------------------------------------------------
def parse_messages(value: Any, where: str, image_count: int) -> list[dict[str, Any]]:
    """Checked messages, normalised to role + content (other keys, such as OpenAI's tool_call_id, are not rendered)."""
    fix = ("'messages' is the conversation before the responses: a list of {\"role\", \"content\"} with roles "
           f"{', '.join(ROLES)}.")
    if not isinstance(value, list) or not value:
        raise DataError(f"{where}: 'messages' must be a non-empty list of messages", fix)
    messages = [_parse_message(m, f"{where}: messages[{i}]", fix) for i, m in enumerate(value)]
    if not any(m["role"] == "user" for m in messages):
        raise DataError(f"{where}: 'messages' has no user message", "Add the person's question as a user message.")
    last = messages[-1]["role"]
    if last not in LAST_ROLES:
        raise DataError(f"{where}: 'messages' ends with a {last} message; the judged responses must follow a user "
                        "or tool message",
                        "End the conversation with the user turn the responses answer (move a final assistant "
                        "turn into 'response').")
    parts = sum(1 for m in messages if isinstance(m["content"], list) for p in m["content"] if p["type"] == "image")
    if parts != image_count:
        raise DataError(f"{where}: 'messages' has {parts} image part(s) but the item has {image_count} image(s)",
                        "Put one {\"type\": \"image\"} part where each image was shown, in the order of 'image'.")
    return messages


def _parse_message(raw: Any, where: str, fix: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise DataError(f"{where} must be an object with 'role' and 'content', got {type(raw).__name__}", fix)
    role = raw.get("role")
    if role not in ROLES:
        raise DataError(f"{where}: role {role!r} is not one of {', '.join(ROLES)}", fix)
    content = raw.get("content")
    if role == "tool_call":
        if isinstance(content, dict):  # an already-parsed call is written back as the JSON text it stands for
            content = json.dumps(content, ensure_ascii=False)
        if not isinstance(content, str) or not content.strip():
            raise DataError(f"{where}: a tool_call's content must be the call as JSON text",
                            "Write {\"name\": ..., \"arguments\": {...}} as the content string.")
        return {"role": role, "content": content}
    if isinstance(content, str):
        return {"role": role, "content": content}
    if not isinstance(content, list):
        raise DataError(f"{where}: content must be a string or a list of parts, got {type(content).__name__}",
                        "Use a string, or parts {\"type\": \"text\", \"text\": ...} and {\"type\": \"image\"}.")
    return {"role": role, "content": [_parse_part(p, f"{where}.content[{j}]") for j, p in enumerate(content)]}


def _parse_part(raw: Any, where: str) -> dict[str, Any]:
    kind = raw.get("type") if isinstance(raw, dict) else None
    if kind == "image":
        return {"type": "image"}
    if kind == "text" and isinstance(raw.get("text"), str):
        return {"type": "text", "text": raw["text"]}
    raise DataError(f"{where}: a content part must be {{\"type\": \"text\", \"text\": str}} or {{\"type\": \"image\"}}, "
                    f"got {json.dumps(raw, default=str)[:120]}",
                    "Give images as {\"type\": \"image\"} parts (the files go in 'image') and text as text parts.")


def parse_tools(value: Any, where: str) -> list[dict[str, Any]] | None:
    """Tool definitions in the OpenAI shape the chat templates expect; a bare {name, ...} is wrapped."""
    if value is None or value == []:
        return None
    if isinstance(value, str):  # Hugging Face datasets often keep tools as one JSON string
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise DataError(f"{where}: 'tools' is a string but not valid JSON ({exc.msg})",
                            "Give 'tools' as a list of tool definitions (or that list as JSON text).") from exc
    if not isinstance(value, list):
        raise DataError(f"{where}: 'tools' must be a list of tool definitions, got {type(value).__name__}",
                        "Give a list of {\"type\": \"function\", \"function\": {\"name\", \"description\", "
                        "\"parameters\"}}.")
    return [_parse_tool(t, f"{where}: tools[{i}]") for i, t in enumerate(value)]


def _parse_tool(raw: Any, where: str) -> dict[str, Any]:
    function = raw.get("function") if isinstance(raw, dict) and raw.get("type") == "function" else raw
    name = function.get("name") if isinstance(function, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise DataError(f"{where}: a tool definition needs a 'name'",
                        "Use {\"type\": \"function\", \"function\": {\"name\": ..., \"parameters\": {...}}} or "
                        "{\"name\": ..., \"parameters\": {...}}.")
    return raw if function is not raw else {"type": "function", "function": raw}


def parse_margin(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise DataError(f"{where}: 'margin' must be a finite number or null, got {value!r}",
                        "Give the pair's margin as a number (how much better the better response is), or leave "
                        "it out to use the run's margin.")
    return float(value)


def drop_nulls(value: Any) -> Any:
    """Parquet gives every struct the union of all rows' fields, the absent ones as null: drop them."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def last_user_text(messages: list[dict[str, Any]]) -> str:
    """The text of the last user message (the `query` a plain seed reader shows)."""
    for message in reversed(messages):
        if message["role"] == "user":
            return content_text(message["content"])
    return ""


def content_text(content: str | list[dict[str, Any]]) -> str:
    """Text parts joined with nothing between them, as the Qwen-VL templates place them."""
    if isinstance(content, str):
        return content
    return "".join(p["text"] for p in content if p["type"] == "text")


# ---- rendering ------------------------------------------------------------------------------------
def single_turn(query: str, image_count: int, is_vl: bool) -> list[dict[str, Any]]:
    """The conversation of a plain item: one user turn, its images first, then the query."""
    if not is_vl:
        return [{"role": "user", "content": query}]
    return [{"role": "user", "content": [{"type": "image"} for _ in range(image_count)]
             + [{"type": "text", "text": query}]}]


def template_messages(messages: list[dict[str, Any]], is_vl: bool) -> list[dict[str, Any]]:
    """The studio's messages in the shape chat templates read (transformers' tool-use format).

    tool_call messages become `tool_calls` of one assistant message: consecutive calls share it, and
    calls right after an assistant's text join that message (OpenAI's assistant {content, tool_calls},
    which the studio stores as an assistant message followed by tool_call messages, renders as the one
    turn it was). A call whose content is not a JSON object with a name stays what it is: plain
    assistant text. Text models get string content (their templates print a list as-is); VL models
    keep the parts, images where they stand.
    """
    out: list[dict[str, Any]] = []
    open_turn = False  # the last message out is an assistant turn that later calls may join
    for message in messages:
        role, content = message["role"], message["content"]
        call = tool_call(content) if role == "tool_call" else None
        if call is not None and open_turn:
            out[-1].setdefault("tool_calls", []).append(call)
        elif call is not None:
            out.append({"role": "assistant", "content": "", "tool_calls": [call]})
        elif role == "tool_call":
            out.append({"role": "assistant", "content": content})
        else:
            out.append({"role": role, "content": content if is_vl else content_text(content)})
        open_turn = call is not None or role == "assistant"
    return out


def tool_call(content: str) -> dict[str, Any] | None:
    """A tool_call message's JSON -> {"type": "function", "function": {"name", "arguments"}}, or None."""
    try:
        parsed = json.loads(content)
    except json.JSONDecodeError:
        return None
    if isinstance(parsed, dict) and parsed.get("type") == "function" and isinstance(parsed.get("function"), dict):
        parsed = parsed["function"]  # already OpenAI-shaped
    if not isinstance(parsed, dict) or not isinstance(parsed.get("name"), str):
        return None
    arguments = parsed.get("arguments", {})
    return {"type": "function", "function": {"name": parsed["name"], "arguments": arguments}}
