"""Schema and consistency of the built-in actor knowledge base (data/actors.yaml)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from frontlines.actors import ActorBase, _builtin_path, _keys, validate_file
from frontlines.records import RELATION_KINDS

REQUIRED = ("id", "name", "type", "kind")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def path() -> Path:
    path = _builtin_path()
    assert path.is_file(), f"built-in knowledge base missing: {path}"
    return path


@pytest.fixture(scope="module")
def entries(path: Path) -> list[dict[str, Any]]:
    # Dates as text, so the ISO format itself is checked.
    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        k: [(t, r) for t, r in v if t != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506
    assert isinstance(data, list)
    return data


def test_validate_file_finds_no_problems(path: Path) -> None:
    problems = validate_file(path)
    assert problems == [], "\n".join(problems[:30])


def test_schema(entries: list[dict[str, Any]]) -> None:
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids)), "duplicate ids"
    known = set(ids)
    for e in entries:
        for key in REQUIRED:
            assert key in e, f"{e.get('id')}: missing {key}"
        assert e["kind"] in ("group", "person"), e["id"]
        assert isinstance(e["type"], int) and 0 <= e["type"] <= 8, e["id"]
        assert (e["type"] == 0) == (e["kind"] == "person"), e["id"]
        active = e.get("active") or {}
        for key in ("from", "to"):
            if active.get(key) is not None:
                assert ISO.match(str(active[key])), f"{e['id']}: active.{key} {active[key]!r}"
                date.fromisoformat(str(active[key]))
        for rel in e.get("relations") or ():
            assert rel["kind"] in RELATION_KINDS, f"{e['id']}: {rel}"
            assert rel["target"] in known, f"{e['id']}: unknown relation target {rel['target']}"
            for key in ("from", "to"):
                if rel.get(key) is not None:
                    assert ISO.match(str(rel[key])), f"{e['id']}: relation date {rel[key]!r}"
        for key in ("aliases", "acronyms", "nationality", "tags", "descriptors"):
            assert all(isinstance(v, str) and v.strip() for v in e.get(key) or ()), f"{e['id']}: {key}"


def test_enough_groups(entries: list[dict[str, Any]]) -> None:
    assert sum(1 for e in entries if e["kind"] == "group") >= 250


def _periods_overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    def bounds(e: dict[str, Any]) -> tuple[date, date]:
        active = e.get("active") or {}
        start = date.fromisoformat(str(active["from"])) if active.get("from") else date.min
        end = date.fromisoformat(str(active["to"])) if active.get("to") else date.max
        return start, end

    (s1, e1), (s2, e2) = bounds(a), bounds(b)
    return s1 <= e2 and s2 <= e1


def test_no_name_resolves_to_two_actors_on_the_same_date(entries: list[dict[str, Any]]) -> None:
    by_key: dict[str, set[str]] = defaultdict(set)
    by_acronym: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        for alias in (e["name"], *(e.get("aliases") or ())):
            for key in _keys(alias):
                by_key[key].add(e["id"])
        for acronym in e.get("acronyms") or ():
            by_acronym[acronym].add(e["id"])
    index = {e["id"]: e for e in entries}
    clashes = []
    for table in (by_key, by_acronym):
        for key, ids in table.items():
            ordered = sorted(ids)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    if _periods_overlap(index[a], index[b]):
                        clashes.append(f"{key!r}: {a} and {b}")
    assert clashes == [], "\n".join(clashes[:40])


def test_loads_as_a_base(path: Path) -> None:
    base = ActorBase.load()
    assert len(base) >= 250
    for actor in base:
        assert actor.name and actor.id
