"""TRL's preference rows (seed 003's data format) as seed rows, so `train`, `score` and `reward-modeling`
read a chosen/rejected file directly.

TRL's four shapes, all accepted:
  conversational, implicit prompt  {"chosen": [msgs…, assistant], "rejected": [msgs…, assistant]}
  conversational, explicit prompt  {"prompt": [msgs], "chosen": [assistant], "rejected": [assistant]}
  standard, explicit prompt        {"prompt": "…", "chosen": "…", "rejected": "…"}
  standard, implicit prompt        {"chosen": "prompt + answer", "rejected": "prompt + other answer"}
and HH-RLHF's transcripts ("\n\nHuman: …\n\nAssistant: …" in chosen and rejected) as conversations.
The prompt (explicit, or the two sides' shared leading messages / text) becomes the conversation and the
two answers the responses, chosen first (human_ranking [0, 1]). Images come from "images" or "image";
a "margin" column is kept. The result goes through the seed reader's checks like any other row.
"""

from __future__ import annotations

import re
from typing import Any

from reward_studio.errors import DataError

FIX = "A TRL preference row needs 'chosen' and 'rejected' (strings or message lists) and optionally 'prompt'."


def is_trl_row(row: Any) -> bool:
    return isinstance(row, dict) and "response" not in row and "chosen" in row and "rejected" in row


def trl_row_to_seed(row: dict[str, Any], where: str) -> dict[str, Any]:
    prompt, chosen, rejected = row.get("prompt"), row["chosen"], row["rejected"]
    if prompt is None and isinstance(chosen, str) and isinstance(rejected, str):
        # HH-RLHF: "\n\nHuman: …\n\nAssistant: …" transcripts are conversations, not plain text
        chosen, rejected = hh_transcript(chosen) or chosen, hh_transcript(rejected) or rejected
    if isinstance(chosen, list) and isinstance(rejected, list):
        messages, answers = _conversational(prompt, chosen, rejected, where)
    elif isinstance(chosen, str) and isinstance(rejected, str):
        messages, answers = _standard(prompt, chosen, rejected, where)
    else:
        raise DataError(f"{where}: 'chosen' and 'rejected' must both be strings or both be message lists", FIX)
    seed = {"id": row.get("id"), "messages": messages, "response": answers, "human_ranking": [0, 1]}
    images = row.get("images", row.get("image"))
    if images not in (None, [], ""):
        seed["image"] = images
    for key in ("margin", "tools"):
        if row.get(key) is not None:
            seed[key] = row[key]
    return seed


HH_TURN = re.compile(r"\n\n(Human|Assistant): ?")


def hh_transcript(text: str) -> list[dict[str, str]] | None:
    """Anthropic HH-RLHF's transcript as messages (None when the text is not one)."""
    parts = HH_TURN.split(text)
    if len(parts) < 3 or parts[0].strip():
        return None
    roles = {"Human": "user", "Assistant": "assistant"}
    return [{"role": roles[who], "content": said.strip()} for who, said in zip(parts[1::2], parts[2::2])]


def _conversational(prompt: Any, chosen: list[Any], rejected: list[Any],
                    where: str) -> tuple[list[dict[str, Any]], list[str]]:
    if prompt is None:  # implicit prompt: the messages both sides share
        shared = 0
        while shared < min(len(chosen), len(rejected)) and chosen[shared] == rejected[shared]:
            shared += 1
        prompt, chosen, rejected = chosen[:shared], chosen[shared:], rejected[shared:]
    elif isinstance(prompt, str):
        prompt = [{"role": "user", "content": prompt}]
    if not isinstance(prompt, list) or not prompt:
        raise DataError(f"{where}: no prompt: 'chosen' and 'rejected' share no leading messages and there is no "
                        "'prompt'", FIX)
    return prompt, [_answer(chosen, "chosen", where), _answer(rejected, "rejected", where)]


def _answer(turns: list[Any], side: str, where: str) -> str:
    if len(turns) != 1 or not isinstance(turns[0], dict) or turns[0].get("role") != "assistant":
        raise DataError(f"{where}: '{side}' must end in exactly one assistant message after the prompt "
                        f"(found {len(turns)} differing message(s))",
                        "Put the shared conversation in 'prompt' (or in both sides) and one assistant answer per side.")
    return _text(turns[0].get("content"), side, where)


def _text(content: Any, side: str, where: str) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts: the answer's text parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    raise DataError(f"{where}: the '{side}' answer has no text content", FIX)


def _standard(prompt: Any, chosen: str, rejected: str, where: str) -> tuple[list[dict[str, Any]], list[str]]:
    if prompt is None:  # implicit prompt: the shared leading text, cut at a word boundary
        n = 0
        while n < min(len(chosen), len(rejected)) and chosen[n] == rejected[n]:
            n += 1
        cut = max(chosen.rfind(" ", 0, n), chosen.rfind("\n", 0, n)) + 1 if n < len(chosen) else n
        prompt, chosen, rejected = chosen[:cut], chosen[cut:], rejected[cut:]
    if not isinstance(prompt, str):
        raise DataError(f"{where}: 'prompt' must be a string when 'chosen' and 'rejected' are strings", FIX)
    return [{"role": "user", "content": prompt.strip()}], [chosen.strip(), rejected.strip()]
