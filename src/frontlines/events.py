"""Events: find ACLED events in an article's sentences and code them.

Input: the article, its sentences, and the mentions the earlier stages found (actors,
persons, places, dates). Output: Event records, one per day, location, actor pair and type,
each with the sentences that support it.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources

import yaml

from frontlines.dates import DateMention
from frontlines.nlp import Sentence
from frontlines.numbers import conservative_total, find_fatalities
from frontlines.records import SUB_EVENT_TYPES, Article, Event, Evidence, Mention, Place, stable_id

# ACLED's generic actors, by country; their inter codes.
GENERIC_UNIDENTIFIED = "Unidentified Armed Group ({country})"
GENERIC_CIVILIANS = "Civilians ({country})"
GENERIC_REBELS = "Opposition Rebels ({country})"
ONE_SIDED_CIVILIAN_TARGETS = {"Attack", "Abduction/forced disappearance", "Sexual violence"}
# Older than this before publication, a dated event is background history, not news.
BACKGROUND_AFTER = timedelta(days=45)


@dataclass(frozen=True, kw_only=True, slots=True)
class Lexicon:
    triggers: tuple[tuple[str, re.Pattern[str]], ...]
    non_event: re.Pattern[str]
    uncertainty: re.Pattern[str]
    attribution: tuple[re.Pattern[str], ...]
    background: re.Pattern[str]


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    raw = yaml.safe_load(resources.files("frontlines.data").joinpath("event_triggers.yaml").read_text("utf-8"))
    triggers = []
    for sub, patterns in raw["sub_event_types"].items():
        if sub not in SUB_EVENT_TYPES:
            raise ValueError(f"event_triggers.yaml: unknown sub-event type {sub!r}")
        triggers.append((sub, re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.I)))
    return Lexicon(
        triggers=tuple(triggers),
        non_event=re.compile("|".join(raw["non_event_cues"]), re.I),
        uncertainty=re.compile("|".join(raw["uncertainty_cues"]), re.I),
        attribution=tuple(re.compile(p) for p in raw["attribution_cues"]),
        background=re.compile("|".join(raw["background_cues"]), re.I),
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class Trigger:
    sub_event_type: str
    start: int
    end: int


def detect(sentence: str) -> Trigger | None:
    """The sub-event type a sentence reports, or None for no event or a non-event frame."""
    lex = lexicon()
    for sub, pattern in lex.triggers:
        match = pattern.search(sentence)
        if match is None:
            continue
        # A statement/threat cue before the trigger ("will launch an offensive") voids it.
        window = sentence[max(0, match.start() - 60) : match.start()]
        if lex.non_event.search(window):
            return None
        return Trigger(sub_event_type=sub, start=match.start(), end=match.end())
    return None


def interaction(inter1: int, inter2: int) -> int:
    """ACLED interaction: both codes, smaller first; one-sided events are X0."""
    if not inter2:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def _within(m: Mention, s: Sentence) -> bool:
    return s.start <= m.start and m.end <= s.end


@dataclass(frozen=True, kw_only=True, slots=True)
class _Draft:
    sub_event_type: str
    sentence: Sentence
    actors: tuple[Mention, ...]
    place: Mention | None
    place_precision: int
    day: date | None
    time_precision: int
    fatalities: int
    confidence: float
    source: str
    background: bool


def _country_focus(mentions: Sequence[Mention]) -> str:
    counts = Counter(m.place.country for m in mentions if m.kind == "place" and m.place and m.place.country)
    return counts.most_common(1)[0][0] if counts else ""


def _source(sentence: str, article: Article) -> str:
    for pattern in lexicon().attribution:
        match = pattern.search(sentence)
        if match:
            return match.group("src").strip(" ,.").removeprefix("the ")
    return article.outlet


def _actor_key(m: Mention) -> str:
    return m.resolved_id or m.name.casefold()


def code_events(
    article: Article,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    dates: Sequence[DateMention],
) -> list[Event]:
    """Code the events of one article (ACLED atomicity applied within the article)."""
    lex = lexicon()
    actors = [m for m in mentions if m.kind == "actor"]
    places = [m for m in mentions if m.kind == "place"]
    focus = _country_focus(mentions) or "Syria"
    last_place: Mention | None = None
    last_date: DateMention | None = None
    last_paragraph = -1
    drafts: list[_Draft] = []
    for sentence in sentences:
        text = article.text[sentence.start : sentence.end]
        if sentence.paragraph != last_paragraph:
            last_date = None
            last_paragraph = sentence.paragraph
        s_places = [m for m in places if _within(m, sentence)]
        s_dates = [d for d in dates if sentence.start <= d.start and d.end <= sentence.end]
        trigger = detect(text)
        if trigger is not None and not _is_quote_only(text):
            s_actors = _distinct([m for m in actors if _within(m, sentence)])
            place = s_places[0] if s_places else last_place
            precision = (s_places[0].geo_precision or 1) if s_places else (2 if last_place else 3)
            when = next((d for d in s_dates if d.date is not None), None) or last_date
            if when is not None and when.date is not None:
                day, tprec = when.date, when.precision
            else:
                day, tprec = article.published, 2
            claims = find_fatalities(text)
            background = bool(
                day and article.published and article.published - day > BACKGROUND_AFTER
            ) or bool(lex.background.search(text) and not s_dates)
            confidence = 0.75 - (0.25 if lex.uncertainty.search(text) else 0.0)
            if not s_actors:
                confidence -= 0.15
            drafts.append(
                _Draft(
                    sub_event_type=trigger.sub_event_type,
                    sentence=sentence,
                    actors=tuple(s_actors),
                    place=place,
                    place_precision=precision,
                    day=day,
                    time_precision=tprec,
                    fatalities=conservative_total(claims),
                    confidence=max(0.05, confidence),
                    source=_source(text, article),
                    background=background,
                )
            )
        if s_places:
            last_place = s_places[-1]
        dated = [d for d in s_dates if d.date is not None]
        if dated:
            last_date = dated[-1]
    return _atomise(article, drafts, focus)


def _is_quote_only(text: str) -> bool:
    """A sentence that is entirely a quotation reports what someone said, not what happened."""
    stripped = text.strip()
    return stripped[:1] in "“\"" and stripped.rstrip(".")[-1:] in "”\"" and stripped.count("“") + stripped.count('"') <= 2


def _distinct(mentions: Sequence[Mention]) -> list[Mention]:
    seen: set[str] = set()
    out = []
    for m in mentions:
        key = _actor_key(m)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _actor_name(m: Mention) -> str:
    return m.name or m.text


def _atomise(article: Article, drafts: Sequence[_Draft], focus: str) -> list[Event]:
    """Merge drafts that are the same ACLED event: same day, place, actor pair and type."""
    grouped: dict[tuple[object, ...], list[_Draft]] = {}
    for draft in drafts:
        a1, a2 = _roles(draft, focus)
        place_key = draft.place.resolved_id if draft.place else ""
        key = (SUB_EVENT_TYPES[draft.sub_event_type], draft.day, place_key, frozenset({a1[0], a2[0]}))
        grouped.setdefault(key, []).append(draft)
    events = []
    for key, group in grouped.items():
        first = group[0]
        a1, a2 = _roles(first, focus)
        place = first.place.place if first.place and first.place.place else None
        sub = Counter(d.sub_event_type for d in group).most_common(1)[0][0]
        fatal = [d.fatalities for d in group if d.fatalities]
        evidence = tuple(
            Evidence(
                doc=article.external_id,
                start=d.sentence.start,
                end=d.sentence.end,
                text=article.text[d.sentence.start : d.sentence.end],
            )
            for d in group
        )
        country = (place.country if place else "") or focus
        inter1, inter2 = a1[2], a2[2]
        event_id = stable_id(article.external_id, key[0], first.day, key[2], a1[0], a2[0], sub)
        events.append(
            Event(
                id=event_id,
                event_date=first.day,
                time_precision=min(d.time_precision for d in group),
                event_type=SUB_EVENT_TYPES[sub],
                sub_event_type=sub,
                actor1=a1[0],
                actor1_id=a1[1],
                inter1=inter1,
                actor2=a2[0],
                actor2_id=a2[1],
                inter2=inter2,
                interaction=interaction(inter1, inter2),
                country=country,
                admin1=place.admin1 if place else "",
                admin2=place.admin2 if place else "",
                location=place.name if place else "",
                latitude=place.latitude if place else None,
                longitude=place.longitude if place else None,
                geo_precision=first.place_precision if place else None,
                fatalities=min(fatal) if fatal else 0,
                source=first.source,
                notes=_notes(first.day, sub, a1[0], a2[0], place),
                confidence=round(max(d.confidence for d in group), 2),
                source_docs=(article.external_id,),
                evidence=evidence,
                background=all(d.background for d in group),
            )
        )
    return events


def _roles(draft: _Draft, focus: str) -> tuple[tuple[str, str, int], tuple[str, str, int]]:
    """(name, id, inter) for actor1 and actor2, with ACLED's generic actors when unnamed."""
    country = (draft.place.place.country if draft.place and draft.place.place else "") or focus
    named = [(_actor_name(m), m.resolved_id or "", m.actor_type or 0) for m in draft.actors]
    if draft.sub_event_type in ONE_SIDED_CIVILIAN_TARGETS:
        attacker = named[0] if named else (GENERIC_UNIDENTIFIED.format(country=country), "", 3)
        return attacker, (GENERIC_CIVILIANS.format(country=country), "", 7)
    if not named:
        return (GENERIC_UNIDENTIFIED.format(country=country), "", 3), ("", "", 0)
    if len(named) == 1:
        return named[0], ("", "", 0)
    return named[0], named[1]


def _notes(day: date | None, sub: str, actor1: str, actor2: str, place: Place | None) -> str:
    when = f"On {day.day} {day.strftime('%B %Y')}" if day else "On an unknown date"
    where = f" in {place.name}" + (f" ({place.admin1})" if place and place.admin1 else "") if place else ""
    against = f" and {actor2}" if actor2 else ""
    return f"{when}, {sub.lower()} involving {actor1}{against}{where}."
