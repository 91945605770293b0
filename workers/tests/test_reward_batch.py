"""RewardBatch: what collate builds from encoded items, and what the model and the loss read from it."""

from __future__ import annotations

import dataclasses

import torch

from reward_studio.collate import Encoder, collate
from reward_studio.data import Item
from reward_studio.loss import preference_loss
from reward_studio.model import build_reward_model, load_processor
from reward_studio.reward_batch import RewardBatch
from reward_studio.train_data import EncodedCache


def items() -> list[Item]:
    return [Item("a", "Which colour?", [], ["red", "blue"], [0, 1], "t:1", margin=2.0),
            Item("b", "Name a fruit.", [], ["apple", "a stone", "pear"], [0, 1, 0], "t:2")]


def test_collate_builds_a_reward_batch(tiny_text):
    enc = Encoder(load_processor(str(tiny_text), False), False, 2048, "truncate")
    encoded = [enc.encode(it) for it in items()]
    batch = collate(encoded, enc.pad_id)
    assert isinstance(batch, RewardBatch)
    assert batch.item_ids == ["a", "b"] and batch.num_items == 2
    assert batch.groups == [(0, 2, [0, 1]), (2, 3, [0, 1, 0])]
    # ties make no pair: item b's two best responses (rows 2 and 4) both beat row 3
    assert batch.pairs.tolist() == [[0, 1], [2, 3], [4, 3]]
    assert batch.pair_margin[0].item() == 2.0 and torch.isnan(batch.pair_margin[1:]).all()
    assert batch.resp_item.tolist() == [0, 0, 1, 1, 1]
    assert batch.pixel_values is None and batch.image_grid_thw is None and batch.images_per_item.tolist() == [0, 0]
    # prefixes left-padded (they end in the same column), responses right-padded
    lens = [len(e.prefix_ids) for e in encoded]
    assert batch.prefix_mask.sum(1).tolist() == lens and batch.prefix_mask[:, -1].tolist() == [1, 1]
    assert batch.resp_mask[:, 0].tolist() == [1] * 5
    resp_lens = [len(ids) for e in encoded for ids in e.response_ids]
    assert batch.count_tokens(shared=True) == sum(lens) + sum(resp_lens)
    assert batch.count_tokens(shared=False) == lens[0] * 2 + lens[1] * 3 + sum(resp_lens)
    moved = batch.to("cpu")
    for f in dataclasses.fields(RewardBatch):
        a, b = getattr(batch, f.name), getattr(moved, f.name)
        if isinstance(a, torch.Tensor):
            torch.testing.assert_close(a, b, rtol=0, atol=0, equal_nan=True)  # pair_margin holds NaNs
        else:
            assert a == b


def test_the_model_and_the_loss_read_the_batch(tiny_text):
    torch.manual_seed(0)
    model = build_reward_model(str(tiny_text), "mlp", -5.0, 5.0, torch.float32, "sdpa")
    enc = Encoder(load_processor(str(tiny_text), False), False, 2048, "truncate")
    batch = collate([enc.encode(it) for it in items()], enc.pad_id)
    with torch.no_grad():
        shared, full = model(batch, shared=True), model(batch, shared=False)
    assert shared.shape == (5,)
    assert torch.allclose(shared, full, atol=1e-5)
    loss = preference_loss(shared, batch, "pairwise", 0.5, use_margin=True)
    assert torch.isfinite(loss)


def test_encoded_cache_counts_pixel_bytes_in_its_own_field():
    class Enc:
        def __init__(self, numel):
            self.pixel_values = torch.zeros(numel, dtype=torch.float32) if numel else None

    cache = EncodedCache(limit_bytes=100)
    cache.keep(0, Enc(10))  # 40 bytes
    cache.keep(1, Enc(0))  # text only: no bytes
    cache.keep(2, Enc(20))  # 80 more would pass the limit: not kept
    cache.keep(3, Enc(15))  # 60: fits
    assert sorted(cache.items) == [0, 1, 3] and cache.used_bytes == 100
    assert all(isinstance(k, int) for k in cache.items)
