from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontlines.records import Actor, ActorLink, Article, Event, Evidence, Mention, Place, Relation, stable_id

EV = Evidence(doc="d1", start=0, end=10, text="0123456789")
PLACE = Place(id="p1", name="Azaz", latitude=36.58, longitude=37.04, country="Syria", admin1="Aleppo")


@pytest.mark.parametrize(
    "record",
    [
        EV,
        PLACE,
        Article(id="a", external_id="x", text="t", published=date(2015, 8, 10)),
        Article(id="a", external_id="x", text="t"),
        Mention(start=1, end=4, text="ISIS", kind="actor", resolved_id="islamic_state", place=None),
        Mention(start=1, end=5, text="Azaz", kind="place", resolved_id="p1", place=PLACE, geo_precision=1),
        Actor(
            id="nusra",
            name="Nusra Front",
            type=2,
            aliases=("Nusra", "JN"),
            links=(ActorLink(kind="affiliate_of", target="al_qaeda", start=date(2013, 4, 1)),),
            active_from=date(2012, 1, 23),
        ),
        Event(
            id="e1",
            event_date=date(2015, 8, 9),
            time_precision=1,
            event_type="Battles",
            sub_event_type="Armed clash",
            actor1="A",
            actor2="B",
            source_docs=("d1",),
            evidence=(EV,),
        ),
        Relation(id="r1", kind="hostile", source="A", target="B", date=date(2015, 1, 1), evidence=(EV,), source_docs=("d1",)),
    ],
)
def test_round_trip(record):
    assert type(record).from_dict(record.to_dict()) == record


def test_records_are_frozen_and_keyword_only():
    with pytest.raises(AttributeError):
        EV.doc = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Evidence("d", 0, 1, "x")  # type: ignore[misc]


def test_event_needs_evidence_and_a_valid_type():
    with pytest.raises(ValueError, match="Evidence"):
        Event(id="e", event_date=None, time_precision=1, event_type="Battles", sub_event_type="Armed clash", actor1="A")
    with pytest.raises(ValueError, match="belongs to"):
        Event(id="e", event_date=None, time_precision=1, event_type="Riots", sub_event_type="Armed clash", actor1="A", evidence=(EV,))


def test_relation_kind_checked():
    with pytest.raises(ValueError, match="unknown relation kind"):
        Relation(id="r", kind="friends", source="A", target="B", evidence=(EV,))


def test_from_dict_rejects_unknown_fields():
    with pytest.raises(ValueError, match="unknown field"):
        Evidence.from_dict({"doc": "d", "start": 0, "end": 1, "text": "x", "colour": "red"})


@given(st.text(), st.text())
def test_stable_id_is_deterministic(a, b):
    assert stable_id(a, b) == stable_id(a, b)
    assert len(stable_id(a, b)) == 16
