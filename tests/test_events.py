"""Event coding: detection of every sub-type, non-events, roles, atomicity, dates, fatalities
and attribution. All sentences are made up; mentions are built by hand from a tiny actor list
and gazetteer so the tests need neither the knowledge base nor the gazetteer (the spaCy
parser is used, as in the pipeline)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.dates import find_dates
from frontlines.events import _by_sentence, _within, code_events, detect, detect_all, interaction
from frontlines.nlp import Sentence, split_sentences
from frontlines.records import SUB_EVENT_TYPES, Article, Event, Mention, Place

# alias -> (id, canonical name, ACLED inter code)
ACTORS: dict[str, tuple[str, str, int]] = {
    "Nusra Front": ("nusra", "Jabhat al-Nusra", 2),
    "Nusra": ("nusra", "Jabhat al-Nusra", 2),
    "ISIS": ("isis", "Islamic State", 2),
    "Islamic State": ("isis", "Islamic State", 2),
    "Levant Front": ("levant", "Levant Front", 2),
    "Hazzm": ("hazzm", "Hazzm Movement", 2),
    "Syrian army": ("sy_mil", "Military Forces of Syria (2000-)", 1),
    "regime forces": ("sy_mil", "Military Forces of Syria (2000-)", 1),
    "Russian warplanes": ("ru_mil", "Military Forces of Russia (2000-)", 8),
    "rebels": ("rebels", "Opposition Rebels (Syria)", 2),
    "civilians": ("civ", "Civilians (Syria)", 7),
    "protesters": ("prot", "Protesters (Syria)", 6),
    "police": ("sy_pol", "Police Forces of Syria (2000-)", 1),
}


def _place(name: str, lat: float, lon: float, admin1: str, feature: str = "populated_place") -> Place:
    return Place(
        id=name.lower().replace(" ", "_"), name=name, latitude=lat, longitude=lon, country="Syria", admin1=admin1,
        feature=feature,
    )


PLACES: dict[str, Place] = {
    "Umm Housh": _place("Umm Hawsh", 36.38, 37.13, "Aleppo"),
    "Atarib": _place("Al Atarib", 36.14, 36.83, "Aleppo"),
    "Miznaz": _place("Mizanaz", 36.13, 36.86, "Aleppo"),
    "Kafr Nouran": _place("Kafr Nuran", 36.15, 36.84, "Aleppo"),
    "Tal Rifaat": _place("Tall Rifat", 36.47, 37.10, "Aleppo"),
    "Idlib": _place("Idlib", 35.93, 36.63, "Idlib"),
    "Saraqib": _place("Saraqib", 35.86, 36.80, "Idlib"),
    "Palmyra": _place("Palmyra", 34.56, 38.27, "Homs"),
    "Douma": _place("Douma", 33.57, 36.40, "Rural Damascus"),
    "Raqqa": _place("Ar Raqqah", 35.95, 39.01, "Raqqa"),
    "Aleppo province": _place("Aleppo Governorate", 36.23, 37.40, "Aleppo", feature="admin1"),
    "Idlib province": _place("Idlib Governorate", 35.80, 36.60, "Idlib", feature="admin1"),
}


def mentions_for(text: str) -> list[Mention]:
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for alias in sorted(ACTORS, key=len, reverse=True):
        for m in re.finditer(rf"\b{re.escape(alias)}\b", text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            rid, name, inter = ACTORS[alias]
            found.append(
                Mention(start=m.start(), end=m.end(), text=m.group(0), kind="actor", resolved_id=rid, name=name,
                        alias=alias, actor_type=inter)
            )
            taken.append((m.start(), m.end()))
    for alias, place in PLACES.items():
        for m in re.finditer(rf"\b{re.escape(alias)}\b", text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            found.append(
                Mention(start=m.start(), end=m.end(), text=m.group(0), kind="place", resolved_id=place.id,
                        name=place.name, place=place, geo_precision=1)
            )
    return sorted(found, key=lambda m: m.start)


def code(
    text: str, published: date | None = date(2015, 8, 11), outlet: str = "Test Wire",
    extra: dict[str, tuple[Place, int]] | None = None,
) -> list[Event]:
    """``extra``: more places for this text only, alias -> (place, geo precision)."""
    article = Article(id=Article.content_id(text), external_id="t", text=text, published=published, outlet=outlet)
    mentions = mentions_for(text)
    for alias, (place, precision) in (extra or {}).items():
        mentions += [
            Mention(start=m.start(), end=m.end(), text=m.group(0), kind="place", resolved_id=place.id, name=place.name,
                    place=place, geo_precision=precision)
            for m in re.finditer(rf"\b{re.escape(alias)}\b", text)
        ]
    mentions.sort(key=lambda m: m.start)
    return code_events(article, split_sentences(text), mentions, find_dates(text, published=published))


def news(text: str, **kw: object) -> list[Event]:
    """The non-background events."""
    return [e for e in code(text, **kw) if not e.background]  # type: ignore[arg-type]


def one(text: str, **kw: object) -> Event:
    events = news(text, **kw)
    assert len(events) == 1, [(e.sub_event_type, e.actor1, e.actor2, e.location) for e in events]
    return events[0]


# --------------------------------------------------------------------- detection, every sub-type

SUB_TYPE_SENTENCES = [
    ("Chemical weapon", "A chlorine gas attack hit the town of Sarmin on Monday."),
    ("Air/drone strike", "Warplanes struck the market of Saraqib on Monday."),
    ("Suicide bomb", "A suicide bomber blew himself up at a checkpoint near Azaz."),
    ("Shelling/artillery/missile attack", "Government artillery shelled the western districts of Daraa."),
    ("Remote explosive/landmine/IED", "A roadside bomb exploded under a bus near Homs."),
    ("Grenade", "A man threw a hand grenade into a cafe in Qamishli."),
    ("Sexual violence", "Militiamen raped two women at a checkpoint in the village."),
    ("Attack", "Gunmen executed four men in the main square of the village."),
    ("Abduction/forced disappearance", "Gunmen kidnapped a local council member in Saraqib."),
    ("Armed clash", "Rebels and regime forces clashed near the airport on Sunday."),
    ("Government regains territory", "The Syrian army recaptured the town of Palmyra."),
    ("Non-state actor overtakes territory", "ISIS seized the village of Umm Housh on Sunday."),
    ("Peaceful protest", "Hundreds of people protested in Douma against the siege."),
    ("Protest with intervention", "Police dispersed the demonstrators with tear gas in Suwayda."),
    ("Excessive force against protesters", "Security forces opened fire on protesters in Daraa."),
    ("Violent demonstration", "Rioters torched a police station in Suwayda."),
    ("Mob violence", "An angry mob lynched a suspected thief in the market."),
    ("Agreement", "The two factions signed a truce in the town of Madaya."),
    ("Arrests", "Police arrested three journalists in Damascus on Monday."),
    ("Change to group/activity", "The two brigades merged into a new coalition on Monday."),
    ("Disrupted weapons use", "Engineers defused a bomb planted near the bridge."),
    ("Headquarters or base established", "The group established a new base near the border crossing."),
    ("Looting/property destruction", "Fighters looted shops in the old market."),
    ("Non-violent transfer of territory", "The rebels withdrew from the town under a local deal."),
    ("Other", "Residents found a mass grave outside Raqqa on Monday."),
]


def test_the_lexicon_covers_all_25_sub_types() -> None:
    assert {sub for sub, _ in SUB_TYPE_SENTENCES} == set(SUB_EVENT_TYPES)


@pytest.mark.parametrize(("sub", "sentence"), SUB_TYPE_SENTENCES, ids=[s for s, _ in SUB_TYPE_SENTENCES])
def test_detect_types_each_sub_event(sub: str, sentence: str) -> None:
    trigger = detect(sentence)
    assert trigger is not None
    if sub == "Government regains territory":
        # The lexicon finds a capture; whether the state took it is decided with the actors.
        assert trigger.sub_event_type == "Non-state actor overtakes territory"
    else:
        assert trigger.sub_event_type == sub


def test_detect_returns_none_without_trigger_or_in_a_threat() -> None:
    assert detect("The weather in Aleppo was mild on Monday.") is None
    assert detect("Nusra will launch an offensive within 48 hours.") is None
    assert detect("The group threatened to attack the base.") is None


def test_detect_all_finds_every_trigger() -> None:
    subs = [t.sub_event_type for t in detect_all("Warplanes bombed the town and rebels clashed with the army.")]
    assert subs == ["Air/drone strike", "Armed clash"]


@pytest.mark.parametrize("sentence", ["WARPLANES BOMBED the town.", "İdlib: warplanes bombed the town."])
def test_trigger_offsets_hold_in_any_case(sentence: str) -> None:
    # Triggers are matched on lower-cased text; "İ" lower-cases to two characters, so that
    # sentence takes the case-insensitive patterns and the offsets still point at the words.
    (trigger,) = detect_all(sentence)
    assert sentence[trigger.start : trigger.end].lower() == "warplanes bombed"


def test_decisive_words_settle_short_descriptions() -> None:
    trigger = detect("Rebels fired mortars and small arms at army positions near the town.")
    assert trigger is not None and trigger.sub_event_type == "Armed clash"
    trigger = detect("Protesters gathered in the square; police dispersed them with tear gas.")
    assert trigger is not None and trigger.sub_event_type == "Protest with intervention"


# --------------------------------------------------------------------- not events

NON_EVENTS = [
    "Nusra will launch an offensive within 48 hours.",
    "Nusra said it would attack Saraqib if the talks failed.",
    "ISIS threatened to seize Tal Rifaat.",
    "The Levant Front plans to attack Atarib next week.",
    "Nusra vowed to crush the Levant Front.",
    "Nusra denied kidnapping two Hazzm members in Atarib.",
    "Hazzm accused Nusra of killing its fighters in Atarib.",
    "Nusra did not withdraw from Saraqib.",
    "Nusra called for a ceasefire between ISIS and the rebels.",
    "Any attack on Atarib would be a mistake, the Levant Front said.",
]


def test_a_purpose_clause_is_not_an_event_but_the_offensive_is() -> None:
    e = one("ISIS launched an offensive on Sunday to drive the rebels out of Tal Rifaat.")
    assert e.sub_event_type == "Armed clash"


@pytest.mark.parametrize("text", NON_EVENTS)
def test_statements_threats_plans_denials_are_not_events(text: str) -> None:
    assert news(text) == []


def test_old_history_is_background() -> None:
    events = code("In 2013, ISIS seized Raqqa from the rebels.")
    assert events and all(e.background for e in events)
    events = code("Nusra and ISIS had previously clashed in Atarib.")
    assert events and all(e.background for e in events)


def test_a_dated_event_long_before_publication_is_background() -> None:
    events = code("On 3 March 2015, Nusra seized Saraqib.", published=date(2015, 8, 11))
    assert events and all(e.background for e in events)


def test_headlines_and_captions_are_skipped() -> None:
    assert code("Nusra seizes Saraqib\n\nThe weather was mild.") == []


# --------------------------------------------------------------------- roles


def test_active_capture() -> None:
    e = one("Nusra seized Saraqib on Sunday.")
    assert (e.sub_event_type, e.actor1, e.location) == ("Non-state actor overtakes territory", "Jabhat al-Nusra", "Saraqib")


def test_passive_capture_takes_the_agent() -> None:
    e = one("Saraqib was seized by ISIS on Sunday.")
    assert e.actor1 == "Islamic State"


def test_clashes_between_a_and_b() -> None:
    e = one("Clashes between Nusra and Hazzm broke out in Atarib on Sunday.")
    assert {e.actor1, e.actor2} == {"Jabhat al-Nusra", "Hazzm Movement"}
    assert e.interaction == 22


def test_drove_out_gives_both_roles() -> None:
    e = one("Nusra drove Hazzm out of Atarib on Sunday.")
    assert (e.actor1, e.actor2, e.sub_event_type) == ("Jabhat al-Nusra", "Hazzm Movement", "Non-state actor overtakes territory")


def test_possessor_of_a_withdrawal_is_actor1_not_the_sentence_subject() -> None:
    events = news("ISIS took advantage of Nusra's withdrawal from Tal Rifaat on Sunday.")
    transfer = [e for e in events if e.sub_event_type == "Non-violent transfer of territory"]
    assert transfer and transfer[0].actor1 == "Jabhat al-Nusra"


def test_speaker_is_not_a_party() -> None:
    e = one("The Levant Front said that ISIS attacked Hazzm positions in Atarib on Sunday.")
    assert {e.actor1, e.actor2} == {"Islamic State", "Hazzm Movement"}


def test_state_capture_is_government_regains_territory() -> None:
    e = one("The Syrian army recaptured Palmyra from ISIS on Sunday.")
    assert e.sub_event_type == "Government regains territory"
    assert (e.inter1, e.inter2, e.interaction) == (1, 2, 12)
    e = one("The rebels recaptured Saraqib from the Syrian army on Sunday.")
    assert e.sub_event_type == "Non-state actor overtakes territory"


def test_forced_retreat_is_a_capture_by_the_other_side() -> None:
    events = news("Nusra attacked Hazzm in Atarib on Sunday. Hazzm fighters were forced to retreat from Atarib.")
    assert len(events) == 1
    e = events[0]
    assert e.sub_event_type == "Non-state actor overtakes territory"
    assert (e.actor1, e.actor2) == ("Jabhat al-Nusra", "Hazzm Movement")


def test_generic_actors_when_none_is_named() -> None:
    e = one("Unknown gunmen shot dead two civilians in Saraqib on Sunday.")
    assert (e.sub_event_type, e.actor1, e.actor2) == ("Attack", "Unidentified Armed Group (Syria)", "Civilians (Syria)")
    assert (e.inter1, e.inter2, e.interaction) == (3, 7, 37)
    e = one("Hundreds of people protested in Douma on Sunday.")
    assert (e.actor1, e.actor2, e.interaction) == ("Protesters (Syria)", "", 60)
    e = one("Rioters torched a police station in Douma on Sunday.")
    assert e.actor1 == "Rioters (Syria)"


def test_civilians_are_the_target_of_violence_against_civilians() -> None:
    e = one("ISIS executed five civilians in Raqqa on Sunday.")
    assert (e.event_type, e.actor1, e.actor2) == ("Violence against civilians", "Islamic State", "Civilians (Syria)")


def test_protest_with_intervention_names_the_intervening_side() -> None:
    e = one("On Sunday Nusra clamped down on demonstrations in Saraqib.")
    assert (e.sub_event_type, e.actor1, e.actor2) == ("Protest with intervention", "Protesters (Syria)", "Jabhat al-Nusra")


def test_protest_turning_violent_is_one_riot() -> None:
    e = one("On Monday protesters took to the streets of Saraqib and ransacked a Nusra office.")
    assert (e.sub_event_type, e.actor1, e.actor2) == ("Violent demonstration", "Rioters (Syria)", "Jabhat al-Nusra")


def test_allies_become_associated_actors() -> None:
    e = one("Nusra, alongside the Levant Front, attacked ISIS in Tal Rifaat on Sunday.")
    assert e.assoc_actor_1 == "Levant Front"


# --------------------------------------------------------------------- atomicity


def test_an_offensive_on_three_villages_is_three_events() -> None:
    events = news("On Sunday Nusra attacked Hazzm in Atarib, Miznaz and Kafr Nouran.")
    assert sorted(e.location for e in events) == ["Al Atarib", "Kafr Nuran", "Mizanaz"]
    assert {e.sub_event_type for e in events} == {"Armed clash"}


def test_the_same_capture_placed_only_in_its_province_is_one_event() -> None:
    text = (
        "On Sunday ISIS seized Umm Housh from the Levant Front. "
        "On Sunday ISIS also seized villages from the Levant Front in Aleppo province."
    )
    events = [e for e in news(text) if e.event_type == "Strategic developments" or e.sub_event_type.startswith("Non-state")]
    assert [e.location for e in events] == ["Umm Hawsh"]
    assert len(events[0].evidence) == 2


def test_a_town_in_a_province_named_like_its_capital_is_one_event() -> None:
    # "Idlib" after "<town>, ... in" is the province of the town, not a second place.
    town_in = PLACES["Saraqib"]
    assert {e.location for e in news("Nusra stormed Saraqib, a rebel stronghold in Idlib, on Sunday.")} == {town_in.name}
    both = {e.location for e in news("Nusra stormed Saraqib and Idlib on Sunday.")}
    assert both == {"Saraqib", "Idlib"}


def test_a_named_quarter_of_a_city_is_not_the_province_of_the_other_towns() -> None:
    # "Aleppo" is a city and a province: its quarter, placed at the city, contains no town.
    quarter = {"Bustan district": (_place("Aleppo", 36.20, 37.16, "Aleppo"), 2)}
    text = "On Sunday ISIS suicide bombers killed four rebels in the Bustan district and in Tal Rifaat."
    events = news(text, extra=quarter)
    assert sorted((e.location, e.fatalities) for e in events) == [("Aleppo", 4), ("Tall Rifat", 0)]


def test_an_unplaced_event_falls_back_to_the_story_place_not_the_country() -> None:
    syria = {"Syria": (_place("Syria", 35.0, 38.0, "", feature="country"), 3)}
    text = (
        "On Sunday ISIS seized Umm Housh and the farms near Umm Housh from the Levant Front, the largest "
        "rebel group in Syria. On Monday Nusra captured a hill from ISIS."
    )
    hill = [e for e in news(text, extra=syria) if e.actor1 == "Jabhat al-Nusra"]
    assert [(e.location, e.geo_precision) for e in hill] == [("Umm Hawsh", 2)]
    # A foreign capital named as often is not where a Syrian story's events happened.
    ankara = {**syria, "Ankara": (replace(_place("Ankara", 39.93, 32.86, "Ankara"), country="Turkey"), 1)}
    abroad = "Officials in Ankara spoke of a safe zone; Ankara wants it soon. " + text
    hill = [e for e in news(abroad, extra=ankara) if e.actor1 == "Jabhat al-Nusra"]
    assert [e.location for e in hill] == ["Umm Hawsh"]
    # A place named once is no focus of the story: the last place stays.
    once = text.replace(" and the farms near Umm Housh", "")
    hill = [e for e in news(once, extra=syria) if e.actor1 == "Jabhat al-Nusra"]
    assert [e.location for e in hill] == ["Syria"]


def test_a_place_in_another_events_clause_does_not_place_this_one() -> None:
    text = (
        '"Clashes are taking place in Atarib," an activist said, '
        'adding that "ISIS has carried out suicide attacks on the rebels."'
    )
    placed = {(e.sub_event_type, e.location, e.geo_precision) for e in news(text)}
    assert ("Armed clash", "Al Atarib", 1) in placed
    assert {p[1:] for p in placed if p[0] == "Suicide bomb"} == {("", None)}  # not at the clashes' town


def test_a_summary_told_before_its_details_is_the_same_event() -> None:
    text = (
        '"Clashes are taking place in Atarib," an activist said, '
        'adding that "ISIS has carried out suicide attacks on the rebels." '
        "On Sunday ISIS suicide bombers struck the rebels in Tal Rifaat."
    )
    bombs = [e for e in news(text) if e.sub_event_type == "Suicide bomb"]
    assert [e.location for e in bombs] == ["Tall Rifat"]
    assert len(bombs[0].evidence) == 2


def test_a_capture_in_another_province_stays_its_own_event() -> None:
    text = (
        "On Sunday ISIS seized Umm Housh from the Levant Front. "
        "On Sunday ISIS also seized villages from the Levant Front in Idlib province."
    )
    events = [e for e in news(text) if e.sub_event_type.startswith("Non-state")]
    assert sorted(e.admin1 for e in events) == ["Aleppo", "Idlib"]


def test_generic_rebels_and_the_named_group_in_one_capture_are_one_event() -> None:
    text = "On Sunday rebels seized Saraqib from ISIS. On Sunday the Levant Front seized Saraqib from ISIS."
    events = [e for e in news(text) if e.sub_event_type.startswith("Non-state")]
    assert len(events) == 1
    assert {events[0].actor1, events[0].actor2} == {"Levant Front", "Islamic State"}


def test_two_named_groups_are_not_merged_through_a_generic_actor() -> None:
    text = "On Sunday the Levant Front seized Saraqib from ISIS. On Sunday Hazzm seized Saraqib from Nusra."
    events = [e for e in news(text) if e.sub_event_type.startswith("Non-state")]
    assert len(events) == 2


def test_an_event_mentioned_twice_is_one() -> None:
    text = (
        "On Sunday ISIS seized Umm Housh from the Levant Front.\n\n"
        "The capture of the village by ISIS came after heavy fighting, residents said."
    )
    events = news(text)
    assert len(events) == 1
    assert len(events[0].evidence) == 2


def test_a_capture_absorbs_the_clash_in_the_same_place() -> None:
    e = one("On Sunday clashes broke out in Atarib and Nusra drove Hazzm out of the town.")
    assert e.sub_event_type == "Non-state actor overtakes territory"


# --------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("phrase", "day", "precision"),
    [
        ("on Sunday", date(2015, 8, 9), 1),
        ("on 9 August", date(2015, 8, 9), 1),
        ("on August 9, 2015", date(2015, 8, 9), 1),
        ("two days ago", date(2015, 8, 9), 1),
        ("last week", date(2015, 8, 6), 2),
        ("earlier this month", date(2015, 8, 6), 3),
    ],
)
def test_event_dates_are_resolved_against_publication(phrase: str, day: date, precision: int) -> None:
    e = one(f"Nusra seized Saraqib {phrase}.", published=date(2015, 8, 11))
    assert (e.event_date, e.time_precision) == (day, precision)


def test_a_span_of_recent_days_is_coded_at_its_midpoint() -> None:
    e = one("ISIS bombings killed 4 fighters in Tal Rifaat over the past two days.", published=date(2015, 8, 11))
    assert (e.event_date, e.time_precision) == (date(2015, 8, 10), 2)


def test_a_paragraph_that_goes_on_with_the_battle_keeps_its_date() -> None:
    text = "Nusra attacked Hazzm in Miznaz two nights ago.\n\nAt the end of the battle, Hazzm fighters retreated to Atarib."
    events = news(text, published=date(2015, 8, 11))
    assert {e.event_date for e in events} == {date(2015, 8, 9)}


def test_a_later_dated_mention_of_the_same_fighting_dates_the_earlier_ones() -> None:
    text = (
        "Nusra fighters clashed with Hazzm in Miznaz and Kafr Nouran.\n\n"
        "An activist said the clashes between Hazzm and Nusra began two nights ago."
    )
    events = news(text, published=date(2015, 8, 11))
    assert {(e.location, e.event_date) for e in events} >= {
        ("Mizanaz", date(2015, 8, 9)), ("Kafr Nuran", date(2015, 8, 9))}


def test_a_later_dated_mention_with_its_own_place_or_other_actors_does_not() -> None:
    elsewhere = (
        "Nusra fighters clashed with Hazzm in Miznaz.\n\n"
        "Nusra and Hazzm also clashed in Atarib two nights ago."
    )
    dated = {e.location: e.event_date for e in news(elsewhere, published=date(2015, 8, 11))}
    assert dated == {"Mizanaz": date(2015, 8, 11), "Al Atarib": date(2015, 8, 9)}
    others = (
        "Nusra fighters clashed with Hazzm in Miznaz.\n\n"
        "An activist said the clashes between ISIS and the Levant Front began two nights ago."
    )
    dated = {e.actor1: e.event_date for e in news(others, published=date(2015, 8, 11))}
    assert dated == {"Jabhat al-Nusra": date(2015, 8, 11), "Islamic State": date(2015, 8, 9)}


def test_undated_event_takes_publication_day_at_precision_2() -> None:
    e = one("Nusra seized Saraqib.", published=date(2015, 8, 11))
    assert (e.event_date, e.time_precision) == (date(2015, 8, 11), 2)


def test_text_without_publication_date_still_gives_events() -> None:
    e = one("Nusra seized Saraqib on Sunday.", published=None)
    assert e.event_date is None
    assert e.notes.startswith("On an unknown date")


def test_the_date_of_the_triggers_own_clause_wins() -> None:
    e = one("Despite the announcement on Monday, Russian warplanes struck Palmyra on Tuesday.", published=date(2016, 3, 15))
    assert e.event_date == date(2016, 3, 15)


# --------------------------------------------------------------------- fatalities


def test_numbered_deaths() -> None:
    assert one("On Sunday Nusra attacked Hazzm in Atarib, killing 35 fighters.").fatalities == 35


def test_claims_about_different_groups_are_added() -> None:
    e = one("On Sunday Nusra attacked ISIS in Tal Rifaat; five of its fighters and dozens of militants were killed.")
    assert e.fatalities == 17


def test_competing_reports_give_the_lowest() -> None:
    text = "On Sunday ISIS attacked the Levant Front in Tal Rifaat, killing 40 fighters. Activists said 25 fighters were killed in the attack."
    assert one(text).fatalities == 25


def test_groups_killed_by_one_verb_are_added_not_repeated() -> None:
    e = one("On Sunday Nusra attacked ISIS in Tal Rifaat, killing 12 militants and 4 foreign fighters.")
    assert e.fatalities == 16


def test_deaths_without_a_number() -> None:
    assert one("On Sunday Nusra attacked Hazzm in Atarib, killing several fighters.").fatalities == 3
    assert one("On Sunday ISIS massacred civilians in Raqqa.").fatalities == 10


def test_wounded_only_is_zero() -> None:
    assert one("On Sunday Nusra attacked Hazzm in Atarib, wounding 12 fighters.").fatalities == 0


def test_deaths_in_a_later_sentence_add_to_the_event_not_a_new_one() -> None:
    text = "On Sunday Nusra attacked Hazzm in Atarib. More than 50 Hazzm fighters were killed in the fighting."
    events = news(text)
    assert len(events) == 1 and events[0].fatalities == 50


def test_deaths_are_not_split_or_repeated_over_places() -> None:
    events = news("On Sunday Nusra attacked Hazzm in Atarib and Miznaz, killing 20 fighters.")
    assert sorted(e.fatalities for e in events) == [0, 20]


# --------------------------------------------------------------------- attribution and notes


def test_named_source_and_uncertainty() -> None:
    e = one("According to ARA News, ISIS seized Umm Housh on Sunday.")
    assert e.source == "ARA News"
    sure = one("ISIS seized Umm Housh on Sunday.")
    assert sure.source == "Test Wire"
    hedged = one("ISIS reportedly seized Umm Housh on Sunday.")
    assert hedged.confidence < sure.confidence
    e = one("ISIS seized Umm Housh on Sunday, the Syrian Observatory for Human Rights said.")
    assert e.source == "Syrian Observatory for Human Rights"


def test_notes_in_acled_style() -> None:
    e = one("ISIS seized Umm Housh from the Levant Front on Sunday, killing 12 fighters.")
    assert e.notes.startswith("On 9 August 2015, Islamic State")
    assert "Umm Hawsh (Aleppo)" in e.notes and "12 fatalities" in e.notes


def test_interaction_codes() -> None:
    assert interaction(2, 1) == 12
    assert interaction(3, 0) == 30
    assert interaction(0, 7) == 70
    assert interaction(8, 8) == 88


def test_event_records_are_valid() -> None:
    for e in news("On Sunday ISIS seized Umm Housh and warplanes struck Palmyra, killing 9 civilians."):
        assert SUB_EVENT_TYPES[e.sub_event_type] == e.event_type
        assert e.evidence and e.source_docs == ("t",)


def test_clause_ends_are_those_of_the_subtree() -> None:
    from frontlines.events import _subtree_ends
    from frontlines.nlp import parse

    doc = parse(["The rebels, who had retreated on Monday, said that the army shelled the town and its market."])[0]
    for tok in doc:
        whole = list(tok.subtree)
        assert _subtree_ends(tok) == (whole[0], whole[-1])


@given(
    st.lists(st.integers(min_value=0, max_value=6), max_size=5),
    st.lists(st.tuples(st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=8)), max_size=12),
    st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_by_sentence_is_the_pairwise_within(gaps: list[int], spans: list[tuple[int, int]], shuffle: bool) -> None:
    # Sentences back to back (some empty), or out of order: each mention goes to every
    # sentence that holds it, in the mentions' own order.
    sentences, pos = [], 0
    for k, gap in enumerate(gaps):
        sentences.append(Sentence(start=pos, end=pos + gap, paragraph=k))
        pos += gap
    if shuffle:
        sentences.reverse()
    items = [Mention(start=a, end=a + n, text="x", kind="place") for a, n in spans]
    expected = [[m for m in items if _within(m, s)] for s in sentences]
    assert _by_sentence(items, sentences) == expected
