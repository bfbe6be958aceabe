"""Literal screens: a pattern is only ever skipped where it cannot match."""

from __future__ import annotations

import functools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines import actors, events, numbers, relations
from frontlines.literals import GuardedPattern, LiteralScreen, WordStartPattern, required_literals


@pytest.mark.parametrize(
    ("pattern", "flags", "need"),
    [
        (r"\bair ?strikes?\b", 0, {("strike", False)}),
        (r"\b(?:chemical (?:attack|weapon)s?|gas attacks?)\b", 0, {("chemical ", False), ("gas attack", False)}),
        (r"(sarin|chlorine) (gas|agents?)", 0, {("sarin", False), ("chlorine", False)}),
        (r"Brigade|Division", re.I, {("brigade", True), ("division", True)}),
        (r"(?i:according to) (?P<src>[A-Z]\w+)", 0, {("according to", True)}),
        (r"(?:took )+control", 0, {("control", False)}),
    ],
)
def test_required_literals(pattern: str, flags: int, need: set[tuple[str, bool]]) -> None:
    assert required_literals(re.compile(pattern, flags)) == need


@pytest.mark.parametrize(
    "pattern",
    [
        r"\b(?:air ?strikes?|[a-z]+)\b",  # one alternative needs no word
        r"(?:shelling)?\d+",  # an optional word is not needed
        r"a|bc",  # a one-letter word would pass nearly every text
        r"[A-Z]\w+",
    ],
)
def test_patterns_without_a_requirement(pattern: str) -> None:
    assert required_literals(re.compile(pattern)) is None


def test_screen_bits() -> None:
    screen = LiteralScreen([re.compile(r"\bair ?strikes?\b"), re.compile(r"shell(ed|ing)", re.I), re.compile(r"\d+")])
    assert screen.candidates("Air strikes and SHELLING") == 0b111
    assert screen.candidates("Shelled at dawn") == 0b110
    assert screen.candidates("nothing happened") == 0b100  # the digits pattern has no requirement


def test_case_insensitive_screen_keeps_unicode_folds() -> None:
    # "ſ" (long s), "İ" and "ı" match "s" and "i" case-insensitively but lower-case otherwise.
    for pattern, text in [("dismissed", "DIſMISSED"), ("killed", "KİLLED"), ("hit", "hıt")]:
        compiled = re.compile(pattern, re.I)
        assert compiled.search(text), (pattern, text)
        assert LiteralScreen([compiled]).candidates(text) & 1


@functools.lru_cache(maxsize=1)
def _lexicon_patterns() -> tuple[re.Pattern[str], ...]:
    """The screened patterns of the pipeline's lexicons."""
    lex = events.lexicon()
    g = numbers._grammar()
    matcher = actors.ActorMatcher(actors.ActorBase.load())
    prefix, suffix, _ = actors._discovery_regexes()
    return (
        *(p for _, p in lex.triggers_lower),
        lex.context, lex.uncertainty, lex.background, lex.background_words, lex.pro_government,
        lex.significant, *lex.attribution,
        g.gate, g.active_bare, g.passive_bare, *(p for _, p in g.numbered),
        *(rule.regex for rule in relations._patterns().rules),
        events._PERIOD, prefix, suffix, matcher._office_re,
    )  # fmt: skip


@functools.lru_cache(maxsize=1)
def _lexicon_screen() -> LiteralScreen:
    return LiteralScreen(_lexicon_patterns())


_WORDS = [
    "killed", "Killed", "KILLED", "air strikes", "airstrike", "according to", "ACCORDING TO", "said", "told",
    "Brigade", "Division", "shelling", "clashes", "over the past two days", "Defence Minister", "Liwaa",
    "took control of", "seized", "twelve", "12", "dozens of", "fighters", "were", "and", "the", ",", ".",
    "⟦g0⟧", "⟦g1⟧", "allied with", "ſ", "İ", "ı", "K", "’s", "-", "\n",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=4)), max_size=14))
def test_a_screened_out_lexicon_pattern_never_matches(parts: list[str]) -> None:
    text = " ".join(parts)
    mask = _lexicon_screen().candidates(text)
    for k, pattern in enumerate(_lexicon_patterns()):
        if not mask >> k & 1:
            assert pattern.search(text) is None, (pattern.pattern[:80], text)


def test_the_pipeline_lexicons_are_screened() -> None:
    """Every trigger and relation pattern has a requirement: none runs over every sentence."""
    assert all(required_literals(p) for _, p in events.lexicon().triggers_lower)
    assert all(required_literals(rule.regex) for rule in relations._patterns().rules)


@pytest.mark.parametrize(
    "sentence",
    [
        "Russian warplanes struck Maarat al-Numan in Idlib province on Tuesday, killing nine civilians.",
        "ISIS fighters seized the village of Umm Housh late Sunday after clashes with the Levant Front.",
        "Hayat Tahrir al-Sham said it would launch an offensive on Saraqib within 48 hours.",
        "A car bomb exploded near the market; the attack was claimed by no one.",
        "KİLLED İN THE SHELLİNG OF THE TOWN",
    ],
)
def test_detect_all_equals_an_unscreened_scan(sentence: str) -> None:
    lex = events.lexicon()
    lower = sentence.lower()
    text, triggers = (lower, lex.triggers_lower) if len(lower) == len(sentence) else (sentence, lex.triggers)
    taken = bytearray(len(sentence))
    expected = []
    for sub, pattern in triggers:
        for m in pattern.finditer(text):
            if 1 not in taken[m.start() : m.end()]:
                taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
                expected.append(events.Trigger(sub_event_type=sub, start=m.start(), end=m.end()))
    expected.sort(key=lambda t: t.start)
    assert events.detect_all(sentence) == expected


def test_a_guarded_pattern_finds_what_the_pattern_with_its_look_behind_finds() -> None:
    words = r"(W\. Va\.|Va\.|Ga\.)(?!\w)"
    with_lookbehind = re.compile(r"(?<![\w.])" + words)
    for text in ["Elkins, W. Va. and Athens, Ga.", "SW. Va. is no state", "x.Ga. Ga.", "Va.Va. Va.", ""]:
        found = [m.span() for m in GuardedPattern(r"(?<![\w.])", re.compile(words)).finditer(text)]
        assert found == [m.span() for m in with_lookbehind.finditer(text)], text


@given(st.text(alphabet="ab .-_\nİ", max_size=40))
@settings(max_examples=300, deadline=None)
def test_word_start_pattern_is_the_word_bounded_pattern(text: str) -> None:
    # Every match of these bodies opens with a word character, as the class requires.
    for body in (r"(?:ab?|ba)\b", r"a(?:b|\.)", r"(?:b+ a)\b", r"(a)(?:(b)|(\.))"):
        expected = [(m.start(), m.end(), m.lastindex) for m in re.finditer(r"\b" + body, text)]
        assert [(start, m.end(), m.lastindex) for start, m in WordStartPattern(body).finditer(text)] == expected
