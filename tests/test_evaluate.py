from __future__ import annotations

from frontlines.evaluate import Counts, actor_in, match_events, normalise_name

ISIS = ["Islamic State", "ISIS", "IS"]
NUSRA = ["Nusra Front", "Jabhat al-Nusra"]


def gold(**kw):
    base = {
        "doc": "d",
        "id": "d#E1",
        "event_date": "2015-08-09",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": ISIS,
        "actor2": NUSRA,
        "latitude": 36.2,
        "longitude": 37.1,
        "fatalities": 3,
        "required": True,
    }
    base.update(kw)
    return base


def pred(**kw):
    base = {
        "id": "p1",
        "source_docs": ["d"],
        "event_date": "2015-08-09",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "Islamic State",
        "actor2": "Jabhat al-Nusra",
        "latitude": 36.21,
        "longitude": 37.12,
        "fatalities": 3,
    }
    base.update(kw)
    return base


def test_counts():
    c = Counts(tp=3, fp=1, fn=2)
    assert round(c.precision, 3) == 0.75 and round(c.recall, 3) == 0.6 and round(c.f1, 3) == 0.667
    assert Counts().f1 == 0.0


def test_name_normalisation_follows_the_guide():
    assert normalise_name("The Al-Nusra Front") == "nusra front"
    assert normalise_name("Military Forces of Syria (2000-)") == "military forces of syria"
    assert actor_in("al-Nusra Front", ["Nusra Front"])
    assert not actor_in("", ["Nusra Front"])


def test_perfect_match_scores_every_field():
    s = match_events([pred()], [gold()])
    assert (s.counts.tp, s.counts.fp, s.counts.fn) == (1, 0, 0)
    assert all(v == 1.0 for v in s.field_accuracy().values())


def test_actor_pair_in_either_order_and_field_misses():
    s = match_events([pred(actor1="Jabhat al-Nusra", actor2="ISIS", fatalities=5, event_date="2015-08-10")], [gold()])
    acc = s.field_accuracy()
    assert s.counts.tp == 1 and acc["actor_pair"] == 1.0 and acc["fatalities"] == 0.0 and acc["date"] == 0.0


def test_no_match_without_shared_actor_or_with_other_type():
    s = match_events([pred(actor1="Hezbollah", actor2="")], [gold()])
    assert (s.counts.tp, s.counts.fp, s.counts.fn) == (0, 1, 1)
    s = match_events([pred(event_type="Riots", sub_event_type="Mob violence")], [gold()])
    assert (s.counts.tp, s.counts.fp, s.counts.fn) == (0, 1, 1)


def test_far_and_late_is_no_match_but_near_or_close_in_time_is():
    far_late = pred(latitude=33.5, longitude=36.3, event_date="2015-08-20")
    assert match_events([far_late], [gold()]).counts.tp == 0
    assert match_events([pred(latitude=33.5, longitude=36.3)], [gold()]).counts.tp == 1
    assert match_events([pred(event_date="2015-08-20")], [gold()]).counts.tp == 1


def test_optional_gold_counts_neither_way():
    s = match_events([pred()], [gold(required=False)])
    assert (s.counts.tp, s.counts.fp, s.counts.fn) == (0, 0, 0)
    s = match_events([], [gold(required=False)])
    assert s.counts.fn == 0


def test_each_gold_matches_one_prediction_best_first():
    g = gold()
    worse = pred(id="p-worse", sub_event_type="Government regains territory", event_date="2015-08-10")
    better = pred(id="p-better")
    s = match_events([worse, better], [g])
    assert s.counts.tp == 1 and s.counts.fp == 1
    matched = [d for d in s.details if d.get("gold")][0]
    assert matched["pred"] == "p-better"
