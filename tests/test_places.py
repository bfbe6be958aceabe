"""Place recognition and resolution, on a made-up gazetteer and on the default one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from frontlines.gazetteer import ensure_schema, import_file, wait_for_background_writes
from frontlines import places
from frontlines.places import PlaceResolver, haversine_km, offset_point, translit_fold, translit_key
from frontlines.records import Mention

# A made-up land: two towns called Minas (a big one in Gondor, a small one in Rohan).
ROWS = [
    ("1", "Minas", "35.0", "36.0", "P", "PPL", "SY", "500000", ""),
    ("2", "Minas", "45.0", "10.0", "P", "PPL", "IT", "2000", ""),
    ("3", "Edoras", "45.1", "10.1", "P", "PPL", "IT", "30000", ""),
    ("4", "Ma'arrat al-Nu'man", "35.65", "36.68", "P", "PPL", "SY", "80000", "Maarat al-Numan"),
    ("5", "Helm", "35.2", "36.2", "P", "PPL", "SY", "5000", ""),
]


def _tsv(rows: list[tuple[str, ...]]) -> str:
    out = []
    for gid, name, lat, lon, fclass, fcode, cc, pop, alts in rows:
        out.append("\t".join([gid, name, name, alts, lat, lon, fclass, fcode, cc, "", "01", "", "",
                              "", pop, "", "0", "UTC", "2020-01-01"]))
    return "\n".join(out) + "\n"


def _store(path: Path, rows: list[tuple[str, ...]]) -> sqlite3.Connection:
    """An in-memory store holding only the made-up GeoNames ``rows`` (written to ``path``)."""
    path.write_text(_tsv(rows), encoding="utf-8")
    conn = sqlite3.connect(":memory:")
    ensure_schema(conn)
    import_file(conn, path, fmt="geonames")
    return conn


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> PlaceResolver:
    return PlaceResolver(_store(tmp_path_factory.mktemp("gaz") / "tiny.txt", ROWS))


@pytest.fixture(scope="module")
def world() -> PlaceResolver:
    return PlaceResolver(sqlite3.connect(":memory:"))


def _names(mentions: list[Mention]) -> list[tuple[str, str]]:
    return [(m.text, m.place.country_code if m.place else "") for m in mentions]


def test_mentions_carry_span_place_and_alias(tiny: PlaceResolver) -> None:
    text = "Shelling hit Minas on Monday."
    [m] = tiny.find_places(text)
    assert (m.kind, m.start, m.end, m.text) == ("place", 13, 18, "Minas")
    assert m.resolved_id == "gn:1" and m.place is not None and m.place.country_code == "SY"
    assert m.alias == "minas" and m.geo_precision == 1
    assert Mention.from_dict(m.to_dict()) == m


def test_context_picks_the_homonym_near_other_places(tiny: PlaceResolver) -> None:
    [minas, edoras] = tiny.find_places("Riders rode from Minas to Edoras at dawn.")
    assert minas.resolved_id == "gn:2"  # the small Minas beside Edoras, not the big one
    assert edoras.resolved_id == "gn:3"


def test_lower_case_and_excluded_spans_are_not_places(tiny: PlaceResolver) -> None:
    assert tiny.find_places("the minas of the north") == []
    text = "The Minas Brigade attacked."
    assert tiny.find_places(text, exclude=[(4, 18)]) == []


def test_transliteration_variants_resolve(tiny: PlaceResolver) -> None:
    assert translit_key("maaret al numan") == translit_key("maarrat al numan")
    text = "Clashes near Maaret al-Numman continued."
    cands = [(13, 29, "GPE")]
    [m] = tiny.find_places(text, candidates=cands)
    assert m.resolved_id == "gn:4" and m.geo_precision == 2


def test_a_spelling_after_town_of_is_found_without_ner(world: PlaceResolver) -> None:
    # Ingest runs no NER: the place word alone sends the name to the bounded fuzzy lookup.
    [m] = world.find_places("Jets struck the town of Maarat al-Numan on Tuesday.")
    assert m.text == "Maarat al-Numan" and m.place is not None and m.place.country_code == "SY"
    assert abs(m.place.latitude - 35.65) < 0.1 and m.geo_precision == 1
    # Nothing near enough in the gazetteer: nothing is made up.
    assert world.find_places("They reached the village of Zorvakht Quellin at dawn.") == []


def test_relative_description_offsets_the_point(tiny: PlaceResolver) -> None:
    [m] = tiny.find_places("A strike 20 kilometers north of Minas killed two.")
    assert m.geo_precision == 2 and m.place is not None
    assert abs(haversine_km(35.0, 36.0, m.place.latitude, m.place.longitude) - 20) < 0.5
    assert m.place.latitude > 35.0


def test_weak_small_town_needs_support(tiny: PlaceResolver) -> None:
    assert tiny.find_places("Helm said the plan was fine.") == []
    assert [m.text for m in tiny.find_places("Fighting in Helm and Minas.")] == ["Helm", "Minas"]


def test_person_spans_block_names_inside_them(tiny: PlaceResolver) -> None:
    text = "Edoras Minas spoke in Minas."
    found = tiny.find_places(text, candidates=[(0, 12, "PERSON")])
    assert [m.start for m in found] == [22]


def test_offset_point_and_haversine() -> None:
    lat, lon = offset_point(0.0, 0.0, 111.195, 90.0)
    assert abs(lat) < 1e-6 and abs(lon - 1.0) < 1e-3
    assert abs(haversine_km(0, 0, 1, 0) - 111.195) < 0.01


# ----------------------------------------------------------------- the default gazetteer


def test_country_forms_and_states(world: PlaceResolver) -> None:
    found = world.find_places("The U.S. and the UK sent envoys to Texas and Syria.")
    assert _names(found) == [("U.S.", "US"), ("UK", "GB"), ("Texas", "US"), ("Syria", "SY")]
    assert [m.geo_precision for m in found] == [3, 3, 3, 3]


def test_city_state_pattern(world: PlaceResolver) -> None:
    found = world.find_places("He was born in Paris, Texas, and moved to Athens, Ga., in 2001.")
    paris, texas, athens, georgia = found
    assert paris.place is not None and paris.place.admin1 == "Texas"
    assert athens.place is not None and athens.place.admin1 == "Georgia"
    assert georgia.text == "Ga." and georgia.place is not None and georgia.place.feature == "admin1"


def test_common_words_are_not_towns(world: PlaceResolver) -> None:
    text = "Most Police in Reading said Nice weather in March was Male news. Of course."
    assert world.find_places(text) == []


def test_demonyms_only_on_request(world: PlaceResolver) -> None:
    text = "Syrian forces shelled the town."
    assert world.find_places(text) == []
    [m] = world.find_places(text, demonyms=True)
    assert m.place is not None and m.place.country_code == "SY" and m.geo_precision == 3


def test_syrian_regions_and_countryside(world: PlaceResolver) -> None:
    found = world.find_places("Airstrikes hit eastern Ghouta and Aleppo's western countryside.")
    ghouta, aleppo = found
    assert ghouta.place is not None and ghouta.place.feature == "region" and ghouta.geo_precision == 3
    assert aleppo.text == "Aleppo" and aleppo.geo_precision == 2
    assert aleppo.place is not None and aleppo.place.country_code == "SY"
    [idlib] = world.find_places("Fighting continued in Idlib province.")
    assert idlib.place is not None and idlib.place.feature == "admin1"


def test_country_hint_breaks_ties(world: PlaceResolver) -> None:
    [m] = world.find_places("Protests were held in Tripoli.", country_hint="LB")
    assert m.place is not None and m.place.country_code == "LB"


def test_state_among_its_towns_and_countries_by_name(world: PlaceResolver) -> None:
    text = "Officials in Ocilla and Fitzgerald said Georgia would pay for the road."
    assert _names(world.find_places(text))[-1] == ("Georgia", "US")
    text = "Troops crossed from Russia into Georgia near Gori."
    assert ("Georgia", "GE") in _names(world.find_places(text))
    # A country by its own name is not handed to a small US town by the US focus.
    text = "Farmers in Iowa, Nebraska and Kansas sell soybeans to China."
    assert ("China", "CN") in _names(world.find_places(text))


def test_a_repeated_name_does_not_vouch_for_its_own_state(world: PlaceResolver) -> None:
    text = ("Richmond police said the fire started downtown. Richmond firefighters arrived at "
            "3 a.m. The Richmond mayor thanked volunteers from across eastern Indiana.")
    found = world.find_places(text)
    assert {m.place.admin1 for m in found if m.text == "Richmond" and m.place} == {"Indiana"}


def _readings(found: list[Mention], text: str) -> set[tuple[str, str]]:
    return {(m.place.admin1, m.place.country_code) for m in found if m.text == text and m.place}


def test_a_repeated_capital_name_does_not_outvote_the_state_named_beside_it(world: PlaceResolver) -> None:
    text = ("Dublin police closed a road on Monday. Dublin schools stayed open, and the Dublin "
            "council met. Dublin is a suburb in {}.")
    assert _readings(world.find_places(text.format("Ohio")), "Dublin") == {("Ohio", "US")}
    assert _readings(world.find_places(text.format("Ireland")), "Dublin") == {("", "IE")}
    # Alone, the capital keeps the name however often it is repeated.
    assert _readings(world.find_places(text.split(" Dublin is")[0]), "Dublin") == {("", "IE")}


def test_a_county_in_many_states_still_places_the_story_in_the_us(world: PlaceResolver) -> None:
    text = "A Paris man was arrested on Sunday. He will appear in {}court on Monday, Paris police said."
    assert _readings(world.find_places(text.format("Henry County ")), "Paris") == {("Tennessee", "US")}
    assert _readings(world.find_places(text.format("")), "Paris") == {("", "FR")}


def test_a_third_round_lets_the_state_pull_its_capital_back(world: PlaceResolver) -> None:
    # Round one reads "Georgia" as the country, so "Atlanta" first leans to the Texas town.
    text = ("Police in Atlanta said Georgia would pay. Atlanta officials and Georgia lawmakers met "
            "in Atlanta; a Texas firm bid.")
    assert _readings(world.find_places(text), "Atlanta") == {("Georgia", "US")}
    assert _readings(world.find_places(text), "Texas") == {("Texas", "US")}


def test_a_country_backed_by_its_demonym_stays_the_country(world: PlaceResolver) -> None:
    text = ("Mexico said {} troops would stay. Officials in St. Louis and Washington, Missouri, "
            "disagreed with Mexico.")
    assert _readings(world.find_places(text.format("Mexican")), "Mexico") == {("", "MX")}
    # Among Missouri towns and with nothing else Mexican, it is the Missouri town.
    assert _readings(world.find_places(text.format("the")), "Mexico") == {("Missouri", "US")}


def test_a_sentence_break_splits_a_name(world: PlaceResolver) -> None:
    assert world.find_places("He works at the Medical Center. City officials agreed to pay him.") == []
    found = world.find_places("He flew to St. Louis. Center City was quiet.")
    assert [m.place.name for m in found if m.place] == ["St. Louis", "Center City"]


def test_a_one_word_person_label_on_a_big_city(world: PlaceResolver) -> None:
    text = "Fans said the team bids Gainesville goodbye."
    start = text.index("Gainesville")
    assert [m.text for m in world.find_places(text, candidates=[(start, start + 11, "PERSON")])] == ["Gainesville"]
    # Not when the word is a person's surname elsewhere in the text, nor for a small town.
    text = "Tom Gainesville spoke. Reporters said Gainesville left early."
    start = text.rindex("Gainesville")
    assert world.find_places(text, candidates=[(0, 15, "PERSON"), (start, start + 11, "PERSON")]) == []
    text = "Fans said the team bids Mitchell goodbye."
    start = text.index("Mitchell")
    assert world.find_places(text, candidates=[(start, start + 8, "PERSON")]) == []


# ------------------------------------------------- transliteration, cues, homonyms, cache

# Invented coordinates in a made-up corner of the map; spellings as an export might give them.
CONFLICT_ROWS = [
    ("11", "Umm Hawsh", "36.40", "37.20", "P", "PPL", "SY", "0", ""),
    ("12", "Mizanaz", "36.06", "36.85", "P", "PPL", "SY", "0", ""),
    ("13", "Bashkuy", "36.04", "37.31", "P", "PPL", "SY", "0", ""),
    ("14", "Hums", "36.10", "37.00", "P", "PPL", "SY", "0", ""),
    ("15", "Ara", "36.30", "37.10", "P", "PPL", "SY", "0", ""),
    ("16", "Halab", "36.20", "37.15", "P", "PPL", "SY", "1500000", ""),
    ("17", "Tadmur", "34.56", "38.28", "P", "PPL", "SY", "50000", "Palmyra"),
    ("18", "Palmyra", "43.06", "-77.23", "P", "PPL", "US", "7000", ""),
    ("19", "Geneva", "42.87", "-76.98", "P", "PPL", "US", "13000", ""),
    ("20", "Geneva", "46.20", "6.14", "P", "PPL", "CH", "180000", ""),
    ("21", "Syria", "35.0", "38.0", "A", "PCLI", "SY", "22000000", ""),
]


@pytest.fixture(scope="module")
def conflict(tmp_path_factory: pytest.TempPathFactory) -> PlaceResolver:
    return PlaceResolver(_store(tmp_path_factory.mktemp("gaz") / "conflict.txt", CONFLICT_ROWS), use_cache=False)


def test_translit_fold_is_tolerant_but_not_loose() -> None:
    assert translit_fold("umm housh") == translit_fold("umm hawsh")
    assert translit_fold("bashkawi") == translit_fold("bashkuy")
    assert translit_fold("maaret al numan") == translit_fold("maarrat al numan")
    assert translit_fold("dayr hafer") == translit_fold("deir hafer")
    assert translit_fold("hamas") != translit_fold("hums")
    assert translit_fold("mizanaz") != translit_fold("miznaz")  # a dropped vowel: skeleton only


def test_imported_names_match_news_spellings(conflict: PlaceResolver) -> None:
    [m] = conflict.find_places("ISIS seized the town of Umm Housh on Sunday.")
    assert m.resolved_id == "gn:11" and m.text == "Umm Housh"
    text = "The towns of Miznaz and Bashkawi near Halab were shelled."
    found = conflict.find_places(text)
    assert [(m.text, m.resolved_id) for m in found][:2] == [("Miznaz", "gn:12"), ("Bashkawi", "gn:13")]


def test_transliteration_keeps_false_friends_out(conflict: PlaceResolver) -> None:
    # "Hamas" shares the skeleton of Hums but not its folded form; a lone one-word
    # variant without support in the text is dropped; lower case is never a name.
    assert conflict.find_places("Hamas said the talks had failed.") == []
    assert conflict.find_places("Miznaz said the talks had failed.") == []
    assert conflict.find_places("the umm housh road") == []


def test_place_cue_overrides_a_person_label(conflict: PlaceResolver) -> None:
    text = "Fighters entered the village of Bashkuy."
    start = text.index("Bashkuy")
    [m] = conflict.find_places(text, candidates=[(start, start + 7, "PERSON")])
    assert m.resolved_id == "gn:13"
    text = "Bashkuy said the village was quiet."
    assert conflict.find_places(text, candidates=[(0, 7, "PERSON")]) == []


@pytest.mark.parametrize(
    "text",
    ["The family moved to Bashkuy in May.", "Fighters headed back to Bashkuy at night."],
)
def test_moving_to_a_place_overrides_a_person_label(conflict: PlaceResolver, text: str) -> None:
    start = text.index("Bashkuy")
    found = conflict.find_places(text, candidates=[(start, start + 7, "PERSON")])
    assert "gn:13" in {m.resolved_id for m in found}


@pytest.mark.parametrize("text", ["She spoke to Bashkuy in May.", "Talks on Bashkuy's plan went on."])
def test_other_words_before_a_person_label_do_not(conflict: PlaceResolver, text: str) -> None:
    start = text.index("Bashkuy")
    found = conflict.find_places(text, candidates=[(start, start + 7, "PERSON")])
    assert "gn:13" not in {m.resolved_id for m in found}


def test_initials_in_capitals_are_not_a_town(conflict: PlaceResolver) -> None:
    assert conflict.find_places("According to ARA News, the road was closed near Halab.")[0].text == "Halab"
    assert [m.text for m in conflict.find_places("According to ARA News, the road was closed.")] == []


def test_a_foreign_city_does_not_vouch_through_its_homonyms(conflict: PlaceResolver) -> None:
    text = "Envoys met in Geneva. Jets struck Halab in Syria and hit targets in Palmyra."
    found = {m.text: m.resolved_id for m in conflict.find_places(text)}
    assert found["Palmyra"] == "gn:17"
    # Beside its own American neighbour, Palmyra is the one in New York.
    found = {m.text: m.resolved_id for m in conflict.find_places("Firefighters from Geneva drove to Palmyra.")}
    assert found["Palmyra"] == "gn:18"


@pytest.fixture
def index_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own, where even a tiny gazetteer's index is cached."""
    monkeypatch.setenv("FRONTLINES_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(places, "CACHE_MIN_PLACES", 1)
    return tmp_path / "cache"


def test_the_index_is_cached_and_a_bad_cache_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, index_cache: Path
) -> None:
    conn = _store(tmp_path / "conflict.txt", CONFLICT_ROWS)
    first = PlaceResolver(conn)
    wait_for_background_writes()  # the index file is written by a child process
    cache = places.index_cache_path(conn)
    assert cache is not None and cache.parent == index_cache and cache.is_file()
    text = "ISIS seized the town of Umm Housh near Halab."
    expected = first.find_places(text)

    def no_build(self: PlaceResolver, conn: sqlite3.Connection) -> None:
        raise AssertionError("the cached index should have been used")

    with monkeypatch.context() as mp:
        mp.setattr(PlaceResolver, "_build_index", no_build)
        assert PlaceResolver(conn).find_places(text) == expected
    cache.write_bytes(b"not a pickle")
    assert PlaceResolver(conn).find_places(text) == expected  # rebuilt, and rewritten
    wait_for_background_writes()
    assert cache.read_bytes() != b"not a pickle"
    # Another import changes the store's fingerprint, hence the cache file.
    extra = tmp_path / "extra.txt"
    extra.write_text(_tsv([("30", "Edoras", "45.1", "10.1", "P", "PPL", "IT", "30000", "")]), encoding="utf-8")
    import_file(conn, extra, fmt="geonames")
    assert places.index_cache_path(conn) != cache
    assert not list(cache.parent.glob(".*.tmp"))


def test_a_name_after_abu_or_ibn_is_a_person_not_a_town(world: PlaceResolver) -> None:
    found = [m.text for m in world.find_places("Abu Hassan, a commander, was killed near Idlib.")]
    assert found == ["Idlib"]
    # A place whose name holds the particle is matched whole.
    assert [m.text for m in world.find_places("Fighting reached Abu Kamal on the border.")] == ["Abu Kamal"]


def test_a_small_town_abroad_inside_a_longer_name_is_not_placed(world: PlaceResolver) -> None:
    # "Rida" (a Belarusian town's other name) and "Meri" (a Turkmen city's) are parts of longer names here.
    text = "Rebels killed troops near Aleppo, said Nazeer Rida. Shells hit Tal Meri near Damascus."
    assert [m.text for m in world.find_places(text)] == ["Aleppo", "Damascus"]
    # On its own, with nothing pointing elsewhere, the town stays.
    assert [m.place.country for m in world.find_places("The festival was held in Haan.") if m.place] == ["Germany"]



def _span(text: str, words: str, label: str) -> tuple[int, int, str]:
    start = text.index(words)
    return (start, start + len(words), label)


def test_a_named_building_is_placed_in_the_town_the_text_puts_it_in(world: PlaceResolver) -> None:
    text = "Doctors at the Northgate Memorial Hospital in Liverpool treated the boy."
    found = world.find_places(text, candidates=[_span(text, "Northgate Memorial Hospital", "PERSON")])
    [hospital] = [m for m in found if m.text == "Northgate Memorial Hospital"]
    assert hospital.place is not None and hospital.place.name == "Liverpool" and hospital.geo_precision == 2
    # With no town beside it, a street goes to the story's town.
    text = "Police in Leeds closed Quarry Hill Road on Sunday after a crash."
    [leeds, road] = world.find_places(text)
    assert road.text == "Quarry Hill Road" and road.place is not None and road.place.name == "Leeds"


def test_a_building_keeps_the_town_that_opens_its_name(world: PlaceResolver) -> None:
    text = "Students at Aleppo University fled the shelling."
    assert [(m.text, m.place.country_code if m.place else "") for m in world.find_places(text)] == [("Aleppo", "SY")]
    # A small town's name further in gives way to the whole name.
    found = [m.text for m in world.find_places("The race at Oulton Park in Cheshire drew crowds.")]
    assert "Park" not in found and "Oulton Park" in found
    # A person's name is no building.
    assert world.find_places("Officials met Karen Hollister on Monday.") == []


def test_a_town_ner_calls_a_person_is_kept_with_a_cue(world: PlaceResolver) -> None:
    text = "In Klamath Falls, Oregon, a brewery heats its tanks."
    found = world.find_places(text, candidates=[_span(text, "Klamath Falls", "PERSON")])
    assert [m.text for m in found][:1] == ["Klamath Falls"]
    text = "Alexandria Police Chief Ann Cole said the road was closed."
    found = world.find_places(text, candidates=[_span(text, "Alexandria Police", "PERSON")])
    assert [m.text for m in found] == ["Alexandria"]
    # Without a cue, the person's name stays a person's.
    text = "Nelson said the plan would work."
    assert world.find_places(text, candidates=[_span(text, "Nelson", "PERSON")]) == []
    text = "Jackson Smith said the plan would work."
    assert world.find_places(text, candidates=[_span(text, "Jackson Smith", "PERSON")]) == []


def test_a_dateline_places_a_small_town(world: PlaceResolver) -> None:
    found = world.find_places("TORRINGTON — The city council approved the budget.")
    assert [m.text for m in found] == ["TORRINGTON"]
    assert places._dateline("in Torrington — the", 3, 13) is False


def test_counties_of_great_britain_follow_the_story(world: PlaceResolver) -> None:
    text = "The British series visits Silverstone, then Kent and Norfolk in England."
    kent = [m for m in world.find_places(text) if m.text == "Kent"]
    assert kent and kent[0].place is not None and kent[0].place.country_code == "GB"
    text = "Kent police said a Seattle man was arrested in Tacoma, Washington."
    kent = [m for m in world.find_places(text) if m.text == "Kent"]
    assert kent and kent[0].place is not None and kent[0].place.country_code == "US"


def test_an_organisation_after_a_locative_preposition_is_placed_in_the_town(world: PlaceResolver) -> None:
    text = "Chefs gave a class at Brightwater Provisions in Fresno on Friday."
    found = world.find_places(text, candidates=[_span(text, "Brightwater Provisions", "ORG")])
    [shop] = [m for m in found if m.text == "Brightwater Provisions"]
    assert shop.place is not None and shop.place.name == "Fresno" and shop.geo_precision == 2
    # A small town's name inside the organisation's is part of it, not the town.
    text = "Mara studies at the Guildhall Conservatoire of Song in London."
    found = world.find_places(text, candidates=[_span(text, "the Guildhall Conservatoire of Song", "ORG")])
    assert [(m.text, m.place.name if m.place else "") for m in found] == [
        ("the Guildhall Conservatoire of Song", "London"), ("London", "London")]


def test_an_organisation_as_actor_or_subject_is_no_place(world: PlaceResolver) -> None:
    text = "Brightwater Provisions said sales rose in Fresno."
    found = world.find_places(text, candidates=[_span(text, "Brightwater Provisions", "ORG")])
    assert [m.text for m in found] == ["Fresno"]
    # After a preposition but the subject of a verb, or an actor the caller excludes.
    text = "Fighting in Fresno, at Brightwater Provisions said, stopped."
    found = world.find_places(text, candidates=[_span(text, "Brightwater Provisions", "ORG")])
    assert [m.text for m in found] == ["Fresno"]
    text = "Talks in Fresno at the Valley Growers Union ended."
    span = _span(text, "the Valley Growers Union", "ORG")
    assert [m.text for m in world.find_places(text, candidates=[span])] == ["Fresno", "the Valley Growers Union"]
    assert [m.text for m in world.find_places(text, candidates=[span], exclude=[span[:2]])] == ["Fresno"]


def test_a_peoples_name_is_not_a_small_town(world: PlaceResolver) -> None:
    found = world.find_places("Police in the English city of Salisbury sealed a park.", demonyms=True)
    assert [(m.text, m.place.name if m.place else "") for m in found] == [
        ("English", "England"), ("Salisbury", "Salisbury")]
    # Without demonyms on request the word is no place at all.
    assert [m.text for m in world.find_places("The English teacher moved.")] == []


@pytest.mark.parametrize(("town", "expected"), [("Dunharrow", "h1"), ("Snowbourn", "h2")])
def test_two_hamlets_of_one_name_in_one_cell_the_one_nearer_the_text_wins(
    tmp_path: Path, town: str, expected: str
) -> None:
    rows = [
        ("h1", "Bashkoy", "36.33", "37.12", "P", "PPL", "SY", "0", ""),
        ("h2", "Bashkoy", "36.04", "37.31", "P", "PPL", "SY", "0", ""),
        ("t1", "Dunharrow", "36.30", "37.10", "P", "PPL", "SY", "20000", ""),
        ("t2", "Snowbourn", "36.06", "37.33", "P", "PPL", "SY", "20000", ""),
    ]
    found = PlaceResolver(_store(tmp_path / "hamlets.txt", rows)).find_places(f"Fighting near {town} spread to the village of Bashkoy.")
    [hamlet] = [m for m in found if m.text == "Bashkoy"]
    assert hamlet.resolved_id == f"gn:{expected}"


def test_a_country_tagged_a_person_with_a_possessive_is_the_country(world: PlaceResolver) -> None:
    text = "Scores were hurt, including Sri Lanka's minister of posts."
    start = text.index("Sri Lanka's")
    found = world.find_places(text, candidates=[(start, start + len("Sri Lanka's"), "PERSON")])
    assert [(m.text, m.place.country_code if m.place else "") for m in found] == [("Sri Lanka", "LK")]
    text = "Paris Hilton's dog barked."
    assert world.find_places(text, candidates=[(0, len("Paris Hilton's"), "PERSON")]) == []


# ------------------------------------------------- evidence a reading needs

def test_a_possessive_is_no_part_of_the_name(tmp_path: Path) -> None:
    rows = [
        ("p1", "Edoras", "45.1", "10.1", "P", "PPL", "IT", "200000", ""),
        ("p2", "Edorass", "-20.0", "-60.0", "P", "PPL", "BO", "300000", ""),
        ("p3", "Helm", "35.2", "36.2", "P", "PPL", "SY", "200000", ""),
        ("p4", "Helm's", "35.3", "36.3", "P", "PPL", "SY", "150000", ""),
    ]
    resolver = PlaceResolver(_store(tmp_path / "possessive.txt", rows), use_cache=False)
    [m] = resolver.find_places("Riders guarded Edoras's gates.")
    assert (m.text, m.resolved_id) == ("Edoras", "gn:p1")
    # A place whose own name carries the apostrophe keeps it ("St. John's").
    [m] = resolver.find_places("Riders guarded Helm's gates.")
    assert (m.text, m.resolved_id) == ("Helm's", "gn:p4")


def test_a_country_name_in_a_story_about_the_world_is_the_country(world: PlaceResolver) -> None:
    text = "Officials in Houston, Texas, said tariffs on imports from China hurt {}exporters."
    assert _readings(world.find_places(text.format("German ")), "China") == {("", "CN")}
    # With no third country named, the Texas town beside Houston may still be meant.
    assert _readings(world.find_places(text.format("")), "China") == {("Texas", "US")}


def test_a_persons_surname_is_no_small_town(world: PlaceResolver) -> None:
    text = "Chrystia Freeland left for Ottawa. Freeland said the talks would resume."
    start = text.index("Freeland said")
    found = world.find_places(text, candidates=[(0, 17, "PERSON"), (start, start + 8, "GPE")])
    assert "Freeland" not in [m.text for m in found]
    # Words around it still make it a place.
    text = "Chrystia Freeland left for Ottawa. She grew up in Freeland, Pennsylvania."
    assert "Freeland" in [m.text for m in world.find_places(text, candidates=[(0, 17, "PERSON")])]


def test_a_county_outranks_small_towns_named_after_it(world: PlaceResolver) -> None:
    assert _readings(world.find_places("The race moves from Yorkshire to Kent."), "Kent") == {("", "GB")}
    text = "Police in Kent, Washington, said the road was closed."
    assert _readings(world.find_places(text), "Kent") == {("Washington", "US")}


def test_a_dateline_names_a_city(world: PlaceResolver) -> None:
    [m] = world.find_places("NEW YORK (AP) — Police said the road was closed.")
    assert m.place is not None and m.place.feature == "populated_place"
    [m] = world.find_places("A New York court ruled on Monday.")
    assert m.place is not None and m.place.feature == "admin1"


def test_a_list_of_places_is_no_town_state_pair(world: PlaceResolver) -> None:
    text = "After stops in Washington, New York and Boston, the prince flew home."
    assert _readings(world.find_places(text), "Washington") == {("District of Columbia", "US")}
    # A town by its own name in the state is still qualified by it.
    text = "He moved from Portland, Maine and Boston to Chicago."
    assert _readings(world.find_places(text), "Portland") == {("Maine", "US")}


def test_a_building_said_to_be_in_a_town_is_placed_there(world: PlaceResolver) -> None:
    found = world.find_places("A researcher at Loyola University in Los Angeles reviewed the ballots.")
    assert [(m.text, m.place.name if m.place else "") for m in found][0] == ("Loyola University", "Los Angeles")
    found = world.find_places("A researcher at Loyola University reviewed the ballots in Los Angeles.")
    assert found[0].text == "Loyola"


def test_a_lone_word_ner_calls_a_person_may_be_a_place(tiny: PlaceResolver) -> None:
    text = "Fighting reached Minas. With Helm's economy in ruins, aid was sent."
    start = text.index("Helm")
    person = [(start, start + 4, "PERSON")]
    assert [m.text for m in tiny.find_places(text, candidates=person)] == ["Minas", "Helm"]
    # Not when the text gives it a first name or quotes it like a person.
    text = "Fighting reached Minas. Aid came, said Helm."
    start = text.index("Helm")
    assert [m.text for m in tiny.find_places(text, candidates=[(start, start + 4, "PERSON")])] == ["Minas"]
    text = "Tom Helm spoke. Fighting reached Minas. With Helm's economy in ruins, aid was sent."
    start = text.rindex("Helm")
    found = tiny.find_places(text, candidates=[(0, 8, "PERSON"), (start, start + 4, "PERSON")])
    assert [m.text for m in found] == ["Minas"]


def test_landmarks_data_file_is_well_formed() -> None:
    from frontlines.gazetteer import load_data

    rows = load_data("landmarks")
    assert len(rows) >= 60
    seen = set()
    for row in rows:
        assert set(row) == {"name", "point", "country", "feature", "aliases"}, row
        lat, lon = row["point"]
        assert -90 <= lat <= 90 and -180 <= lon <= 180, row["name"]
        assert row["country"] == "" or (len(row["country"]) == 2 and row["country"].isupper()), row["name"]
        assert row["feature"] in places.LANDMARK_FEATURES | {"region", "water"}, row["name"]
        assert (row["name"], row["country"]) not in seen, row["name"]
        seen.add((row["name"], row["country"]))


def test_a_landmark_outranks_a_small_town_of_its_name(world: PlaceResolver) -> None:
    [m] = world.find_places("Reporters waited outside the White House on Monday.")
    assert m.place is not None and m.place.feature == "landmark" and m.place.admin1 != "Tennessee"
    assert haversine_km(m.place.latitude, m.place.longitude, 38.9, -77.04) < 5
    found = world.find_places("Her flight from Heathrow landed late.")
    assert [(m.text, m.place.feature if m.place else "") for m in found] == [("Heathrow", "airport")]
    # The town keeps its name where the text says so.
    text = "A fire broke out in White House, Tennessee, near Nashville."
    assert _readings(world.find_places(text), "White House") == {("Tennessee", "US")}


def test_a_landmark_named_like_a_square_stays_the_landmark(world: PlaceResolver) -> None:
    found = world.find_places("Crowds filled Tahrir Square in Cairo.")
    assert [(m.text, m.place.feature if m.place else "") for m in found] == [
        ("Tahrir Square", "landmark"), ("Cairo", "capital")]
    # Two landmarks of one name: the story's country picks.
    [square, _] = world.find_places("Police cleared Tahrir Square in Baghdad.")
    assert square.place is not None and square.place.country_code == "IQ"


def test_a_named_district_is_placed_in_its_town(tiny: PlaceResolver) -> None:
    text = "Shells fell on the Bab Gondor district of Minas."
    found = tiny.find_places(text)
    assert [(m.text, m.resolved_id, m.geo_precision) for m in found] == [
        ("Bab Gondor district", "gn:1", 1), ("Minas", "gn:1", 1)]
    found = tiny.find_places("Fighting reached Minas. Shells fell on Helm's Golden Hall neighbourhood.")
    assert [(m.text, m.resolved_id) for m in found][1:] == [("Helm", "gn:5"), ("Golden Hall neighbourhood", "gn:5")]
    # With no town beside it, the story's town; a people before it is no part of it.
    text = "Fighting reached Minas. Clashes in the Rohirric Westfold quarter killed two."
    found = tiny.find_places(text, candidates=[(text.index("Westfold"), text.index("Westfold") + 8, "PERSON")])
    assert [(m.text, m.resolved_id, m.geo_precision) for m in found] == [
        ("Minas", "gn:1", 1), ("Rohirric Westfold quarter", "gn:1", 2)]


@pytest.mark.parametrize("text", [
    "Fighting reached Minas. Shells hit the Helm district.",
    "Fighting reached Minas. Shells hit the al-Helm districts.",
])
def test_a_district_named_like_a_town_keeps_the_town(tiny: PlaceResolver, text: str) -> None:
    assert [m.resolved_id for m in tiny.find_places(text)] == ["gn:1", "gn:5"]


@pytest.mark.parametrize("text", [
    "Fighting reached Minas. The Fourth quarter brought losses.",
    "Fighting reached Minas. She won the Congressional district.",
    "Fighting reached Minas. This neighbourhood was shelled.",
    "Fighting reached Minas. Shells hit the district.",
])
def test_words_before_district_that_name_no_place(tiny: PlaceResolver, text: str) -> None:
    assert [m.text for m in tiny.find_places(text)] == ["Minas"]


def _features(found: list[Mention], text: str) -> set[str]:
    return {m.place.feature for m in found if m.text == text and m.place}


def test_a_big_city_named_like_its_state_is_the_city(world: PlaceResolver) -> None:
    found = world.find_places("She grew up in New York and now teaches in London.")
    [city] = [m for m in found if m.text == "New York"]
    assert city.place is not None and haversine_km(city.place.latitude, city.place.longitude, 40.71, -74.01) < 30
    # Towns of the state far from the city make it the state.
    found = world.find_places("Snow closed roads from Buffalo to Rochester across New York on Monday.")
    assert _features(found, "New York") == {"admin1"}


def test_a_states_own_name_is_no_village_of_another_state(world: PlaceResolver) -> None:
    text = "Officials in Trenton and Newark said the ticket was sold in New York; the winner lives in Florida."
    assert _features(world.find_places(text), "Florida") == {"admin1"}


@pytest.mark.parametrize(("text", "name"), [
    ("Voters in Oregon and Washington approved the measure.", "Washington"),
    ("Volunteers came from Missouri, New York, North Carolina and Virginia.", "New York"),
])
def test_a_name_listed_among_states_is_a_state(world: PlaceResolver, text: str, name: str) -> None:
    assert _features(world.find_places(text), name) == {"admin1"}


def test_stadiums_and_airbases_are_landmarks(world: PlaceResolver) -> None:
    found = world.find_places("Liverpool fans set off fireworks inside Anfield on Tuesday.")
    assert _features(found, "Anfield") == {"landmark"}
    found = world.find_places("Rebels shelled Kuweires airbase east of Aleppo.")
    [base] = [m for m in found if m.text == "Kuweires"]
    assert base.place is not None and base.place.feature == "airport" and base.place.country_code == "SY"


def test_a_later_item_of_a_list_after_a_locative_is_placed(tiny: PlaceResolver) -> None:
    found = tiny.find_places("Trains stop in Minas and Edoras.")
    assert [(m.text, m.resolved_id) for m in found] == [("Minas", "gn:2"), ("Edoras", "gn:3")]


def test_an_ner_span_with_its_article_goes_to_the_story_town(tiny: PlaceResolver) -> None:
    text = "Fighting reached Minas. Boats crossed the Anduin River at dawn."
    start = text.index("the Anduin")
    found = tiny.find_places(text, candidates=[(start, start + len("the Anduin River"), "LOC")])
    assert [(m.text, m.resolved_id, m.geo_precision) for m in found] == [
        ("Minas", "gn:1", 1), ("the Anduin River", "gn:1", 2)]


def test_names_listed_before_streets_are_streets(tiny: PlaceResolver) -> None:
    found = tiny.find_places("Police in Minas said a man collapsed at the corner of Helm and Edoras streets.")
    assert [(m.text, m.resolved_id, m.geo_precision) for m in found] == [
        ("Minas", "gn:1", 1), ("Helm", "gn:1", 2), ("Edoras", "gn:1", 2)]


def test_initials_of_a_country_the_text_names_are_that_country(world: PlaceResolver) -> None:
    text = "Leaders of South Africa met in Pretoria. Chiefs in SA disagreed."
    start = text.index("SA ")
    found = world.find_places(text, candidates=[(start, start + 2, "GPE")])
    assert [(m.text, m.place.name if m.place else "") for m in found][-1] == ("SA", "South Africa")


def test_numbered_roads_after_the_go_to_the_story_town(tiny: PlaceResolver) -> None:
    found = tiny.find_places("A lorry crashed on the A120 near Minas. Traffic went via the A436, A40 and A429.")
    assert [(m.text, m.resolved_id) for m in found] == [
        ("A120", "gn:1"), ("Minas", "gn:1"), ("A436", "gn:1"), ("A40", "gn:1"), ("A429", "gn:1")]
    # A weapon named like a road is none.
    assert [m.text for m in tiny.find_places("Troops in Minas carried the M4 carbine.")] == ["Minas"]


def test_a_named_junction_and_its_later_mentions_are_one_place(tiny: PlaceResolver) -> None:
    text = "Roadworks in Minas closed the Golden Hall roundabout. Drivers from Golden Hall were sent back."
    assert [(m.text, m.resolved_id, m.geo_precision) for m in tiny.find_places(text)] == [
        ("Minas", "gn:1", 1), ("Golden Hall", "gn:1", 2), ("Golden Hall", "gn:1", 2)]


def test_a_street_named_by_its_leading_word_is_no_town(tiny: PlaceResolver) -> None:
    found = tiny.find_places("Protesters in Minas marched down Rue de Helm.")
    assert [(m.text, m.resolved_id, m.geo_precision) for m in found] == [
        ("Minas", "gn:1", 1), ("Rue de Helm", "gn:1", 2)]


def test_a_weak_town_inside_an_ner_span_does_not_hide_it(tiny: PlaceResolver) -> None:
    text = "Critics in Minas praised Le Edoras, a restaurant."
    start = text.index("Le Edoras")
    found = tiny.find_places(text, candidates=[(start, start + 9, "GPE")])
    assert [(m.text, m.resolved_id, m.geo_precision) for m in found] == [("Minas", "gn:1", 1), ("Le Edoras", "gn:1", 2)]


def test_the_citys_full_name_does_not_make_the_bare_name_the_state(world: PlaceResolver) -> None:
    found = world.find_places("The chef left New Orleans for New York and opened a bistro in New York City.")
    assert _features(found, "New York") == {"populated_place"}


def test_containment_finds_spans_inside_any_of_overlapping_spans() -> None:
    spans = [(10, 20), (0, 5), (12, 30), (40, 41)]
    inside = places._containment(spans)
    for start, end in [(0, 5), (1, 3), (10, 30), (15, 25), (19, 31), (5, 12), (40, 41), (41, 42), (50, 51)]:
        assert inside(start, end) == any(s <= start and end <= e for s, e in spans), (start, end)
    assert not places._containment([])(0, 1)


def test_the_locative_test_never_rules_out_a_match() -> None:
    for before in ["a town near ", "fighting in the outskirts of the ", "10 km north-east of ",
                   "in the northern countryside of ", "the city of ", "fighters in ", "close to\n",
                   "NEAR THE  ", "in eastern ", "rural "]:
        matched = bool(places._OFFSET_BEFORE.search(before) or places._NEAR_BEFORE.search(before))
        assert places._may_end_locative(before) or not matched, before
    assert not places._may_end_locative("fighters in ")


def test_names_decode_to_the_same_readings_and_lists() -> None:
    lists = {"minas": [(0, "name"), (1, "name")], "edoras": [(2, "alt")], "mt": [(3, "code")],
             "odd": [(4, "other")]}
    names = places._Names.from_lists(lists)
    loaded = places._Names(names.codes, names.multi)  # as read back from the index cache
    for key, choices in lists.items():
        assert key in loaded and loaded[key] == choices and loaded.get(key) is loaded[key]
    assert "gondor" not in loaded and loaded.get("gondor") is None and loaded.get("gondor", ()) == ()
    assert list(loaded) == list(lists) and len(loaded) == 4


def test_a_built_index_and_the_cache_it_writes_look_up_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, index_cache: Path
) -> None:
    # A fresh build leaves the name codes and the article-free names to the cache writer.
    conn = _store(tmp_path / "tiny.txt", ROWS)
    built = PlaceResolver(conn)
    wait_for_background_writes()
    with monkeypatch.context() as mp:
        mp.setattr(PlaceResolver, "_build_index", None)  # must come from the cache
        loaded = PlaceResolver(conn)
    assert built.unarticled is None and loaded.unarticled == {
        "maarrat al numan": "maarrat numan", "maarat al numan": "maarat numan"}
    assert list(built.names) == list(loaded.names) and len(built.names) == len(loaded.names)
    for key in built.names:
        assert key in built.names and built.names.get(key) is built.names[key] == loaded.names[key]
    assert "gondor" not in built.names and built.names.get("gondor") is None
    with pytest.raises(KeyError):
        built.names["gondor"]
    assert built._fuzzy_search("maaret al numman")  # found through the article-free names
    for key in ["maaret al numman", "maarrat an numan", "edorass"]:
        assert built._fuzzy_search(key) == loaded._fuzzy_search(key)
    assert built._stripped == loaded._stripped
