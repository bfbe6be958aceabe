from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from frontlines.errors import StoreError
from frontlines.records import Article, Event, Evidence, Mention, Relation
from frontlines.store import MIGRATIONS, Store


def article(doc: str, text: str = "Rebels clashed with ISIS in Marea on Sunday.") -> Article:
    return Article(id=Article.content_id(text), external_id=doc, text=text, published=date(2015, 8, 10))


def event(doc: str, eid: str = "e1", actor1: str = "ISIS") -> Event:
    return Event(
        id=eid,
        event_date=date(2015, 8, 9),
        time_precision=1,
        event_type="Battles",
        sub_event_type="Armed clash",
        actor1=actor1,
        actor2="Opposition Rebels (Syria)",
        source_docs=(doc,),
        evidence=(Evidence(doc=doc, start=0, end=20, text="Rebels clashed with"),),
    )


def test_migrations_are_recorded_once(db_path):
    with Store(db_path) as store:
        versions = [r[0] for r in store.conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
        assert versions == [m[0] for m in MIGRATIONS]
        assert store.migrate() == []
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_no_index_is_kept_that_no_query_uses(db_path):
    with Store(db_path) as store:
        indexes = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "mentions_resolved" not in indexes


def test_write_is_idempotent_and_replaces_a_documents_results(db_path):
    with Store(db_path) as store:
        a = article("d1")
        m = [Mention(start=0, end=6, text="Rebels", kind="actor", name="Opposition Rebels (Syria)")]
        assert store.write_document(a, mentions=m, events=[event("d1")], pipeline_version="t").status == "stored"
        first = store.counts()
        assert store.write_document(a, mentions=m, events=[event("d1")], pipeline_version="t").status == "replaced"
        assert store.counts() == first
        # Re-processing with a different result drops what the old one derived.
        store.write_document(a, mentions=m, events=[event("d1", eid="e2")], pipeline_version="t")
        assert [e.id for e in store.events()] == ["e2"]


def test_an_event_keeps_evidence_from_every_document(db_path):
    with Store(db_path) as store:
        store.write_document(article("d1"), mentions=[], events=[event("d1")], pipeline_version="t")
        store.write_document(article("d2", "Another report."), mentions=[], events=[event("d2")], pipeline_version="t")
        (e,) = store.events()
        assert e.source_docs == ("d1", "d2")
        # Forgetting one document keeps the event with the other's evidence.
        store.write_document(article("d2", "Another report."), mentions=[], events=[], pipeline_version="t")
        (e,) = store.events()
        assert e.source_docs == ("d1",)


def test_failed_transaction_leaves_nothing_half_written(db_path):
    with Store(db_path) as store:
        bad = Relation.__new__(Relation)  # a relation without fields makes the write fail midway
        with pytest.raises(AttributeError):
            store.write_document(article("d1"), mentions=[], events=[event("d1")], relations=[bad], pipeline_version="t")
        assert store.counts()["documents"] == 0 and store.counts()["events"] == 0


def test_filters_use_bound_parameters(db_path):
    with Store(db_path) as store:
        store.write_document(article("d1"), mentions=[], events=[event("d1")], pipeline_version="t")
        assert len(store.events(actor="ISIS")) == 1
        assert store.events(actor="x' OR '1'='1") == []
        assert len(store.events(since=date(2015, 8, 1), until=date(2015, 8, 31))) == 1
        assert store.events(event_type="Riots") == []


def test_relations_round_trip(db_path):
    ev = Evidence(doc="d1", start=0, end=6, text="Rebels")
    rel = Relation(id="r1", kind="hostile", source="A", target="B", date=date(2015, 8, 9), evidence=(ev,))
    with Store(db_path) as store:
        store.write_document(article("d1"), mentions=[], events=[], relations=[rel], pipeline_version="t")
        (got,) = store.relations()
        assert got.kind == "hostile" and got.source_docs == ("d1",) and got.evidence == (ev,)


def test_not_a_store_is_a_clear_error(tmp_path):
    bogus = tmp_path / "x.db"
    bogus.write_bytes(b"this is not sqlite at all, just text" * 100)
    with pytest.raises(StoreError, match="x.db"):
        Store(bogus)
    with pytest.raises(StoreError, match="no such store"):
        Store(tmp_path / "missing.db", readonly=True)


def test_readonly_store_cannot_write(db_path):
    Store(db_path).close()
    with Store(db_path, readonly=True) as store, pytest.raises(sqlite3.OperationalError):
        store.conn.execute("DELETE FROM documents")


def test_stored_place_data_is_the_places_own_dict() -> None:
    from frontlines.records import Place
    from frontlines.store import _place_dict

    place = Place(id="p1", name="Aleppo", latitude=36.2, longitude=37.16, country="Syria", admin1="Aleppo", population=1)
    assert _place_dict(place) == place.to_dict()
