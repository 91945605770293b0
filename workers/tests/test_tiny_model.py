"""The tiny model folder must load like a real Qwen2-VL, fully offline, with consistent special ids."""

from PIL import Image


def test_tiny_vl_loads_with_auto_classes(tiny_vl):
    from transformers import AutoProcessor, Qwen2VLForConditionalGeneration

    proc = AutoProcessor.from_pretrained(tiny_vl, local_files_only=True)
    model = Qwen2VLForConditionalGeneration.from_pretrained(tiny_vl, local_files_only=True)
    cfg = model.config
    tok = proc.tokenizer
    assert tok.convert_tokens_to_ids("<|image_pad|>") == cfg.image_token_id
    assert tok.convert_tokens_to_ids("<|vision_start|>") == cfg.vision_start_token_id
    assert tok.convert_tokens_to_ids("<|vision_end|>") == cfg.vision_end_token_id
    assert tok.convert_tokens_to_ids("<|im_end|>") == cfg.text_config.eos_token_id
    head_dim = cfg.text_config.hidden_size // cfg.text_config.num_attention_heads
    assert sum(cfg.text_config.rope_parameters["mrope_section"]) == head_dim // 2
    assert cfg.vision_config.hidden_size == cfg.text_config.hidden_size
    assert len(tok) <= cfg.text_config.vocab_size

    messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What colour?"}]}]
    text = proc.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    out = proc(text=[text], images=[Image.new("RGB", (224, 224), (255, 0, 0))], return_tensors="pt")
    assert int((out["input_ids"] == cfg.image_token_id).sum()) == 4  # min_pixels == max_pixels: 4 tokens
    assert out["image_grid_thw"].tolist() == [[1, 4, 4]]


def test_tiny_text_loads(tiny_text):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_text, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(tiny_text, local_files_only=True)
    assert model.config.model_type == "qwen2"
    ids = tok("The circle is red.", add_special_tokens=False)["input_ids"]
    assert tok.decode(ids) == "The circle is red."


def test_tiny_model_is_deterministic(tmp_path):
    from safetensors.torch import load_file

    from reward_studio.tiny_model import build_tiny_model

    a = load_file(str(build_tiny_model(tmp_path / "a", seed=3, text_only=True) / "model.safetensors"))
    b = load_file(str(build_tiny_model(tmp_path / "b", seed=3, text_only=True) / "model.safetensors"))
    assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)
