"""The pipeline driver: one model call per batch of articles, and parses kept for sentences
seen again. The reports are made up."""

from __future__ import annotations

from datetime import date

import pytest

from frontlines import pipeline
from frontlines.pipeline import Processor, ProcessorConfig
from frontlines.records import Article

REPEATED = "Russian warplanes struck the market in Maarat al-Numan on Tuesday, killing nine civilians."
TEXTS = [
    f"{REPEATED} Rescue workers searched the rubble.",
    f"Clashes erupted between the Nusra Front and the Levant Front near Aleppo on Monday. {REPEATED}",
    "Hazzm fighters shelled the village of Umm Housh on Sunday, a commander said.",
]


def _articles() -> list[Article]:
    return [
        Article(id=Article.content_id(t), external_id=f"p-{i}", text=t, published=date(2016, 3, 17))
        for i, t in enumerate(TEXTS)
    ]


def _coded(results: list) -> list[tuple[str, ...]]:  # type: ignore[type-arg]
    return [
        (r.article.external_id, e.sub_event_type, e.actor1, e.actor2, e.location, str(e.fatalities))
        for r in results
        for e in r.events
    ]


@pytest.fixture
def parsed_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = pipeline.parse

    def counting(texts, **options):  # type: ignore[no-untyped-def]
        texts = list(texts)
        seen.extend(texts)
        return real(texts, **options)

    monkeypatch.setattr(pipeline, "parse", counting)
    return seen


def test_a_sentence_seen_again_is_parsed_once_and_coded_the_same(parsed_texts: list[str]) -> None:
    batched = Processor(ProcessorConfig()).process_many(_articles())
    assert parsed_texts.count(REPEATED) == 1
    alone = [Processor(ProcessorConfig()).process(a) for a in _articles()]
    assert _coded(batched) == _coded(alone)
    assert any(e[1] == "Air/drone strike" for e in _coded(batched))


def test_the_parse_cache_is_bounded(monkeypatch: pytest.MonkeyPatch, parsed_texts: list[str]) -> None:
    monkeypatch.setattr(pipeline, "PARSE_CACHE", 1)
    proc = Processor(ProcessorConfig())
    proc.process_many(_articles())
    proc.process(_articles()[0])
    assert len(proc._parses) <= 1
    assert parsed_texts.count(REPEATED) == 2  # dropped from the cache, then parsed again


def test_ingest_restores_the_collector_thresholds(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import gc

    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    items = [Article(id="h1", external_id="a1", text="Nothing happened in the town today.", published=date(2016, 3, 15))]

    def progress(_n: int) -> None:
        seen.append(gc.get_threshold())

    pipeline.run_ingest(items, db=str(tmp_path / "gc.db"), on_progress=progress)
    assert seen == [pipeline.INGEST_GC_THRESHOLDS]
    assert gc.get_threshold() == before
