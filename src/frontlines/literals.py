"""Literal screens: skip a regular expression where the words it needs do not occur.

Most searches of a lexicon pattern over news text fail, and a failing search still tries the
pattern at every position. Every match of ``\\b(?:air ?strikes?|drone (strikes?|attacks?))\\b``
contains "air" or "drone", so a sentence without either cannot match: a substring test. The
required words are read off the pattern's own parse (``required_literals``), so lexicon files
stay plain regular expressions; ``LiteralScreen`` tests the words of many patterns in one
Aho-Corasick pass. A screen is a necessary condition only: where it lets a pattern through,
the pattern itself decides, so results are those of running every pattern everywhere.

The second trick here is about where a search starts. Python's regex engine skips quickly to
where a pattern's first character can occur only when the pattern opens with a plain
character or class; a zero-width guard in front (``\\b``, a look-behind) makes it try the whole
pattern at every position. ``GuardedPattern`` searches the body alone and tests the guard
where it matched; ``WordStartPattern`` opens a word-bounded body with the non-word character
before it. Both find what the guarded pattern finds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

import ahocorasick

# Literals shorter than this would pass almost every text: the pattern then runs unscreened.
MIN_LITERAL = 2


# Characters that case-insensitive matching equates with an ASCII letter although their
# ``str.lower()`` is not that letter ("ſ" matches "s", "ı" and "İ" match "i"): a text holding
# one is never screened for case-insensitive patterns.
def _folds_to_ascii(text: str) -> bool:
    # Substring tests, not a regex: a class of non-ASCII letters is tried at every position,
    # while "in" answers at once when the text's characters are all narrower than the letter.
    return "\u0130" in text or "\u0131" in text or "\u017f" in text


_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}
_ATOMIC = getattr(sre, "ATOMIC_GROUP", None)

# One of these strings occurs in every match: (string, folded), where a folded string is
# lower-case ASCII matched case-insensitively, so looked for in the lower-cased text.
Requirement = frozenset[tuple[str, bool]]


def _shortest(need: Requirement) -> int:
    return min(len(word) for word, _ in need)


def _better(a: Requirement | None, b: Requirement | None) -> Requirement | None:
    """The more selective requirement: longer shortest word, then fewer words."""
    if not a:
        return b or None
    if not b:
        return a
    return a if (_shortest(a), -len(a)) >= (_shortest(b), -len(b)) else b


def _sequence(items: object, folded: bool) -> Requirement | None:
    best: Requirement | None = None
    run: list[str] = []
    for op, av in items:  # type: ignore[attr-defined]
        if op is sre.LITERAL and (not folded or av < 128):
            run.append(chr(av).lower() if folded else chr(av))
            continue
        if run:
            best = _better(best, frozenset([("".join(run), folded)]))
            run = []
        best = _better(best, _item(op, av, folded))
    if run:
        best = _better(best, frozenset([("".join(run), folded)]))
    return best


def _item(op: object, av: object, folded: bool) -> Requirement | None:
    if op is sre.SUBPATTERN:
        # Scoped flags: "(?i:according to)" inside a case-sensitive pattern.
        _group, add_flags, del_flags, sub = av  # type: ignore[misc]
        inner = (folded or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE
        return _sequence(sub.data, inner)
    if _ATOMIC is not None and op is _ATOMIC:
        return _sequence(av.data, folded)  # type: ignore[attr-defined]
    if op is sre.BRANCH:
        words: set[str] = set()
        for alternative in av[1]:  # type: ignore[index]
            need = _sequence(alternative.data, folded)
            if not need:
                return None  # one alternative needs no word: the branch needs none
            words |= need
        return frozenset(words)
    if op in _REPEATS:
        low, _high, sub = av  # type: ignore[misc]
        return _sequence(sub.data, folded) if low >= 1 else None
    return None


def required_literals(pattern: re.Pattern[str]) -> Requirement | None:
    """Strings one of which every match of ``pattern`` contains, or None if none are known.

    Each comes with whether it is matched case-insensitively: such strings are lower-case
    ASCII, to be looked for in the lower-cased text (see ``LiteralScreen``). Requirements
    holding a string shorter than ``MIN_LITERAL`` count as none.
    """
    folded = bool(pattern.flags & re.IGNORECASE)
    need = _sequence(sre_parse.parse(pattern.pattern, pattern.flags).data, folded)
    if not need or _shortest(need) < MIN_LITERAL:
        return None
    return need


class LiteralScreen:
    """The patterns of a sequence that can match somewhere in a text, as a bit mask.

    ``candidates(text)`` has bit ``k`` set when pattern ``k`` may match in ``text`` (one of its
    required strings occurs there, or it has none); a clear bit means it cannot match.
    """

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self.size = len(patterns)
        self.always = 0  # patterns without a requirement
        self._folded = 0  # patterns matched case-insensitively
        exact: dict[str, int] = {}
        lower: dict[str, int] = {}
        for k, pattern in enumerate(patterns):
            need = required_literals(pattern)
            if need is None:
                self.always |= 1 << k
                continue
            for word, folded in need:
                table = lower if folded else exact
                table[word] = table.get(word, 0) | 1 << k
                if folded:
                    self._folded |= 1 << k
        self._exact = _automaton(exact)
        self._lower = _automaton(lower)

    def candidates(self, text: str) -> int:
        mask = self.always
        if self._exact is not None:
            for _, bits in self._exact.iter(text):
                mask |= bits
        if self._lower is not None:
            if _folds_to_ascii(text):
                mask |= self._folded
            else:
                for _, bits in self._lower.iter(text.lower()):
                    mask |= bits
        return mask


def _automaton(words: dict[str, int]) -> ahocorasick.Automaton | None:
    if not words:
        return None
    automaton = ahocorasick.Automaton()
    for word, bits in words.items():
        automaton.add_word(word, bits)
    automaton.make_automaton()
    return automaton


class GuardedPattern:
    """The matches of the pattern ``guard + body``, ``guard`` being zero-width (``\\b``,
    look-behinds) and ``body`` never matching the empty string, as matches of ``body``.

    The body is searched alone and the guard tested where it matched; a failed guard resumes
    the search one character on, as the engine itself would.
    """

    __slots__ = ("body", "_guard")

    def __init__(self, guard: str, body: str | re.Pattern[str], flags: int = 0) -> None:
        self._guard = re.compile(guard, flags)
        self.body = body if isinstance(body, re.Pattern) else re.compile(body, flags)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        search, guard = self.body.search, self._guard.match
        pos = 0
        while (m := search(text, pos)) is not None:
            if guard(text, m.start()):
                yield m
                pos = m.end()
            else:
                pos = m.start() + 1


class WordStartPattern:
    """The matches of ``\\b + body`` for a ``body`` whose every match opens with a word character
    (so each follows the text's start or a non-word character), as ``(start, match)`` pairs.

    Past the text's start the pattern searched is ``\\W + body``, which the engine can skip
    through; ``start`` is where the body's match begins (the match object's own span includes
    the non-word character before it). Group numbers are the body's.
    """

    __slots__ = ("_at_start", "_after_non_word")

    def __init__(self, body: str, flags: int = 0) -> None:
        self._at_start = re.compile(body, flags)
        self._after_non_word = re.compile(r"\W" + body, flags)

    def finditer(self, text: str) -> Iterator[tuple[int, re.Match[str]]]:
        m = self._at_start.match(text)
        if m is not None:
            yield 0, m
        # From one character back: a match ending in a non-word character may precede the next.
        pos = m.end() - 1 if m is not None else 0
        search = self._after_non_word.search
        while (m := search(text, pos)) is not None:
            yield m.start() + 1, m
            pos = m.end() - 1
