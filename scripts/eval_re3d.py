"""Score actor and person recognition against re3d (Dstl's defence and security entity set).

Gold: re3d entities of type Organisation and Person with confidence >= 0.5. Predictions:
``ActorMatcher.find`` over each document, given the statistical NER spans of
``frontlines.nlp.entity_spans``; kind "actor" counts as Organisation, "person" as Person.
A prediction matches a gold span of the same type when they overlap (one-to-one, greedy by
overlap size). Prints a markdown table, or JSON with ``--json``.

    .venv/bin/python scripts/eval_re3d.py [--json] [--data ../shared/eval/re3d/re3d_merged.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from frontlines.actors import ActorBase, ActorMatcher
from frontlines.errors import KnowledgeBaseError
from frontlines.nlp import entity_spans

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "re3d" / "re3d_merged.jsonl"
TYPES = ("Organisation", "Person")
KIND_TO_TYPE = {"actor": "Organisation", "person": "Person"}
MIN_CONFIDENCE = 0.5


def match(gold: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]]) -> int:
    """Number of one-to-one overlap matches, taking the largest overlaps first."""
    pairs = []
    for i, (gs, ge) in enumerate(gold):
        for j, (ps, pe) in enumerate(predicted):
            overlap = min(ge, pe) - max(gs, ps)
            if overlap > 0:
                pairs.append((-overlap, i, j))
    pairs.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    for _, i, j in pairs:
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
    return len(used_gold)


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
            "tp": tp, "predicted": n_pred, "gold": n_gold}


def evaluate(
    path: Path, *, extra: Sequence[Path] = (), pronouns: bool = True, verbose: bool = False
) -> dict[str, dict[str, float | int]]:
    """Score the mentions `frontlines annotate --raw` gives (Processor.annotate, ner="all")."""
    from frontlines.ingest import make_article
    from frontlines.pipeline import Processor, ProcessorConfig

    docs = [json.loads(line) for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
    processor = Processor(ProcessorConfig(ner="all", actor_files=tuple(str(p) for p in extra)))
    counts = {t: [0, 0, 0] for t in TYPES}  # tp, predicted, gold
    for doc in docs:
        text = doc["text"]
        article = make_article(external_id=str(doc["id"]), text=text, where=str(path), clean=False)
        _, mentions, _ = processor.annotate(article)
        if not pronouns:
            mentions = [m for m in mentions if not m.alias.startswith("pronoun:")]
        for etype in TYPES:
            gold = [(e["begin"], e["end"]) for e in doc["entities"]
                    if e["type"] == etype and e.get("confidence", 1) >= MIN_CONFIDENCE]
            pred = [(m.start, m.end) for m in mentions if KIND_TO_TYPE.get(m.kind) == etype]
            tp = match(gold, pred)
            counts[etype][0] += tp
            counts[etype][1] += len(pred)
            counts[etype][2] += len(gold)
            if verbose:
                gold_spans = set(gold)
                for s, e in pred:
                    if not any(min(e, ge) > max(s, gs) for gs, ge in gold_spans):
                        print(f"FP {etype}: {text[s:e]!r}")
                for gs, ge in gold:
                    if not any(min(e, ge) > max(s, gs) for s, e in pred):
                        print(f"FN {etype}: {text[gs:ge]!r}")
    return {t: prf(*counts[t]) for t in TYPES}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--verbose", action="store_true", help="list false positives/negatives")
    parser.add_argument("--kb", type=Path, action="append", default=[],
                        help="extra knowledge-base file merged over the built-in one (repeatable)")
    parser.add_argument("--no-pronouns", dest="pronouns", action="store_false",
                        help="leave out pronoun mentions (resolved to their antecedents by default)")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"re3d data not found at {args.data} (../shared absent?); nothing to evaluate")
        return 0
    scores = evaluate(args.data, extra=args.kb, pronouns=args.pronouns, verbose=args.verbose)
    if args.json:
        print(json.dumps(scores, indent=2))
        return 0
    print("| type | precision | recall | F1 | tp | predicted | gold |")
    print("|---|---|---|---|---|---|---|")
    for etype, s in scores.items():
        print(f"| {etype} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | "
              f"{s['tp']} | {s['predicted']} | {s['gold']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
