"""Cross-article fusion of invented reports."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from frontlines.fuse import fuse_events, fusion_stats, same_event
from frontlines.records import Event, Evidence

# One degree of longitude at 36.2 N is about 89.8 km.
KM_LON = 1 / 89.8


def report(doc: str, *, n: int = 1, day: date = date(2015, 8, 9), east_km: float = 0.0, fatalities: int = 0,
           actor2: str = "Levant Front", actor2_id: str = "levant_front", **kw: object) -> Event:
    text = f"Clashes in {doc}."
    fields = dict(
        id=f"{doc}-e{n}",
        event_date=day,
        time_precision=1,
        event_type="Battles",
        sub_event_type="Armed clash",
        actor1="Islamic State",
        actor1_id="islamic_state",
        actor2=actor2,
        actor2_id=actor2_id,
        inter1=2,
        inter2=2,
        interaction=22,
        country="Syria",
        admin1="Aleppo",
        admin2="Azaz",
        location="Umm Housh",
        latitude=36.2,
        longitude=37.1 + east_km * KM_LON,
        geo_precision=1,
        fatalities=fatalities,
        source=f"Outlet {doc}",
        confidence=0.6,
        source_docs=(doc,),
        evidence=(Evidence(doc=doc, start=0, end=len(text), text=text),),
    )
    fields.update(kw)
    return Event(**fields)  # type: ignore[arg-type]


def test_three_reports_of_one_clash_become_one_event() -> None:
    events = [
        report("a", fatalities=12),
        report("b", day=date(2015, 8, 10), east_km=3, fatalities=20, time_precision=2),
        report("c", east_km=-2, fatalities=0, actor2="Shamiyya Front", actor2_id="levant_front"),
    ]
    fused = fuse_events(events)
    assert len(fused) == 1
    event = fused[0]
    assert event.source_docs == ("a", "b", "c")
    assert {e.doc for e in event.evidence} == {"a", "b", "c"}
    assert event.id == "a-e1"  # the smallest member id
    assert event.fatalities == 12  # the lowest non-zero report
    assert event.event_date == date(2015, 8, 9)  # from the most precise report
    assert set(event.source.split("; ")) == {"Outlet a", "Outlet b", "Outlet c"}
    assert event.confidence > 0.6
    stats = fusion_stats(events, fused)
    assert stats["events_before"] == 3 and stats["events_after"] == 1 and stats["multi_source_events"] == 1


def test_output_does_not_depend_on_input_order() -> None:
    events = [
        report("a"), report("b", east_km=4), report("c", east_km=-4), report("d", east_km=40),
        report("e", day=date(2015, 8, 20)), report("f", actor2="Syrian army", actor2_id="saa", east_km=1),
    ]
    expected = fuse_events(events)
    rng = random.Random(7)
    for _ in range(10):
        shuffled = events[:]
        rng.shuffle(shuffled)
        assert fuse_events(shuffled) == expected


def test_clashes_thirty_km_apart_stay_apart() -> None:
    assert len(fuse_events([report("a"), report("b", east_km=30)])) == 2


def test_no_chaining_beyond_the_bounds() -> None:
    # a-b 8 km, b-c 8 km, but a-c 16 km: c must not join a's cluster through b.
    fused = fuse_events([report("a"), report("b", east_km=8), report("c", east_km=16)])
    assert len(fused) == 2
    assert all(len(e.source_docs) <= 2 for e in fused)


def test_never_fused() -> None:
    base = report("a")
    assert not same_event(base, report("a", n=2))  # same document: already atomic
    assert not same_event(base, report("b", day=date(2015, 8, 11)))  # two days apart
    assert not same_event(base, replace(report("b"), event_type="Protests", sub_event_type="Peaceful protest"))
    assert not same_event(base, report("b", actor2="Hezbollah", actor2_id="hezbollah",
                                       actor1="Syrian army", actor1_id="saa"))  # no shared actor
    assert not same_event(base, replace(report("b"), event_date=None))


def test_same_admin2_without_coordinates() -> None:
    a = replace(report("a"), latitude=None, longitude=None)
    b = replace(report("b"), latitude=None, longitude=None, location="Azaz countryside")
    assert same_event(a, b)
    c = replace(report("c"), latitude=None, longitude=None, admin2="Jarabulus", location="Jarabulus")
    assert not same_event(a, c)


def test_actor_names_when_ids_are_missing() -> None:
    a = report("a", actor2_id="")
    b = report("b", actor1_id="", actor1="islamic state", actor2="Other group", actor2_id="")
    assert same_event(a, b)


def test_single_reports_pass_through_unchanged() -> None:
    events = [report("a"), report("b", east_km=50)]
    assert sorted(fuse_events(events), key=lambda e: e.id) == sorted(events, key=lambda e: e.id)


def civilians_killed(doc: str, *, fatalities: int, location: str = "Aleppo", **kw: object) -> Event:
    return report(
        doc, event_type="Violence against civilians", sub_event_type="Attack", actor1="Unidentified Armed Group (Syria)",
        actor1_id="", actor2="Civilians (Syria)", actor2_id="", fatalities=fatalities, location=location, **kw,
    )


def test_generic_actors_alone_need_the_same_place_name_kind_and_a_similar_toll() -> None:
    assert same_event(civilians_killed("a", fatalities=58), civilians_killed("b", fatalities=87))
    assert not same_event(civilians_killed("a", fatalities=32), civilians_killed("b", fatalities=8))
    assert not same_event(civilians_killed("a", fatalities=3), civilians_killed("b", fatalities=3, location="Hanano"))
    assert not same_event(
        civilians_killed("a", fatalities=3), civilians_killed("b", fatalities=3, day=date(2015, 8, 10))
    )


def test_region_level_reports_are_not_fused() -> None:
    assert not same_event(report("a", geo_precision=3), report("b", geo_precision=3))
    assert not same_event(report("a"), report("b", geo_precision=3))


def test_tolls_far_apart_or_other_sub_types_are_other_events() -> None:
    assert not same_event(report("a", fatalities=4), report("b", fatalities=10))
    assert same_event(report("a", fatalities=4), report("b", fatalities=0))
    assert not same_event(report("a"), report("b", sub_event_type="Non-state actor overtakes territory"))
