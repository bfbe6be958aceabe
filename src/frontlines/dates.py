"""Date mentions in news text, resolved against the publication date, ACLED-style.

ACLED codes one day per event plus a ``time_precision``: 1 the day is known, 2 the
event is known within a week (or a weekend), 3 within a month. Ranges and vague periods
are coded at their midpoint. News text mostly dates events relative to the article
("on Tuesday", "late Sunday", "two nights ago"), so most mentions are resolved against
``published``; without it they are still returned, with ``date=None``.

Choices (all tested in tests/test_dates.py):

* A weekday ("Tuesday", "late Sunday", "Tuesday night") is the most recent such day on
  or before publication. "last Tuesday" is the same, except in a Tuesday article, where
  it means a week earlier (the same day would be "today"). "next Tuesday" is a plan,
  not an event: it is not returned.
* "N days/nights ago" is precision 1, "N weeks ago" 2, "N months ago" 3; a vague count
  ("a few days ago") lowers the precision one step.
* "last week" is the Thursday (midpoint) of the previous Monday-Sunday week;
  "this week"/"earlier this week" is the midpoint of this week's Monday and
  publication; both precision 2. Weekends code their Saturday, precision 2.
* "this month"/"earlier this month" is the midpoint of the 1st and publication;
  "last month" the 15th of the previous month; precision 3.
* A month is coded on the 15th, "early/mid/late" parts on the 5th/15th/25th,
  precision 3. A year-less month is the most recent such month not after publication;
  a month mention in the publication month itself is coded at the midpoint of the 1st
  and publication (not in the future), while a month part that would fall after
  publication ("late August" in a 10 August article) moves back a year.
* A year-less day ("9 August") is in the most recent year that puts it on or before
  publication. An explicit date after publication keeps its span but gets
  ``date=None`` (never a future event date).
* A bare year ("in 2013"), "last year" and "N years ago" have no ACLED precision: they
  are returned with ``date=None`` and precision 3 so callers can tell background from
  events.
* Slashed dates ("9/8/2015") are ambiguous in body text and are skipped there;
  :func:`parse_published` reads them as month/day/year (US metadata), or day/month when
  the first number cannot be a month; dotted "10.08.2015" is day.month.year.
"""

from __future__ import annotations

import calendar
import itertools
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from frontlines.datafiles import load_yaml
from frontlines.literals import WordStartPattern

__all__ = ["DateMention", "find_dateline", "find_dates", "parse_published"]


@dataclass(frozen=True, kw_only=True, slots=True)
class DateMention:
    """One date expression: its span in the text and the ACLED day it stands for."""

    start: int
    end: int
    text: str
    date: date | None
    precision: int
    relative: bool


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    source = resources.files("frontlines").joinpath("data/dates_words.yaml")
    with source.open("r", encoding="utf-8") as fh:
        data: dict[str, Any] = load_yaml(fh)
    return data


def _alt(words: Iterable[str], *, cased: bool) -> str:
    """An alternation, longest first so "September" wins over "Sept".

    ``cased`` gives Title and UPPER variants only (case-sensitive names); otherwise the
    words are matched case-insensitively.
    """
    variants: set[str] = set()
    for w in words:
        if cased:
            variants.update({w.title(), w.upper()})
        else:
            variants.add(w)
    body = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in sorted(variants, key=len, reverse=True))
    # A first-character lookahead lets most positions fail before trying each word.
    firsts = {v[0] for v in variants} | (set() if cased else {v[0].upper() for v in variants})
    first = "".join(sorted(re.escape(ch) for ch in firsts))
    return f"(?=[{first}])(?:{body})" if cased else f"(?=[{first}])(?i:{body})"


@dataclass(frozen=True, kw_only=True, slots=True)
class _Patterns:
    """Compiled once (lazily) and reused: find_dates must stay fast."""

    dmy: re.Pattern[str]
    mdy: re.Pattern[str]
    iso: re.Pattern[str]
    numeric: re.Pattern[str]
    range_dm: re.Pattern[str]
    range_md: re.Pattern[str]
    month_part: re.Pattern[str]
    month_year: re.Pattern[str]
    month_only: re.Pattern[str]
    month_mod: re.Pattern[str]
    year_only: re.Pattern[str]
    weekday: re.Pattern[str]
    relative: re.Pattern[str]
    period: re.Pattern[str]
    ago: re.Pattern[str]
    label: re.Pattern[str]
    month_numbers: dict[str, int]
    weekday_numbers: dict[str, int]


@lru_cache(maxsize=2)
def _patterns(ignore_case: bool = False) -> _Patterns:
    """Body text is case-sensitive for names; metadata (``ignore_case``) is not."""
    w = _words()
    months: dict[str, int] = {**w["month_abbreviations"], **w["months"]}
    weekdays: dict[str, int] = {**w["weekday_abbreviations"], **w["weekdays"]}
    flags = re.IGNORECASE if ignore_case else 0

    month_full = _alt(w["months"], cased=True)
    month_abbr = _alt(w["month_abbreviations"], cased=True)
    # \b after a full name; an abbreviation may carry a dot ("Aug. 9").
    month_any = rf"(?P<mon>{month_full}\b|{month_abbr}\b\.?)"
    wd_any = _alt([*w["weekdays"], *w["weekday_abbreviations"]], cased=True)
    wd_prefix = rf"(?:{wd_any}\b\.?,?\s+)?"
    day = r"(?<![\d,.])(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?![\d])"
    year = r"(?P<year>(?:19|20)\d\d)(?!\d|s\b)"  # not "the 1990s"
    dash = r"\s*(?:-|–|—|to|and|until)\s*"

    dmy = rf"{wd_prefix}(?:(?i:the)\s+)?{day}\s+(?:of\s+)?{month_any}(?:,?\s+{year})?"
    mdy = rf"{wd_prefix}{month_any}\s+{day}(?:,?\s+{year})?"
    iso = rf"(?<![\d-]){year}-(?P<mo>[01]\d)-(?P<day>[0-3]\d)(?![\d])"
    # 27/02/2015, 27.02.2015, 2/27/2015: day or month first, told apart below.
    numeric = rf"(?<![\d/.])(?P<a>[0-3]?\d)(?P<sep>[/.])(?P<b>[0-3]?\d)(?P=sep){year}"
    d1 = r"(?<![\d,.])(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?"
    d2 = r"(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)"
    range_dm = rf"(?:(?i:between)\s+)?{d1}{dash}{d2}\s+(?:of\s+)?{month_any}(?:,?\s+{year})?"
    range_md = rf"(?:(?i:between)\s+)?{month_any}\s+{d1}{dash}{d2}(?:,?\s+{year})?"
    part = _alt(w["month_parts"], cased=False)
    month_part = rf"\b(?P<part>{part})[\s-]+(?P<mon>{month_full})\b(?:,?\s+(?:of\s+)?{year})?"
    month_year = rf"{month_any},?\s+(?:of\s+)?{year}"
    preps = _alt(w["month_prepositions"], cased=False)
    # "to March on the capital": a verb, not a month.
    verb_next = _alt(w["month_verb_followers"], cased=False)
    month_only = rf"\b{preps}\s+(?P<span>(?P<mon>{month_full}))\b(?!\s+{verb_next}\b)"
    month_mod = rf"\b(?P<span>(?P<mod>(?i:last|this|past))\s+(?P<mon>{month_full}))\b"
    ypreps = _alt(w["year_prepositions"], cased=False)
    year_only = rf"\b{ypreps}[\s-]+(?P<span>{year})"
    wd_full = _alt(w["weekdays"], cased=True)
    parts = _alt(w["day_parts"], cased=False)
    weekday = (
        rf"(?P<pre>\b(?i:late|early)\s+(?:(?i:on)\s+)?)?"
        rf"(?P<mod>\b(?i:last|this|past|next|this\s+coming)\s+)?"
        rf"\b(?P<wd>{wd_full})\b(?:\s+(?P<part>{parts})\b)?"
    )
    relative = rf"\b(?P<rel>{_alt(w['relative'], cased=False)})\b"
    period = rf"\b(?P<per>{_alt(w['periods'], cased=False)})\b"
    count = _alt(w["counts"], cased=False)
    ago = rf"\b(?P<n>\d{{1,3}}|{count})\s+(?P<unit>(?i:days?|nights?|weeks?|months?|years?))\s+(?i:ago)\b"
    label = r"^\s*(?i:(?:first\s+|last\s+)?(?:published|updated|posted|date|dated))(?:\s+(?i:on))?\s*[:\-–]?\s*(?P<rest>.+)$"

    def c(p: str) -> re.Pattern[str]:
        # Every mention starts a word: failing fast inside words makes scans much cheaper.
        return re.compile(rf"(?<!\w)(?=\w)(?:{p})", flags)

    return _Patterns(
        dmy=c(dmy),
        mdy=c(mdy),
        iso=c(iso),
        numeric=c(numeric),
        range_dm=c(range_dm),
        range_md=c(range_md),
        month_part=c(month_part),
        month_year=c(month_year),
        month_only=c(month_only),
        month_mod=c(month_mod),
        year_only=c(year_only),
        weekday=c(weekday),
        relative=c(relative),
        period=c(period),
        ago=c(ago),
        label=re.compile(label, flags),
        month_numbers={k.lower(): v for k, v in months.items()},
        weekday_numbers={k.lower(): v for k, v in weekdays.items()},
    )


class _Anchors:
    """The anchor words of ``find_dates``: month and weekday names, years and relative-date
    keywords, each a whole word, as ``(family, start, end)`` in text order.

    A ``WordStartPattern`` (no word-start guard for the engine to try at every position), the
    words grouped by first character so most branches fail on it. Capture groups tell the
    family.
    """

    def __init__(self, words: Iterable[tuple[str, str]]) -> None:
        # ``words``: (family, regex), each regex opening with a plain word character; where two
        # share a first character the earlier one is tried first, as in one alternation.
        by_first: dict[str, list[tuple[str, str]]] = {}
        for family, word in words:
            by_first.setdefault(word[0], []).append((family, word[1:]))
        families: list[str] = [""]  # by group number
        branches = []
        for first, rests in by_first.items():
            # One group per run of one family's words (a group per word slows the search).
            runs = [(family, [rest for _, rest in run]) for family, run in itertools.groupby(rests, lambda r: r[0])]
            branches.append(re.escape(first) + "(?:" + "|".join(f"({'|'.join(run)})" for _, run in runs) + ")")
            families.extend(family for family, _ in runs)
        self._pattern = WordStartPattern("(?:" + "|".join(branches) + r")\b")
        self._families = tuple(families)

    def finditer(self, text: str) -> Iterator[tuple[str, int, int]]:
        families = self._families
        for start, m in self._pattern.finditer(text):
            yield families[m.lastindex or 0], start, m.end()


def _variants(words: Iterable[str], *, cased: bool) -> list[str]:
    """The regexes of ``_alt``'s words, in its order (longest first)."""
    variants: set[str] = set()
    for w in words:
        variants.update({w.title(), w.upper()} if cased else {w})
    escaped = [re.escape(v).replace(r"\ ", r"\s+") for v in sorted(variants, key=len, reverse=True)]
    if cased:
        return escaped
    # The first character as written or upper-cased (``_alt``'s look-ahead), the rest in any case.
    return [f"{first}(?i:{e[len(first):]})" for e in escaped for first in dict.fromkeys((e[0], e[0].upper()))]


@lru_cache(maxsize=1)
def _anchors() -> _Anchors:
    """Cheap anchors: the full patterns only run in windows around these words."""
    w = _words()
    keywords = sorted({"ago", *(phrase.split()[-1] for phrase in (*w["relative"], *w["periods"]))})
    return _Anchors(
        [
            *(("month", v) for v in _variants(w["months"], cased=True)),
            *(("month", v) for v in _variants(w["month_abbreviations"], cased=True)),
            *(("weekday", v) for v in _variants(w["weekdays"], cased=True)),
            ("year", r"1(?:9\d\d)"),
            ("year", r"2(?:0\d\d)"),
            *(("keyword", v) for v in _variants(keywords, cased=False)),
        ]
    )


# ---------------------------------------------------------------- resolution helpers


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_no(p: _Patterns, name: str) -> int:
    return p.month_numbers[name.rstrip(".").lower()]


def _mid(a: date, b: date) -> date:
    return a + timedelta(days=(b - a).days // 2)


def _back_months(d: date, n: int) -> date:
    y, m = divmod(d.year * 12 + (d.month - 1) - n, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _year_for(month: int, day: int, published: date) -> int:
    """The most recent year in which month/day is on or before publication."""
    return published.year if (month, day) <= (published.month, published.day) else published.year - 1


def _month_in_publication(published: date) -> date:
    # The month is not over yet: its midpoint would be in the future.
    return _mid(published.replace(day=1), published)


# ------------------------------------------------------------------------- matching


_Candidate = tuple[int, int, date | None, int, bool]  # start, end, date, precision, relative
_Handler = Callable[[re.Match[str], date | None], _Candidate | None]


def _explicit_day(p: _Patterns) -> _Handler:
    def handle(m: re.Match[str], pub: date | None) -> _Candidate | None:
        month = _month_no(p, m["mon"])
        day = int(m["day"])
        if not 1 <= day <= 31:
            return None
        if m["year"]:
            d = _safe_date(int(m["year"]), month, day)
            if d is None:
                return None
            return m.start(), m.end(), (d if pub is None or d <= pub else None), 1, False
        if _safe_date(2000, month, day) is None:  # 2000 is a leap year: 29 Feb passes
            return None
        if pub is None:
            return m.start(), m.end(), None, 1, True
        y = _year_for(month, day, pub)
        d = _safe_date(y, month, day)
        while d is None:  # 29 February: step back to a leap year
            y -= 1
            d = _safe_date(y, month, day)
        return m.start(), m.end(), d, 1, True

    return handle


def _iso(m: re.Match[str], pub: date | None) -> _Candidate | None:
    d = _safe_date(int(m["year"]), int(m["mo"]), int(m["day"]))
    if d is None:
        return None
    return m.start(), m.end(), (d if pub is None or d <= pub else None), 1, False


def _numeric(m: re.Match[str], pub: date | None) -> _Candidate | None:
    """Day and month in figures: the order is certain when one of them exceeds 12; else the
    reading on or nearest before the publication day (day first without one, as most of the
    world writes it)."""
    a, b, y = int(m["a"]), int(m["b"]), int(m["year"])
    readings = [d for d in (_safe_date(y, b, a), _safe_date(y, a, b)) if d is not None]
    if not readings:
        return None
    d = readings[0]
    if pub is not None and len(readings) == 2 and readings[0] != readings[1]:
        before = [r for r in readings if r <= pub]
        d = max(before) if before else min(readings)
    return m.start(), m.end(), (d if pub is None or d <= pub else None), 1, False


def _range(p: _Patterns) -> _Handler:
    def handle(m: re.Match[str], pub: date | None) -> _Candidate | None:
        month = _month_no(p, m["mon"])
        a, b = int(m["d1"]), int(m["d2"])
        if not 1 <= a < b <= 31:
            return None
        if m["year"]:
            y: int | None = int(m["year"])
        elif pub is not None:
            y = _year_for(month, a, pub)
        else:
            y = None
        precision = 2 if b - a < 7 else 3
        relative = not m["year"]
        if y is None:
            return m.start(), m.end(), None, precision, relative
        first, last = _safe_date(y, month, a), _safe_date(y, month, b)
        if first is None or last is None:
            return None
        d = _mid(first, last)
        if pub is not None and d > pub:
            d = first if first <= pub else None  # only started before publication
        return m.start(), m.end(), d, precision, relative

    return handle


def _month_part(p: _Patterns) -> _Handler:
    def handle(m: re.Match[str], pub: date | None) -> _Candidate | None:
        month = _month_no(p, m["mon"])
        day = int(_words()["month_parts"][" ".join(m["part"].lower().split())])
        if m["year"]:
            d: date | None = date(int(m["year"]), month, day)
            if pub is not None and d is not None and d > pub:
                d = None  # explicit and in the future: dropped
            return m.start(), m.end(), d, 3, False
        if pub is None:
            return m.start(), m.end(), None, 3, True
        y = _year_for(month, day, pub)  # a part after publication moves back a year
        return m.start(), m.end(), date(y, month, day), 3, True

    return handle


def _month_year(p: _Patterns) -> _Handler:
    def handle(m: re.Match[str], pub: date | None) -> _Candidate | None:
        month, y = _month_no(p, m["mon"]), int(m["year"])
        d: date | None = date(y, month, 15)
        if pub is not None and d is not None and d > pub:
            d = _month_in_publication(pub) if (y, month) == (pub.year, pub.month) else None
        return m.start(), m.end(), d, 3, False

    return handle


def _month_only(p: _Patterns) -> _Handler:
    def handle(m: re.Match[str], pub: date | None) -> _Candidate | None:
        start, end = m.span("span")
        month = _month_no(p, m["mon"])
        if pub is None:
            return start, end, None, 3, True
        mod = (m.groupdict().get("mod") or "").lower()
        if mod == "last":
            # "last August" in an August (or earlier) article is the previous year's.
            y = pub.year if month < pub.month else pub.year - 1
        else:
            y = pub.year if month <= pub.month else pub.year - 1
        if (y, month) == (pub.year, pub.month):
            return start, end, _month_in_publication(pub), 3, True
        return start, end, date(y, month, 15), 3, True

    return handle


def _year_only(m: re.Match[str], pub: date | None) -> _Candidate | None:
    start, end = m.span("span")
    return start, end, None, 3, False


def _weekday(p: _Patterns) -> _Handler:
    w = _words()
    prefixes = frozenset(w["weekday_name_prefixes"])
    followers = frozenset(w["weekday_name_followers"])
    follower_re = re.compile(r"\s+([A-Za-z]+)")
    prev_re = re.compile(r"([A-Za-z]+)\s+$")

    def handle(m: re.Match[str], pub: date | None) -> _Candidate | None:
        mod = " ".join((m["mod"] or "").lower().split())
        if mod in ("next", "this coming"):
            return None  # a future plan, not an event
        text = m.string
        if not m["pre"] and not m["mod"]:
            prev = prev_re.search(text, max(0, m.start() - 20), m.start())
            if prev and prev[1].lower() in prefixes:
                return None
        if not m["part"]:
            nxt = follower_re.match(text, m.end())
            if nxt and nxt[1].lower() in followers and nxt[1][0].isupper():
                return None
        # "on" before a weekday is not part of the mention; "late"/"last" are.
        start = m.start("mod") if m["mod"] and not m["pre"] else m.start()
        if m["pre"]:
            start = m.start("pre")
        if pub is None:
            return start, m.end(), None, 1, True
        wd = p.weekday_numbers[m["wd"].lower()]
        back = (pub.weekday() - wd) % 7
        if mod == "last" and back == 0:
            back = 7
        return start, m.end(), pub - timedelta(days=back), 1, True

    return handle


def _relative(m: re.Match[str], pub: date | None) -> _Candidate | None:
    days, precision = _words()["relative"][" ".join(m["rel"].lower().split())]
    d = None if pub is None else pub - timedelta(days=int(days))
    return m.start(), m.end(), d, int(precision), True


def _period(m: re.Match[str], pub: date | None) -> _Candidate | None:
    rule = _words()["periods"][" ".join(m["per"].lower().split())]
    precision = {"last_month": 3, "this_month": 3, "year": 3}.get(rule, 2)
    if pub is None or rule == "year":
        return m.start(), m.end(), None, precision, True
    monday = pub - timedelta(days=pub.weekday())
    if rule == "last_week":
        d = monday - timedelta(days=7) + timedelta(days=3)  # Thursday: midpoint of Mon-Sun
    elif rule == "this_week":
        d = _mid(monday, pub)
    elif rule == "last_weekend":
        back = (pub.weekday() - 5) % 7
        d = pub - timedelta(days=back + 7 if pub.weekday() >= 5 else back)
    elif rule == "this_weekend":
        d = pub - timedelta(days=(pub.weekday() - 5) % 7)
    elif rule == "this_month":
        d = _month_in_publication(pub)
    elif rule == "last_month":
        d = _back_months(pub.replace(day=15), 1)
    else:  # pragma: no cover - a rule named in the YAML file without code
        raise ValueError(f"dates_words.yaml: unknown period rule {rule!r}")
    return m.start(), m.end(), d, precision, True


def _ago(m: re.Match[str], pub: date | None) -> _Candidate | None:
    w = _words()
    raw = " ".join(m["n"].lower().split())
    n = int(raw) if raw.isdigit() else int(w["counts"][raw])
    vague = raw in w["vague_counts"]
    unit = m["unit"].lower().rstrip("s")
    if unit in ("day", "night"):
        precision = 2 if vague else 1
        d = None if pub is None else pub - timedelta(days=n)
    elif unit == "week":
        precision = 3 if vague else 2  # "two weeks ago": within a week of that day
        d = None if pub is None else pub - timedelta(days=7 * n)
    elif unit == "month":
        precision = 3
        d = None if pub is None else _back_months(pub, n)
    else:  # years: no ACLED precision for a year
        return m.start(), m.end(), None, 3, True
    return m.start(), m.end(), d, precision, True


_Family = tuple[tuple[re.Pattern[str], _Handler], ...]


@lru_cache(maxsize=1)
def _families() -> dict[str, _Family]:
    """Patterns grouped by the trigger word each of them needs."""
    p = _patterns()
    return {
        "month": (
            (p.dmy, _explicit_day(p)),
            (p.mdy, _explicit_day(p)),
            (p.range_dm, _range(p)),
            (p.range_md, _range(p)),
            (p.month_part, _month_part(p)),
            (p.month_year, _month_year(p)),
            (p.month_only, _month_only(p)),
            (p.month_mod, _month_only(p)),
        ),
        "year": ((p.iso, _iso), (p.numeric, _numeric), (p.year_only, _year_only)),
        "weekday": ((p.weekday, _weekday(p)),),
        "keyword": ((p.relative, _relative), (p.period, _period), (p.ago, _ago)),
    }


# Characters searched before and after a trigger word, per family: a little more than
# the longest expression around it ("Wednesday, the 9th of September, 2015",
# "the day before yesterday", "late on this coming Tuesday afternoon").
_MARGINS: dict[str, tuple[int, int]] = {
    "month": (32, 20),
    "year": (16, 10),
    "weekday": (28, 14),
    "keyword": (28, 14),
}
_SPACE = re.compile(r"\s")


def _windows(text: str, spans: list[tuple[int, int]], before: int, after: int) -> list[tuple[int, int]]:
    """Merged windows around trigger spans, widened to whitespace so no word is cut."""
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        start = max(0, a - before)
        cut = text.rfind(" ", 0, start + 1) if start else 0
        start = max(0, cut)
        m = _SPACE.search(text, min(len(text), b + after))
        end = m.start() if m else len(text)
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _as_date(value: date | None) -> date | None:
    # datetime is a date subclass but does not compare with date: normalise.
    return value.date() if isinstance(value, datetime) else value


def find_dates(text: str, *, published: date | None) -> list[DateMention]:
    """Date mentions in ``text`` in order; overlapping candidates keep the longest."""
    pub = _as_date(published)
    # Running every pattern over the whole text is too slow for long articles: one
    # cheap scan finds anchor words, and each family of patterns runs near its anchors.
    anchors: dict[str, list[tuple[int, int]]] = {}
    for family, start, end in _anchors().finditer(text):
        anchors.setdefault(family, []).append((start, end))
    families = _families()
    found: set[_Candidate] = set()
    for family, spans in anchors.items():
        for start, end in _windows(text, spans, *_MARGINS[family]):
            for pattern, handle in families[family]:
                for m in pattern.finditer(text, start, end):
                    cand = handle(m, pub)
                    if cand is not None and cand[1] > cand[0]:
                        found.add(cand)
    # Longest first, then leftmost: "Tuesday, 9 August 2015" beats "Tuesday".
    taken: list[_Candidate] = []
    used = bytearray(len(text))
    for cand in sorted(found, key=lambda c: (c[0] - c[1], c[0], c[3])):
        if 1 not in used[cand[0] : cand[1]]:
            taken.append(cand)
            used[cand[0] : cand[1]] = b"\x01" * (cand[1] - cand[0])
    taken.sort(key=lambda c: c[0])
    return [
        DateMention(start=s, end=e, text=text[s:e], date=d, precision=pr, relative=rel)
        for s, e, d, pr, rel in taken
    ]


# ------------------------------------------------------------------------- metadata

_ISO_PREFIX = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T\s_])")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:$|[T\s,])")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:$|[T\s,])")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_HAS_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _full_date_in(text: str, p: _Patterns) -> date | None:
    """The leftmost explicit day-month-year (or ISO) date in ``text``, if any."""
    best: tuple[int, date] | None = None
    for pattern in (p.iso, p.dmy, p.mdy):
        for m in pattern.finditer(text):
            if not m["year"]:
                continue
            month = int(m["mo"]) if pattern is p.iso else _month_no(p, m["mon"])
            d = _safe_date(int(m["year"]), month, int(m["day"]))
            if d is not None and (best is None or m.start() < best[0]):
                best = (m.start(), d)
            break
    return None if best is None else best[1]


def parse_published(value: str) -> date | None:
    """A metadata date in a common format, or None; never raises for a bad string.

    ISO dates and datetimes keep the calendar day as written (no time-zone shift).
    Slashed dates are month/day/year unless the first number cannot be a month;
    dotted ones ("10.08.2015") are day.month.year.
    """
    if not isinstance(value, str):
        return None
    s = value.strip()[:200]
    if not s:
        return None
    if m := _ISO_PREFIX.match(s) or _COMPACT.match(s):
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _SLASHED.match(s):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        return _safe_date(y, a, b) if a <= 12 else _safe_date(y, b, a)
    if m := _DOTTED.match(s):  # dotted dates are European: day.month.year
        return _safe_date(int(m[3]), int(m[2]), int(m[1]))
    found = _full_date_in(s, _patterns(ignore_case=True))
    if found is not None:
        return found
    if not _HAS_YEAR.search(s):
        return None
    return _dateparser_fallback(s)


def _dateparser_fallback(s: str) -> date | None:
    # Last resort for rarer formats; imported late because the import is slow.
    try:
        import dateparser

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = dateparser.parse(
                s,
                languages=["en"],
                settings={"REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False},
            )
    except Exception:  # noqa: BLE001 - a metadata string must never crash a run
        return None
    return parsed.date() if parsed is not None else None


def find_dateline(text: str) -> date | None:
    """The publication date stated at the very top of a text, or None.

    Looks at the first three lines (at most 300 characters): a labelled line
    ("Published: 2015-08-10") or an explicit day-month-year date. A wire dateline
    without a year ("BEIRUT, Aug 10 (Reuters) -") gives None: a year is never invented.
    """
    p = _patterns(ignore_case=False)
    for line in text[:300].splitlines()[:3]:
        if m := p.label.match(line):
            d = parse_published(m["rest"])
            if d is not None:
                return d
        d = _full_date_in(line, p)
        if d is not None:
            return d
    return None
