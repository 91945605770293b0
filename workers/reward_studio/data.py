"""Reading and validating seed-format preference data (JSONL or Parquet).

Seed format, one object per line:
  {"id": "...", "query": "...", "image": "path" | ["p1", "p2"] | null,
   "response": ["A", "B", ...], "human_ranking": [0, 1, ...]}
human_ranking[i] is the rank of response[i]; 0 = best; equal ranks are ties.
Image paths are resolved relative to the data file. In Parquet, "image" may also be an
HF-datasets image struct {"bytes": ..., "path": ...}.

Optional fields (the studio writes them for items richer than one question):
  "messages": the conversation before the responses, [{"role", "content"}, ...] (see conversation.py);
              when present it is what the model sees and "query" is only the last user text, for
              readers that know nothing else (it may then be left out). Its image parts match "image".
  "tools":    tool definitions for the chat template's `tools=` (OpenAI {"type": "function", ...} or a
              bare {"name", "description", "parameters"}, which is wrapped into the OpenAI shape).
  "margin":   this item's margin for the margin loss (replaces the run's `margin` for its pairs).

Everything is validated up front so a bad row fails the run before any training, naming
file:line and what to do.

Training needs a preference in every item. Scoring does not (`require_preference=False`): an item
without human_ranking (or with every response tied) is scored all the same and carries
`ranking=None` / its ties, and the score summaries leave it out of the metrics.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from reward_studio.conversation import drop_nulls, last_user_text, parse_margin, parse_messages, parse_tools
from reward_studio.errors import DataError
from reward_studio.trl_rows import is_trl_row, trl_row_to_seed


@dataclass(frozen=True)
class ImageRef:
    """An image on disk or embedded bytes (Parquet). `label` is for error messages."""

    path: str | None = None
    data: bytes | None = None
    label: str = ""

    def open(self) -> Image.Image:
        src = io.BytesIO(self.data) if self.data is not None else self.path
        img = Image.open(src)
        img.load()
        return img.convert("RGB")


@dataclass
class Item:
    id: str
    query: str
    images: list[ImageRef]
    responses: list[str]
    ranking: list[int] | None  # None: not labeled (only accepted for scoring)
    source: str  # "file:line" for messages
    extra: dict[str, Any] = field(default_factory=dict)
    # The conversation before the responses (validated, see conversation.py); None = one user turn: the query.
    messages: list[dict[str, Any]] | None = None
    tools: list[dict[str, Any]] | None = None  # tool definitions for the chat template, OpenAI-shaped
    margin: float | None = None  # this item's margin for the margin loss; None = the run's margin


def preference_pairs(ranking: list[int] | None) -> list[tuple[int, int]]:
    """All ordered (better, worse) index pairs; ties (and an unlabeled item) produce no pair."""
    if ranking is None:
        return []
    n = len(ranking)
    return [(i, j) for i in range(n) for j in range(n) if ranking[i] < ranking[j]]


def load_items(path: str | Path, check_images: bool = True, require_preference: bool = True,
               label: str | None = None) -> list[Item]:
    """Validated items. `require_preference=False` (scoring) also takes unlabeled and all-tied items.

    `label` names the file in messages and item sources instead of `path` (a run's frozen copy is
    reported as the person's own file: same line numbers, see write_jsonl_absolute)."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"data file not found: {path}", "Check train_data_path / val_data_path.")
    name = label or str(path)
    parquet = path.suffix.lower() == ".parquet" or _head(path, 4) == PARQUET_MAGIC
    try:
        rows = _read_parquet(path) if parquet else _read_jsonl(path)
    except DataError as exc:
        if label:
            exc.message = exc.message.replace(str(path), label, 1)
            exc.args = (exc.message,)
        raise
    items = [_parse_row(row, f"{name}:{line}", path.parent, check_images, require_preference, parquet)
             for line, row in rows]
    if not items:
        raise DataError(f"{name}: the dataset is empty (no items)",
                        "Export at least one labeled item into this split, or point to another file.")
    return items


PARQUET_MAGIC = b"PAR1"
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def _head(path: Path, n: int) -> bytes:
    with path.open("rb") as fh:
        return fh.read(n)


def _read_text(path: Path) -> str:
    """The file's text, gzip- or zstd-compressed or not (recognised from the bytes, like the studio's import)."""
    head = _head(path, 4)
    try:
        if head[:2] == GZIP_MAGIC:
            import gzip

            with gzip.open(path, "rt", encoding="utf-8") as fh:
                return fh.read()
        if head == ZSTD_MAGIC:
            import pyarrow as pa  # already a dependency; its zstd codec saves another package

            with pa.OSFile(str(path)) as raw, pa.CompressedInputStream(raw, "zstd") as stream:
                return stream.read().decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"{path}: cannot decompress ({exc})", "The file is damaged; re-compress or re-export it.") from exc
    return path.read_text(encoding="utf-8")


def _read_jsonl(path: Path) -> list[tuple[int, Any]]:
    """Rows of a JSON Lines file, a JSON array (numbered by row) or a file holding one JSON object;
    gzip or zstd compression is undone first."""
    text = _read_text(path).lstrip("\ufeff")
    start = text.lstrip()[:1]
    if start == "[":
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}: not a valid JSON array ({exc.msg} at line {exc.lineno})",
                            "Check that the file is complete.") from exc
        return [(i + 1, row) for i, row in enumerate(rows)]
    rows = []
    # split("\n"), not splitlines(): JSON text may hold U+2028 and other characters splitlines breaks on.
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            rows.append((n, json.loads(line)))
        except json.JSONDecodeError as exc:
            if start == "{" and not rows:
                whole = _one_object(text)
                if whole is not None:
                    return [(1, whole)]
            raise DataError(f"{path}:{n}: not valid JSON ({exc.msg} at column {exc.colno})",
                            "Each line must be one JSON object in seed format.") from exc
    return rows


def _one_object(text: str) -> Any | None:
    """A file holding one pretty-printed JSON object (a README example) is one row."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def _read_parquet(path: Path) -> list[tuple[int, Any]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise DataError(f"{path}: cannot read Parquet ({exc})", "Re-export the file.") from exc
    return [(i + 1, row) for i, row in enumerate(table.to_pylist())]


def _parse_row(row: Any, where: str, base: Path, check_images: bool, require_preference: bool = True,
               parquet: bool = False) -> Item:
    fix = "Fix or remove this item (seed format: id, query, image, response[], human_ranking[])."
    if not isinstance(row, dict):
        raise DataError(f"{where}: expected a JSON object, got {type(row).__name__}", fix)
    if is_trl_row(row):  # seed 003 / TRL chosen-rejected rows read as two ranked responses
        row = trl_row_to_seed(row, where)
    responses = row.get("response")
    if not isinstance(responses, list) or len(responses) < 2:
        raise DataError(f"{where}: 'response' must be a list of at least 2 responses", fix)
    for i, r in enumerate(responses):
        if not isinstance(r, str) or not r.strip():
            raise DataError(f"{where}: response {i} is empty", "Write the response text or remove it (and its rank).")
    ranking = row.get("human_ranking")
    if ranking is None and not require_preference:
        pass  # score-only: nothing to check
    elif ranking is None:
        raise DataError(f"{where}: no 'human_ranking' (the item is not labeled); training needs one for every item",
                        "Label the item or leave it out of the training data (`score` takes unlabeled items).")
    elif not isinstance(ranking, list) or len(ranking) != len(responses):
        got = len(ranking) if isinstance(ranking, list) else type(ranking).__name__
        raise DataError(f"{where}: 'human_ranking' has {got} entries but there are {len(responses)} responses",
                        "Give one rank per response (0 = best, equal ranks = tie).")
    elif not all(isinstance(r, int) and not isinstance(r, bool) and 0 <= r < len(responses) for r in ranking):
        raise DataError(f"{where}: 'human_ranking' values {ranking} must be integers in 0..{len(responses) - 1}",
                        "Rank 0 is the best response; equal ranks mean a tie.")
    elif require_preference and not preference_pairs(ranking):
        raise DataError(f"{where}: all responses are tied ({ranking}); nothing to learn from",
                        "Rank at least one response above another, or remove the item.")
    images = [_image_ref(x, where, base, check_images) for x in _as_list(row.get("image"))]
    messages = _row_messages(row, where, len(images), parquet)
    query = row.get("query")
    if query is None and messages is not None:
        query = last_user_text(messages)  # the conversation says it; plain readers still get a query
    if not isinstance(query, str):
        raise DataError(f"{where}: 'query' must be a string", fix)
    item_id = row.get("id")
    return Item(
        id=str(item_id) if item_id not in (None, "") else where,
        query=query,
        images=images,
        responses=list(responses),
        ranking=None if ranking is None else [int(r) for r in ranking],
        source=where,
        messages=messages,
        tools=parse_tools(drop_nulls(row.get("tools")) if parquet else row.get("tools"), where),
        margin=parse_margin(row.get("margin"), where),
    )


def _row_messages(row: dict[str, Any], where: str, image_count: int, parquet: bool) -> list[dict[str, Any]] | None:
    value = row.get("messages")
    if value is None:
        return None
    # Parquet fills fields a struct lacks with null ({"type": "image", "text": null}); JSON says what it means.
    return parse_messages(drop_nulls(value) if parquet else value, where, image_count)


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _image_ref(value: Any, where: str, base: Path, check: bool) -> ImageRef:
    if isinstance(value, dict):  # HF datasets Image feature: {"bytes": b"...", "path": "..."}
        if value.get("bytes"):
            ref = ImageRef(data=bytes(value["bytes"]), label=f"{where} (embedded image {value.get('path') or ''})")
        elif value.get("path"):
            ref = _path_ref(value["path"], where, base)
        else:
            raise DataError(f"{where}: image struct has neither bytes nor path", "Re-export the dataset with images.")
    elif isinstance(value, str):
        ref = _path_ref(value, where, base)
    else:
        raise DataError(f"{where}: 'image' must be a path, a list of paths or null", "Fix the image field.")
    if check:
        _verify_image(ref, where)
    return ref


def _path_ref(p: str, where: str, base: Path) -> ImageRef:
    path = Path(p)
    if not path.is_absolute():
        path = (base / path).resolve()
    if not path.exists():
        raise DataError(f"{where}: image not found: {path}",
                        "Image paths are relative to the data file (or absolute); copy the image there or fix the path.")
    return ImageRef(path=str(path), label=str(path))


def _verify_image(ref: ImageRef, where: str) -> None:
    try:
        with Image.open(io.BytesIO(ref.data) if ref.data is not None else ref.path) as img:
            img.verify()
        ref.open()  # verify() does not decode pixel data; a truncated file only fails on load
    except Exception as exc:
        raise DataError(f"{where}: image {ref.label} cannot be decoded ({exc.__class__.__name__}: {exc})",
                        "Replace the image with a valid PNG/JPEG or remove the item.") from exc


def write_jsonl_absolute(items_path: str | Path, out: str | Path) -> None:
    """Copy a seed JSONL into a run directory with image paths made absolute (so the copy stands alone).

    Row N of the source (its line in JSON Lines, its position in a JSON array) stays line N of the
    copy (blank lines are kept blank), so an error found in the copy names the same line of the source."""
    src = Path(items_path)
    lines: list[str] = []
    for n, row in _read_jsonl(src):
        if isinstance(row, dict):
            imgs = _as_list(row.get("image"))
            fixed = [str((src.parent / x).resolve()) if isinstance(x, str) and not Path(x).is_absolute() else x
                     for x in imgs]
            if imgs:
                row["image"] = fixed if isinstance(row.get("image"), list) else fixed[0]
        lines.extend([""] * (n - 1 - len(lines)))
        lines.append(json.dumps(row, ensure_ascii=False))
    Path(out).write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")


# data/sources.json in a run directory: which file each frozen copy was made from, so messages about
# data/train.jsonl:12 name the person's dataset/train_data.jsonl:12 instead.
SOURCES_FILE = "sources.json"


def record_source(frozen: Path, original: str) -> None:
    f = frozen.parent / SOURCES_FILE
    try:
        known = json.loads(f.read_text()) if f.exists() else {}
    except (OSError, json.JSONDecodeError):
        known = {}
    known = known if isinstance(known, dict) else {}
    known[frozen.name] = original
    f.write_text(json.dumps(known, indent=2) + "\n", encoding="utf-8")


def original_source(path: str | Path) -> str | None:
    """The absolute path a frozen copy was made from (None for a file that is no copy)."""
    p = Path(path)
    f = p.parent / SOURCES_FILE
    try:
        known = json.loads(f.read_text()) if f.exists() else {}
    except (OSError, json.JSONDecodeError):
        return None
    value = known.get(p.name) if isinstance(known, dict) else None
    return value if isinstance(value, str) and value else None


def display_path(path: str | Path) -> str:
    """A path as a person would type it here: relative to the working directory when it lies below it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)
