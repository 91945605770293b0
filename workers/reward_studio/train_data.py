"""A split's items on their way to the model: data order, the cache of encoded items, the DataLoader.

Determinism (what makes resume exact): the item order of epoch e is a permutation drawn from
seed + e, and every DataLoader gets its own generator, so loading data never consumes the global RNG.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import partial

import torch
from torch.utils.data import DataLoader, Dataset

from reward_studio.collate import EncodedItem, Encoder, collate
from reward_studio.data import Item

# Encoded items (token ids + preprocessed pixels) are kept in memory up to this budget per split, so
# image decoding and resizing happen once per item rather than once per epoch.
CACHE_BYTES = int(float(os.environ.get("REWARD_STUDIO_CACHE_MB", "1024")) * 2**20)


@dataclass
class EncodedCache:
    """Encoded items by index, and the pixel bytes they hold (only pixels count: token ids are small)."""

    limit_bytes: int = CACHE_BYTES
    used_bytes: int = 0
    items: dict[int, EncodedItem] = field(default_factory=dict)

    def keep(self, index: int, encoded: EncodedItem) -> None:
        pv = encoded.pixel_values
        size = 0 if pv is None else pv.numel() * pv.element_size()
        if self.used_bytes + size <= self.limit_bytes:
            self.items[index] = encoded
            self.used_bytes += size


class EncodedDataset(Dataset):
    def __init__(self, items: list[Item], encoder: Encoder, budgets: dict[str, int], cache: EncodedCache) -> None:
        self.items, self.encoder, self.budgets, self.cache = items, encoder, budgets, cache

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> EncodedItem:
        if i in self.cache.items:
            return self.cache.items[i]
        item = self.items[i]
        encoded = self.encoder.encode(item, self.budgets.get(item.source))
        self.cache.keep(i, encoded)
        return encoded


@dataclass(frozen=True)
class SplitData:
    """One split after the length check: its items, their response budgets and its encoded-item cache."""

    items: list[Item]
    budgets: dict[str, int]
    encoder: Encoder
    seed: int
    num_workers: int
    cache: EncodedCache = field(default_factory=EncodedCache)

    def __len__(self) -> int:
        return len(self.items)

    def loader(self, batches: list[list[int]]) -> DataLoader:
        """RewardBatches for these batches of item indices, in order."""
        ds = EncodedDataset(self.items, self.encoder, self.budgets, self.cache)
        # Own generator: DataLoader would otherwise draw a seed from the global RNG on every iterator,
        # shifting dropout after a mid-epoch resume.
        return DataLoader(ds, batch_sampler=batches, collate_fn=partial(collate, pad_id=self.encoder.pad_id),
                          num_workers=self.num_workers, generator=torch.Generator().manual_seed(self.seed))


def epoch_batches(n: int, batch_size: int, seed: int, epoch: int, rank: int, world: int) -> list[list[int]]:
    """This rank's batches for an epoch. Every rank gets the same number (wrap-around padding, as
    DistributedSampler does) so collective ops stay in lockstep."""
    g = torch.Generator().manual_seed(seed * 1000003 + epoch)
    order = torch.randperm(n, generator=g).tolist()
    if world > 1 and len(order) % world:
        order += order[: world - len(order) % world]
    mine = order[rank::world]
    return [mine[i:i + batch_size] for i in range(0, len(mine), batch_size)]


def eval_batches(n: int, batch_size: int, rank: int, world: int) -> list[list[int]]:
    """This rank's evaluation batches: items in file order, rank::world (no padding: each item counts once)."""
    mine = list(range(n))[rank::world]
    return [mine[i:i + batch_size] for i in range(0, len(mine), batch_size)]
