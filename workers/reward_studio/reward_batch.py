"""RewardBatch: what collate produces and both the model's forward and the preference loss consume.

The layout is the shared-prefix one (see collate.py): one left-padded prefix per item, the responses as
right-padded rows pointing back at their item. Full-concatenation inputs are derived from it in
model.full_layout, so one batch type serves both paths.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import torch

# (offset of the item's first response row, number of responses, the item's human ranking)
Group = tuple[int, int, list[int]]


@dataclass(frozen=True)
class RewardBatch:
    prefix_ids: torch.Tensor  # [items, prefix_len], left-padded
    prefix_mask: torch.Tensor  # [items, prefix_len]
    prefix_mm: torch.Tensor  # [items, prefix_len]: 0 text, 1 image token (Qwen-VL's mm_token_type_ids)
    pixel_values: torch.Tensor | None  # every item's image patches, concatenated in item order
    image_grid_thw: torch.Tensor | None  # [images, 3]
    images_per_item: torch.Tensor  # [items]: how to split pixel_values / image_grid_thw back per item
    resp_ids: torch.Tensor  # [rows, response_len], right-padded
    resp_mask: torch.Tensor  # [rows, response_len]
    resp_item: torch.Tensor  # [rows]: the item each response row belongs to
    pairs: torch.Tensor  # [pairs, 2]: (better row, worse row); ties make no pair
    pair_margin: torch.Tensor  # [pairs]: the item's own margin, NaN = none (the run's margin applies)
    groups: list[Group]
    item_ids: list[str]

    def to(self, device: torch.device | str) -> RewardBatch:
        moved = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return RewardBatch(**{k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in moved.items()})

    @property
    def num_items(self) -> int:
        return len(self.item_ids)

    def count_tokens(self, shared: bool) -> int:
        """Tokens the backbone actually processes for this batch (what tokens_per_second counts): the
        shared-prefix path runs each prefix once, full concatenation once per response row."""
        prefix_lens = self.prefix_mask.sum(1)
        resp = int(self.resp_mask.sum())
        if shared:
            return int(prefix_lens.sum()) + resp
        return int(prefix_lens[self.resp_item].sum()) + resp

    @classmethod
    def for_loss(cls, pairs: torch.Tensor, groups: list[Group], pair_margin: torch.Tensor | None = None) -> RewardBatch:
        """A batch that carries only what the loss reads (pairs, margins, groups), for checking loss
        formulas on hand-made rewards without tokenizing anything."""
        empty = torch.zeros((0, 0), dtype=torch.long)
        margins = pair_margin if pair_margin is not None else torch.full((pairs.shape[0],), float("nan"))
        return cls(empty, empty, empty, None, None, torch.zeros(0, dtype=torch.long), empty, empty,
                   torch.zeros(0, dtype=torch.long), pairs, margins, groups, [""] * len(groups))
