"""Score relation extraction against the seeds gold and against re3d.

(a) Seeds: the pipeline (``Processor(ProcessorConfig()).process``) over the five seed texts,
scored against ``../shared/gold/seeds.relations.jsonl``. A predicted relation matches a gold
relation of the same kind in the same document when its source and target names are in the
gold alias lists (either direction for symmetric kinds; names compared with
``frontlines.evaluate.normalise_name``). Each gold relation matches at most one prediction.
Gold relations with ``required: false`` count neither way: a prediction matched to one is
not a false positive, and missing one is not a false negative.

(b) re3d: document-level actor pairs. Gold: relations FightingAgainst (-> hostile) and
AlliesOf (-> allied) with confidence >= 0.5 whose two argument spans each overlap an actor
mention the pipeline resolved to a knowledge-base actor (the pair is then a pair of actor
ids; pairs the recogniser cannot name are outside what relation extraction can be asked
for, and are reported as "unresolvable"). Predictions: the pipeline's hostile/allied
relations between two resolved actors (``supports`` counts as allied: re3d's AlliesOf covers
support, and it has no separate relation for it). Both sides are sets of (kind, unordered id pair) per
document.

    .venv/bin/python scripts/eval_relations.py [--json] [--shared ../shared] [--verbose]

Prints markdown tables; with ``--json`` the last line is
``{"figures": {"seeds.f1": ..., "re3d.f1": ...}, "markdown": "..."}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared"
KINDS = ("hostile", "allied", "member_of", "affiliate_of", "merged_into", "split_from", "supports", "leads",
         "spokesperson_of")
SYMMETRIC = {"hostile", "allied"}
RE3D_KINDS = {"FightingAgainst": "hostile", "AlliesOf": "allied"}
RE3D_FROM = {"supports": "allied"}  # our kinds as re3d codes them
MIN_CONFIDENCE = 0.5


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, Any]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "predicted": n_pred,
            "gold": n_gold}


def _named(names: Sequence[str], aliases: Sequence[str]) -> bool:
    from frontlines.evaluate import actor_in

    return any(actor_in(n, aliases) for n in names)


def _matches(pred: dict[str, Any], gold: dict[str, Any]) -> bool:
    """Same kind; each end named (canonical name or a knowledge-base alias) in the gold lists."""
    if pred["kind"] != gold["relation"]:
        return False
    src, tgt = pred.get("source_names") or [pred["source"]], pred.get("target_names") or [pred["target"]]
    if _named(src, gold["source"]) and _named(tgt, gold["target"]):
        return True
    return pred["kind"] in SYMMETRIC and _named(src, gold["target"]) and _named(tgt, gold["source"])


def score_seeds(predicted: Sequence[dict[str, Any]], gold: Sequence[dict[str, Any]], *, verbose: bool = False
                ) -> dict[str, Any]:
    """P/R/F1 overall and per kind (see the module docstring)."""
    counts = {k: [0, 0, 0] for k in KINDS}  # tp, predicted, gold (required only)
    for g in gold:
        if g.get("required", True) and g["relation"] in counts:
            counts[g["relation"]][2] += 1
    docs = sorted({p["doc"] for p in predicted} | {g["doc"] for g in gold})
    for doc in docs:
        preds = [p for p in predicted if p["doc"] == doc]
        golds = [g for g in gold if g["doc"] == doc]
        # Required gold first, so a prediction fitting both a required and an optional item scores.
        golds.sort(key=lambda g: (not g.get("required", True), g["id"]))
        used: set[int] = set()
        for p in sorted(preds, key=lambda p: (-p.get("confidence", 0), p["kind"], p["source"], p["target"])):
            hit = next((i for i, g in enumerate(golds) if i not in used and _matches(p, g)), None)
            if hit is None:
                if p["kind"] in counts:
                    counts[p["kind"]][1] += 1
                if verbose:
                    print(f"  FP {doc} {p['kind']}: {p['source']} -> {p['target']}", file=sys.stderr)
                continue
            used.add(hit)
            if golds[hit].get("required", True):
                counts[p["kind"]][0] += 1
                counts[p["kind"]][1] += 1
        if verbose:
            for i, g in enumerate(golds):
                if i not in used and g.get("required", True):
                    print(f"  FN {doc} {g['relation']}: {g['source'][0]} -> {g['target'][0]}", file=sys.stderr)
    per_kind = {k: prf(*v) for k, v in counts.items() if v[1] or v[2]}
    total = [sum(v[i] for v in counts.values()) for i in range(3)]
    return {"overall": prf(*total), "per_kind": per_kind}


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip()]


def _names(base: Any, name: str, ident: str) -> list[str]:
    """An actor's canonical name and, when it is a knowledge-base actor, its aliases."""
    actor = base.get(ident) if ident else None
    return [name, *(actor.aliases if actor is not None else ())]


def run_seeds(shared: Path, processor: Any, *, verbose: bool = False) -> dict[str, Any]:
    from frontlines.ingest import make_article

    seeds = shared / "corpus" / "seeds"
    meta = {m["file"]: m for m in _read_jsonl(seeds / "meta.jsonl")}
    predicted = []
    for path in sorted(seeds.glob("*.txt")):
        info = meta.get(path.name, {})
        article = make_article(external_id=path.stem, text=path.read_text(encoding="utf-8"), where=str(path),
                               published=info.get("published"), outlet=info.get("outlet", ""))
        for rel in processor.process(article).relations:
            predicted.append({"doc": path.stem, "kind": rel.kind, "source": rel.source, "target": rel.target,
                              "source_names": _names(processor.base, rel.source, rel.source_id),
                              "target_names": _names(processor.base, rel.target, rel.target_id),
                              "confidence": rel.confidence})
    gold = _read_jsonl(shared / "gold" / "seeds.relations.jsonl")
    return score_seeds(predicted, gold, verbose=verbose)


def _resolve_span(mentions: Sequence[Any], begin: int, end: int) -> str | None:
    best, best_overlap = None, 0
    for m in mentions:
        if m.kind not in ("actor", "person") or not m.resolved_id:
            continue
        overlap = min(end, m.end) - max(begin, m.start)
        if overlap > best_overlap:
            best, best_overlap = m.resolved_id, overlap
    return best


def run_re3d(shared: Path, processor: Any, *, verbose: bool = False) -> dict[str, Any]:
    from frontlines.ingest import make_article
    from frontlines.errors import FrontlinesError

    docs = _read_jsonl(shared / "eval" / "re3d" / "re3d_merged.jsonl")
    counts = {k: [0, 0, 0] for k in RE3D_KINDS.values()}
    unresolvable = Counter()
    for d in docs:
        try:
            article = make_article(external_id=f"re3d:{d['id']}", text=d["text"], where=d["id"], title=d.get("title", ""))
        except FrontlinesError:
            continue
        if article.text != d["text"]:
            # Cleaning moved offsets: score on the raw text instead so gold spans stay valid.
            from dataclasses import replace

            article = replace(article, text=d["text"])
        result = processor.process(article)
        gold: set[tuple[str, frozenset[str]]] = set()
        for r in d.get("relations", []):
            kind = RE3D_KINDS.get(r["type"])
            if kind is None or r.get("confidence", 1) < MIN_CONFIDENCE:
                continue
            a = _resolve_span(result.mentions, r["sourceBegin"], r["sourceEnd"])
            b = _resolve_span(result.mentions, r["targetBegin"], r["targetEnd"])
            if not a or not b or a == b:
                unresolvable[kind] += 1
                continue
            gold.add((kind, frozenset((a, b))))
        # re3d has no support relation: its AlliesOf covers "in support of", "assisting".
        pred = {(RE3D_FROM.get(r.kind, r.kind), frozenset((r.source_id, r.target_id))) for r in result.relations
                if RE3D_FROM.get(r.kind, r.kind) in counts and r.source_id and r.target_id}
        for kind in counts:
            g = {x for x in gold if x[0] == kind}
            p = {x for x in pred if x[0] == kind}
            counts[kind][0] += len(g & p)
            counts[kind][1] += len(p)
            counts[kind][2] += len(g)
            if verbose:
                for x in sorted(p - g, key=str):
                    print(f"  FP {d['id'][:8]} {kind}: {sorted(x[1])}", file=sys.stderr)
                for x in sorted(g - p, key=str):
                    print(f"  FN {d['id'][:8]} {kind}: {sorted(x[1])}", file=sys.stderr)
    total = [sum(v[i] for v in counts.values()) for i in range(3)]
    return {"overall": prf(*total), "per_kind": {k: prf(*v) for k, v in counts.items()},
            "unresolvable": dict(unresolvable), "documents": len(docs)}


def _table(title: str, result: dict[str, Any]) -> str:
    lines = [f"### {title}", "", "| kind | P | R | F1 | tp | predicted | gold |", "|---|---|---|---|---|---|---|"]
    rows = [("**overall**", result["overall"]), *sorted(result["per_kind"].items())]
    for name, r in rows:
        lines.append(f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['tp']} | "
                     f"{r['predicted']} | {r['gold']} |")
    if result.get("unresolvable"):
        lines.append("")
        lines.append("Gold pairs with an argument the recogniser does not resolve (not scored): "
                     + ", ".join(f"{k} {v}" for k, v in sorted(result["unresolvable"].items())))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data directory")
    parser.add_argument("--verbose", action="store_true", help="list false positives/negatives on stderr")
    parser.add_argument("--only", choices=("seeds", "re3d"), help="run one of the two evaluations")
    args = parser.parse_args(argv)
    shared: Path = args.shared
    if not (shared / "gold" / "seeds.relations.jsonl").is_file():
        message = f"{shared} is absent: no relation evaluation (nothing to score against)"
        print(message)
        if args.json:
            print(json.dumps({"figures": {}, "markdown": message}))
        return 0

    from frontlines.pipeline import Processor, ProcessorConfig

    processor = Processor(ProcessorConfig())
    figures: dict[str, float] = {}
    parts = ["## Relations"]
    if args.only in (None, "seeds"):
        seeds = run_seeds(shared, processor, verbose=args.verbose)
        figures.update({"seeds.precision": seeds["overall"]["precision"], "seeds.recall": seeds["overall"]["recall"],
                        "seeds.f1": seeds["overall"]["f1"]})
        parts.append(_table("Seeds (floor F1 0.60)", seeds))
    re3d_path = shared / "eval" / "re3d" / "re3d_merged.jsonl"
    if args.only in (None, "re3d") and re3d_path.is_file():
        re3d = run_re3d(shared, processor, verbose=args.verbose)
        figures.update({"re3d.precision": re3d["overall"]["precision"], "re3d.recall": re3d["overall"]["recall"],
                        "re3d.f1": re3d["overall"]["f1"]})
        parts.append(_table(f"re3d document-level actor pairs ({re3d['documents']} documents, floor F1 0.50)", re3d))
    markdown = "\n\n".join(parts)
    print(markdown)
    if args.json:
        print(json.dumps({"figures": figures, "markdown": markdown}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
