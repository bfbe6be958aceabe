"""The pipeline: one article in, its mentions, events and relations out.

``Processor`` holds the loaded resources (actor base, gazetteer, spaCy model) and is built once
per process; ``run_ingest`` drives it over many articles, with worker processes when asked,
and writes each article's results in its own transaction.
"""

from __future__ import annotations

import functools
import gc
import os
import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontlines import gazetteer
from frontlines.actors import ActorBase, ActorMatcher
from frontlines.dates import DateMention, find_dates
from frontlines.errors import FrontlinesError, InputError
from frontlines.events import code_events, event_sentences
from frontlines.nlp import EntitySpan, Sentence, load_model, parse, split_sentences
from frontlines.places import PlaceResolver
from frontlines.records import Article, Event, Mention, Relation
from frontlines.relations import extract_relations
from frontlines.store import Store

# Bump when extraction changes, so re-ingesting re-processes documents coded by an older version.
PIPELINE_VERSION = "0.4.0"


@dataclass(frozen=True, kw_only=True, slots=True)
class DocumentResult:
    article: Article
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...]
    relations: tuple[Relation, ...]
    discoveries: tuple[tuple[str, str, str, int], ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class ProcessorConfig:
    db: str | None = None
    actor_files: tuple[str, ...] = ()
    # A sub-event classifier saved by `frontlines train`; None keeps the rules alone.
    model: str | None = None
    # Where spaCy's statistical NER runs. "all": over the whole text (annotate, the
    # recognition evaluations); "events": over the sentences that can hold an event, in the
    # same pass as their parse; "none" (ingest): nowhere, actors and places come from the
    # knowledge base and the gazetteer alone. On the seeds, "none" codes events better than
    # "events" (F1 0.800 vs 0.755: the model's spans add wrong places such as "Aleppo" read
    # off other words) and the pipeline runs about twice as fast (see BENCHMARKS.md).
    ner: str = "none"


# Parses kept for sentences seen again: news copy repeats (wire stories, the same lines about
# sources and casualties), 8% of the FA-KES event-sentence words within the last 2,048.
PARSE_CACHE = 2048


class Processor:
    """Loaded resources for running the pipeline over articles."""

    def __init__(self, config: ProcessorConfig) -> None:
        self.config = config
        self.base = _actor_base(config.actor_files)
        self.actors = _actor_matcher(config.actor_files)
        self.places = _place_resolver(*_gazetteer_key(config.db))
        self.model = _classifier(config.model) if config.model else None
        self._parses: OrderedDict[str, Any] = OrderedDict()

    def _parse(self, texts: Sequence[str], *, batch_size: int = 64) -> list[Any]:
        """``nlp.parse`` of each text, the same sentence parsed once while it stays cached."""
        cache = self._parses
        todo = list(dict.fromkeys(t for t in texts if t not in cache))
        docs = parse(todo, ner=self.config.ner != "none", batch_size=batch_size)
        cache.update(zip(todo, docs, strict=True))
        out = []
        for t in texts:
            out.append(cache[t])
            cache.move_to_end(t)
        while len(cache) > PARSE_CACHE:
            cache.popitem(last=False)
        return out

    def parse_events(
        self, text: str, sentences: Sequence[Sentence], candidates: Sequence[tuple[Sentence, Any]] | None = None
    ) -> dict[tuple[int, int], Any]:
        """One model pass (tagger, parser and, unless ``ner="none"``, NER) over the sentences
        that can hold an event, keyed by (start, end): entities, event coding and relations
        all read these parses, so no sentence goes through the model twice."""
        if candidates is None:
            candidates = event_sentences(text, sentences)
        chosen = [s for s, _ in candidates]
        docs = self._parse([text[s.start : s.end] for s in chosen])
        return {(s.start, s.end): d for s, d in zip(chosen, docs, strict=True)}

    def _entities(self, text: str, docs: dict[tuple[int, int], Any] | None) -> list[EntitySpan]:
        if self.config.ner == "all":
            nlp = load_model(parser=False, ner=True)
            return [EntitySpan(start=e.start_char, end=e.end_char, label=e.label_) for e in nlp(text).ents]
        spans: list[EntitySpan] = []
        for (start, _), doc in sorted((docs or {}).items(), key=lambda kv: kv[0]):
            spans.extend(
                EntitySpan(start=start + e.start_char, end=start + e.end_char, label=e.label_) for e in doc.ents
            )
        return spans

    def annotate(
        self,
        article: Article,
        docs: dict[tuple[int, int], Any] | None = None,
        *,
        sentences: list[Sentence] | None = None,
    ) -> tuple[list[Sentence], list[Mention], list[DateMention]]:
        """Sentences, mentions (actors, places, dates) and dates of one article; ``sentences``:
        ``split_sentences`` of its text when the caller has them."""
        text = article.text
        if sentences is None:
            sentences = split_sentences(text)
        if docs is None and self.config.ner != "all":
            docs = self.parse_events(text, sentences)
        entities = self._entities(text, docs)
        # Pronouns resolved to their antecedents are wanted where every mention is ("annotate"),
        # not for event coding.
        actor_mentions = self.actors.find(
            text, published=article.published, entities=entities, pronouns=self.config.ner == "all"
        )
        taken = [(m.start, m.end) for m in actor_mentions]
        candidates = [(e.start, e.end, e.label) for e in entities if e.label in {"GPE", "LOC", "FAC", "ORG"}]
        place_mentions = self.places.find_places(text, exclude=taken, candidates=candidates)
        dates = find_dates(text, published=article.published)
        date_mentions = [
            Mention(
                start=d.start,
                end=d.end,
                text=d.text,
                kind="date",
                value=d.date.isoformat() if d.date else "",
                name=f"precision {d.precision}",
            )
            for d in dates
        ]
        mentions = sorted([*actor_mentions, *place_mentions, *date_mentions], key=lambda m: (m.start, m.end))
        return sentences, mentions, dates

    def process(self, article: Article) -> DocumentResult:
        sentences = split_sentences(article.text)
        candidates = event_sentences(article.text, sentences)
        docs = self.parse_events(article.text, sentences, candidates) if self.config.ner != "all" else None
        return self._process(article, sentences, candidates, docs)

    def process_many(self, articles: Sequence[Article]) -> list[DocumentResult | InputError]:
        """``process`` over several articles, with one model call for all their event
        sentences (spaCy's per-call overhead is a large share of a few short sentences).
        A failure is reported for its own article; the others go on."""
        if self.config.ner == "all" or len(articles) < 2:
            return [_guarded(self.process, a) for a in articles]
        prepared = []
        texts: list[str] = []
        for a in articles:
            sentences = split_sentences(a.text)
            candidates = event_sentences(a.text, sentences)
            prepared.append((a, sentences, candidates))
            texts.extend(a.text[s.start : s.end] for s, _ in candidates)
        try:
            parsed = iter(self._parse(texts, batch_size=256))
        except Exception:  # noqa: BLE001 - retry one by one so only the culprit fails
            return [_guarded(self.process, a) for a in articles]
        out: list[DocumentResult | InputError] = []
        for a, sentences, candidates in prepared:
            docs = {(s.start, s.end): next(parsed) for s, _ in candidates}
            out.append(_guarded(lambda art, s=sentences, c=candidates, d=docs: self._process(art, s, c, d), a))
        return out

    def _process(
        self,
        article: Article,
        sentences: list[Sentence],
        candidates: Sequence[tuple[Sentence, Any]],
        docs: dict[tuple[int, int], Any] | None,
    ) -> DocumentResult:
        sentences, mentions, dates = self.annotate(article, docs, sentences=sentences)
        events = code_events(
            article, sentences, mentions, dates, model=self.model, docs=docs, candidates=candidates
        )
        relations = extract_relations(article, sentences, mentions, events, base=self.base, docs=docs)
        # The matcher reports groups missing from the knowledge base as unresolved mentions.
        counts: dict[str, tuple[str, str, int]] = {}
        for m in mentions:
            if m.kind == "actor" and not m.resolved_id and m.alias.startswith("discovered:"):
                key = m.text.casefold()
                name, pattern, n = counts.get(key, (m.text, m.alias.removeprefix("discovered:"), 0))
                counts[key] = (name, pattern, n + 1)
        discoveries = tuple((name, key, pattern, n) for key, (name, pattern, n) in sorted(counts.items()))
        return DocumentResult(
            article=article,
            mentions=tuple(mentions),
            events=tuple(events),
            relations=tuple(relations),
            discoveries=discoveries,
        )


# Loading the actor base, the gazetteer index and the model takes seconds; a process that
# runs the pipeline several times (tests, the API's ingest endpoint) loads each once.


@functools.lru_cache(maxsize=4)
def _actor_base(files: tuple[str, ...]) -> ActorBase:
    return ActorBase.load([Path(p) for p in files])


@functools.lru_cache(maxsize=4)
def _actor_matcher(files: tuple[str, ...]) -> ActorMatcher:
    return ActorMatcher(_actor_base(files))


def _gazetteer_key(db: str | None) -> tuple[str | None, int, int]:
    """The store plus a fingerprint of its places, so an import invalidates the cached index."""
    if not db:
        return None, 0, 0
    conn = sqlite3.connect(f"file:{Path(db).resolve()}?mode=ro", uri=True)
    try:
        count, top = conn.execute("SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM places").fetchone()
    finally:
        conn.close()
    return str(Path(db).resolve()), int(count), int(top)


@functools.lru_cache(maxsize=2)
def _classifier(path: str) -> object:
    from frontlines.classifier import load

    return load(Path(path))


@functools.lru_cache(maxsize=2)
def _place_resolver(db: str | None, _count: int, _top: int) -> PlaceResolver:
    if db:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
    else:
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        gazetteer.ensure_schema(conn)
        gazetteer.build_default(conn)
    return PlaceResolver(conn)


# ------------------------------------------------------------------ batch ingest

_WORKER: Processor | None = None

# Cyclic-collector thresholds while articles are processed. Each article makes and drops tens of
# thousands of container objects (parses, mentions, drafts) that reference counting frees, yet
# at the default 700 allocations the collector runs some 500 times and ages the loaded
# resources (gazetteer index, actor base, model) through two full-heap passes: a second of
# CPU on the FA-KES articles, a quarter of it at these thresholds.
INGEST_GC_THRESHOLDS = (10_000, 50, 100)


@contextmanager
def _ingest_gc() -> Iterator[None]:
    """Collector thresholds for a batch run, restored afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(*INGEST_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _init_worker(config: ProcessorConfig) -> None:
    global _WORKER  # one Processor per worker process, built once
    _WORKER = Processor(config)


def _init_pool_worker(config: ProcessorConfig) -> None:
    """A pool worker only ever runs batches: it keeps the batch thresholds for its life."""
    gc.set_threshold(*INGEST_GC_THRESHOLDS)
    _init_worker(config)


def _guarded(run: Callable[[Article], DocumentResult], article: Article) -> DocumentResult | InputError:
    """``run(article)``, with any failure turned into that article's one-line error."""
    try:
        return run(article)
    except FrontlinesError as exc:
        return InputError(article.origin or article.external_id, str(exc))
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the batch
        return InputError(article.origin or article.external_id, f"pipeline failed: {exc.__class__.__name__}: {exc}")


def _work(articles: Sequence[Article]) -> list[DocumentResult | InputError]:
    assert _WORKER is not None
    return _WORKER.process_many(articles)


# Articles handed to the model together: enough sentences for full batches, few enough that
# an interrupted run has little uncommitted work in flight.
CHUNK = 16


def _chunks(items: Iterable[Article], size: int = CHUNK) -> Iterator[list[Article]]:
    chunk: list[Article] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass(kw_only=True, slots=True)
class IngestReport:
    stored: int = 0
    unchanged: int = 0
    duplicates: int = 0
    failed: int = 0
    events: int = 0
    errors: list[str] = field(default_factory=list)


def prepare_store(db: str) -> None:
    """Create/migrate the store and build the default gazetteer before workers read it."""
    with Store(db) as store:
        if not store.conn.execute("SELECT 1 FROM places LIMIT 1").fetchone():
            with store.transaction() as conn:
                gazetteer.build_default(conn)


def run_ingest(
    items: Iterable[Article | InputError],
    *,
    db: str,
    workers: int = 1,
    force: bool = False,
    actor_files: Sequence[str] = (),
    model: str | None = None,
    on_error: Callable[[str], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Run the pipeline over articles and store each one's results in its own transaction."""
    with _ingest_gc():
        return _run_ingest(
            items, db=db, workers=workers, force=force, actor_files=actor_files, model=model,
            on_error=on_error, on_progress=on_progress,
        )  # fmt: skip


def _run_ingest(
    items: Iterable[Article | InputError],
    *,
    db: str,
    workers: int,
    force: bool,
    actor_files: Sequence[str],
    model: str | None,
    on_error: Callable[[str], None] | None,
    on_progress: Callable[[int], None] | None,
) -> IngestReport:
    report = IngestReport()
    prepare_store(db)
    config = ProcessorConfig(db=db, actor_files=tuple(actor_files), model=model)

    def fail(message: str) -> None:
        report.failed += 1
        report.errors.append(message)
        if on_error:
            on_error(message)

    with Store(db) as store:

        def todo() -> Iterator[Article]:
            seen: dict[str, str] = {}
            for item in items:
                if isinstance(item, InputError):
                    fail(str(item))
                    continue
                if item.external_id in seen:
                    if seen[item.external_id] == item.id:
                        report.duplicates += 1  # the same document twice (e.g. relabelled copies)
                    else:
                        fail(f"{item.origin}: document id {item.external_id!r} already used in this batch for a different text (kept the first)")
                    continue
                seen[item.external_id] = item.id
                state = store.document_state(item.external_id)
                if not force and state == (item.id, PIPELINE_VERSION):
                    report.unchanged += 1
                    if on_progress:
                        on_progress(1)
                    continue
                yield item

        def write(result: DocumentResult | InputError) -> None:
            if isinstance(result, InputError):
                fail(str(result))
            else:
                store.write_document(
                    result.article,
                    mentions=result.mentions,
                    events=result.events,
                    relations=result.relations,
                    discoveries=result.discoveries,
                    pipeline_version=PIPELINE_VERSION,
                )
                report.stored += 1
                report.events += len(result.events)
            if on_progress:
                on_progress(1)

        if workers <= 1:
            _init_worker(config)
            for chunk in _chunks(todo()):
                for result in _work(chunk):
                    write(result)
        else:
            with ProcessPoolExecutor(max_workers=workers, initializer=_init_pool_worker, initargs=(config,)) as pool:
                for results in pool.map(_work, _chunks(todo())):
                    for result in results:
                        write(result)
    return report


def default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))
