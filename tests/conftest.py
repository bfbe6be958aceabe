"""Shared fixtures: short made-up reports and helpers for temporary stores."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

# Invented reports written for the tests; none of them describes a real event.
REPORTS = [
    {
        "id": "t-1",
        "title": "Clash north of Aleppo",
        "published": "2015-08-10",
        "outlet": "Test Wire",
        "text": "ISIS fighters seized the village of Umm Housh late Sunday after clashes with the Levant Front. "
        "At least 12 fighters were killed, the Syrian Observatory for Human Rights said.",
    },
    {
        "id": "t-2",
        "title": "Air strike in Idlib",
        "published": "2016-03-15",
        "outlet": "Test Daily",
        "text": "Russian warplanes struck Maarat al-Numan in Idlib province on Tuesday, killing nine civilians.",
    },
    {
        "id": "t-3",
        "title": "A threat",
        "published": "2018-02-20",
        "outlet": "Test Daily",
        "text": "Hayat Tahrir al-Sham said it would launch an offensive on Saraqib within 48 hours.",
    },
]

SCRAPED_PAGE = """Skip to main content
Select Page
Stay informed with MEE's newsletters
Fighters in Aleppo. (AFP/Test Photographer)
BEIRUT - Rebels said on Monday that they had pushed back an attack near the town.
Fighters in Aleppo. (AFP/Test Photographer)
The fighting went on into the night, residents said.
Sign up to our newsletter for the latest updates
To republish this article, please contact our syndication team.
"""


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def reports_file(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "reports.jsonl", REPORTS)


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "test.db")


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The default gazetteer and resolver index caches go to a temporary folder, never to
    the user's cache dir (subprocesses inherit the variable)."""
    path = tmp_path_factory.mktemp("frontlines-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRONTLINES_CACHE_DIR", str(path))
        yield path
