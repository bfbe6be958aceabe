"""The store: one SQLite file (WAL), recorded migrations, one transaction per document.

A document's row, mentions, events and relations are written in one transaction, so a crash
or ``kill -9`` leaves either all of a document or none of it. Ids come from content hashes,
so writing the same result twice changes nothing.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from frontlines import gazetteer
from frontlines.errors import StoreError
from frontlines.records import Article, Event, Evidence, Mention, Place, Relation

DEFAULT_DB = "frontlines.db"

_CORE = (
    """CREATE TABLE documents (
        doc_id TEXT PRIMARY KEY,
        content_hash TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        outlet TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL DEFAULT '',
        published TEXT,
        language TEXT NOT NULL DEFAULT 'en',
        origin TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL,
        pipeline_version TEXT NOT NULL,
        ingested_at TEXT NOT NULL)""",
    """CREATE TABLE mentions (
        doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        kind TEXT NOT NULL, text TEXT NOT NULL,
        resolved_id TEXT, name TEXT NOT NULL DEFAULT '', alias TEXT NOT NULL DEFAULT '',
        data TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (doc_id, start, "end", kind))""",
    "CREATE INDEX mentions_resolved ON mentions(resolved_id)",
    """CREATE TABLE events (
        id TEXT PRIMARY KEY,
        event_date TEXT, time_precision INTEGER NOT NULL,
        event_type TEXT NOT NULL, sub_event_type TEXT NOT NULL,
        actor1 TEXT NOT NULL, actor1_id TEXT NOT NULL DEFAULT '', assoc_actor_1 TEXT NOT NULL DEFAULT '',
        inter1 INTEGER NOT NULL DEFAULT 0,
        actor2 TEXT NOT NULL DEFAULT '', actor2_id TEXT NOT NULL DEFAULT '', assoc_actor_2 TEXT NOT NULL DEFAULT '',
        inter2 INTEGER NOT NULL DEFAULT 0, interaction INTEGER NOT NULL DEFAULT 0,
        country TEXT NOT NULL DEFAULT '', admin1 TEXT NOT NULL DEFAULT '', admin2 TEXT NOT NULL DEFAULT '',
        location TEXT NOT NULL DEFAULT '', latitude REAL, longitude REAL, geo_precision INTEGER,
        fatalities INTEGER NOT NULL DEFAULT 0, source TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '',
        confidence REAL NOT NULL DEFAULT 0.5, background INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX events_date ON events(event_date)",
    "CREATE INDEX events_latlon ON events(latitude, longitude)",
    """CREATE TABLE event_evidence (
        event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
        PRIMARY KEY (event_id, doc_id, start, "end"))""",
    "CREATE INDEX event_evidence_doc ON event_evidence(doc_id)",
    """CREATE TABLE relations (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL,
        source TEXT NOT NULL, target TEXT NOT NULL,
        source_id TEXT NOT NULL DEFAULT '', target_id TEXT NOT NULL DEFAULT '',
        date TEXT, date_precision INTEGER NOT NULL DEFAULT 3, confidence REAL NOT NULL DEFAULT 0.5)""",
    """CREATE TABLE relation_evidence (
        relation_id TEXT NOT NULL REFERENCES relations(id) ON DELETE CASCADE,
        doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
        PRIMARY KEY (relation_id, doc_id, start, "end"))""",
    "CREATE INDEX relation_evidence_doc ON relation_evidence(doc_id)",
    """CREATE TABLE discovered_actors (
        doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
        name TEXT NOT NULL, normalised TEXT NOT NULL, pattern TEXT NOT NULL DEFAULT '',
        count INTEGER NOT NULL, first_seen TEXT,
        PRIMARY KEY (doc_id, normalised))""",
)

# Each migration is (version, name, statements); applied ones are recorded in schema_migrations.
MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (1, "core tables: documents, mentions, events, relations, discovered actors", _CORE),
    (2, "gazetteer: places, alternate names, admin areas", tuple(gazetteer.SCHEMA)),
    (
        3,
        "indexes for map queries (time window + bounding box)",
        (
            "CREATE INDEX IF NOT EXISTS events_date_geo ON events(event_date, latitude, longitude, background)",
            "CREATE INDEX IF NOT EXISTS events_geo_date ON events(latitude, longitude, event_date, background)",
            "DROP INDEX IF EXISTS events_latlon",
        ),
    ),
    # No query looks mentions up by resolved id, and keeping that index sorted costs the
    # mention inserts and about a quarter of the pages each document's commit writes.
    (4, "drop the unused index of mentions by resolved id", ("DROP INDEX IF EXISTS mentions_resolved",)),
)


_EVENT_COLUMNS = (
    "id", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor1_id",
    "assoc_actor_1", "inter1", "actor2", "actor2_id", "assoc_actor_2", "inter2", "interaction",
    "country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision",
    "fatalities", "source", "notes", "confidence", "background",
)  # fmt: skip
# An upsert, not INSERT OR REPLACE: a replace would delete the row and cascade away the
# evidence other documents hold for the same event.
_EVENT_UPSERT = (
    f"INSERT INTO events({','.join(_EVENT_COLUMNS)}) VALUES ({','.join('?' for _ in _EVENT_COLUMNS)})"
    f" ON CONFLICT(id) DO UPDATE SET {','.join(f'{c}=excluded.{c}' for c in _EVENT_COLUMNS[1:])}"
)
# Place fields hold plain strings and numbers: their dict is Place.to_dict() without its
# generic per-value encoding (a test keeps the two equal).
_PLACE_FIELDS = tuple(f.name for f in dataclasses.fields(Place))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True, kw_only=True, slots=True)
class WriteResult:
    doc_id: str
    status: str  # "stored" | "unchanged" | "replaced"
    events: int = 0


class Store:
    """The SQLite store. Use as a context manager; one writer connection per process."""

    def __init__(self, path: str | Path = DEFAULT_DB, *, readonly: bool = False) -> None:
        self.path = str(path)
        try:
            if readonly:
                if not Path(self.path).exists():
                    raise StoreError(f"{self.path}: no such store; create it with 'frontlines ingest'")
                uri = f"file:{Path(self.path).resolve()}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            else:
                self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=30000")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc})") from None
        self.conn.row_factory = sqlite3.Row
        if not readonly:
            self.migrate()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------------ schema

    def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction; returns the versions applied."""
        try:
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            done = {row[0] for row in self.conn.execute("SELECT version FROM schema_migrations")}
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a frontlines store ({exc})") from None
        applied = []
        for version, name, statements in MIGRATIONS:
            if version in done:
                continue
            with self.transaction():
                for statement in statements:
                    self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)", (version, name, _now())
                )
            applied.append(version)
        return applied

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # ------------------------------------------------------------ documents

    def document_state(self, doc_id: str) -> tuple[str, str] | None:
        """(content_hash, pipeline_version) of a stored document, or None."""
        row = self.conn.execute(
            "SELECT content_hash, pipeline_version FROM documents WHERE doc_id = ?", (doc_id,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def write_document(
        self,
        article: Article,
        *,
        mentions: Sequence[Mention],
        events: Sequence[Event],
        relations: Sequence[Relation] = (),
        discoveries: Sequence[tuple[str, str, str, int]] = (),
        pipeline_version: str,
    ) -> WriteResult:
        """Replace everything derived from this document in one transaction."""
        doc = article.external_id
        with self.transaction() as conn:
            existed = conn.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc,)).fetchone() is not None
            if existed:
                self._forget_document(conn, doc)
            conn.execute(
                "INSERT INTO documents(doc_id, content_hash, title, outlet, url, published, language, origin, text, pipeline_version, ingested_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    doc,
                    article.id,
                    article.title,
                    article.outlet,
                    article.url,
                    _iso(article.published),
                    article.language,
                    article.origin,
                    article.text,
                    pipeline_version,
                    _now(),
                ),
            )
            conn.executemany(
                'INSERT OR IGNORE INTO mentions(doc_id, start, "end", kind, text, resolved_id, name, alias, data) VALUES (?,?,?,?,?,?,?,?,?)',
                [
                    (
                        doc,
                        m.start,
                        m.end,
                        m.kind,
                        m.text,
                        m.resolved_id,
                        m.name,
                        m.alias,
                        _mention_data(m),
                    )
                    for m in mentions
                ],
            )
            for event in events:
                self._write_event(conn, event)
            for relation in relations:
                self._write_relation(conn, relation)
            conn.executemany(
                "INSERT OR REPLACE INTO discovered_actors(doc_id, name, normalised, pattern, count, first_seen) VALUES (?,?,?,?,?,?)",
                [(doc, name, norm, pattern, count, _iso(article.published)) for name, norm, pattern, count in discoveries],
            )
        return WriteResult(doc_id=doc, status="replaced" if existed else "stored", events=len(events))

    def _forget_document(self, conn: sqlite3.Connection, doc: str) -> None:
        conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc,))
        # Events and relations left without evidence came only from this document.
        conn.execute("DELETE FROM events WHERE id NOT IN (SELECT DISTINCT event_id FROM event_evidence)")
        conn.execute("DELETE FROM relations WHERE id NOT IN (SELECT DISTINCT relation_id FROM relation_evidence)")

    def _write_event(self, conn: sqlite3.Connection, event: Event) -> None:
        row = [getattr(event, c) for c in _EVENT_COLUMNS]
        row[1] = _iso(event.event_date)
        row[-1] = int(event.background)
        conn.execute(_EVENT_UPSERT, row)
        conn.executemany(
            'INSERT OR IGNORE INTO event_evidence(event_id, doc_id, start, "end", text) VALUES (?,?,?,?,?)',
            [(event.id, ev.doc, ev.start, ev.end, ev.text) for ev in event.evidence],
        )

    def _write_relation(self, conn: sqlite3.Connection, relation: Relation) -> None:
        conn.execute(
            "INSERT INTO relations(id, kind, source, target, source_id, target_id, date, date_precision, confidence)"
            " VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET confidence = max(confidence, excluded.confidence)",
            (
                relation.id,
                relation.kind,
                relation.source,
                relation.target,
                relation.source_id,
                relation.target_id,
                _iso(relation.date),
                relation.date_precision,
                relation.confidence,
            ),
        )
        conn.executemany(
            'INSERT OR IGNORE INTO relation_evidence(relation_id, doc_id, start, "end", text) VALUES (?,?,?,?,?)',
            [(relation.id, ev.doc, ev.start, ev.end, ev.text) for ev in relation.evidence],
        )

    # ------------------------------------------------------------ reading

    def counts(self) -> dict[str, int]:
        tables = ("documents", "mentions", "events", "event_evidence", "relations", "discovered_actors")
        return {t: self.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}

    def events(
        self,
        *,
        actor: str | None = None,
        sub_event_type: str | None = None,
        event_type: str | None = None,
        since: date | None = None,
        until: date | None = None,
        include_background: bool = False,
        limit: int | None = None,
        fused: bool = False,
    ) -> list[Event]:
        """Events with their evidence, filtered with bound parameters only.

        ``fused`` merges reports of the same event from different documents into one event
        with all their sources (see ``frontlines.fuse``); it is computed when read, so the
        result does not depend on the order documents were ingested in.
        """
        if fused:
            from frontlines.fuse import fuse_events

            rows = self.events(
                actor=actor, sub_event_type=sub_event_type, event_type=event_type, since=since,
                until=until, include_background=include_background,
            )  # fmt: skip
            merged = fuse_events(rows)
            return merged[:limit] if limit else merged
        where = []
        params: list[Any] = []
        if not include_background:
            where.append("background = 0")
        if actor:
            where.append("(actor1 LIKE ? OR actor2 LIKE ? OR assoc_actor_1 LIKE ? OR assoc_actor_2 LIKE ? OR actor1_id = ? OR actor2_id = ?)")
            like = f"%{actor}%"
            params += [like, like, like, like, actor, actor]
        if sub_event_type:
            where.append("lower(sub_event_type) = lower(?)")
            params.append(sub_event_type)
        if event_type:
            where.append("lower(event_type) = lower(?)")
            params.append(event_type)
        if since:
            where.append("event_date >= ?")
            params.append(since.isoformat())
        if until:
            where.append("event_date <= ?")
            params.append(until.isoformat())
        sql = "SELECT * FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY event_date IS NULL, event_date, id"
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        rows = self.conn.execute(sql, params).fetchall()
        evidence = self._evidence_for("event_evidence", "event_id", [r["id"] for r in rows])
        out = []
        for row in rows:
            data = dict(row)
            data["background"] = bool(data["background"])
            evs = evidence.get(row["id"], [])
            data["evidence"] = [e.to_dict() for e in evs]
            data["source_docs"] = sorted({e.doc for e in evs})
            out.append(Event.from_dict(data))
        return out

    def relations(self) -> list[Relation]:
        rows = self.conn.execute("SELECT * FROM relations ORDER BY date IS NULL, date, id").fetchall()
        evidence = self._evidence_for("relation_evidence", "relation_id", [r["id"] for r in rows])
        out = []
        for row in rows:
            data = dict(row)
            evs = evidence.get(row["id"], [])
            data["evidence"] = [e.to_dict() for e in evs]
            data["source_docs"] = sorted({e.doc for e in evs})
            out.append(Relation.from_dict(data))
        return out

    def _evidence_for(self, table: str, key: str, ids: Sequence[str]) -> dict[str, list[Evidence]]:
        found: dict[str, list[Evidence]] = {}
        for chunk_start in range(0, len(ids), 500):
            chunk = list(ids[chunk_start : chunk_start + 500])
            marks = ",".join("?" for _ in chunk)
            for row in self.conn.execute(
                f'SELECT {key}, doc_id, start, "end", text FROM {table} WHERE {key} IN ({marks}) ORDER BY doc_id, start',
                chunk,
            ):
                found.setdefault(row[0], []).append(Evidence(doc=row[1], start=row[2], end=row[3], text=row[4]))
        return found

    def document(self, doc_id: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return dict(row) if row else None

    def discovered(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT name, normalised, pattern, SUM(count) AS count, COUNT(*) AS documents, MIN(first_seen) AS first_seen"
            " FROM discovered_actors GROUP BY normalised ORDER BY count DESC, normalised"
        ).fetchall()
        return [dict(r) for r in rows]

    def integrity_ok(self) -> bool:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _place_dict(place: Place) -> dict[str, object]:
    return {name: getattr(place, name) for name in _PLACE_FIELDS}


def _mention_data(m: Mention) -> str:
    """The JSON ``data`` column of a mention: its place, precision, actor type and value, when set."""
    return _data_json(m.actor_type, m.place, m.geo_precision, m.value)


# Most mentions share their data with others (the same place, actor type or date): each
# distinct one is encoded once. ``typed``: an actor type of 1 is not True.
@functools.lru_cache(maxsize=4096, typed=True)
def _data_json(actor_type: int | None, place: Place | None, geo_precision: int | None, value: str) -> str:
    data: dict[str, object] = {}
    if actor_type is not None:
        data["actor_type"] = actor_type
    if place is not None:
        data["place"] = _place_dict(place)
    if geo_precision is not None:
        data["geo_precision"] = geo_precision
    if value:
        data["value"] = value
    return json.dumps(data)
