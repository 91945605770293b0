"""Turning items into model inputs: prompt prefix (the conversation) and one continuation per response.

The prefix is the item's conversation (or its query as one user turn, images first) rendered by the
model's chat template with the generation prompt; each response + the end-of-turn token follows it, so
prefix + response is exactly the template's rendering of the conversation with the response as the
next assistant turn, up to and including that end-of-turn token, where the reward is read.

Every response is tokenized separately and appended to the prefix token ids, in both the
shared-prefix path and the full-concatenation path, so the two paths see exactly the same tokens.
A batch keeps the prefix once per item (left-padded, so every prefix ends at the same column and the
responses continue right after it) and the responses as rows (right-padded).

An already-rendered text (score-server's `{"text"}` items, what RL trainers send) is cut back into the
same two pieces by `Encoder.split_rendered` — prefix through the last assistant-turn opening, response
up to the first end-of-turn token after it — and both kinds of item go through `encode_rendered`, so
the text and the conversation of the same turn give the same token ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import torch

from reward_studio.conversation import CHATML_TEMPLATE, single_turn, template_messages
from reward_studio.data import Item, preference_pairs
from reward_studio.errors import DataError
from reward_studio.reward_batch import RewardBatch


@dataclass
class EncodedItem:
    prefix_ids: list[int]
    prefix_mm: list[int]  # 0 text, 1 image token (Qwen-VL's mm_token_type_ids)
    pixel_values: torch.Tensor | None
    image_grid_thw: torch.Tensor | None
    response_ids: list[list[int]]
    ranking: list[int]
    item_id: str
    margin: float | None = None  # the item's own margin for the margin loss (None = the run's)


@dataclass
class RenderedSplit:
    """An already-rendered text cut where training cuts it (see Encoder.split_rendered)."""

    prefix: str  # up to and including the assistant-turn opening (its first token without one)
    response: str  # after the opening, up to (not including) the first end-of-turn token
    end_token_added: bool  # no end-of-turn token followed the opening: scored as if the turn ended there
    turn_opening_found: bool


@dataclass
class LengthReport:
    items: int = 0
    pairs: int = 0
    truncated_responses: int = 0
    dropped_items: int = 0
    dropped_pairs: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


class Encoder:
    """Wraps the model's processor (VL) or tokenizer (text) with the studio's prompt layout."""

    def __init__(self, processor: Any, is_vl: bool, max_length: int, truncation: str) -> None:
        self.processor = processor
        self.tokenizer = processor.tokenizer if is_vl else processor
        self.is_vl = is_vl
        self.max_length = max_length
        self.truncation = truncation
        self.pad_id = self._pad_id()
        self.end_text = self._end_text()

    # ---- prompt layout ------------------------------------------------------------------------
    def _pad_id(self) -> int:
        tok = self.tokenizer
        pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        return int(pad if pad is not None else 0)

    def _end_text(self) -> str:
        """The end-of-turn token that closes each response; the reward is read there."""
        vocab = self.tokenizer.get_vocab()
        if "<|im_end|>" in vocab:
            return "<|im_end|>"
        return self.tokenizer.eos_token or ""

    def _template(self) -> str | None:
        """The model's chat template (processor's, else tokenizer's), ChatML when it has none.
        None lets transformers pick the "default" of a folder that names several templates."""
        for owner in (self.processor, self.tokenizer):
            template = getattr(owner, "chat_template", None)
            if isinstance(template, str) and template:
                return template
            if isinstance(template, dict) and template:
                return template.get("default")
        return CHATML_TEMPLATE

    def prefix_text(self, item: Item) -> str:
        """The conversation through the chat template, up to and including the assistant's turn opening."""
        if not self.is_vl and item.images:
            raise DataError(f"{item.source}: item has an image but the model is text-only",
                            "Use a Qwen2-VL-family model, or remove the images from the data.")
        messages = item.messages if item.messages is not None else single_turn(item.query, len(item.images), self.is_vl)
        try:
            return self._render(messages, item.tools, True)
        except Exception as exc:  # jinja2 raises TemplateError (raise_exception) and plain errors alike
            raise DataError(f"{item.source}: the model's chat template cannot render this conversation "
                            f"({exc.__class__.__name__}: {exc})",
                            "Check the conversation's roles and order against what the model's chat template "
                            "accepts (many allow a system message only first, or need user/assistant to "
                            "alternate), or fix the item.") from exc

    def _render(self, messages: list[dict[str, Any]], tools: Any, add_generation_prompt: bool) -> str:
        render = self.processor if self.is_vl else self.tokenizer
        return render.apply_chat_template(template_messages(messages, self.is_vl), tools=tools,
                                          add_generation_prompt=add_generation_prompt, tokenize=False,
                                          chat_template=self._template())

    @cached_property
    def turn_opening(self) -> str:
        """The chat template's generation prompt (e.g. "<|im_start|>assistant\\n"): a probe conversation
        rendered with add_generation_prompt minus the same without it. "" when the template adds none."""
        probe = [{"role": "user", "content": "probe"}]
        try:
            with_prompt = self._render(probe, None, True)
            without = self._render(probe, None, False)
        except Exception:  # a template that cannot render even this: no opening to split at
            return ""
        common = 0
        while common < min(len(with_prompt), len(without)) and with_prompt[common] == without[common]:
            common += 1
        return with_prompt[common:]

    @cached_property
    def pad_text(self) -> str:
        return self.tokenizer.pad_token or self.tokenizer.eos_token or ""

    @cached_property
    def image_placeholder(self) -> str:
        """What stands for one image in a rendered text, before the processor expands it."""
        return getattr(self.processor, "image_token", None) or "<|image_pad|>"

    def split_rendered(self, text: str) -> RenderedSplit:
        """Cut a rendered text (template applied, prompt + response) where training reads the reward:
        strip leading/trailing pad-token copies; prefix = through the LAST assistant-turn opening,
        response = after it up to the first end-of-turn token (the rest is dropped; the token is added
        when missing). Without an opening, the prefix is the text's first token and the rest the response."""
        pad, end = self.pad_text, self.end_text
        while pad and text.startswith(pad):
            text = text[len(pad):]
        while pad and pad != end:  # (pad == end: everything after the first end token is dropped below anyway)
            if text.endswith(pad):
                text = text[: -len(pad)]
            elif text != text.rstrip() and text.rstrip().endswith((pad, end) if end else pad):
                text = text.rstrip()  # whitespace after an end or pad token, never a response's own
            else:
                break
        if not text:
            raise DataError("'text' is empty (or only pad tokens)", "Send the rendered prompt and response.")
        opening = self.turn_opening
        at = text.rfind(opening) if opening else -1
        if at >= 0:
            cut = at + len(opening)
        else:  # no assistant turn: the first token stands as the prompt (causal model: the reward is the same)
            cut = self._first_token_end(text)
        prefix, rest = text[:cut], text[cut:]
        stop = rest.find(end) if end else -1
        response = rest if stop < 0 else rest[:stop]
        return RenderedSplit(prefix, response, end_token_added=stop < 0, turn_opening_found=at >= 0)

    def _first_token_end(self, text: str) -> int:
        """Character offset where the text's first token ends."""
        try:
            offsets = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
            if offsets and offsets[0][1] > 0:
                return int(offsets[0][1])
        except (NotImplementedError, ValueError, KeyError):  # slow tokenizers have no offsets
            pass
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        first = self.tokenizer.decode(ids[:1]) if ids else ""
        return len(first) if first and text.startswith(first) else min(1, len(text))

    def response_ids(self, response: str) -> list[int]:
        return list(self.tokenizer(response + self.end_text, add_special_tokens=False)["input_ids"])

    # ---- lengths (cheap: no pixel processing) -------------------------------------------------
    def prefix_length(self, item: Item) -> int:
        return self.rendered_prefix_length(self.prefix_text(item), item.images)

    def rendered_prefix_length(self, text: str, images: list[Any]) -> int:
        n = len(self.tokenizer(text, add_special_tokens=False)["input_ids"])
        if images:
            ip = self.processor.image_processor
            merge = getattr(ip, "merge_size", 2)
            for ref in images:
                with ref_open_size(ref) as (w, h):
                    n += ip.get_number_of_image_patches(h, w, {}) // (merge * merge) - 1
        return n

    def response_budget(self, prefix_length: int) -> int | None:
        """Tokens left for a response (its end token included) after a prefix; None when the prefix
        leaves no room for even one response token plus the end token (the item cannot be kept)."""
        budget = self.max_length - prefix_length
        return budget if budget >= 2 else None

    def check_lengths(self, items: list[Item]) -> tuple[list[Item], LengthReport, dict[str, int]]:
        """Apply max_length/truncation. Returns kept items, the counts and per-item truncation budgets."""
        report = LengthReport()
        kept, budgets = [], {}
        for item in items:
            npairs = len(preference_pairs(item.ranking))
            report.items += 1
            report.pairs += npairs
            budget = self.response_budget(self.prefix_length(item))
            lens = [len(self.response_ids(r)) for r in item.responses]
            too_long = [budget is not None and n > budget for n in lens]
            if budget is None or (any(too_long) and self.truncation == "drop"):
                report.dropped_items += 1
                report.dropped_pairs += npairs
                continue
            report.truncated_responses += sum(too_long)
            budgets[item.source] = budget
            kept.append(item)
        return kept, report, budgets

    # ---- full encoding (with pixels) ----------------------------------------------------------
    def encode(self, item: Item, budget: int | None = None) -> EncodedItem:
        return self.encode_rendered(self.prefix_text(item), item.responses, item.images, budget,
                                    item.ranking, item.id, item.margin)

    def encode_rendered(self, prefix_text: str, responses: list[str], images: list[Any], budget: int | None = None,
                        ranking: list[int] | None = None, item_id: str = "",
                        margin: float | None = None) -> EncodedItem:
        """A rendered prefix (through the assistant-turn opening) + responses -> token ids. The prefix is
        tokenized alone (with its images through the processor), each response + end_text alone."""
        pixel_values = grid = None
        if self.is_vl and images:
            out = self.processor(text=[prefix_text], images=[ref.open() for ref in images], return_tensors="pt")
            prefix_ids = out["input_ids"][0].tolist()
            mm = out.get("mm_token_type_ids")
            image_id = self.processor.image_token_id
            prefix_mm = mm[0].tolist() if mm is not None else [int(t == image_id) for t in prefix_ids]
            pixel_values, grid = out["pixel_values"], out["image_grid_thw"]
        else:
            prefix_ids = list(self.tokenizer(prefix_text, add_special_tokens=False)["input_ids"])
            prefix_mm = [0] * len(prefix_ids)
        budget = budget if budget is not None else self.max_length - len(prefix_ids)
        encoded = []
        for r in responses:
            ids = self.response_ids(r)
            if len(ids) > budget:  # keep the closing token: the reward is always read on it
                ids = ids[: budget - 1] + ids[-1:]
            encoded.append(ids)
        return EncodedItem(prefix_ids, prefix_mm, pixel_values, grid, encoded,
                           list(ranking) if ranking is not None else [0] * len(responses), item_id, margin)


class ref_open_size:
    """Context manager yielding (width, height) from the image header without decoding pixels."""

    def __init__(self, ref) -> None:
        self.ref = ref
        self.img = None

    def __enter__(self) -> tuple[int, int]:
        import io

        from PIL import Image

        self.img = Image.open(io.BytesIO(self.ref.data) if self.ref.data is not None else self.ref.path)
        return self.img.size

    def __exit__(self, *exc) -> None:
        self.img.close()


def collate(encoded: list[EncodedItem], pad_id: int) -> RewardBatch:
    """Batch in the shared layout. Full-concatenation inputs are derived from it in model.py."""
    lp = max(len(e.prefix_ids) for e in encoded)
    b = len(encoded)
    prefix_ids = torch.full((b, lp), pad_id, dtype=torch.long)
    prefix_mm = torch.zeros((b, lp), dtype=torch.long)
    prefix_mask = torch.zeros((b, lp), dtype=torch.long)
    for i, e in enumerate(encoded):  # left padding: all prefixes end at column lp - 1
        n = len(e.prefix_ids)
        prefix_ids[i, lp - n:] = torch.tensor(e.prefix_ids)
        prefix_mm[i, lp - n:] = torch.tensor(e.prefix_mm)
        prefix_mask[i, lp - n:] = 1
    rows = [(i, ids) for i, e in enumerate(encoded) for ids in e.response_ids]
    lr = max(len(ids) for _, ids in rows)
    resp_ids = torch.full((len(rows), lr), pad_id, dtype=torch.long)
    resp_mask = torch.zeros((len(rows), lr), dtype=torch.long)
    for r, (_, ids) in enumerate(rows):  # right padding: responses start right after the prefix
        resp_ids[r, : len(ids)] = torch.tensor(ids)
        resp_mask[r, : len(ids)] = 1
    pairs, groups, pair_margin, offset = [], [], [], 0
    for e in encoded:
        n = len(e.response_ids)
        item_pairs = preference_pairs(e.ranking)
        pairs += [(offset + a, offset + c) for a, c in item_pairs]
        # NaN = "no margin of its own": loss.pair_margins puts the run's margin there.
        pair_margin += [float("nan") if e.margin is None else e.margin] * len(item_pairs)
        groups.append((offset, n, list(e.ranking)))
        offset += n
    pvs = [e.pixel_values for e in encoded if e.pixel_values is not None]
    grids = [e.image_grid_thw for e in encoded if e.image_grid_thw is not None]
    return RewardBatch(
        prefix_ids=prefix_ids,
        prefix_mask=prefix_mask,
        prefix_mm=prefix_mm,
        pixel_values=torch.cat(pvs) if pvs else None,
        image_grid_thw=torch.cat(grids) if grids else None,
        images_per_item=torch.tensor([0 if e.image_grid_thw is None else len(e.image_grid_thw) for e in encoded]),
        resp_ids=resp_ids,
        resp_mask=resp_mask,
        resp_item=torch.tensor([i for i, _ in rows], dtype=torch.long),
        pairs=torch.tensor(pairs, dtype=torch.long).reshape(-1, 2),
        pair_margin=torch.tensor(pair_margin, dtype=torch.float32),
        groups=groups,
        item_ids=[e.item_id for e in encoded],
    )
