"""Cross-article event fusion: several reports of one event become one sourced event.

Two coded events are reports of the same event when

* they have the same ACLED ``event_type``;
* they share at least one actor (compared by knowledge-base id when both sides have one,
  else by normalised name);
* their dates are at most :data:`MAX_DAYS` apart (undated events are never fused);
* their locations are at most :data:`MAX_KM` apart, or, when coordinates are missing, they
  lie in the same admin2 (same country and admin1), or carry the same location name;
* they come from different documents (one article's events are already atomic under
  ACLED's rules, so two events of one article are two events);
* neither is located only to a region (geo_precision 3): "fighting in Aleppo province" in
  two articles is not evidence of one event;
* they have the same sub-event type, and their death tolls, when both give one, are within
  a factor of two (a report without a toll contradicts nothing);
* when the only actors they share are ACLED's generic ones (Civilians, Unidentified Armed
  Group, Protesters, Rioters, Opposition Rebels), they must also agree on the sub-event type,
  the day and the location name, and their death tolls (when both give one) must be within
  a factor of two: "civilians killed in Aleppo" is reported many times a day, of many events.
  A hand check of 30 fused groups on FA-KES found these two rules behind most false merges.

Clustering is deterministic and independent of input order: events are sorted by a total
key first, then each event joins the first earlier cluster whose *every* member it is
compatible with (complete linkage). Complete linkage stops chaining: a report 8 km east of
the anchor and another 8 km west of it (16 km apart) do not end up in one cluster, and no
cluster spans more than :data:`MAX_DAYS` days or :data:`MAX_KM` km.

Fatalities follow ACLED's conservative rule: the lowest non-zero figure among the reports
(a report that gives no figure says nothing about the toll, it does not claim zero); zero
only when no report gives a number.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from frontlines.geo import haversine_km
from frontlines.records import Event

__all__ = ["MAX_DAYS", "MAX_KM", "fuse_events", "fusion_stats", "same_event"]

MAX_DAYS = 1
MAX_KM = 10.0


def _norm(name: str) -> str:
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"[‘’'`ʼʿ]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"^the ", "", text)
    return re.sub(r"^al ", "", text)


def _actors(event: Event) -> list[tuple[str, str]]:
    """(id, normalised name) of the event's named actors, primary and associated."""
    out = []
    for ident, name in ((event.actor1_id, event.actor1), (event.actor2_id, event.actor2)):
        if name or ident:
            out.append((ident or "", _norm(name)))
    for assoc in (event.assoc_actor_1, event.assoc_actor_2):
        for name in assoc.split(";"):
            if name.strip():
                out.append(("", _norm(name)))
    return out


_GENERIC = re.compile(r"^(unidentified armed group|civilians|protesters|rioters|opposition rebels)\b")


def _shared_actors(a: Event, b: Event) -> list[str]:
    """Normalised names of the actors both events involve."""
    shared = []
    for id_a, name_a in _actors(a):
        for id_b, name_b in _actors(b):
            if id_a and id_b:
                if id_a == id_b:
                    shared.append(name_a or name_b)
            elif name_a and name_a == name_b:
                shared.append(name_a)
    return shared


def _actors_overlap(a: Event, b: Event) -> bool:
    return bool(_shared_actors(a, b))


def _tolls_agree(a: Event, b: Event) -> bool:
    if not a.fatalities or not b.fatalities:
        return a.fatalities == b.fatalities
    return max(a.fatalities, b.fatalities) <= 2 * min(a.fatalities, b.fatalities)


def _same_place(a: Event, b: Event) -> bool:
    if None not in (a.latitude, a.longitude, b.latitude, b.longitude):
        return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude) <= MAX_KM  # type: ignore[arg-type]
    if a.admin2 and b.admin2:
        return (
            _norm(a.admin2) == _norm(b.admin2)
            and _norm(a.admin1) == _norm(b.admin1)
            and _norm(a.country) == _norm(b.country)
        )
    if a.location and b.location:
        return _norm(a.location) == _norm(b.location) and _norm(a.country) == _norm(b.country)
    return False


def _docs(event: Event) -> set[str]:
    docs = set(event.source_docs) | {e.doc for e in event.evidence}
    return {d for d in docs if d}


def same_event(a: Event, b: Event) -> bool:
    """Whether two coded events are reports of one event (see the module docstring)."""
    if a.event_type != b.event_type:
        return False
    if a.event_date is None or b.event_date is None:
        return False
    if abs((a.event_date - b.event_date).days) > MAX_DAYS:
        return False
    if _docs(a) & _docs(b):
        return False
    if a.geo_precision == 3 or b.geo_precision == 3:
        return False
    shared = _shared_actors(a, b)
    if not shared or not _same_place(a, b):
        return False
    if a.sub_event_type != b.sub_event_type:
        return False
    if all(_GENERIC.match(name) for name in shared):
        return a.event_date == b.event_date and _norm(a.location) == _norm(b.location) and _tolls_agree(a, b)
    # A report without a toll does not contradict one with a toll; two tolls must be close.
    return not (a.fatalities and b.fatalities) or _tolls_agree(a, b)


def _sort_key(event: Event) -> tuple[Any, ...]:
    # A total order: the canonical JSON breaks ties between events sharing date and id.
    return (
        event.event_date or date.max,
        event.id,
        json.dumps(event.to_dict(), sort_keys=True, ensure_ascii=False),
    )


def _join(values: Iterable[str]) -> str:
    seen: dict[str, None] = {}
    for value in values:
        for part in value.split(";"):
            part = part.strip()
            if part and part.casefold() not in {s.casefold() for s in seen}:
                seen[part] = None
    return "; ".join(seen)


def _conservative_fatalities(values: Iterable[int]) -> int:
    reported = [v for v in values if v > 0]
    return min(reported) if reported else 0


def _merge(cluster: Sequence[Event]) -> Event:
    if len(cluster) == 1:
        return cluster[0]
    # The most precise report gives the date, place and coding; ties go to the earliest id.
    base = min(
        cluster,
        key=lambda e: (
            e.time_precision or 9,
            e.geo_precision if e.geo_precision is not None else 9,
            e.latitude is None,
            -e.confidence,
            e.id,
        ),
    )
    others = [e for e in cluster if e is not base]
    actor2, actor2_id, inter2 = base.actor2, base.actor2_id, base.inter2
    if not actor2:
        donor = next((e for e in sorted(others, key=_sort_key) if e.actor2), None)
        if donor is not None:
            actor2, actor2_id, inter2 = donor.actor2, donor.actor2_id, donor.inter2
    named = {_norm(base.actor1), _norm(actor2)}
    assoc1 = _join(e.assoc_actor_1 for e in cluster)
    assoc2 = _join(e.assoc_actor_2 for e in cluster)
    assoc1 = "; ".join(a for a in assoc1.split("; ") if a and _norm(a) not in named)
    assoc2 = "; ".join(a for a in assoc2.split("; ") if a and _norm(a) not in named)
    docs = sorted({d for e in cluster for d in (*e.source_docs, *(ev.doc for ev in e.evidence)) if d})
    evidence = sorted(
        {(ev.doc, ev.start, ev.end, ev.text): ev for e in cluster for ev in e.evidence}.values(),
        key=lambda ev: (ev.doc, ev.start, ev.end, ev.text),
    )
    # Independent reports make the event likelier: 1 - prod(1 - c), capped below certainty.
    doubt = 1.0
    for e in cluster:
        doubt *= 1.0 - min(max(e.confidence, 0.0), 0.99)
    confidence = round(min(0.99, max(1.0 - doubt, max(e.confidence for e in cluster))), 3)
    interaction = base.interaction
    if actor2 != base.actor2 and inter2:
        lo, hi = sorted((base.inter1, inter2))
        interaction = lo * 10 + hi if lo else hi
    return replace(
        base,
        id=min(e.id for e in cluster),
        actor2=actor2,
        actor2_id=actor2_id,
        inter2=inter2,
        interaction=interaction,
        assoc_actor_1=assoc1,
        assoc_actor_2=assoc2,
        fatalities=_conservative_fatalities(e.fatalities for e in cluster),
        source=_join(e.source for e in sorted(cluster, key=_sort_key)),
        confidence=confidence,
        source_docs=tuple(docs),
        evidence=tuple(evidence),
        background=all(e.background for e in cluster),
    )


def clusters(events: Sequence[Event]) -> list[list[Event]]:
    """Groups of reports of one event, deterministic whatever the input order."""
    ordered = sorted(events, key=_sort_key)
    groups: list[list[Event]] = []
    # Open clusters per event type. Events come in date order and a cluster's members are all
    # within MAX_DAYS of each other, so a cluster whose first member is more than MAX_DAYS
    # before the current event can take no more members: it is closed (linear in practice).
    open_by_type: dict[str, list[int]] = {}
    for event in ordered:
        open_ = open_by_type.setdefault(event.event_type, [])
        if event.event_date is not None:
            open_[:] = [
                i for i in open_
                if groups[i][0].event_date is not None
                and (event.event_date - groups[i][0].event_date).days <= MAX_DAYS
            ]
        else:
            open_.clear()  # undated events are never fused
        for index in open_:
            group = groups[index]
            if all(same_event(member, event) for member in group):
                group.append(event)
                break
        else:
            groups.append([event])
            if event.event_date is not None:
                open_.append(len(groups) - 1)
    return groups


def fuse_events(events: Sequence[Event]) -> list[Event]:
    """Fuse reports of the same event from different articles (see the module docstring).

    The fused event keeps the coding of its most precise report, lists every source document
    and all evidence, takes the lowest non-zero fatality figure, and is identified by the
    smallest member id. The output is sorted by (date, id) and does not depend on input order.
    """
    fused = [_merge(group) for group in clusters(events)]
    return sorted(fused, key=_sort_key)


def fusion_stats(before: Sequence[Event], after: Sequence[Event]) -> dict[str, int | float]:
    """Figures on a fusion run: counts, reports per event, multi-source events."""
    sizes = [max(1, len(e.source_docs)) for e in after]
    multi = [s for s in sizes if s > 1]
    return {
        "events_before": len(before),
        "events_after": len(after),
        "merged_away": len(before) - len(after),
        "reduction": round((len(before) - len(after)) / len(before), 3) if before else 0.0,
        "multi_source_events": len(multi),
        "max_sources": max(sizes, default=0),
        "mean_sources": round(sum(sizes) / len(sizes), 3) if sizes else 0.0,
    }
