"""An optional learned sub-event classifier: TF-IDF features and a linear model.

Trained from an ACLED-format export (columns ``notes`` and ``sub_event_type``), in seconds on
a CPU, and saved as one file beside the store. The rule coder (:mod:`frontlines.events`)
stays the default; when a model is given, :func:`frontlines.events.code_events` asks it to
rank the sub-event types of a sentence the rules have already found to report an event
(the rules still decide *whether* there is an event, its roles, date and fatalities).

ACLED data is for internal use: the model file holds the learned weights and the vocabulary
of terms seen at least twice, never the notes themselves; it is written beside the store (not
into the repository), and no ACLED data is kept in the repository.

scikit-learn is an optional dependency (``pip install scikit-learn``); it is imported only
when a model is trained or loaded.
"""

from __future__ import annotations

import csv
import pickle
import re
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from frontlines.errors import FrontlinesError
from frontlines.records import SUB_EVENT_TYPES

__all__ = ["Model", "TrainReport", "load", "read_acled", "train", "train_model"]

FORMAT = "frontlines-subevent-classifier/1"
# ACLED notes open with the date and often close with a size or fatality remark; neither says
# what kind of event it was, and the date would only teach the model the calendar.
_LEAD_DATE = re.compile(r"^\s*(?:on|around|between|from)\s+[^,]{0,60}?\b(?:19|20)\d\d\b[^,]*,\s*", re.I)
_BRACKETS = re.compile(r"\[[^\]]*\]")


def clean_note(text: str) -> str:
    """An ACLED note without its leading "On 9 May 2020," and bracketed size remarks."""
    return _BRACKETS.sub(" ", _LEAD_DATE.sub("", text or "")).strip()


def parse_acled_date(value: str) -> date | None:
    """ACLED exports write dates as "9-May-20", "09 May 2020" or ISO."""
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d-%b-%y", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


@dataclass(frozen=True, kw_only=True, slots=True)
class AcledRow:
    notes: str
    sub_event_type: str
    event_date: date | None
    country: str


def read_acled(path: Path) -> list[AcledRow]:
    """Rows of an ACLED-format CSV with a usable note and a known sub-event type."""
    try:
        handle = Path(path).open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise FrontlinesError(f"{path}: cannot read ({exc.strerror})") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = {"notes", "sub_event_type"} - set(reader.fieldnames or ())
        if missing:
            raise FrontlinesError(f"{path}: not an ACLED export (missing column(s) {sorted(missing)})")
        rows = []
        for raw in reader:
            sub = (raw.get("sub_event_type") or "").strip()
            notes = (raw.get("notes") or "").strip()
            if sub in SUB_EVENT_TYPES and notes:
                rows.append(
                    AcledRow(
                        notes=notes,
                        sub_event_type=sub,
                        event_date=parse_acled_date(raw.get("event_date", "")),
                        country=(raw.get("country") or "").strip(),
                    )
                )
    return rows


@dataclass(frozen=True, kw_only=True, slots=True)
class TrainReport:
    """What was trained: sizes, classes, the time it took and where it was saved."""

    rows: int
    classes: tuple[str, ...]
    seconds: float
    path: str
    train_accuracy: float = 0.0
    per_class: dict[str, int] = field(default_factory=dict)


class Model:
    """A loaded classifier: ``rank(sentence)`` gives (sub_event_type, probability), best first."""

    def __init__(self, pipeline: Any, classes: Sequence[str]) -> None:
        self._pipeline = pipeline
        self.classes = tuple(classes)

    def rank(self, sentence: str) -> list[tuple[str, float]]:
        return self.rank_many([sentence])[0]

    def rank_many(self, sentences: Sequence[str]) -> list[list[tuple[str, float]]]:
        if not sentences:
            return []
        probs = self._pipeline.predict_proba([clean_note(s) for s in sentences])
        out = []
        for row in probs:
            pairs = sorted(zip(self.classes, (float(p) for p in row), strict=True), key=lambda x: -x[1])
            out.append(pairs)
        return out

    def predict(self, sentences: Sequence[str]) -> list[str]:
        return [r[0][0] for r in self.rank_many(sentences)]


def _pipeline() -> Any:
    """Word 1-2-gram TF-IDF and a logistic-loss linear model fitted by SGD (seconds on a CPU;
    lbfgs logistic regression was 4x slower and no better on held-out ACLED notes)."""
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import SGDClassifier
        from sklearn.pipeline import Pipeline
    except ImportError:  # pragma: no cover - depends on the environment
        raise FrontlinesError("the learned classifier needs scikit-learn: pip install scikit-learn") from None
    features = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True)
    model = SGDClassifier(
        loss="log_loss", alpha=1e-5, max_iter=50, tol=1e-4, class_weight="balanced", random_state=0
    )
    return Pipeline([("features", features), ("model", model)])


def train_model(notes: Iterable[str], labels: Iterable[str]) -> Model:
    """Fit a classifier in memory (used by :func:`train` and the evaluation script)."""
    texts = [clean_note(n) for n in notes]
    ys = list(labels)
    if len(set(ys)) < 2:
        raise FrontlinesError("training needs at least two sub-event types")
    pipe = _pipeline()
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        # A fixed number of SGD passes is the point (seconds, not minutes); on a handful of
        # rows SGD reports that it stopped before its tolerance, which is harmless here.
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe.fit(texts, ys)
    # The vectoriser keeps the terms it dropped (seen once): they are fragments of the
    # training notes and no use for prediction, so they are not saved.
    vectoriser = pipe.named_steps["features"]
    if hasattr(vectoriser, "stop_words_"):
        vectoriser.stop_words_ = set()
    return Model(pipe, [str(c) for c in pipe.classes_])


def train(acled_csv: Path, out: Path) -> TrainReport:
    """Train on every usable row of an ACLED export and save the model to ``out``."""
    started = time.perf_counter()
    rows = read_acled(Path(acled_csv))
    if not rows:
        raise FrontlinesError(f"{acled_csv}: no rows with notes and a known sub_event_type")
    model = train_model([r.notes for r in rows], [r.sub_event_type for r in rows])
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"format": FORMAT, "classes": list(model.classes), "pipeline": model._pipeline}
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("wb") as handle:
        pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(out)
    predicted = model.predict([r.notes for r in rows])
    correct = sum(p == r.sub_event_type for p, r in zip(predicted, rows, strict=True))
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.sub_event_type] = counts.get(r.sub_event_type, 0) + 1
    return TrainReport(
        rows=len(rows),
        classes=model.classes,
        seconds=round(time.perf_counter() - started, 2),
        path=str(out),
        train_accuracy=round(correct / len(rows), 3),
        per_class=dict(sorted(counts.items(), key=lambda kv: -kv[1])),
    )


def load(path: Path) -> Model:
    """Load a model saved by :func:`train` (a pickle: load only files you made yourself)."""
    try:
        with Path(path).open("rb") as handle:
            payload = pickle.load(handle)  # noqa: S301 - our own model file, beside the store
    except OSError as exc:
        raise FrontlinesError(f"{path}: cannot read model ({exc.strerror})") from None
    except (pickle.UnpicklingError, EOFError, AttributeError, ModuleNotFoundError) as exc:
        raise FrontlinesError(f"{path}: not a frontlines classifier ({exc.__class__.__name__})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise FrontlinesError(f"{path}: not a frontlines classifier (format {payload.get('format') if isinstance(payload, dict) else '?'})")
    return Model(payload["pipeline"], payload["classes"])
