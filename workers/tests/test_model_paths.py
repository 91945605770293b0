"""Reward index arithmetic and the shared-prefix path against plain full concatenation."""

import pytest
import torch
from PIL import Image

from reward_studio.collate import Encoder, collate
from reward_studio.data import ImageRef, Item
from reward_studio.model import build_reward_model, full_layout, last_token_index, load_processor


def test_last_token_index_left_and_right_padding():
    right = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 0, 0, 0]])
    left = torch.tensor([[0, 0, 1, 1, 1], [1, 1, 1, 1, 1], [0, 0, 0, 0, 1]])
    assert last_token_index(right).tolist() == [2, 4, 0]
    assert last_token_index(left).tolist() == [4, 4, 4]


def _items(tmp_path, vl: bool):
    Image.new("RGB", (56, 56), (220, 30, 30)).save(tmp_path / "r.png")
    Image.new("RGB", (112, 56), (30, 30, 220)).save(tmp_path / "b.png")
    one = [ImageRef(path=str(tmp_path / "r.png"))] if vl else []
    two = [ImageRef(path=str(tmp_path / "b.png")), ImageRef(path=str(tmp_path / "r.png"))] if vl else []
    return [
        Item("a", "What colour is the circle?", one, ["The circle is red.", "The circle is blue and quite big."],
             [0, 1], "x:1"),
        Item("b", "What colour is the big square in this picture, please?", two,
             ["red", "blue", "a green square is here", "yellow"], [1, 0, 1, 2], "x:2"),
        Item("c", "hi", [], ["yes", "no"], [0, 1], "x:3"),
    ]


def _check_paths(path, tmp_path, vl: bool):
    torch.manual_seed(0)
    model = build_reward_model(str(path), "mlp", -5.0, 5.0, torch.float32, "sdpa").eval()
    assert model.is_vl == vl
    enc = Encoder(load_processor(str(path), vl), vl, 512, "truncate")
    items = _items(tmp_path, vl)
    batch = collate([enc.encode(i) for i in items], enc.pad_id)
    with torch.no_grad():
        shared, full = model(batch, shared=True), model(batch, shared=False)
        # each item alone (no padding at all) must agree with the padded batch
        alone = torch.cat([model(collate([enc.encode(i)], enc.pad_id), shared=False) for i in items])
    assert shared.shape == (8,)
    torch.testing.assert_close(shared, full, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(full, alone, atol=1e-5, rtol=1e-5)
    assert ((shared > -5) & (shared < 5)).all()
    # gradients flow through the cached prefix in the shared path
    model.train()
    model(batch, shared=True).sum().backward()
    emb = model.backbone.get_input_embeddings().weight.grad
    assert emb is not None and torch.isfinite(emb).all() and emb.abs().sum() > 0
    return model, batch


def test_shared_prefix_equals_full_concat_vl(tiny_vl, tmp_path):
    model, batch = _check_paths(tiny_vl, tmp_path, vl=True)
    # the full path really repeats the image per response row (what the shared path saves)
    ids, mask, mm, pv, grid = full_layout(batch)
    assert grid.shape[0] == 2 + 4 * 2  # item a: 2 rows x 1 image, item b: 4 rows x 2 images
    assert pv.shape[0] == int(grid.prod(-1).sum())


def test_shared_prefix_equals_full_concat_text(tiny_text, tmp_path):
    _check_paths(tiny_text, tmp_path, vl=False)


def test_image_changes_the_reward(tiny_vl, tmp_path):
    """m-RoPE/vision wiring sanity: a different image must change the reward of the same text."""
    torch.manual_seed(0)
    model = build_reward_model(str(tiny_vl), "linear", -5.0, 5.0, torch.float32, "sdpa").eval()
    enc = Encoder(load_processor(str(tiny_vl), True), True, 512, "truncate")
    out = []
    for colour in [(255, 0, 0), (0, 0, 255)]:
        Image.new("RGB", (56, 56), colour).save(tmp_path / "x.png")
        item = Item("a", "What colour?", [ImageRef(path=str(tmp_path / "x.png"))], ["red", "blue"], [0, 1], "x")
        with torch.no_grad():
            out.append(model(collate([enc.encode(item)], enc.pad_id)))
    assert not torch.allclose(out[0], out[1])


@pytest.mark.parametrize("arch", ["qwen2_5_vl", "qwen3_vl"])
def test_other_qwen_vl_architectures(arch, tmp_path, colour_data):
    """Qwen2.5-VL and Qwen3-VL (interleaved m-RoPE, deepstack): same paths, same rewards, and they train."""
    from conftest import read_db, write_run
    from reward_studio.cli import main
    from reward_studio.tiny_model import build_tiny_model

    path = build_tiny_model(tmp_path / arch, arch=arch)
    _check_paths(path, tmp_path, vl=True)
    train, val = colour_data
    run = write_run(tmp_path / "run", base_model_name=str(path), train_data_path=str(train),
                    val_data_path=str(val), batch_size=8, num_epochs=1, max_steps=3, learning_rate=1e-3,
                    use_lora=True, lora_r=2)
    assert main(["train", "--run-dir", str(run)]) == 0
    assert read_db(run, "SELECT phase, step FROM status")[0] == ("finished", 3)


def test_pixel_bounds_and_prefix_length(tiny_vl, tmp_path):
    """min/max_pixels reach the image processor; the cheap length estimate matches real encoding."""
    Image.new("RGB", (224, 224), (1, 2, 3)).save(tmp_path / "big.png")
    item = Item("a", "What colour?", [ImageRef(path=str(tmp_path / "big.png"))], ["red", "blue"], [0, 1], "x")
    for pixels, tokens in [(0, 4), (112 * 112, 16)]:
        proc = load_processor(str(tiny_vl), True, pixels, pixels)
        enc = Encoder(proc, True, 512, "truncate")
        encoded = enc.encode(item)
        assert sum(encoded.prefix_mm) == tokens
        assert enc.prefix_length(item) == len(encoded.prefix_ids)
