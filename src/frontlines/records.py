"""Typed records passed between pipeline stages.

Every record is frozen and keyword-only, and converts to and from plain JSON-able dicts
(``to_dict`` / ``from_dict``) so that stores, exports and tests share one shape.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Literal, Self

MentionKind = Literal["actor", "place", "person", "date", "number"]

EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}
SUB_EVENT_TYPES: dict[str, str] = {sub: t for t, subs in EVENT_TYPES.items() for sub in subs}

RELATION_KINDS = (
    "hostile",
    "allied",
    "member_of",
    "affiliate_of",
    "merged_into",
    "split_from",
    "supports",
    "leads",
    "spokesperson_of",
    "renamed_to",
)
SYMMETRIC_RELATIONS = frozenset({"hostile", "allied"})


def stable_id(*parts: object, length: int = 16) -> str:
    """A short hex id derived from content, so repeated runs give the same ids."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return digest.hexdigest()[:length]


def _encode(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


class Record:
    """Shared ``to_dict``/``from_dict`` for the frozen dataclasses below."""

    _nested: ClassVar[dict[str, type[Record]]] = {}
    _nested_lists: ClassVar[dict[str, type[Record]]] = {}
    _dates: ClassVar[frozenset[str]] = frozenset()
    _tuples: ClassVar[frozenset[str]] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _encode(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"{cls.__name__}: unknown field(s) {sorted(unknown)}")
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key in cls._nested and value is not None:
                value = cls._nested[key].from_dict(value)
            elif key in cls._nested_lists:
                value = tuple(cls._nested_lists[key].from_dict(v) for v in value or ())
            elif key in cls._dates and value:
                value = date.fromisoformat(value)
            elif key in cls._tuples:
                value = tuple(tuple(v) if isinstance(v, list) else v for v in value or ())
            kwargs[key] = value
        return cls(**kwargs)


@dataclass(frozen=True, kw_only=True, slots=True)
class Evidence(Record):
    """Where a value came from: a document, character offsets and the sentence."""

    doc: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Article(Record):
    """One cleaned input document. ``id`` is a content hash; ``external_id`` the user's id."""

    id: str
    external_id: str
    text: str
    title: str = ""
    outlet: str = ""
    url: str = ""
    published: date | None = None
    language: str = "en"
    origin: str = ""

    _dates: ClassVar[frozenset[str]] = frozenset({"published"})

    @staticmethod
    def content_id(text: str) -> str:
        return stable_id(text.strip())


@dataclass(frozen=True, kw_only=True, slots=True)
class Place(Record):
    """A gazetteer entry (or a point derived from one)."""

    id: str
    name: str
    latitude: float
    longitude: float
    country: str = ""
    country_code: str = ""
    admin1: str = ""
    admin2: str = ""
    feature: str = "populated_place"
    population: int = 0
    source: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class Mention(Record):
    """A span of an article that names something, with what it resolved to.

    ``resolved_id`` is an actor id for actors and persons, a place id for places;
    ``name`` the canonical name; ``alias`` the dictionary key that matched.
    """

    start: int
    end: int
    text: str
    kind: MentionKind
    resolved_id: str | None = None
    name: str = ""
    alias: str = ""
    actor_type: int | None = None
    place: Place | None = None
    geo_precision: int | None = None
    value: str = ""

    _nested: ClassVar[dict[str, type[Record]]] = {"place": Place}


@dataclass(frozen=True, kw_only=True, slots=True)
class ActorLink(Record):
    """A dated relation held in the knowledge base (e.g. affiliate_of al-Qaeda 2012-2016)."""

    kind: str
    target: str
    start: date | None = None
    end: date | None = None

    _dates: ClassVar[frozenset[str]] = frozenset({"start", "end"})


@dataclass(frozen=True, kw_only=True, slots=True)
class Actor(Record):
    """An armed group, state force, political body, generic ACLED actor or person."""

    id: str
    name: str
    type: int
    country: str = ""
    aliases: tuple[str, ...] = ()
    links: tuple[ActorLink, ...] = ()
    kind: Literal["group", "person"] = "group"
    active_from: date | None = None
    active_to: date | None = None
    discovered: bool = False

    _nested_lists: ClassVar[dict[str, type[Record]]] = {"links": ActorLink}
    _dates: ClassVar[frozenset[str]] = frozenset({"active_from", "active_to"})
    _tuples: ClassVar[frozenset[str]] = frozenset({"aliases"})


@dataclass(frozen=True, kw_only=True, slots=True)
class Event(Record):
    """One ACLED-style event, with the evidence that supports it."""

    id: str
    event_date: date | None
    time_precision: int
    event_type: str
    sub_event_type: str
    actor1: str
    actor2: str = ""
    assoc_actor_1: str = ""
    assoc_actor_2: str = ""
    inter1: int = 0
    inter2: int = 0
    interaction: int = 0
    country: str = ""
    admin1: str = ""
    admin2: str = ""
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    fatalities: int = 0
    source: str = ""
    notes: str = ""
    confidence: float = 0.5
    source_docs: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    actor1_id: str = ""
    actor2_id: str = ""
    background: bool = False

    _nested_lists: ClassVar[dict[str, type[Record]]] = {"evidence": Evidence}
    _dates: ClassVar[frozenset[str]] = frozenset({"event_date"})
    _tuples: ClassVar[frozenset[str]] = frozenset({"source_docs"})

    def __post_init__(self) -> None:
        if not self.evidence:
            raise ValueError("an Event needs at least one Evidence")
        if self.sub_event_type not in SUB_EVENT_TYPES:
            raise ValueError(f"unknown ACLED sub_event_type {self.sub_event_type!r}")
        if SUB_EVENT_TYPES[self.sub_event_type] != self.event_type:
            raise ValueError(
                f"sub_event_type {self.sub_event_type!r} belongs to "
                f"{SUB_EVENT_TYPES[self.sub_event_type]!r}, not {self.event_type!r}"
            )


@dataclass(frozen=True, kw_only=True, slots=True)
class Relation(Record):
    """A dated, evidenced relation between two actors (or a person and an actor)."""

    id: str
    kind: str
    source: str
    target: str
    source_id: str = ""
    target_id: str = ""
    date: date | None = None
    date_precision: int = 3
    confidence: float = 0.5
    source_docs: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()

    _nested_lists: ClassVar[dict[str, type[Record]]] = {"evidence": Evidence}
    _dates: ClassVar[frozenset[str]] = frozenset({"date"})
    _tuples: ClassVar[frozenset[str]] = frozenset({"source_docs"})

    def __post_init__(self) -> None:
        if self.kind not in RELATION_KINDS:
            raise ValueError(f"unknown relation kind {self.kind!r}")
        if not self.evidence:
            raise ValueError("a Relation needs at least one Evidence")


__all__ = [
    "EVENT_TYPES",
    "RELATION_KINDS",
    "SUB_EVENT_TYPES",
    "SYMMETRIC_RELATIONS",
    "Actor",
    "ActorLink",
    "Article",
    "Evidence",
    "Event",
    "Mention",
    "Place",
    "Relation",
    "stable_id",
]
