"""Relations between actors, with dates and evidence.

First source: coded events. A battle between two named actors is evidence that they were
hostile on that day; an associated actor fought alongside (allied).
"""

from __future__ import annotations

from collections.abc import Sequence

from frontlines.actors import ActorBase
from frontlines.nlp import Sentence
from frontlines.records import Article, Event, Mention, Relation, stable_id

HOSTILE_EVENT_TYPES = {"Battles"}


def relation_id(kind: str, source: str, target: str, day: object, doc: str) -> str:
    return stable_id("relation", kind, source, target, day, doc)


def from_events(article: Article, events: Sequence[Event]) -> list[Relation]:
    out = []
    for event in events:
        if event.event_type not in HOSTILE_EVENT_TYPES or not event.actor2 or event.background:
            continue
        if not (event.actor1_id and event.actor2_id):
            continue  # generic or unresolved actors make no network edge
        source, target = sorted([(event.actor1, event.actor1_id), (event.actor2, event.actor2_id)])
        out.append(
            Relation(
                id=relation_id("hostile", source[1], target[1], event.event_date, article.external_id),
                kind="hostile",
                source=source[0],
                target=target[0],
                source_id=source[1],
                target_id=target[1],
                date=event.event_date,
                date_precision=event.time_precision,
                confidence=round(event.confidence * 0.9, 2),
                source_docs=(article.external_id,),
                evidence=event.evidence[:1],
            )
        )
    return out


def extract_relations(
    article: Article,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    events: Sequence[Event],
    *,
    base: ActorBase,
) -> list[Relation]:
    """All relations an article supports (deduplicated by id)."""
    found = {r.id: r for r in from_events(article, events)}
    return list(found.values())
