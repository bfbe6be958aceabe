"""Scoring the pipeline against gold events (schema and rules: ../shared/gold/GUIDE.md).

Scorers are small pieces (``Counts``, ``actor_in``, ``match_events``) shared by the CLI,
``make eval`` and the tests.
"""

from __future__ import annotations

import json
import re
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from frontlines.errors import EvaluationError
from frontlines.export import event_jsonl
from frontlines.geo import haversine_km
from frontlines.ingest import ReadOptions, read_inputs

MATCH_KM = 50.0
LOCATION_KM = 25.0
MATCH_DAYS = 2


@dataclass(kw_only=True, slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
        }


def normalise_name(name: str) -> str:
    """Lower-case, drop accents and parentheses and a leading 'the'/'al-' (the gold's rule)."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"[‘’'`ʼʿ]", "", text)
    text = re.sub(r"[-_/]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"^the ", "", text)
    return re.sub(r"^al ", "", text)


def actor_in(name: str, aliases: Sequence[str]) -> bool:
    return bool(name) and normalise_name(name) in {normalise_name(a) for a in aliases}


def _distance(pred: dict[str, Any], gold: dict[str, Any]) -> float | None:
    if pred.get("latitude") is None or gold.get("latitude") is None:
        return None
    return haversine_km(pred["latitude"], pred["longitude"], gold["latitude"], gold["longitude"])


def _days(pred: dict[str, Any], gold: dict[str, Any]) -> int | None:
    if not pred.get("event_date") or not gold.get("event_date"):
        return None
    return abs((date.fromisoformat(pred["event_date"]) - date.fromisoformat(gold["event_date"])).days)


def _pred_actors(pred: dict[str, Any]) -> list[str]:
    return [a for a in (pred.get("actor1"), pred.get("actor2")) if a]


def _gold_actor_lists(gold: dict[str, Any]) -> list[list[str]]:
    return [lst for lst in (gold.get("actor1") or [], gold.get("actor2") or []) if lst]


def shares_actor(pred: dict[str, Any], gold: dict[str, Any]) -> bool:
    return any(actor_in(a, lst) for a in _pred_actors(pred) for lst in _gold_actor_lists(gold))


def actor_pair_exact(pred: dict[str, Any], gold: dict[str, Any]) -> bool:
    g1, g2 = gold.get("actor1") or [], gold.get("actor2") or []
    p1, p2 = pred.get("actor1") or "", pred.get("actor2") or ""

    def same(name: str, aliases: list[str]) -> bool:
        return (not name and not aliases) or actor_in(name, aliases)

    return (same(p1, g1) and same(p2, g2)) or (same(p1, g2) and same(p2, g1))


def can_match(pred: dict[str, Any], gold: dict[str, Any]) -> bool:
    if pred.get("event_type") != gold.get("event_type") or not shares_actor(pred, gold):
        return False
    km, days = _distance(pred, gold), _days(pred, gold)
    return (km is not None and km <= MATCH_KM) or (days is not None and days <= MATCH_DAYS)


def _pair_score(pred: dict[str, Any], gold: dict[str, Any]) -> tuple[float, ...]:
    km, days = _distance(pred, gold), _days(pred, gold)
    return (
        float(pred.get("sub_event_type") == gold.get("sub_event_type")),
        float(actor_pair_exact(pred, gold)),
        -(days if days is not None else 99),
        -(km if km is not None else 9999.0),
    )


FIELDS: dict[str, Callable[[dict[str, Any], dict[str, Any]], bool]] = {
    "sub_event_type": lambda p, g: p.get("sub_event_type") == g.get("sub_event_type"),
    "actor_pair": actor_pair_exact,
    "date": lambda p, g: bool(p.get("event_date")) and p.get("event_date") == g.get("event_date"),
    "location_25km": lambda p, g: (d := _distance(p, g)) is not None and d <= LOCATION_KM,
    "fatalities": lambda p, g: int(p.get("fatalities") or 0) == int(g.get("fatalities") or 0),
}


@dataclass(kw_only=True, slots=True)
class EventScores:
    counts: Counts = field(default_factory=Counts)
    fields: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0] for k in FIELDS})
    details: list[dict[str, Any]] = field(default_factory=list)

    def field_accuracy(self) -> dict[str, float]:
        return {k: round(ok / n, 3) if n else 0.0 for k, (ok, n) in self.fields.items()}

    def as_dict(self) -> dict[str, Any]:
        return {
            "events": self.counts.as_dict(),
            "matched": self.counts.tp,
            "field_accuracy": self.field_accuracy(),
        }


def match_events(preds: Sequence[dict[str, Any]], golds: Sequence[dict[str, Any]]) -> EventScores:
    """Match per document, best pairs first; optional gold events count neither way."""
    scores = EventScores()
    by_doc_p: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_doc_g: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in preds:
        for doc in p.get("source_docs") or [p.get("doc")]:
            by_doc_p[doc].append(p)
    for g in golds:
        by_doc_g[g["doc"]].append(g)
    for doc in sorted(set(by_doc_p) | set(by_doc_g)):
        ps, gs = by_doc_p.get(doc, []), by_doc_g.get(doc, [])
        pairs = [
            (_pair_score(p, g), pi, gi) for pi, p in enumerate(ps) for gi, g in enumerate(gs) if can_match(p, g)
        ]
        pairs.sort(key=lambda x: x[0], reverse=True)
        used_p: set[int] = set()
        used_g: set[int] = set()
        for _, pi, gi in pairs:
            if pi in used_p or gi in used_g:
                continue
            used_p.add(pi)
            used_g.add(gi)
            p, g = ps[pi], gs[gi]
            required = g.get("required", True)
            row: dict[str, Any] = {"doc": doc, "gold": g.get("id"), "pred": p.get("id"), "required": required}
            if required:
                scores.counts.tp += 1
            for name, check in FIELDS.items():
                ok = check(p, g)
                row[name] = ok
                if required:
                    scores.fields[name][1] += 1
                    scores.fields[name][0] += int(ok)
            row["pred_summary"] = _summary(p)
            row["gold_summary"] = _summary(g)
            scores.details.append(row)
        for pi, p in enumerate(ps):
            if pi not in used_p:
                scores.counts.fp += 1
                scores.details.append({"doc": doc, "pred": p.get("id"), "false_positive": True, "pred_summary": _summary(p)})
        for gi, g in enumerate(gs):
            if gi not in used_g and g.get("required", True):
                scores.counts.fn += 1
                scores.details.append({"doc": doc, "gold": g.get("id"), "missed": True, "gold_summary": _summary(g)})
    return scores


def _summary(e: dict[str, Any]) -> str:
    a1 = e.get("actor1")
    a2 = e.get("actor2")
    a1 = a1[0] if isinstance(a1, list) and a1 else a1 or ""
    a2 = a2[0] if isinstance(a2, list) and a2 else a2 or ""
    return (
        f"{e.get('event_date')} {e.get('sub_event_type')} | {a1} vs {a2 or '-'} | "
        f"{e.get('location') or '?'} | fat {e.get('fatalities', 0)}"
    )


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    rows = []
    try:
        lines = Path(path).read_text("utf-8-sig").splitlines()
    except OSError as exc:
        raise EvaluationError(f"{path}: cannot read ({exc.strerror})") from None
    for lineno, line in enumerate(lines, start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise EvaluationError(f"{path}:{lineno}: malformed JSON ({exc.msg})") from None
    return rows


@dataclass(frozen=True, kw_only=True, slots=True)
class GazetteerImport:
    path: str
    fmt: str


def run_pipeline_on(
    docs: str | Path,
    *,
    workdir: Path,
    imports: Sequence[GazetteerImport] = (),
    workers: int = 1,
) -> tuple[list[dict[str, Any]], Any]:
    """Ingest DOCS into a temporary store and return its exported events (JSONL dicts)."""
    from frontlines import gazetteer
    from frontlines.pipeline import prepare_store, run_ingest
    from frontlines.store import Store

    db = str(workdir / "evaluate.db")
    prepare_store(db)
    with Store(db) as store:
        for imp in imports:
            gazetteer.import_file(store.conn, Path(imp.path), fmt=imp.fmt)  # type: ignore[arg-type]
    report = run_ingest(read_inputs([str(docs)], options=ReadOptions()), db=db, workers=workers)
    with Store(db) as store:
        events = [event_jsonl(e) for e in store.events()]
    return events, report


def evaluate_events(
    *, gold: str | Path, docs: str | Path, imports: Sequence[GazetteerImport] = (), workers: int = 1
) -> tuple[EventScores, Any]:
    golds = load_jsonl(gold)
    with tempfile.TemporaryDirectory(prefix="frontlines-eval-") as tmp:
        preds, report = run_pipeline_on(docs, workdir=Path(tmp), imports=imports, workers=workers)
    return match_events(preds, golds), report
