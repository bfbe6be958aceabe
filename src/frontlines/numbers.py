"""Numbers and fatality claims in news sentences, under ACLED's counting rules.

ACLED records deaths only, and the most conservative figure among competing reports.
Choices (all tested in tests/test_numbers.py; the words live in
``data/fatality_words.yaml``):

* A qualified number is coded as stated: "more than 50" and "at least 50" -> 50 (the
  lower bound the text gives); "nearly 40", "almost 40", "up to 40", "about 40" -> 40
  (no lower bound is given, and subtracting would invent precision).
* A range counts its lower bound ("between 20 and 30", "20 to 30", "two or three" -> the
  lower); "from 20 to 30" is an updated toll, not a range. An age ("12 years old") is no toll.
* Groups joined to the object of one death verb are separate claims ("killed 10 soldiers
  and 15 militants"), unless wounded ("and 15 others were injured") or a part of the first
  ("and 5 of them"); "killed himself and four others" counts the attacker too (5).
* Vague quantities take fixed values: "dozens" 12, "tens" 10, "scores" 20, "hundreds"
  100, "thousands" 1000, "several"/"a few"/"many" 3. "a dozen" is 12 and not vague.
* An unnumbered death of one person ("a civilian was killed", "killed the commander")
  counts 1. An unnumbered plural ("people were killed", "killed civilians") counts 3
  with ``vague=True``: ACLED's floor for a limited attack; callers may raise it.
* A death verb joined to an injury word ("killed or wounded 30", "30 dead or injured")
  does not say how many died: no claim. "casualties" alone is never a death.
* Negated deaths ("no one was killed", "did not kill") and pronoun subjects ("he was
  killed": counting them would double count a person named elsewhere) give no claim.
* :func:`conservative_total` takes the lowest numbered claim; vague claims count only
  when no numbered claim exists (a placeholder 3 must not undercut a reported 35).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from frontlines.datafiles import load_yaml
from frontlines.literals import LiteralScreen

__all__ = ["FatalityClaim", "conservative_total", "find_fatalities", "parse_number"]


@dataclass(frozen=True, kw_only=True, slots=True)
class FatalityClaim:
    """A statement of how many died: its span in the sentence and the ACLED count."""

    start: int
    end: int
    text: str
    count: int
    vague: bool
    subject: str


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    source = resources.files("frontlines").joinpath("data/fatality_words.yaml")
    with source.open("r", encoding="utf-8") as fh:
        data: dict[str, Any] = load_yaml(fh)
    return data


def _alt(words: Iterable[str]) -> str:
    """A case-insensitive alternation, longest first; spaces match any whitespace."""
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))
    return f"(?:{body})"


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("\u2011", "-").replace("\u2013", "-").split())


# ------------------------------------------------------------------------ numbers

_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_DIGITS_SCALED = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)\s+([a-z]+)")
_SPLIT = re.compile(r"[\s-]+")


def _words_to_int(s: str) -> int | None:
    """"thirty-five", "one hundred and twenty", "two thousand three hundred", "a dozen"."""
    w = _words()
    units: dict[str, int] = w["units"]
    tens: dict[str, int] = w["tens"]
    scales: dict[str, int] = w["scales"]
    tokens = [t for t in _SPLIT.split(s) if t and t != "and"]
    if not tokens:
        return None
    if tokens[0] in ("a", "an"):
        if len(tokens) == 1:
            return 1
        if tokens[1] not in scales:
            return None
        tokens[0] = "one"
    total, current, prev = 0, 0, ""
    for tok in tokens:
        if tok in units:
            # "five six" or "twenty eleven" are not numbers.
            if prev in ("unit",) or (prev == "ten" and units[tok] >= 10) or (prev == "ten" and units[tok] == 0):
                return None
            current += units[tok]
            prev = "unit"
        elif tok in tens:
            if prev in ("unit", "ten"):
                return None
            current += tens[tok]
            prev = "ten"
        elif tok in scales:
            scale = scales[tok]
            if current == 0 or prev == "small_scale" and scale < 1000:
                return None
            if scale < 1000:  # hundred, dozen multiply what precedes them
                current *= scale
                prev = "small_scale"
            else:
                total += current * scale
                current = 0
                prev = "big_scale"
        else:
            return None
    return total + current


def _parse(text: str) -> tuple[int, bool] | None:
    """(value, vague) for a number expression, or None."""
    w = _words()
    s = _norm(text).strip(" .,;:")
    quals = sorted(w["qualifiers"], key=len, reverse=True)
    changed = True
    while changed:  # "at least another 12"
        changed = False
        for q in quals:
            if s.startswith(q + " "):
                s = s[len(q) + 1 :]
                changed = True
    if s.endswith(" of"):
        s = s[:-3]
    if s in w["vague"]:
        return int(w["vague"][s]), True
    if _DIGITS.fullmatch(s):
        return int(s.replace(",", "")), False
    if m := _DIGITS_SCALED.fullmatch(s):
        scale = w["scales"].get(m[2])
        return (int(m[1].replace(",", "")) * scale, False) if scale else None
    value = _words_to_int(s)
    return None if value is None else (value, False)


def parse_number(text: str) -> int | None:
    """The ACLED value of a number expression ("1,200", "thirty-five", "dozens", "at least
    70"), or None when ``text`` is not one."""
    parsed = _parse(text)
    return None if parsed is None else parsed[0]


# ---------------------------------------------------------------------- fatalities


@dataclass(frozen=True, kw_only=True, slots=True)
class _Grammar:
    """Compiled once, lazily; the sets serve the checks made in Python."""

    numbered: tuple[tuple[str, re.Pattern[str]], ...]
    gate: re.Pattern[str]
    active_bare: re.Pattern[str]
    passive_bare: re.Pattern[str]
    number: re.Pattern[str]
    # A lower bound before the counted number: "between 20 and", "two or", "20 to", "20-".
    range_before: re.Pattern[str]
    # A second group counted by the same verb: "killed 10 soldiers and 15 militants".
    and_more: re.Pattern[str]
    injury: frozenset[str]
    # An injury verb after a group: "and 30 others were wounded" counts no deaths.
    injured_next: re.Pattern[str]
    injury_after: re.Pattern[str]
    injury_before: re.Pattern[str]
    word: re.Pattern[str]
    stop: frozenset[str]
    breaks: frozenset[str]
    pronouns: frozenset[str]
    singular_dets: frozenset[str]
    dets: frozenset[str]
    plural_nouns: frozenset[str]
    plural_endings: tuple[str, ...]
    time_words: frozenset[str]
    negations: frozenset[str]
    singular_aux: frozenset[str]
    plural_aux: frozenset[str]
    object_verbs: frozenset[str]
    # Which of gate, active_bare, passive_bare and the numbered patterns can match a sentence.
    screen: LiteralScreen
    # Case-sensitive twins of the scanning patterns, for lower-cased ASCII text (see ``_scan``).
    twins: dict[re.Pattern[str], re.Pattern[str]]


# Bits of ``_Grammar.screen``; the numbered patterns follow, in their order.
_GATE = 1
_ACTIVE_BARE = 1 << 1
_PASSIVE_BARE = 1 << 2
_NUMBERED = 3


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    w = _words()
    numword = _alt([*w["units"], *w["tens"], *w["scales"]])
    big = "|".join(f"(?<={s})" for s in ("hundred", "thousand", "million"))
    wordnum = (
        rf"(?:(?:a|an)\s+(?:{'|'.join(w['scales'])})|{numword})\b"
        rf"(?:(?:[\s-]+|(?:{big})\s+and\s+){numword}\b)*"
    )
    digits = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?![\d,.]\d)(?:\s+(?:hundred|thousand|million|dozen)\b)?(?![\w-])"
    vague = rf"{_alt(w['vague'])}\b(?:\s+of\b)?"
    qual = _alt(w["qualifiers"])
    num = rf"(?P<num>(?:{qual}\s+)*(?:{digits}|{vague}|{wordnum}))"
    stop = _alt(w["np_stop"])
    word = rf"(?!{stop}\b)[a-z][\w'’-]*"
    np4 = rf"(?P<np>(?:\s+{word}){{0,4}})"
    active = _alt(w["active_verbs"])
    passive = _alt(w["passive_verbs"])
    aux = _alt([*w["singular_auxiliaries"], *w["plural_auxiliaries"], *w["neutral_auxiliaries"]])
    adverbs = _alt(w["adverbs"])
    aux_phrase = rf"(?:(?P<aux>{aux})\s+(?:{adverbs}\s+)*)?"
    heads = _alt(w["death_heads"])
    nouns = _alt(w["death_nouns"])
    links = _alt(w["toll_links"])
    injury = _alt(w["injury_words"])
    flags = re.IGNORECASE

    numbered = (
        # "killing himself and four others": the attacker is one of the dead.
        ("active", rf"\b(?P<verb>{active})\s+(?P<self>(?:him|her)self\s+(?:and|along\s+with)\s+)?{num}{np4}"),
        (
            "passive",
            rf"\b{num}(?P<np>(?:\s+{word}){{0,5}}?)(?:\s*,[^,.;]{{1,60}},)?\s+{aux_phrase}(?P<verb>{passive})\b",
        ),
        ("left", rf"\b(?:left|leaving|leaves|leave)\s+{num}(?P<np>(?:\s+{word}){{0,3}}?)\s+(?P<verb>dead|killed)\b"),
        (
            "toll",
            rf"\b(?:(?P<verb>death\s+toll)\b[^.;]{{0,60}}?\b{links}"
            rf"|(?P<verb2>toll)\s+(?:has\s+|had\s+)?(?:rose|risen|rises|climbed|climbs|reached|jumped|increased|mounted)"
            rf"(?:\s+to)?)\s+{num}",
        ),
        ("head", rf"\b(?P<verb>{heads})\s+{num}{np4}"),
        # "The blast claimed 12 lives", "costing at least 30 civilian lives".
        (
            "lives",
            rf"\b(?P<verb>claim(?:ed|s|ing)?|cost(?:s|ing)?|t(?:ook|akes|aking))\s+{num}"
            rf"(?P<np>(?:\s+(?:civilian|innocent|more|other))?)\s+lives\b",
        ),
        ("noun", rf"\b{num}(?P<np>(?:\s+{word}){{0,2}}?)\s+(?P<verb>{nouns})\b"),
    )
    # Every claim starts a word: failing fast inside words makes scans cheaper.
    compiled = tuple((kind, re.compile(rf"(?<!\w)(?=\w)(?:{p})", flags)) for kind, p in numbered)
    gate = re.compile(_alt(w["death_stems"]), flags)
    active_bare = re.compile(rf"\b(?P<verb>{active})(?P<np>(?:\s+[a-z][\w'’-]*){{1,4}})", flags)
    passive_bare = re.compile(
        rf"\b(?:{aux_phrase}(?P<verb>{passive})|(?P<verb2>died|perished|lost\s+(?:his|her|their)\s+lives?))\b", flags
    )
    scanning = (gate, active_bare, passive_bare, *(p for _, p in compiled))
    return _Grammar(
        numbered=compiled,
        gate=gate,
        active_bare=active_bare,
        passive_bare=passive_bare,
        screen=LiteralScreen([gate, active_bare, passive_bare, *(p for _, p in compiled)]),
        twins={p: _twin(p) for p in scanning},
        number=re.compile(rf"{num}\b", flags),
        range_before=re.compile(
            rf"(?:\b(?P<between>between)\s+|(?P<from>\bfrom)\s+|(?<![\w,.-]))"
            rf"(?P<low>\d{{1,3}}(?:,\d{{3}})+|\d+|{wordnum})\s*(?P<link>-|–|\bto\b|\bor\b|\band\b)\s*$",
            flags,
        ),
        and_more=re.compile(rf"\s*,?\s+(?:and|as\s+well\s+as)\s+{num}{np4}", flags),
        injured_next=re.compile(rf"\s+(?:(?:{aux}|{adverbs}|seriously|critically|also)\s+)*{injury}\b", flags),
        injury=frozenset(_norm(v) for v in w["injury_words"]),
        injury_after=re.compile(rf"\s*,?\s*(?:or|and|and/or|&)\s+(?:seriously\s+|critically\s+)?{injury}\b", flags),
        injury_before=re.compile(rf"\b{injury}\s*,?\s*(?:or|and|and/or|&)\s+$", flags),
        word=re.compile(r"[A-Za-z0-9][\w'’-]*|[^\w\s]"),
        stop=frozenset(w["np_stop"]),
        breaks=frozenset(w["np_break"]),
        pronouns=frozenset(w["pronouns"]),
        singular_dets=frozenset(w["singular_determiners"]),
        dets=frozenset(w["determiners"]),
        plural_nouns=frozenset(w["plural_nouns"]),
        plural_endings=tuple(w["plural_endings"]),
        time_words=frozenset(w["time_words"]),
        negations=frozenset(w["negations"]),
        singular_aux=frozenset(_norm(a) for a in w["singular_auxiliaries"]),
        plural_aux=frozenset(_norm(a) for a in w["plural_auxiliaries"]),
        object_verbs=frozenset(_norm(v) for v in w["active_verbs"]),
    )


def _twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` without IGNORECASE: on lower-cased ASCII text it matches where ``pattern``
    matches the text, as its words are lower case (``_words``) and it has no upper-case escape."""
    if re.search(r"[A-Z]", pattern.pattern.replace("(?P<", "")):
        raise ValueError(f"fatality_words.yaml: upper case in a pattern: {pattern.pattern[:80]!r}")
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


def _scan(g: _Grammar, pattern: re.Pattern[str], sentence: str, lower: str | None) -> Iterator[re.Match[str]]:
    """``pattern.finditer(sentence)``. Given ``lower``, the lower-cased ASCII ``sentence``, the
    case-sensitive twin scans that instead (case-insensitive matching is two to three times
    slower) and each match found is re-read from ``sentence`` at the same place."""
    if lower is None:
        yield from pattern.finditer(sentence)
        return
    for found in g.twins[pattern].finditer(lower):
        m = pattern.match(sentence, found.start())
        assert m is not None and m.end() == found.end()  # the same match, in the sentence's case
        yield m


def _is_plural(g: _Grammar, noun: str) -> bool:
    n = noun.lower()
    return (
        n in g.plural_nouns
        or n.endswith(g.plural_endings)
        or (n.endswith("s") and not n.endswith(("ss", "us", "is")) and len(n) > 3)
    )


def _subject(g: _Grammar, np: str) -> str:
    """The counted noun phrase: leading "of the" dropped, cut at the first break word."""
    out: list[str] = []
    for tok in np.split():
        low = tok.lower()
        if not out and (low in ("of", "the") or low in g.dets):
            continue
        if low in g.breaks or low in g.stop or low in g.time_words:
            break
        out.append(tok)
    return " ".join(out)


def _ambiguous(g: _Grammar, sentence: str, vstart: int, vend: int) -> bool:
    """A death word joined to an injury word: the deaths alone are not counted."""
    return bool(
        g.injury_after.match(sentence, vend) or g.injury_before.search(sentence, max(0, vstart - 40), vstart)
    )


def _negated(g: _Grammar, sentence: str, start: int) -> bool:
    before = sentence[max(0, start - 24) : start].lower().split()[-2:]
    return any(b in g.negations or b.endswith("n't") for b in before)


_Found = tuple[int, int, int, bool, str]  # start, end, count, vague, subject


_YEAR = re.compile(r"(1[89]|20)\d\d")
# An age, not a toll: "students between 7 and 12 years old were killed".
_AGE = re.compile(r"[\s-]+years?[\s-]+old\b|\s+years\s+of\s+age\b", re.I)
_MONTH_BEFORE = re.compile(
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2}(st|nd|rd|th)?,?\s+)?$", re.I
)


def _looks_like_year(sentence: str, start: int, num: str) -> bool:
    """A bare 4-digit 1800-2099 after a month name (a dateline such as "July 5 2016 A bomber
    killed 16") or at the start of a sentence is a year, not a toll."""
    if not _YEAR.fullmatch(num.strip()):
        return False
    before = sentence[max(0, start - 20) : start]
    return bool(_MONTH_BEFORE.search(before)) or not before.strip()


def _numbered(g: _Grammar, sentence: str, screen: int = -1, lower: str | None = None) -> list[_Found]:
    found: list[_Found] = []
    for k, (kind, pattern) in enumerate(g.numbered):
        if not screen >> (_NUMBERED + k) & 1:
            continue
        for m in _scan(g, pattern, sentence, lower):
            vname = "verb" if m["verb"] is not None else "verb2"
            parsed = _parse(m["num"])
            if parsed is None or parsed[0] == 0:
                continue
            if _looks_like_year(sentence, m.start("num"), m["num"]) or _AGE.match(sentence, m.end("num")):
                continue
            if _ambiguous(g, sentence, m.start(vname), m.end(vname)) or _negated(g, sentence, m.start()):
                continue
            if kind == "passive" and not m["aux"] and _norm(m["verb"]) in g.object_verbs:
                # "three soldiers killed two civilians": an object follows, so this is
                # the active clause, counted by the "active" pattern instead.
                if _has_object(g, sentence, m.end()):
                    continue
            np = m.groupdict().get("np") or ""
            subject = "" if kind in ("toll", "noun", "lives") else _subject(g, np)
            end = m.end()
            if kind in ("active", "head") and np:
                # End the phrase with the counted noun, not trailing place words.
                end = m.start("np") + _np_extent(np, subject)
            start, count, vague = m.start(), parsed[0], parsed[1]
            low = _range_low(g, sentence, m.start("num"))
            if low is not None:
                # "between 20 and 30 were killed": ACLED takes the most conservative figure.
                start, count, vague = min(start, low[0]), min(count, low[1]), False
            if m.groupdict().get("self"):
                count += 1
            found.append((start, end, count, vague, subject))
            if kind == "active":
                found.extend(_and_more(g, sentence, end))
    return found


def _range_low(g: _Grammar, sentence: str, start: int) -> tuple[int, int] | None:
    """(start, value) of the lower bound of a range ending at ``start``, if there is one.

    "from 20 to 30" is a change (a toll updated), and "20 and 30" without "between" two
    numbers, not ranges.
    """
    m = g.range_before.search(sentence, max(0, start - 40), start)
    if m is None or m["from"] or (m["link"].lower() == "and" and not m["between"]):
        return None
    parsed = _parse(m["low"])
    if parsed is None or parsed[1] or parsed[0] == 0:
        return None
    return m.start(), parsed[0]


def _and_more(g: _Grammar, sentence: str, end: int) -> list[_Found]:
    """Groups joined to the object of an active death verb: "killed 10 soldiers and 15
    militants" (each group is its own claim; not "and 15 wounded", not "and 5 of them")."""
    found: list[_Found] = []
    while (m := g.and_more.match(sentence, end)) is not None:
        parsed = _parse(m["num"])
        words = [_norm(w) for w in (m["np"] or "").split()]
        if parsed is None or parsed[0] == 0 or words[:2] in (["of", "them"], ["of", "whom"], ["of", "which"]):
            break
        if any(w in g.injury for w in words) or _ambiguous(g, sentence, m.end(), m.end()):
            break
        if _looks_like_year(sentence, m.start("num"), m["num"]):
            break
        subject = _subject(g, m["np"] or "")
        stop = m.start("np") + _np_extent(m["np"], subject)
        if not subject or g.injured_next.match(sentence, stop):
            break
        found.append((m.start("num"), stop, parsed[0], parsed[1], subject))
        end = stop
    return found


def _has_object(g: _Grammar, sentence: str, end: int) -> bool:
    """Whether a word follows ``end`` that reads as the object of an active verb.

    After a passive participle come punctuation, prepositions, time words or adverbs.
    """
    nxt = g.word.match(sentence, len(sentence) - len(sentence[end:].lstrip()))
    if nxt is None or not nxt[0][0].isalnum():
        return False
    low = nxt[0].lower()
    return not (low in g.breaks or low in g.time_words or low.endswith("ly"))


def _np_extent(np: str, subject: str) -> int:
    """Characters of ``np`` up to the end of ``subject`` inside it (or all of it)."""
    if not subject:
        return 0
    i = np.find(subject.split()[-1], np.find(subject.split()[0]))
    return len(np) if i < 0 else i + len(subject.split()[-1])


def _bare_active(g: _Grammar, sentence: str, lower: str | None = None) -> list[_Found]:
    found: list[_Found] = []
    for m in _scan(g, g.active_bare, sentence, lower):
        before = sentence[max(0, m.start() - 20) : m.start()].lower().split()
        if before and (before[-1] in g.singular_aux | g.plural_aux | {"be", "been", "being", "get"}):
            continue  # "was killed the next day": passive, not an object
        if _negated(g, sentence, m.start()) or _ambiguous(g, sentence, m.start("verb"), m.end("verb")):
            continue
        tokens = m["np"].split()
        first = tokens[0].lower()
        if first in g.pronouns and first not in g.singular_dets:
            continue
        if g.number.match(m["np"].lstrip()) and first not in g.singular_dets:
            continue  # numbered: the numbered patterns count it
        offset = m.start("np") + (len(m["np"]) - len(m["np"].lstrip()))
        if first in g.singular_dets:
            rest = " ".join(tokens[1:])
            subject = _subject(g, rest)
            if not subject or subject.split()[0].lower() in g.time_words:
                continue
            count, vague = 1, False
        elif first in g.dets:
            subject = _subject(g, " ".join(tokens[1:]))
            if not subject or subject.split()[-1].lower() in g.time_words:
                continue
            plural = _is_plural(g, subject.split()[-1])
            count, vague = (3, True) if plural else (1, False)
        else:
            subject = _subject(g, " ".join(tokens))
            # The head noun ends the phrase: "killed Syrian civilians", not "Killing fields remain".
            if not subject or not _is_plural(g, subject.split()[-1]) or subject.split()[0].lower() in g.time_words:
                continue
            count, vague = 3, True
        end = offset + _np_extent(sentence[offset : m.end()], subject)
        found.append((m.start(), end, count, vague, subject))
    return found


def _np_back(g: _Grammar, words: list[re.Match[str]], i: int) -> tuple[list[re.Match[str]], str, int]:
    """The noun phrase ending at ``words[i]``, walking back to its determiner.

    Returns the tokens, the determiner ('' if none) and the index before the phrase.
    """
    np: list[re.Match[str]] = []
    det = ""
    while i >= 0:
        tok = words[i]
        low = tok[0].lower()
        if low in g.singular_dets or low in g.dets:
            det = low
            np.insert(0, tok)
            i -= 1
            break
        if not tok[0][0].isalnum() or low in g.stop or low in g.breaks or low in g.pronouns or len(np) == 3:
            if low in g.pronouns and not np:
                return [], "", i
            break
        np.insert(0, tok)
        i -= 1
    return np, det, i


def _bare_passive(g: _Grammar, sentence: str, lower: str | None = None) -> list[_Found]:
    found: list[_Found] = []
    for m in _scan(g, g.passive_bare, sentence, lower):
        words = list(g.word.finditer(sentence, max(0, m.start() - 120), m.start()))
        np, det, i = _np_back(g, words, len(words) - 1)
        heads = [t for t in np if t[0].lower() not in g.singular_dets and t[0].lower() not in g.dets]
        if not heads or heads[-1][0].lower() in g.pronouns:
            continue
        if any(g.number.fullmatch(t[0]) for t in heads):
            continue  # numbered: counted by the numbered patterns
        start = np[0].start()
        # "A soldier and a civilian were killed": each singular phrase is one death.
        singles = 1 if det in g.singular_dets else 0
        names = [" ".join(t[0] for t in heads)]
        while singles and i >= 1 and words[i][0].lower() in ("and", ","):
            k = i - 1 if words[i][0] == "," or words[i - 1][0] != "," else i - 2  # ", and"
            more, more_det, j = _np_back(g, words, k)
            if len(more) < 2 or not (
                more_det in g.singular_dets or (more_det in g.dets and not _is_plural(g, more[-1][0]))
            ):
                break
            names.insert(0, " ".join(t[0] for t in more[1:]))
            singles, start, i = singles + 1, more[0].start(), j
        if _negated(g, sentence, start) or _ambiguous(g, sentence, m.start(), m.end()):
            continue
        if not m["aux"] and m["verb"] is not None and _has_object(g, sentence, m.end()):
            continue  # "The bombing killed his brother": active, see _bare_active
        head = heads[-1][0]
        aux = _norm(m["aux"] or "")
        if singles:
            count, vague = singles, False
        elif aux in g.singular_aux:
            count, vague = 1, False
        elif aux in g.plural_aux or _is_plural(g, head):
            count, vague = 3, True
        elif det or all(t[0][0].isupper() for t in heads):
            count, vague = 1, False  # "the commander died", "Ahmed Saleh died"
        else:
            continue
        found.append((start, m.end(), count, vague, " and ".join(names)))
    return found


def _take(cands: list[_Found], used: bytearray) -> list[_Found]:
    """Longest first; a candidate overlapping one already taken is dropped."""
    taken: list[_Found] = []
    for c in sorted(cands, key=lambda c: (c[0] - c[1], c[0])):
        if 1 not in used[c[0] : c[1]]:
            taken.append(c)
            used[c[0] : c[1]] = b"\x01" * (c[1] - c[0])
    return taken


def find_fatalities(sentence: str) -> list[FatalityClaim]:
    """Death claims in ``sentence``, in order of position."""
    g = _grammar()
    screen = g.screen.candidates(sentence)
    if not screen & _GATE:
        return []  # most sentences mention no death at all
    # On ASCII text case-insensitive matching is lower-casing (not so for "İ", "ı", "ſ", ...).
    lower = sentence.lower() if sentence.isascii() else None
    if not (g.gate.search(sentence) if lower is None else g.twins[g.gate].search(lower)):
        return []
    used = bytearray(len(sentence))
    # Numbered claims first: an unnumbered reading of the same words never wins.
    taken = _take(_numbered(g, sentence, screen, lower), used)
    active = _bare_active(g, sentence, lower) if screen & _ACTIVE_BARE else []
    taken += _take(active + (_bare_passive(g, sentence, lower) if screen & _PASSIVE_BARE else []), used)
    taken.sort(key=lambda c: c[0])
    return [
        FatalityClaim(start=s, end=e, text=sentence[s:e], count=n, vague=v, subject=subj)
        for s, e, n, v, subj in taken
    ]


def conservative_total(claims: Sequence[FatalityClaim]) -> int:
    """The lowest of competing reports of one event's deaths; 0 if there are none.

    Vague placeholders only count when no report gives a number.
    """
    numbered = [c.count for c in claims if not c.vague]
    if numbered:
        return min(numbered)
    vague = [c.count for c in claims]
    return min(vague) if vague else 0
