"""Bad input -> an actionable `error` event as the last event, phase 'failed', non-zero exit."""

import json

import pytest

from conftest import make_colour_data, read_db, run_worker, write_run
from reward_studio.cli import main


def last_event(run_dir):
    return read_db(run_dir, "SELECT kind, json FROM events ORDER BY id DESC LIMIT 1")[0]


def assert_failed(run_dir, code, needle):
    assert code != 0
    kind, payload = last_event(run_dir)
    assert kind == "error"
    err = json.loads(payload)
    assert set(err) >= {"message", "type", "hint"} and err["hint"]
    assert needle in err["message"], err
    assert read_db(run_dir, "SELECT phase FROM status")[0][0] == "failed"
    return err


@pytest.fixture()
def good(tmp_path):
    return make_colour_data(tmp_path / "d", 4, name="train", multi=False)


def test_missing_model_folder_subprocess(tmp_path, good):
    run = write_run(tmp_path / "run", base_model_name=str(tmp_path / "nope"), train_data_path=str(good))
    proc = run_worker(["train", "--run-dir", str(run)])
    err = assert_failed(run, proc.returncode, "model folder not found")
    assert proc.returncode == 2 and err["type"] == "model_error"
    assert "tiny-model" in err["hint"]


def test_corrupt_image(tmp_path, tiny_vl, good):
    (good.parent / "images" / "train-1.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    run = write_run(tmp_path / "run", base_model_name=str(tiny_vl), train_data_path=str(good))
    err = assert_failed(run, main(["train", "--run-dir", str(run)]), "cannot be decoded")
    assert f"{good}:2" in err["message"]  # file:line of the item


def _rewrite(path, line_no, **changes):
    lines = path.read_text().splitlines()
    row = json.loads(lines[line_no - 1])
    row.update(changes)
    lines[line_no - 1] = json.dumps(row)
    path.write_text("\n".join(lines) + "\n")


def test_empty_response(tmp_path, tiny_vl, good):
    _rewrite(good, 3, response=["The square is red.", "  "])
    run = write_run(tmp_path / "run", base_model_name=str(tiny_vl), train_data_path=str(good))
    err = assert_failed(run, main(["train", "--run-dir", str(run)]), "response 1 is empty")
    assert f"{good}:3" in err["message"] and err["type"] == "data_error"


def test_mismatched_ranking(tmp_path, tiny_vl, good):
    _rewrite(good, 2, human_ranking=[0, 1, 2])
    run = write_run(tmp_path / "run", base_model_name=str(tiny_vl), train_data_path=str(good))
    err = assert_failed(run, main(["train", "--run-dir", str(run)]), "has 3 entries but there are 2 responses")
    assert f"{good}:2" in err["message"]


def test_ranking_values_out_of_range(tmp_path, tiny_vl, good):
    _rewrite(good, 1, human_ranking=[0, 5])
    run = write_run(tmp_path / "run", base_model_name=str(tiny_vl), train_data_path=str(good))
    assert_failed(run, main(["train", "--run-dir", str(run)]), "must be integers in 0..1")


def test_empty_dataset(tmp_path, tiny_vl, good):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    run = write_run(tmp_path / "run", base_model_name=str(tiny_vl), train_data_path=str(good),
                    val_data_path=str(empty))
    assert_failed(run, main(["train", "--run-dir", str(run)]), "dataset is empty")


def test_invalid_config_value(tmp_path, tiny_vl, good):
    run = write_run(tmp_path / "run", base_model_name=str(tiny_vl), train_data_path=str(good),
                    truncation="sometimes")
    err = assert_failed(run, main(["train", "--run-dir", str(run)]), "truncation")
    assert err["type"] == "config_error"
