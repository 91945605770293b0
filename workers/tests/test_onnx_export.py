"""export-onnx: the ONNX graph scores like the PyTorch model (full and LoRA checkpoints, VL and text),
the folder holds what Node needs, and bad inputs are refused with errors a person can act on."""

import json

import numpy as np
import pytest
import torch

from conftest import make_colour_data, make_text_data, write_run
from reward_studio.cli import main
from reward_studio.collate import Encoder, collate
from reward_studio.data import Item, load_items
from reward_studio.model import load_processor, load_reward_model
from reward_studio.onnx_export import graph_inputs


def train(tmp_path_factory, base, train_file, val_file, **extra):
    run = write_run(tmp_path_factory.mktemp("onnx") / "run", base_model_name=str(base), train_data_path=str(train_file),
                    val_data_path=str(val_file), batch_size=8, num_epochs=1, learning_rate=3e-3,
                    early_stopping_patience=0, **extra)
    assert main(["train", "--run-dir", str(run)]) == 0
    return sorted((run / "checkpoints").iterdir())[-1]


@pytest.fixture(scope="module")
def vl_checkpoint(tmp_path_factory, tiny_vl):
    root = tmp_path_factory.mktemp("colour-small")
    return train(tmp_path_factory, tiny_vl, make_colour_data(root, 16, seed=1), make_colour_data(root, 6, seed=2, name="val"))


@pytest.fixture(scope="module")
def text_lora_checkpoint(tmp_path_factory, tiny_text):
    root = tmp_path_factory.mktemp("text-small")
    return train(tmp_path_factory, tiny_text, make_text_data(root, 16), make_text_data(root, 6, name="val"),
                 use_lora=True, lora_r=4, lora_alpha=8)


def export(capsys, checkpoint, out, *extra):
    assert main(["export-onnx", "--checkpoint", str(checkpoint), "--out", str(out), *extra]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def onnx_vs_torch(checkpoint, out, items):
    """Max |ONNX - PyTorch (shared-prefix path)| over the items, scored one item per graph run."""
    import onnxruntime as ort

    model, rc = load_reward_model(str(checkpoint))
    model.eval()
    core = model.get_base_model() if hasattr(model, "peft_config") else model
    proc = load_processor(str(checkpoint) if (checkpoint / "tokenizer_config.json").exists() else rc["base_model_name"],
                          core.is_vl)
    enc = Encoder(proc, core.is_vl, 4096, "truncate")
    session = ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
    worst = 0.0
    for item in items:
        batch = collate([enc.encode(item)], enc.pad_id)
        inputs = graph_inputs(core, batch)
        if core.is_vl and inputs["pixel_values"] is None:
            inputs["pixel_values"] = torch.zeros(session.get_inputs()[3].shape)
        with torch.no_grad():
            want = model(batch).float().numpy()
        got = session.run(["rewards"], {k: v.numpy() for k, v in inputs.items()})[0]
        worst = max(worst, float(np.abs(got - want).max()))
    return worst


def test_vl_export_scores_like_pytorch(vl_checkpoint, tmp_path, capsys):
    out = tmp_path / "onnx-vl"
    result = export(capsys, vl_checkpoint, out)
    assert result["output"] == str(out)
    assert result["note"] == "images at 56x56 (grid 1x4x4)"
    assert result["verify_max_abs_diff"] < 1e-4
    assert not (tmp_path / "onnx-vl.tmp").exists()
    for name in ("model.onnx", "onnx_config.json", "tokenizer.json", "reward_config.json"):
        assert (out / name).exists(), name
    config = json.loads((out / "onnx_config.json").read_text())
    assert config["is_vl"] and config["image"]["grid_thw"] == [1, 4, 4] and config["image"]["image_tokens"] == 4
    assert config["inputs"]["pixel_values"] == [16, 1176]
    assert "<|image_pad|>" in config["prompt"]["one_image"]["before"]
    val = vl_checkpoint.parent.parent
    items = load_items(json.loads((val / "config.json").read_text())["val_data_path"])
    # other row counts and lengths than the trace saw, and an item without an image
    items.append(Item("t", "No image here, a longer question?", [], ["a", "b b b b b b b b", "c"], [0, 1, 2], "t"))
    assert onnx_vs_torch(vl_checkpoint, out, items) < 1e-4


def test_lora_text_export_merges_and_scores_like_pytorch(text_lora_checkpoint, tmp_path, capsys):
    out = tmp_path / "onnx-text"
    result = export(capsys, text_lora_checkpoint, out)
    assert result["note"] == "text-only" and result["verify_max_abs_diff"] < 1e-4
    assert "verify_resolutions" not in result
    config = json.loads((out / "onnx_config.json").read_text())
    assert not config["is_vl"] and "image" not in config and set(config["inputs"]) == {"input_ids", "attention_mask"}
    # the worker's tokenizer as transformers loads it (Qwen2Tokenizer: NFC + split regex), not the raw file
    assert json.loads((out / "tokenizer.json").read_text())["normalizer"]["type"] == "NFC"
    items = load_items(json.loads((text_lora_checkpoint.parent.parent / "config.json").read_text())["val_data_path"])
    items.append(Item("u", "ünïcödé café 😀 and a much longer query " * 4, [], ["x", "y y y"], [1, 0], "u"))
    assert onnx_vs_torch(text_lora_checkpoint, out, items) < 1e-4


def test_vl_export_measures_real_images_at_their_own_sizes(vl_checkpoint, tmp_path, capsys):
    """The grid probe says nothing about other sizes: each --verify-image is scored by the checkpoint at
    its native resolution and by the export at its grid; max |diff| per size, `resized` when they differ."""
    from PIL import Image, ImageDraw

    paths = []
    for w, h in ((320, 240), (56, 56), (112, 112)):
        im = Image.new("RGB", (w, h), (20, 120, 200))
        ImageDraw.Draw(im).ellipse((w * 0.1, h * 0.2, w * 0.6, h * 0.8), fill=(220, 30, 40))
        im.save(tmp_path / f"{w}x{h}.png")
        paths.append(tmp_path / f"{w}x{h}.png")
    (tmp_path / "broken.png").write_bytes(b"not an image")
    args = [a for p in [*paths, tmp_path / "broken.png"] for a in ("--verify-image", str(p))]
    result = export(capsys, vl_checkpoint, tmp_path / "onnx-vl", *args)
    sizes = {(r["width"], r["height"]): r for r in result["verify_resolutions"]}
    assert set(sizes) == {(320, 240), (56, 56), (112, 112)}  # the unreadable file is skipped
    assert all(r["images"] == 1 for r in sizes.values())
    # 56x56 is the grid; 112x112 smart-resizes to it too (the processor resizes it as the export does)
    assert not sizes[56, 56]["resized"] and sizes[56, 56]["max_abs_diff"] < 1e-4
    assert not sizes[112, 112]["resized"] and sizes[112, 112]["max_abs_diff"] < 1e-3
    # 320x240 is 28x56 for the checkpoint, stretched to 56x56 for the export: a real difference
    assert sizes[320, 240]["resized"] and sizes[320, 240]["max_abs_diff"] > 1e-3


def test_refuses_non_empty_output(vl_checkpoint, tmp_path, capsys):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "something.txt").write_text("keep me")
    assert main(["export-onnx", "--checkpoint", str(vl_checkpoint), "--out", str(out)]) == 2
    err = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert err["type"] == "config_error" and "not empty" in err["message"] and err["hint"]
    assert (out / "something.txt").read_text() == "keep me"


def test_refuses_a_folder_that_is_not_a_checkpoint(tiny_vl, tmp_path, capsys):
    assert main(["export-onnx", "--checkpoint", str(tiny_vl), "--out", str(tmp_path / "o")]) == 2
    err = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert err["type"] == "config_error" and "no reward_config.json" in err["message"]
    assert not (tmp_path / "o").exists()


def test_refuses_a_bad_opset(vl_checkpoint, tmp_path, capsys):
    assert main(["export-onnx", "--checkpoint", str(vl_checkpoint), "--out", str(tmp_path / "o"), "--opset", "9"]) == 2
    err = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert err["type"] == "config_error" and "opset" in err["message"]
