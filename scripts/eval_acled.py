"""Sub-event typing on ACLED notes: the rule coder alone vs the learned classifier.

Data: an ACLED-format export (default ../shared/eval/acled-2020/acled.csv; internal use only,
never copied into the repository). Each note is one short event description.

Split (documented, no tuning on the test part): held out by date. Rows dated before the cut
date train the classifier; rows on or after it are the test set. The default cut is the
first date of the last ~30% of rows (for acled-2020: train 1-4 May 2020, 3,184 notes; test
5-9 May 2020, 1,886 notes); ``--cut YYYY-MM-DD`` sets it. ``--split country`` instead holds out whole
countries (every 4th country by name, sorted), to check the model does not learn place
names.

Rules alone: :func:`frontlines.events.detect` on the note (its first trigger; a note with
no trigger counts as wrong, with the prediction "none"). Classifier: the model trained on
the training part. "Rules + classifier": the classifier re-ranks the sub-event type within
the event type the rules found (what ``code_events(model=...)`` does), falling back to the
classifier's best type when the rules find nothing.

Prints a markdown table; with ``--json`` also one final line
``{"figures": {...}, "markdown": "..."}``.

    .venv/bin/python scripts/eval_acled.py [--csv PATH] [--split date|country] [--cut DATE] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from frontlines.classifier import AcledRow, clean_note, read_acled, train_model  # noqa: E402
from frontlines.events import detect  # noqa: E402
from frontlines.records import SUB_EVENT_TYPES  # noqa: E402

DEFAULT_CSV = ROOT.parent / "shared" / "eval" / "acled-2020" / "acled.csv"
NONE = "none"


def macro_f1(gold: list[str], pred: list[str]) -> float:
    """Macro-averaged F1 over the sub-event types present in the gold."""
    labels = sorted(set(gold))
    scores = []
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def accuracy(gold: list[str], pred: list[str]) -> float:
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0


def event_type_accuracy(gold: list[str], pred: list[str]) -> float:
    return accuracy([SUB_EVENT_TYPES[g] for g in gold], [SUB_EVENT_TYPES.get(p, NONE) for p in pred])


def split_rows(rows: list[AcledRow], how: str, cut: date | None) -> tuple[list[AcledRow], list[AcledRow], str]:
    if how == "country":
        countries = sorted({r.country for r in rows})
        held = set(countries[::4])
        train = [r for r in rows if r.country not in held]
        test = [r for r in rows if r.country in held]
        return train, test, f"held-out countries: every 4th by name ({len(held)} of {len(countries)})"
    dated = [r for r in rows if r.event_date is not None]
    if cut is None:
        days = sorted(r.event_date for r in dated)  # type: ignore[type-var]
        cut = days[int(len(days) * 0.7)]
    train = [r for r in dated if r.event_date < cut]  # type: ignore[operator]
    test = [r for r in dated if r.event_date >= cut]  # type: ignore[operator]
    return train, test, f"by date: train before {cut.isoformat()}, test from {cut.isoformat()}"


def rules_predict(notes: list[str]) -> list[str]:
    out = []
    for n in notes:
        t = detect(clean_note(n))
        out.append(t.sub_event_type if t else NONE)
    return out


def combined(rule_preds: list[str], ranked: list[list[tuple[str, float]]]) -> list[str]:
    out = []
    for rule, ranking in zip(rule_preds, ranked, strict=True):
        if rule == NONE:
            out.append(ranking[0][0])
            continue
        etype = SUB_EVENT_TYPES[rule]
        out.append(next((s for s, _ in ranking if SUB_EVENT_TYPES.get(s) == etype), rule))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    ap.add_argument("--split", choices=("date", "country"), default="date")
    ap.add_argument("--cut", type=date.fromisoformat, default=None)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not args.csv.exists():
        print(f"skipped: {args.csv} not found")
        return 0
    rows = read_acled(args.csv)
    train, test, how = split_rows(rows, args.split, args.cut)
    gold = [r.sub_event_type for r in test]
    notes = [r.notes for r in test]

    started = time.perf_counter()
    rule_preds = rules_predict(notes)
    rules_s = time.perf_counter() - started

    started = time.perf_counter()
    model = train_model([r.notes for r in train], [r.sub_event_type for r in train])
    train_s = time.perf_counter() - started
    ranked = model.rank_many(notes)
    clf_preds = [r[0][0] for r in ranked]
    both = combined(rule_preds, ranked)

    figures = {
        "split": how,
        "train_rows": len(train),
        "test_rows": len(test),
        "test_classes": len(set(gold)),
        "rules": {
            "accuracy": round(accuracy(gold, rule_preds), 3),
            "macro_f1": round(macro_f1(gold, rule_preds), 3),
            "event_type_accuracy": round(event_type_accuracy(gold, rule_preds), 3),
            "no_trigger": round(rule_preds.count(NONE) / len(gold), 3) if gold else 0.0,
            "seconds": round(rules_s, 2),
        },
        "classifier": {
            "accuracy": round(accuracy(gold, clf_preds), 3),
            "macro_f1": round(macro_f1(gold, clf_preds), 3),
            "event_type_accuracy": round(event_type_accuracy(gold, clf_preds), 3),
            "train_seconds": round(train_s, 2),
        },
        "rules_plus_classifier": {
            "accuracy": round(accuracy(gold, both), 3),
            "macro_f1": round(macro_f1(gold, both), 3),
            "event_type_accuracy": round(event_type_accuracy(gold, both), 3),
        },
    }
    confusions = Counter((g, p) for g, p in zip(gold, rule_preds, strict=True) if g != p).most_common(8)
    lines = [
        f"ACLED sub-event typing on {args.csv.name} ({how}; train {len(train)}, test {len(test)} notes, "
        f"{len(set(gold))} sub-types in test)",
        "",
        "| coder | accuracy | macro-F1 | event-type accuracy |",
        "|---|---|---|---|",
    ]
    for name, key in (("rules (detect)", "rules"), ("classifier (TF-IDF + SGD logistic regression)", "classifier"),
                      ("rules + classifier re-ranking", "rules_plus_classifier")):
        f = figures[key]
        lines.append(f"| {name} | {f['accuracy']:.3f} | {f['macro_f1']:.3f} | {f['event_type_accuracy']:.3f} |")
    lines += ["", f"Rules find no trigger in {figures['rules']['no_trigger']:.1%} of notes. Most frequent rule errors:", ""]
    lines += [f"- {g} -> {p}: {n}" for (g, p), n in confusions]
    markdown = "\n".join(lines)
    print(markdown)
    if args.json:
        print(json.dumps({"figures": figures, "markdown": markdown}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
