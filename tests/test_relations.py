"""Relation extraction on short invented sentences, with a small inline knowledge base.

Mentions are placed by hand (the recogniser has its own tests), so these tests exercise only
the relation patterns, the merging, the dating and the event-derived relations.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from frontlines.actors import ActorBase
from frontlines.nlp import split_sentences
from frontlines.records import Article, Event, Evidence, Mention
from frontlines.relations import extract_relations, from_events, from_sentences, load_patterns, merge_relations

ENTRIES = [
    {"id": "nusra", "name": "Jabhat al-Nusra", "type": 2, "kind": "group", "aliases": ["Nusra", "Nusra Front"],
     "relations": [{"kind": "affiliate_of", "target": "aq", "from": "2012-01-01", "to": "2016-07-28"}]},
    {"id": "aq", "name": "Al-Qaeda", "type": 2, "kind": "group", "aliases": ["al-Qaeda"]},
    {"id": "is", "name": "Islamic State", "type": 2, "kind": "group", "aliases": ["ISIS", "IS"]},
    {"id": "fsa", "name": "Free Syrian Army", "type": 2, "kind": "group", "aliases": ["FSA"]},
    {"id": "ifront", "name": "Islamic Front", "type": 2, "kind": "group"},
    {"id": "hazzm", "name": "Hazzm Movement", "type": 2, "kind": "group", "aliases": ["Hazzm"]},
    {"id": "levant", "name": "Levant Front", "type": 2, "kind": "group"},
    {"id": "hezb", "name": "Hezbollah", "type": 2, "kind": "group"},
    {"id": "saa", "name": "Military Forces of Syria", "type": 1, "kind": "group", "aliases": ["Syrian army"]},
    {"id": "turkey", "name": "Military Forces of Turkey", "type": 8, "kind": "group", "aliases": ["Turkey"]},
    {"id": "murad", "name": "Sultan Murad Division", "type": 2, "kind": "group"},
    {"id": "civ", "name": "Civilians (Syria)", "type": 7, "kind": "group", "aliases": ["civilians"]},
    {"id": "adnani", "name": "Abu Mohammed al-Adnani", "type": 0, "kind": "person"},
    {"id": "golani", "name": "Abu Mohammad al-Golani", "type": 0, "kind": "person"},
    {"id": "assad", "name": "Bashar al-Assad", "type": 0, "kind": "person",
     "relations": [{"kind": "leads", "target": "saa"}]},
]

SURFACES = {
    "Jabhat al-Nusra": "nusra", "Nusra Front": "nusra", "Nusra": "nusra", "al-Qaeda": "aq", "ISIS": "is",
    "Free Syrian Army": "fsa", "FSA": "fsa", "Islamic Front": "ifront", "Hazzm": "hazzm",
    "Levant Front": "levant", "Hezbollah": "hezb", "Syrian army": "saa", "Turkey": "turkey",
    "Sultan Murad Division": "murad", "civilians": "civ", "Abu Mohammed al-Adnani": "adnani",
    "Abu Mohammad al-Golani": "golani", "Assad": "assad",
}


@pytest.fixture(scope="module")
def base() -> ActorBase:
    return ActorBase(ENTRIES)


def annotate(text: str, base: ActorBase, dates: dict[str, tuple[str, int]] | None = None) -> list[Mention]:
    """Mentions of every known surface form (longest first, no overlaps), plus given dates."""
    taken: list[tuple[int, int]] = []
    out = []
    for surface in sorted(SURFACES, key=len, reverse=True):
        for m in re.finditer(rf"\b{re.escape(surface)}\b", text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append(m.span())
            actor = base.get(SURFACES[surface])
            assert actor is not None
            out.append(Mention(start=m.start(), end=m.end(), text=surface, kind="person" if actor.kind == "person"
                               else "actor", resolved_id=actor.id, name=actor.name, actor_type=actor.type))
    for surface, (value, precision) in (dates or {}).items():
        i = text.index(surface)
        out.append(Mention(start=i, end=i + len(surface), text=surface, kind="date", value=value,
                           name=f"precision {precision}"))
    return sorted(out, key=lambda m: (m.start, m.end))


def article(text: str, published: date = date(2015, 3, 1)) -> Article:
    return Article(id=Article.content_id(text), external_id="doc-1", text=text, published=published)


def relations(text: str, base: ActorBase, **kwargs: object) -> set[tuple[str, str, str]]:
    a = article(text)
    found = extract_relations(a, split_sentences(text), annotate(text, base, **kwargs), [], base=base)  # type: ignore[arg-type]
    return {(r.kind, r.source_id, r.target_id) for r in found}


def test_patterns_compile() -> None:
    patterns = load_patterns()
    assert len(patterns.rules) > 30
    kinds = {r.kind for r in patterns.rules}
    assert kinds >= {"hostile", "allied", "member_of", "affiliate_of", "merged_into", "split_from", "supports",
                     "leads", "spokesperson_of"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jabhat al-Nusra, an al-Qaeda affiliate, issued a statement.", ("affiliate_of", "nusra", "aq")),
        ("Nusra Front, the Syrian al-Qaeda franchise, issued a statement.", ("affiliate_of", "nusra", "aq")),
        ("It warned the Levant Front, a rebel umbrella group which Hazzm joined a month ago.",
         ("member_of", "hazzm", "levant")),
        ("Hazzm joined the Levant Front in January.", ("member_of", "hazzm", "levant")),
        ("After the defeat, Hazzm merged with the Levant Front.", ("merged_into", "hazzm", "levant")),
        ("Nusra broke with ISIS years ago.", ("split_from", "nusra", "is")),
        ("Hezbollah, which is fighting alongside the Syrian army, advanced.", ("allied", "hezb", "saa")),
        ("ISIS spokesman Abu Mohammed al-Adnani issued a threat.", ("spokesperson_of", "adnani", "is")),
        ("Nusra Front leader Abu Mohammad al-Golani gave a speech.", ("leads", "golani", "nusra")),
        ("Abu Mohammad al-Golani, the leader of Nusra, gave a speech.", ("leads", "golani", "nusra")),
        ("The Sultan Murad Division, backed by Turkey, advanced on the town.", ("supports", "turkey", "murad")),
        ("The Turkey-backed Sultan Murad Division advanced on the town.", ("supports", "turkey", "murad")),
        ("Clashes between the FSA and ISIS erupted in the town.", ("hostile", "fsa", "is")),
        ("ISIS declared war on the Free Syrian Army.", ("hostile", "fsa", "is")),
        ("ISIS crushed the Free Syrian Army near the border.", ("hostile", "fsa", "is")),
        ("Nusra launched a large offensive on Hazzm positions.", ("hostile", "hazzm", "nusra")),
    ],
)
def test_stated_relations(base: ActorBase, text: str, expected: tuple[str, str, str]) -> None:
    assert expected in relations(text, base)


def test_head_of_state_stands_for_his_forces(base: ActorBase) -> None:
    found = relations("Hezbollah, which is fighting alongside Assad, made advances.", base)
    assert ("allied", "hezb", "saa") in found


def test_negation_and_civilians_make_no_relation(base: ActorBase) -> None:
    assert not relations("Nusra said it would not attack ISIS.", base)
    assert not relations("ISIS attacked civilians in the town.", base)


def test_conjoined_actors_each_get_the_relation(base: ActorBase) -> None:
    found = relations("ISIS attacked the Free Syrian Army and the Islamic Front near Aleppo.", base)
    assert {("hostile", "fsa", "is"), ("hostile", "ifront", "is")} <= found


def test_one_relation_per_pair_with_merged_evidence_and_sentence_date(base: ActorBase) -> None:
    text = "ISIS attacked the FSA on Sunday. Later, clashes between the FSA and ISIS spread north."
    a = article(text)
    mentions = annotate(text, base, dates={"Sunday": ("2015-03-01", 1)})
    found = extract_relations(a, split_sentences(text), mentions, [], base=base)
    hostile = [r for r in found if r.kind == "hostile"]
    assert len(hostile) == 1
    rel = hostile[0]
    assert (rel.source_id, rel.target_id) == ("fsa", "is")  # symmetric: canonical order
    assert len(rel.evidence) == 2 and rel.source_docs == ("doc-1",)
    assert rel.evidence[0].doc == "doc-1" and rel.evidence[0].text.startswith("ISIS attacked")
    assert rel.date == date(2015, 3, 1) and rel.date_precision == 1


def test_dated_split_and_publication_date_fallback(base: ActorBase) -> None:
    text = "Nusra broke with ISIS in February 2014. Hazzm joined the Levant Front."
    a = article(text)
    mentions = annotate(text, base, dates={"February 2014": ("2014-02-15", 3)})
    found = {r.kind: r for r in extract_relations(a, split_sentences(text), mentions, [], base=base)}
    assert found["split_from"].date == date(2014, 2, 15)
    assert found["member_of"].date == date(2015, 3, 1) and found["member_of"].date_precision == 3


def _event(actor1: str, id1: str, actor2: str, id2: str, **kw: object) -> Event:
    ev = Evidence(doc="doc-1", start=0, end=10, text="They clashed.")
    return Event(id=f"e-{id1}-{id2}", event_date=date(2015, 2, 27), time_precision=1, event_type="Battles",
                 sub_event_type="Armed clash", actor1=actor1, actor1_id=id1, actor2=actor2, actor2_id=id2,
                 inter1=2, inter2=2, evidence=(ev,), confidence=0.8, **kw)  # type: ignore[arg-type]


def test_battles_make_hostile_and_associates_allied(base: ActorBase) -> None:
    a = article("They clashed.")
    event = _event("Jabhat al-Nusra", "nusra", "Hazzm Movement", "hazzm", assoc_actor_1="Islamic Front")
    found = {(r.kind, r.source_id, r.target_id): r for r in from_events(a, [event], base=base)}
    assert ("hostile", "hazzm", "nusra") in found
    assert found[("hostile", "hazzm", "nusra")].date == date(2015, 2, 27)
    assert ("allied", "ifront", "nusra") in found


def test_battle_between_a_group_and_its_parent_is_dropped(base: ActorBase) -> None:
    a = article("They clashed.")
    assert from_events(a, [_event("Jabhat al-Nusra", "nusra", "Al-Qaeda", "aq")], base=base) == []


def test_merge_is_idempotent(base: ActorBase) -> None:
    text = "ISIS attacked the FSA. Clashes between the FSA and ISIS spread."
    a = article(text)
    found = from_sentences(a, split_sentences(text), annotate(text, base), base=base, parse=False)
    once = merge_relations(found)
    assert merge_relations(once) == once


def test_dependency_parse_catches_what_patterns_miss(base: ActorBase) -> None:
    text = ("Nusra clamped down on the protests in the town square on Friday evening and then drove out the "
            "Free Syrian Army from the town.")
    a = article(text)
    mentions = annotate(text, base)
    assert not from_sentences(a, split_sentences(text), mentions, base=base, parse=False)
    found = from_sentences(a, split_sentences(text), mentions, base=base, parse=True)
    assert [(r.kind, r.source_id, r.target_id) for r in found] == [("hostile", "fsa", "nusra")]
