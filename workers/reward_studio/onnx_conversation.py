"""The chat template taken apart into pieces a caller without Python can put back together.

An ONNX export is scored in Node, where no Jinja runs. For conversations of system, user and
assistant messages (no tools, no tool calls), Qwen-family templates are a concatenation:

    start[role_1] + content_1 + between[role_1][role_2] + content_2 + ... + content_n + end[role_n]

where start holds whatever the template puts first (a default system prompt when the first message
is not a system one), between closes one turn and opens the next, and end closes the last turn and
opens the assistant's (the generation prompt). A content is a string, or parts: text as written and
each image part as `image_part`. The pieces are cut from the template's own renderings of sentinel
conversations, and the layout is kept only if it reproduces the template on probe conversations
(every role pair, whitespace around contents, an image between texts, a `<think>` block in an
assistant turn). A template that trims, rewrites or reorders contents fails that check, and Node then
refuses conversations for that export instead of rendering them differently.
"""

from __future__ import annotations

from typing import Any

from reward_studio.collate import Encoder
from reward_studio.data import ImageRef, Item

ROLES = ("system", "user", "assistant")
# The judged responses follow a user turn (tool results are not renderable without Jinja).
LAST_ROLES = ("user",)


def _sentinel(i: int) -> str:
    return f"\u2063RS_MESSAGE_{i}\u2063"


class NoLayout(Exception):
    """The template does not decompose into per-role pieces (or its pieces do not reproduce it)."""


class Refused(Exception):
    """The template refuses this order of roles (many allow a system message only first): so does Node."""


def conversation_layout(encoder: Encoder, is_vl: bool) -> dict[str, Any] | None:
    """start/between/end/image_part for this model's template, verified, with a probe Node checks its own
    rendering and tokenization against at load; None when the template does not decompose."""
    try:
        layout = _cut_pieces(encoder, is_vl)
        _verify(encoder, is_vl, layout)
    except NoLayout:
        return None
    probe = probe_conversations(False)[0]
    text = render_with_layout(layout, probe)
    if text is None:
        return None
    ids = encoder.tokenizer(text, add_special_tokens=False)["input_ids"]
    return {**layout, "probe": {"messages": probe, "prefix_ids": list(ids)}}


def render_with_layout(layout: dict[str, Any], messages: list[dict[str, Any]]) -> str | None:
    """What Node does (app/onnx/onnx-prompt.ts conversationText): the pieces and the contents, joined.
    None for a conversation the layout has no piece for (a role order the template refused)."""
    try:
        out = [layout["start"][messages[0]["role"]]]
        for i, message in enumerate(messages):
            if i > 0:
                out.append(layout["between"][messages[i - 1]["role"]][message["role"]])
            out.append(_content(layout, message["content"]))
        out.append(layout["end"][messages[-1]["role"]])
    except KeyError:
        return None
    return "".join(out)


def _content(layout: dict[str, Any], content: str | list[dict[str, Any]]) -> str:
    if isinstance(content, str):
        return content
    return "".join(layout.get("image_part", "") if p["type"] == "image" else p["text"] for p in content)


# ---- cutting --------------------------------------------------------------------------------------
def _render(encoder: Encoder, messages: list[dict[str, Any]]) -> str:
    images = sum(1 for m in messages if isinstance(m["content"], list) for p in m["content"] if p["type"] == "image")
    # Rendering never opens the image: only the count of image parts matters here.
    item = Item("layout", "", [ImageRef(path="unused.png")] * images, ["x"], [0], "layout", messages=messages)
    try:
        return encoder.prefix_text(item)
    except Exception as exc:  # the template refuses this role order (e.g. system only first)
        raise Refused(str(exc)) from exc


def _pieces(text: str, n: int) -> list[str]:
    """text = g0 S0 g1 S1 ... S(n-1) gn -> [g0, ..., gn]; each sentinel exactly once, in order."""
    out = []
    for i in range(n):
        s = _sentinel(i)
        if text.count(s) != 1:
            raise NoLayout(f"message {i} is not rendered exactly once")
        head, text = text.split(s)
        out.append(head)
    out.append(text)
    return out


def _cut_pieces(encoder: Encoder, is_vl: bool) -> dict[str, Any]:
    start: dict[str, str] = {}
    end: dict[str, str] = {}
    between: dict[str, dict[str, str]] = {a: {} for a in ROLES}
    for a in ROLES:  # a role the template refuses first (or after another) gets no piece: Node refuses it too
        try:
            g = _pieces(_render(encoder, [_msg(a, 0), _msg("user", 1)]), 2)
        except Refused:
            continue
        start[a] = g[0]
        end.setdefault("user", g[2])
        if g[2] != end["user"]:
            raise NoLayout("the generation prompt depends on earlier roles")
    if "user" not in start:
        raise NoLayout("the template does not render a conversation of one user turn")
    for a in ROLES:
        for b in ROLES:
            try:
                between[a][b] = _pieces(_render(encoder, [_msg(a, 0), _msg(b, 1), _msg("user", 2)]), 3)[1]
            except Refused:
                continue
    layout: dict[str, Any] = {"roles": list(ROLES), "last_roles": list(LAST_ROLES), "start": start,
                              "between": between, "end": end}
    if is_vl:
        try:
            image_first = _pieces(_render(encoder, [{"role": "user", "content": [
                {"type": "image"}, {"type": "text", "text": _sentinel(0)}]}]), 1)[0]
        except Refused as exc:
            raise NoLayout("the template does not render an image part") from exc
        if not image_first.startswith(start["user"]):
            raise NoLayout("an image part changes what comes before the user turn")
        layout["image_part"] = image_first[len(start["user"]):]
    return layout


def _msg(role: str, i: int) -> dict[str, Any]:
    return {"role": role, "content": _sentinel(i)}


# ---- verifying ------------------------------------------------------------------------------------
def probe_conversations(is_vl: bool) -> list[list[dict[str, Any]]]:
    """Conversations that would expose a template the pieces cannot reproduce."""
    spaced = [
        {"role": "system", "content": "  Be brief. \n"},
        {"role": "user", "content": "\nHi there  "},
        {"role": "assistant", "content": "<think>\nhidden\n</think>\n\nHello! "},
        {"role": "user", "content": [{"type": "text", "text": "Two "}, {"type": "text", "text": "parts\n"}]},
    ]
    no_system = [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"},
                 {"role": "user", "content": "c"}, {"role": "assistant", "content": ""}, {"role": "user", "content": "d"}]
    late_system = [{"role": "user", "content": "a"}, {"role": "system", "content": "s"}, {"role": "user", "content": "b"}]
    probes = [spaced, no_system, late_system, [{"role": "assistant", "content": "x"}, {"role": "user", "content": "y"}]]
    if is_vl:
        probes.append([{"role": "system", "content": "s"}, {"role": "user", "content": "first"},
                       {"role": "assistant", "content": "ok"},
                       {"role": "user", "content": [{"type": "text", "text": "Look: "}, {"type": "image"},
                                                    {"type": "text", "text": " colour?"}]}])
    return probes


def _verify(encoder: Encoder, is_vl: bool, layout: dict[str, Any]) -> None:
    for messages in probe_conversations(is_vl):
        try:
            want = _render(encoder, messages)
        except Refused:
            continue  # the template refuses this order; so would the worker, and Node refuses it too
        if render_with_layout(layout, messages) != want:
            raise NoLayout("the pieces do not reproduce the template")
