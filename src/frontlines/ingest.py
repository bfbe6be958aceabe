"""Ingest: read documents from files, folders, CSV/JSONL exports or stdin and clean them.

Every reader yields either an :class:`Article` or an :class:`InputError`, so one bad file or
line is reported and the rest of the batch goes on.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import ftfy
import yaml

from frontlines.dates import find_dateline, parse_published
from frontlines.errors import InputError
from frontlines.records import Article

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}
SIDECAR_NAME = "meta.jsonl"
DOCUMENT_FIELDS = ("id", "text", "title", "published", "outlet", "url", "language")

Item = Article | InputError


@dataclass(frozen=True, kw_only=True, slots=True)
class ReadOptions:
    """How inputs are read. ``csv_map`` maps document fields to CSV column names."""

    csv_map: Mapping[str, str] | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    # False keeps each text exactly as given (no boilerplate removal or Unicode repair), so
    # offsets index the input itself; used by `annotate --raw` and span-level evaluation.
    clean: bool = True


# ---------------------------------------------------------------- cleaning


@dataclass(frozen=True, kw_only=True, slots=True)
class _Boilerplate:
    lines: re.Pattern[str]
    captions: tuple[re.Pattern[str], ...]
    caption_max: int


@functools.lru_cache(maxsize=1)
def _boilerplate() -> _Boilerplate:
    raw = yaml.safe_load(resources.files("frontlines.data").joinpath("boilerplate.yaml").read_text("utf-8"))
    lines = re.compile(r"^\s*(?:" + "|".join(f"(?:{p})" for p in raw["lines"]) + r")\s*$", re.I)
    captions = tuple(re.compile(p, re.I) for p in raw["captions"]["patterns"])
    return _Boilerplate(lines=lines, captions=captions, caption_max=int(raw["captions"]["max_length"]))


def _is_caption(line: str, rules: _Boilerplate) -> bool:
    return len(line) <= rules.caption_max and any(p.search(line) for p in rules.captions)


def clean_text(text: str) -> str:
    """Repair Unicode and drop boilerplate lines, captions and repeated paragraphs.

    Works line by line and keeps sentences whole, so offsets into the cleaned text are
    stable: evidence points into exactly the text that is stored.
    """
    rules = _boilerplate()
    text = ftfy.fix_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\u00a0", " ").replace("\ufeff", "")
    kept: list[str] = []
    seen: set[str] = set()
    for raw in text.split("\n"):
        line = re.sub(r"[ \t]+", " ", raw).strip()
        if not line:
            continue
        if rules.lines.match(line) or _is_caption(line, rules):
            continue
        key = line.casefold()
        if key in seen and len(line) >= 20:
            continue  # a caption or pull quote repeated in the body
        seen.add(key)
        kept.append(line)
    # One paragraph a line in the source, separated by one blank line whatever the source used.
    return "\n\n".join(kept)


# ---------------------------------------------------------------- building articles


def make_article(
    *,
    external_id: str,
    text: str,
    where: str,
    title: str = "",
    published: str | date | None = None,
    outlet: str = "",
    url: str = "",
    language: str = "",
    clean: bool = True,
) -> Article:
    """Clean ``text`` and build an Article, or raise InputError naming ``where``."""
    if not isinstance(text, str):
        raise InputError(where, f"'text' must be a string, not {type(text).__name__}")
    cleaned = clean_text(text) if clean else text
    if not cleaned.strip():
        raise InputError(where, "document has no text after cleaning")
    pub: date | None
    if isinstance(published, date):
        pub = published
    elif published:
        pub = parse_published(str(published))
        if pub is None:
            raise InputError(where, f"unreadable publication date {published!r}")
    else:
        pub = find_dateline(cleaned)
    title = clean_text(title).replace("\n", " ") if title else ""
    return Article(
        id=Article.content_id(cleaned),
        external_id=str(external_id),
        text=cleaned,
        title=title,
        outlet=outlet or "",
        url=url or "",
        published=pub,
        language=language or "en",
        origin=where,
    )


def _decode(data: bytes, where: str) -> str:
    if not data.strip():
        raise InputError(where, "empty file")
    if b"\x00" in data[:8192]:
        raise InputError(where, "binary file, not text (NUL bytes found)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            where, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); re-save it as UTF-8"
        ) from None


def _read_bytes(path: Path, options: ReadOptions) -> bytes:
    size = path.stat().st_size
    if size > options.max_bytes:
        raise InputError(
            path,
            f"file too large ({size / 1e6:.1f} MB > {options.max_bytes / 1e6:.0f} MB limit; raise it with --max-bytes)",
        )
    return path.read_bytes()


# ---------------------------------------------------------------- readers


def read_jsonl(data: str, where: str, *, clean: bool = True) -> Iterator[Item]:
    """Documents JSON Lines: ``id`` and ``text`` required, other fields optional."""
    for lineno, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        at = f"{where}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(at, f"malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield InputError(at, f"expected a JSON object, got {type(obj).__name__}")
            continue
        missing = [k for k in ("id", "text") if k not in obj or obj[k] in (None, "")]
        if missing:
            yield InputError(at, f"missing required field(s) {', '.join(missing)}")
            continue
        try:
            yield make_article(
                external_id=str(obj["id"]),
                text=obj["text"],
                where=at,
                title=str(obj.get("title") or ""),
                published=obj.get("published"),
                outlet=str(obj.get("outlet") or ""),
                url=str(obj.get("url") or ""),
                language=str(obj.get("language") or ""),
                clean=clean,
            )
        except InputError as exc:
            yield exc


def _sidecar(folder: Path) -> dict[str, dict[str, Any]]:
    path = folder / SIDECAR_NAME
    if not path.is_file():
        return {}
    meta: dict[str, dict[str, Any]] = {}
    for lineno, line in enumerate(path.read_text("utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            meta[str(obj["file"])] = obj
        except (json.JSONDecodeError, KeyError, TypeError):
            raise InputError(f"{path}:{lineno}", "malformed sidecar line (needs a JSON object with 'file')") from None
    return meta


def read_text_file(path: Path, options: ReadOptions, meta: Mapping[str, Any] | None = None) -> Article:
    text = _decode(_read_bytes(path, options), str(path))
    meta = meta or {}
    return make_article(
        external_id=str(meta.get("id") or path.stem),
        text=text,
        where=str(path),
        title=str(meta.get("title") or ""),
        published=meta.get("published"),
        outlet=str(meta.get("outlet") or ""),
        url=str(meta.get("url") or ""),
        language=str(meta.get("language") or ""),
        clean=options.clean,
    )


def read_html(data: str, where: str, external_id: str) -> Article:
    """Main text, title and date of a web page (trafilatura + htmldate)."""
    import trafilatura
    from htmldate import find_date

    extracted = trafilatura.bare_extraction(
        data, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    body = ""
    title = ""
    if extracted is not None:
        body = getattr(extracted, "text", None) or ""
        title = getattr(extracted, "title", None) or ""
    if not clean_text(body).strip():
        raise InputError(where, "no article text found in the HTML page")
    published = None
    try:
        found = find_date(data, extensive_search=False, original_date=True)
    except (ValueError, TypeError):
        found = None
    if found:
        published = parse_published(found)
    return make_article(
        external_id=external_id, text=body, where=where, title=title, published=published or None
    )


def parse_csv_map(spec: str | None) -> dict[str, str] | None:
    """``id=unit_id,text=article_content`` -> {"id": "unit_id", "text": "article_content"}."""
    if not spec:
        return None
    mapping: dict[str, str] = {}
    for part in spec.split(","):
        field, sep, column = part.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise InputError("--csv-map", f"expected FIELD=COLUMN pairs, got {part!r}")
        if field not in DOCUMENT_FIELDS:
            raise InputError("--csv-map", f"unknown field {field!r} (fields: {', '.join(DOCUMENT_FIELDS)})")
        mapping[field] = column
    for required in ("id", "text"):
        if required not in mapping:
            raise InputError("--csv-map", f"the map must name the '{required}' column")
    return mapping


def read_csv(
    data: str, where: str, csv_map: Mapping[str, str] | None, *, delimiter: str = ",", clean: bool = True
) -> Iterator[Item]:
    csv.field_size_limit(sys.maxsize)
    reader = csv.DictReader(io.StringIO(data, newline=""), delimiter=delimiter)
    columns = reader.fieldnames or []
    mapping = dict(csv_map) if csv_map else {f: f for f in DOCUMENT_FIELDS if f in columns}
    missing = sorted({c for c in mapping.values() if c not in columns})
    if not csv_map and not {"id", "text"} <= set(mapping):
        missing = [c for c in ("id", "text") if c not in mapping]
    if missing:
        yield InputError(
            where,
            f"CSV is missing column(s) {', '.join(missing)} (has: {', '.join(columns) or 'no header'}); "
            "map them with --csv-map id=COL,text=COL",
        )
        return
    try:
        for row in reader:
            at = f"{where}:{reader.line_num}"
            values = {field: (row.get(column) or "").strip() for field, column in mapping.items()}
            if not values.get("id") or not values.get("text"):
                yield InputError(at, "row has an empty id or text")
                continue
            try:
                yield make_article(
                    external_id=values["id"],
                    text=values["text"],
                    where=at,
                    title=values.get("title", ""),
                    published=values.get("published") or None,
                    outlet=values.get("outlet", ""),
                    url=values.get("url", ""),
                    language=values.get("language", ""),
                    clean=clean,
                )
            except InputError as exc:
                yield exc
    except csv.Error as exc:
        yield InputError(f"{where}:{reader.line_num}", f"malformed CSV ({exc})")


def _read_path(path: Path, options: ReadOptions, meta: Mapping[str, Mapping[str, Any]]) -> Iterator[Item]:
    suffix = path.suffix.lower()
    where = str(path)
    try:
        if suffix in JSONL_SUFFIXES or suffix == ".json":
            yield from read_jsonl(_decode(_read_bytes(path, options), where), where, clean=options.clean)
        elif suffix in CSV_SUFFIXES:
            text = _decode(_read_bytes(path, options), where)
            yield from read_csv(text, where, options.csv_map, delimiter="\t" if suffix == ".tsv" else ",", clean=options.clean)
        elif suffix in HTML_SUFFIXES:
            yield read_html(_decode(_read_bytes(path, options), where), where, path.stem)
        else:
            yield read_text_file(path, options, meta.get(path.name))
    except InputError as exc:
        yield exc
    except OSError as exc:
        yield InputError(where, f"cannot read ({exc.strerror or exc})")


def _walk(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith(".") and path.name != SIDECAR_NAME:
            if path.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES:
                yield path


def read_stdin(stream: io.TextIOBase | Any, options: ReadOptions) -> Iterator[Item]:
    data = stream.read()
    if isinstance(data, bytes):
        try:
            data = _decode(data, "<stdin>")
        except InputError as exc:
            yield exc
            return
    if not data.strip():
        yield InputError("<stdin>", "empty input")
        return
    if len(data.encode("utf-8")) > options.max_bytes:
        yield InputError("<stdin>", "input too large; raise the limit with --max-bytes")
        return
    if data.lstrip().startswith("{"):
        yield from read_jsonl(data, "<stdin>", clean=options.clean)
    elif data.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
        try:
            yield read_html(data, "<stdin>", "stdin")
        except InputError as exc:
            yield exc
    else:
        try:
            yield make_article(external_id="stdin", text=data, where="<stdin>", clean=options.clean)
        except InputError as exc:
            yield exc


def read_inputs(inputs: Sequence[str], *, options: ReadOptions | None = None, stdin: Any = None) -> Iterator[Item]:
    """Everything named on the command line, in order: files, folders (recursive), ``-``."""
    options = options or ReadOptions()
    for name in inputs:
        if name == "-":
            yield from read_stdin(stdin if stdin is not None else sys.stdin, options)
            continue
        path = Path(name)
        if path.is_dir():
            files = list(_walk(path))
            if not files:
                yield InputError(path, "folder holds no .txt, .html, .jsonl or .csv files")
            metas: dict[Path, dict[str, dict[str, Any]]] = {}
            for file in files:
                if file.parent not in metas:
                    try:
                        metas[file.parent] = _sidecar(file.parent)
                    except InputError as exc:
                        yield exc
                        metas[file.parent] = {}
                yield from _read_path(file, options, metas[file.parent])
        elif path.is_file():
            try:
                meta = _sidecar(path.parent)
            except InputError as exc:
                yield exc
                meta = {}
            yield from _read_path(path, options, meta)
        else:
            yield InputError(path, "no such file or folder")


def articles_only(items: Iterable[Item]) -> list[Article]:
    return [item for item in items if isinstance(item, Article)]
