"""The worker reads its data as the studio's import does: JSON Lines, a JSON array, one JSON object,
gzip- or zstd-compressed, recognised from the bytes (a `.json` may hold JSON Lines)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pytest

from reward_studio.data import load_items
from reward_studio.errors import DataError

ROWS = [
    {"id": "a", "query": "Warm colour?", "response": ["Red.", "Blue."], "human_ranking": [0, 1]},
    {"id": "b", "query": "Cold colour\u2028(two lines)?", "response": ["Ice blue.", "Orange."], "human_ranking": [0, 1],
     "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Cold colour\u2028(two lines)?"}]},
]


def jsonl() -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in ROWS).encode()


def summary(path: Path) -> list[tuple[str, str, list[str], int]]:
    return [(item.id, item.query, item.responses, len(item.messages or [])) for item in load_items(path, check_images=False)]


EXPECTED = [("a", "Warm colour?", ["Red.", "Blue."], 0), ("b", "Cold colour\u2028(two lines)?", ["Ice blue.", "Orange."], 2)]


@pytest.mark.parametrize("name, data", [
    ("plain.jsonl", jsonl()),
    ("rows.json", json.dumps(ROWS, indent=2, ensure_ascii=False).encode()),
    ("rows.jsonl.gz", gzip.compress(jsonl())),
    ("array.json.gz", gzip.compress(json.dumps(ROWS).encode())),
    ("rows.jsonl.zst", pa.compress(jsonl(), codec="zstd", asbytes=True)),
    ("no-extension", gzip.compress(jsonl())),
])
def test_containers_read_alike(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    assert summary(path) == EXPECTED


def test_one_pretty_printed_object_is_one_row(tmp_path):
    path = tmp_path / "example.json"
    path.write_text(json.dumps(ROWS[0], indent=4))
    assert summary(path) == EXPECTED[:1]


def test_damaged_files_say_what_is_wrong(tmp_path):
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(jsonl())[:-12])
    with pytest.raises(DataError, match="cannot decompress"):
        load_items(cut, check_images=False)
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": "a", "query": "q"')
    with pytest.raises(DataError, match="not a valid JSON array"):
        load_items(broken, check_images=False)
    bad_line = tmp_path / "bad.jsonl"
    bad_line.write_text(json.dumps(ROWS[0]) + "\n{oops\n")
    with pytest.raises(DataError, match=r"bad\.jsonl:2: not valid JSON"):
        load_items(bad_line, check_images=False)
