"""describe-config is what the studio's train form renders: it must be complete and accurate."""

import dataclasses
import json

from conftest import run_worker
from reward_studio.cli import build_parser
from reward_studio.config import TrainConfig

SEED_FLAGS = ["--base_model_name", "--train_data_path", "--val_data_path", "--batch_size", "--learning_rate",
              "--num_epochs", "--experiment_name", "--use_margin_loss", "--margin", "--score_min", "--score_max",
              "--resume_from_checkpoint", "--load_weights_only", "--use_flash_attention", "--use_scheduler",
              "--warmup_ratio", "--weight_decay", "--max_grad_norm", "--num_workers", "--seed", "--use_wandb",
              "--wandb_project", "--wandb_api_key", "--log_samples"]


def test_describe_config_lists_every_field():
    proc = run_worker(["describe-config"], timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    by_name = {f["name"]: f for f in doc["fields"]}
    fields = dataclasses.fields(TrainConfig)
    assert list(by_name) == [f.name for f in fields]
    for f in fields:
        entry = by_name[f.name]
        assert entry["default"] == f.default
        assert entry["help"] and entry["type"] in {"string", "integer", "number", "boolean"}
        assert entry["flag"] == f"--{f.name}"
    # seed 000 defaults
    assert by_name["batch_size"]["default"] == 8 and by_name["learning_rate"]["default"] == 1e-5
    assert by_name["num_epochs"]["default"] == 10 and by_name["margin"]["default"] == 0.5
    assert (by_name["score_min"]["default"], by_name["score_max"]["default"]) == (-5.0, 5.0)
    assert by_name["experiment_name"]["default"] == "reward_model"
    assert by_name["ranking_loss"]["choices"] == ["pairwise", "plackett_luce"]
    assert by_name["truncation"]["choices"] == ["truncate", "drop"]
    assert by_name["learning_rate"]["unit"] == "lr" and by_name["max_length"]["unit"] == "tokens"
    assert by_name["wandb_api_key"]["secret"] is True


def test_seed_flags_parse_and_override():
    args = ["train", "--use_margin_loss", "--margin", "0.7", "--score_min", "-3", "--use_scheduler",
            "--batch_size", "4", "--use_flash_attention", "--seed", "7", "--load_weights_only", "false"]
    ns = build_parser().parse_args(args)
    assert ns.use_margin_loss is True and ns.margin == 0.7 and ns.score_min == -3.0 and ns.batch_size == 4
    assert ns.load_weights_only is False and ns.use_scheduler is True and ns.seed == 7
    train_flags = build_parser()._subparsers._group_actions[0].choices["train"]._option_string_actions
    for flag in SEED_FLAGS:
        assert flag in train_flags, flag
    cfg = TrainConfig.from_dict({"use_flash_attention": True})
    assert cfg.effective_attn() == "flash_attention_2"


def test_secret_never_written(tmp_path):
    cfg = TrainConfig(wandb_api_key="abc123")
    cfg.save(tmp_path / "c.json")
    assert "abc123" not in (tmp_path / "c.json").read_text()
