"""Rewrite one generated section of EVALUATION.md or BENCHMARKS.md.

Each generated block sits between ``<!-- name:start -->`` and ``<!-- name:end -->``; the text
around it is written by hand and kept. Writes go through a temporary file and ``os.replace``,
so an interrupted run never leaves a half-written document.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path


def update_section(text: str, name: str, body: str) -> str:
    """``text`` with section ``name`` replaced by ``body`` (appended when it is not there yet)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        return re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    return text.rstrip() + "\n\n" + block + "\n"


def write_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_section(path: Path, name: str, body: str, *, title: str = "") -> None:
    """Rewrite section ``name`` of the document at ``path`` (created with ``title`` if absent)."""
    text = path.read_text("utf-8") if path.exists() else f"# {title or path.stem}\n"
    write_text(path, update_section(text, name, body))
