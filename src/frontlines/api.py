"""REST API and web UI: a FastAPI app over a read-only store.

``create_app(db)`` serves the JSON API under ``/api``, the OpenAPI spec at ``/openapi.json``,
Swagger UI at ``/docs`` (its assets come from the installed ``swagger-ui-bundle-v2`` package,
never from a CDN; a small local page listing the endpoints replaces it when that package is
absent) and the one-page web UI at ``/`` from ``frontlines/web``. Every SQL statement binds its
parameters. The store is opened read-only, one connection per thread; the only write endpoint,
``POST /api/articles``, exists only when the app was created with a write token and requires
``Authorization: Bearer <token>``.
"""



import gzip
import json
import secrets
import sqlite3
import threading
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from frontlines.export import event_jsonl
from frontlines.records import EVENT_TYPES, Event, Evidence
from frontlines.store import Store

__all__ = ["create_app", "run_server", "ensure_indexes", "RECOMMENDED_INDEXES", "ArticleIn", "WEB_DIR", "EVENT_TYPE_ORDER"]

WEB_DIR = Path(__file__).with_name("web")
EVENT_TYPE_ORDER = tuple(EVENT_TYPES)
MAX_LIMIT = 1000
_NUM = r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*"
BBOX_PATTERN = f"^{_NUM},{_NUM},{_NUM},{_NUM}$"
NOT_FOUND = {404: {"description": "Not found"}}
POSITIVE = frozenset({"allied", "member_of", "affiliate_of", "supports", "leads", "spokesperson_of", "merged_into", "renamed_to"})
NEGATIVE = frozenset({"hostile", "split_from"})
INTER_NAMES = {
    0: "",
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
    4: "Identity militia",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}
# The web page loads only same-origin scripts, styles and data.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


# Covering indexes for the map's bbox + time-window queries (COUNT and the first page are
# answered from the index alone). The store's migrations should create them; until then
# ensure_indexes() adds them to a store opened for writing.
RECOMMENDED_INDEXES = (
    "CREATE INDEX IF NOT EXISTS events_date_geo ON events(event_date, latitude, longitude, background)",
    "CREATE INDEX IF NOT EXISTS events_geo_date ON events(latitude, longitude, event_date, background)",
)


def ensure_indexes(db: str) -> None:
    """Add RECOMMENDED_INDEXES to the store at ``db`` (opens it for writing, migrating it)."""
    with Store(db) as store, store.transaction() as conn:
        for statement in RECOMMENDED_INDEXES:
            conn.execute(statement)
        conn.execute("ANALYZE events")


class ArticleIn(BaseModel):
    """One document to ingest through ``POST /api/articles``."""

    id: str = Field(min_length=1, max_length=500)
    text: str = Field(min_length=1, max_length=5_000_000)
    title: str = ""
    published: str | None = None
    outlet: str = ""
    url: str = ""


# ------------------------------------------------------------------------------- helpers


class _Connections:
    """One read-only sqlite connection per thread (FastAPI runs sync endpoints in a pool), and a
    cache of whole-store results that is emptied whenever another connection commits (a
    dedicated connection watches ``PRAGMA data_version``)."""

    def __init__(self, db: str) -> None:
        self.db = db
        self._local = threading.local()
        self._all: list[Store] = []
        self._lock = threading.Lock()
        self._watch = self._open()  # fails now, with a clear error, when the store is missing
        self._version: int | None = None
        self._generation = 0
        self._cache: dict[Any, Any] = {}

    def _open(self) -> Store:
        store = Store(self.db, readonly=True)
        store.conn.execute("PRAGMA cache_size = -32000")
        with self._lock:
            self._all.append(store)
        return store

    def get(self) -> sqlite3.Connection:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._open()
            self._local.store = store
        return store.conn

    def generation(self) -> int:
        with self._lock:
            version = self._watch.conn.execute("PRAGMA data_version").fetchone()[0]
            if version != self._version:
                self._version = version
                self._generation += 1
                self._cache.clear()
            return self._generation

    def cached(self, key: Any, compute: Any) -> Any:
        generation = self.generation()
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        value = compute()
        with self._lock:
            if self._generation == generation:
                if len(self._cache) >= 64:
                    self._cache.clear()
                self._cache[key] = value
        return value

    def close(self) -> None:
        with self._lock:
            for store in self._all:
                try:
                    store.close()
                except sqlite3.ProgrammingError:
                    pass
            self._all.clear()


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _invalid(where: str, name: str, value: Any, message: str) -> RequestValidationError:
    """A 422 shaped like FastAPI's own validation errors (so it matches the OpenAPI spec)."""
    return RequestValidationError([{"type": "value_error", "loc": (where, name), "msg": message, "input": value}])


def _parse_bbox(bbox: str) -> tuple[float, float, float, float]:
    message = "bbox must be minlon,minlat,maxlon,maxlat with lon in [-180,180], lat in [-90,90], minlat <= maxlat"
    try:
        parts = [float(p) for p in bbox.split(",")]
    except ValueError:
        raise _invalid("query", "bbox", bbox, message) from None
    if len(parts) != 4:
        raise _invalid("query", "bbox", bbox, message)
    minlon, minlat, maxlon, maxlat = parts
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180 and -90 <= minlat <= maxlat <= 90):  # NaN fails too
        raise _invalid("query", "bbox", bbox, message)
    return minlon, minlat, maxlon, maxlat


class EventFilters:
    """Query parameters shared by /api/events and /api/points, turned into a WHERE clause."""

    def __init__(
        self,
        since: Annotated[date | None, Query(description="first event date (inclusive), YYYY-MM-DD")] = None,
        until: Annotated[date | None, Query(description="last event date (inclusive), YYYY-MM-DD")] = None,
        bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat", max_length=200, pattern=BBOX_PATTERN)] = None,
        actor: Annotated[str | None, Query(description="actor id, or part of an actor name", max_length=200)] = None,
        type: Annotated[str | None, Query(description="ACLED event type", max_length=100)] = None,
        sub_type: Annotated[str | None, Query(description="ACLED sub-event type", max_length=100)] = None,
        admin1: Annotated[str | None, Query(description="first-level admin area (governorate)", max_length=200)] = None,
        q: Annotated[str | None, Query(description="text searched in evidence sentences and notes", max_length=200)] = None,
        include_background: Annotated[bool, Query(description="include background (old, recalled) events")] = False,
    ) -> None:
        # Date and place clauses carry {d}/{g} column prefixes: where() turns the less selective
        # one into "+column", which keeps SQLite from choosing that index (see where()).
        where: list[str] = []
        params: list[Any] = []
        self.since, self.until = since, until
        self.box: tuple[float, float, float, float] | None = None
        if not include_background:
            where.append("background = 0")
        if since:
            where.append("{d}event_date >= ?")
            params.append(since.isoformat())
        if until:
            where.append("{d}event_date <= ?")
            params.append(until.isoformat())
        if bbox:
            minlon, minlat, maxlon, maxlat = self.box = _parse_bbox(bbox)
            where.append("{g}latitude BETWEEN ? AND ?")
            params += [minlat, maxlat]
            if minlon <= maxlon:
                where.append("{g}longitude BETWEEN ? AND ?")
                params += [minlon, maxlon]
            else:  # crosses the antimeridian
                where.append("({g}longitude >= ? OR {g}longitude <= ?)")
                params += [minlon, maxlon]
        if actor:
            like = _like(actor)
            where.append(
                "(actor1_id = ? OR actor2_id = ? OR actor1 LIKE ? ESCAPE '\\' OR actor2 LIKE ? ESCAPE '\\'"
                " OR assoc_actor_1 LIKE ? ESCAPE '\\' OR assoc_actor_2 LIKE ? ESCAPE '\\')"
            )
            params += [actor, actor, like, like, like, like]
        if type:
            where.append("event_type = ?")
            params.append(type)
        if sub_type:
            where.append("sub_event_type = ?")
            params.append(sub_type)
        if admin1:
            where.append("admin1 = ?")
            params.append(admin1)
        if q:
            like = _like(q)
            where.append(
                "(notes LIKE ? ESCAPE '\\' OR id IN (SELECT event_id FROM event_evidence WHERE text LIKE ? ESCAPE '\\'))"
            )
            params += [like, like]
        self._where = where
        self.params = params
        self.sql = self._clause("", "")
        self.key = (tuple(where), tuple(params))

    def where(self, extent: tuple[Any, ...] | None, *, page: int = 0) -> str:
        """The WHERE clause, steering SQLite to the cheaper index.

        ``extent`` is (first date, last date, min lat, max lat, min lon, max lon, count). For a
        COUNT (``page`` 0) the more selective of time window and bbox may use an index; for a
        page of ``page`` rows in date order, walking the date index and stopping early wins
        unless the bbox is narrow. Without an extent SQLite's own choice stands."""
        if not extent or not extent[0] or not self.box:
            return self._clause("", "")
        first, last = date.fromisoformat(extent[0]), date.fromisoformat(extent[1])
        span = max(1, (last - first).days + 1)
        lo, hi = max(self.since or first, first), min(self.until or last, last)
        date_frac = max(0, (hi - lo).days + 1) / span
        minlon, minlat, maxlon, maxlat = self.box
        lat_frac = max(0.0, min(maxlat, extent[3]) - max(minlat, extent[2])) / max(1e-6, extent[3] - extent[2])
        lon_frac = max(0.0, min(maxlon, extent[5]) - max(minlon, extent[4])) / max(1e-6, extent[5] - extent[4])
        if minlon > maxlon:
            lon_frac = 1.0
        total = max(1, extent[6])
        # index entries visited: the place indexes lead with latitude, so a bbox narrows them
        # by latitude only; a date walk for a page stops after `page` matches.
        geo_cost = lat_frac * total + (page and lat_frac * date_frac * total * 0.05)  # + sorting
        if page:
            date_cost = min(date_frac * total, page / max(1e-6, lat_frac * lon_frac))
        else:
            date_cost = date_frac * total
        return self._clause("", "+") if date_cost <= geo_cost else self._clause("+", "")

    def _clause(self, d: str, g: str) -> str:
        return (" WHERE " + " AND ".join(w.format(d=d, g=g) for w in self._where)) if self._where else ""


def _evidence_for(conn: sqlite3.Connection, ids: list[str]) -> dict[str, list[Evidence]]:
    found: dict[str, list[Evidence]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" for _ in chunk)
        for row in conn.execute(
            f'SELECT event_id, doc_id, start, "end", text FROM event_evidence WHERE event_id IN ({marks}) ORDER BY doc_id, start',
            chunk,
        ):
            found[row[0]].append(Evidence(doc=row[1], start=row[2], end=row[3], text=row[4]))
    return found


def _events_from_rows(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[Event]:
    evidence = _evidence_for(conn, [r["id"] for r in rows])
    out = []
    for row in rows:
        data = dict(row)
        data["background"] = bool(data["background"])
        evs = evidence.get(row["id"], [])
        if not evs:  # cannot happen in a consistent store; keep the Event constructor happy
            evs = [Evidence(doc="", start=0, end=0, text="")]
        data["evidence"] = [e.to_dict() for e in evs]
        data["source_docs"] = sorted({e.doc for e in evs if e.doc})
        out.append(Event.from_dict(data))
    return out


def _event_dict(event: Event) -> dict[str, Any]:
    row = event_jsonl(event)
    row["actor1_id"] = event.actor1_id
    row["actor2_id"] = event.actor2_id
    row["background"] = event.background
    return row


def _geojson_feature(row: dict[str, Any]) -> dict[str, Any]:
    props = dict(row)
    lat, lon = props.pop("latitude"), props.pop("longitude")
    return {
        "type": "Feature",
        "id": row["id"],
        "geometry": {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None,
        "properties": props,
    }


def _fast_json(data: Any, status_code: int = 200) -> Response:
    """Skip FastAPI's per-item encoder: the payloads here are plain JSON already."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Response(content=body, media_type="application/json", status_code=status_code)


def _load_actor_base() -> Any:
    from frontlines.actors import ActorBase

    return ActorBase.load()


def _actor_summary(actor: Any) -> dict[str, Any]:
    return {
        "id": actor.id,
        "name": actor.name,
        "type": actor.type,
        "type_name": INTER_NAMES.get(actor.type, ""),
        "kind": actor.kind,
        "country": actor.country,
        "aliases": list(actor.aliases),
    }


# ------------------------------------------------------------------------------- the app


def create_app(db: str, *, write_token: str | None = None) -> FastAPI:
    """The API and web UI over the store at ``db`` (opened read-only).

    With a ``write_token`` the server may write anyway, so the recommended indexes are added
    at start; a read-only server leaves the store untouched."""
    if write_token and Path(db).exists():
        ensure_indexes(str(db))
    conns = _Connections(str(db))
    kb_lock = threading.Lock()
    kb_holder: dict[str, Any] = {}

    def kb() -> Any:
        with kb_lock:
            if "kb" not in kb_holder:
                kb_holder["kb"] = _load_actor_base()
            return kb_holder["kb"]

    try:
        from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]
    except ImportError:  # the local fallback page below lists the endpoints instead
        swagger_ui_path = None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Compute the whole-store answers the page asks for first while the server starts.
        warm = threading.Thread(target=_warm_up, daemon=True, name="frontlines-warm-up")
        warm.start()
        yield
        warm.join(timeout=30)
        conns.close()

    def _warm_up() -> None:
        try:
            c = conns.get()
            conns.cached("stats", lambda: _stats(c))
            extent(c)
            filters = EventFilters()
            conns.cached(("points", filters.key), lambda: _points_payload(c, filters))
            _store_actor_counts(c)
        except sqlite3.Error:  # pragma: no cover - the endpoints report such errors themselves
            pass
        from frontlines.basemap import countries_geojson
        from frontlines.errors import FrontlinesError

        try:
            countries_geojson()
        except FrontlinesError:  # pragma: no cover - the endpoint reports it
            pass

    app = FastAPI(
        lifespan=lifespan,
        title="frontlines",
        version="0.1.0",
        description="Sourced ACLED-style conflict events and a dated actor-relation network, served offline.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.db = str(db)
    app.state.connections = conns
    app.add_middleware(GZipMiddleware, minimum_size=2048)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if not request.url.path.startswith("/docs"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        return response

    def conn() -> sqlite3.Connection:
        return conns.get()

    Conn = Annotated[sqlite3.Connection, Depends(conn)]

    # ----------------------------------------------------------------- static / docs

    if swagger_ui_path is not None:
        app.mount("/docs/assets", StaticFiles(directory=str(swagger_ui_path)), name="swagger-assets")

        @app.get("/docs", include_in_schema=False)
        def docs() -> HTMLResponse:
            return get_swagger_ui_html(
                openapi_url="/openapi.json",
                title="frontlines API",
                swagger_js_url="/docs/assets/swagger-ui-bundle.js",
                swagger_css_url="/docs/assets/swagger-ui.css",
                swagger_favicon_url="/docs/assets/favicon-32x32.png",
                swagger_ui_parameters={"validatorUrl": None, "tryItOutEnabled": True},
            )

    else:

        @app.get("/docs", include_in_schema=False)
        def docs_fallback() -> HTMLResponse:
            spec = app.openapi()
            import html

            items = []
            for path, methods in spec["paths"].items():
                for method, op in methods.items():
                    params = ", ".join(p["name"] for p in op.get("parameters", []))
                    items.append(
                        f"<li><code>{html.escape(method.upper())} {html.escape(path)}</code> — "
                        f"{html.escape(op.get('summary', ''))}<br><small>{html.escape(params)}</small></li>"
                    )
            body = (
                "<!doctype html><meta charset=utf-8><title>frontlines API</title>"
                "<h1>frontlines API</h1><p>Spec: <a href='/openapi.json'>/openapi.json</a></p><ul>"
                + "".join(items)
                + "</ul>"
            )
            return HTMLResponse(body)

    @app.get("/static/countries.geojson", include_in_schema=False)
    def countries() -> Response:
        # Outlines come from an installed package at run time (see frontlines.basemap),
        # so no shape data lives in this repository.
        from frontlines.basemap import countries_geojson

        return Response(
            content=countries_geojson(), media_type="application/geo+json", headers={"Cache-Control": "max-age=86400"}
        )

    app.mount("/static", StaticFiles(directory=str(WEB_DIR)), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    # ----------------------------------------------------------------- events

    @app.get("/api/events", summary="Events, filtered and paginated (JSON or GeoJSON)")
    def list_events(
        c: Conn,
        filters: Annotated[EventFilters, Depends()],
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
        order: Annotated[str, Query(pattern="^(date|-date)$", description="date (oldest first) or -date")] = "-date",
        format: Annotated[str, Query(pattern="^(json|geojson)$")] = "json",
    ) -> Response:
        ext = extent(c)
        total = c.execute(f"SELECT COUNT(*) FROM events{filters.where(ext)}", filters.params).fetchone()[0]
        direction = "DESC" if order == "-date" else "ASC"
        rows = c.execute(
            f"SELECT * FROM events{filters.where(ext, page=limit + offset)} ORDER BY event_date {direction}, id {direction} LIMIT ? OFFSET ?",
            [*filters.params, limit, offset],
        ).fetchall()
        events = [_event_dict(e) for e in _events_from_rows(c, rows)]
        if format == "geojson":
            return _fast_json(
                {
                    "type": "FeatureCollection",
                    "features": [_geojson_feature(e) for e in events if e["latitude"] is not None],
                    "total": total,
                    "limit": limit,
                    "offset": offset,
                }
            )
        return _fast_json({"total": total, "limit": limit, "offset": offset, "events": events})

    @app.get("/api/points", summary="Compact columns of every matching located event, for the map and timeline")
    def points(request: Request, c: Conn, filters: Annotated[EventFilters, Depends()]) -> Response:
        """Columns: id, lat, lon, day (days since 1970-01-01, null when undated), type (index into
        ``types``), fatalities. Unlocated events are left out. Cached (gzipped) until the store
        changes."""
        body, zipped = conns.cached(("points", filters.key), lambda: _points_payload(c, filters))
        if "gzip" in request.headers.get("accept-encoding", "").lower():
            return Response(zipped, media_type="application/json", headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
        return Response(body, media_type="application/json", headers={"Vary": "Accept-Encoding"})

    def _points_payload(c: sqlite3.Connection, filters: EventFilters) -> tuple[bytes, bytes]:
        sql = (
            "SELECT id, latitude, longitude, CAST(julianday(event_date) - 2440587.5 AS INTEGER), event_type, fatalities"
            f" FROM events{filters.sql}{' AND' if filters.sql else ' WHERE'} latitude IS NOT NULL AND longitude IS NOT NULL"
        )
        type_index = {t: i for i, t in enumerate(EVENT_TYPE_ORDER)}
        ids, lats, lons, days, types, fats = [], [], [], [], [], []
        for row in c.execute(sql, filters.params):
            ids.append(row[0])
            lats.append(round(row[1], 4))
            lons.append(round(row[2], 4))
            days.append(row[3])
            types.append(type_index.get(row[4], len(EVENT_TYPE_ORDER) - 1))
            fats.append(row[5])
        body = json.dumps(
            {"types": list(EVENT_TYPE_ORDER), "id": ids, "lat": lats, "lon": lons, "day": days, "type": types, "fatalities": fats},
            separators=(",", ":"),
        ).encode()
        return body, gzip.compress(body, compresslevel=5)

    def extent(c: sqlite3.Connection) -> tuple[Any, ...]:
        return conns.cached(
            "extent",
            lambda: tuple(
                c.execute(
                    "SELECT MIN(event_date), MAX(event_date), MIN(latitude), MAX(latitude), MIN(longitude), MAX(longitude), COUNT(*) FROM events"
                ).fetchone()
            ),
        )

    @app.get("/api/events/{event_id}", responses=NOT_FOUND, summary="One event with all its sources and evidence")
    def get_event(c: Conn, event_id: Annotated[str, PathParam(max_length=200)]) -> Response:
        row = c.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
        if row is None:
            raise HTTPException(404, f"no event {event_id!r}")
        (event,) = _events_from_rows(c, [row])
        data = _event_dict(event)
        sources = []
        for doc_id in event.source_docs:
            doc = c.execute(
                "SELECT doc_id, title, outlet, url, published FROM documents WHERE doc_id = ?", (doc_id,)
            ).fetchone()
            evidence = [{"start": e.start, "end": e.end, "text": e.text} for e in event.evidence if e.doc == doc_id]
            sources.append({**(dict(doc) if doc else {"doc_id": doc_id}), "evidence": evidence})
        data["sources"] = sources
        data["inter1_name"] = INTER_NAMES.get(event.inter1, "")
        data["inter2_name"] = INTER_NAMES.get(event.inter2, "")
        return _fast_json(data)

    # ----------------------------------------------------------------- actors

    def _store_actor_counts(c: sqlite3.Connection) -> dict[str, dict[str, Any]]:
        return conns.cached("actor_counts", lambda: _actor_counts(c))

    def _actor_counts(c: sqlite3.Connection) -> dict[str, dict[str, Any]]:
        """Per actor key (id, or name when unresolved): name and event count."""
        sql = (
            "SELECT key, name, SUM(n) FROM ("
            " SELECT CASE WHEN actor1_id != '' THEN actor1_id ELSE actor1 END AS key, actor1 AS name, COUNT(*) AS n"
            "  FROM events WHERE background = 0 AND actor1 != '' GROUP BY key"
            " UNION ALL"
            " SELECT CASE WHEN actor2_id != '' THEN actor2_id ELSE actor2 END AS key, actor2 AS name, COUNT(*) AS n"
            "  FROM events WHERE background = 0 AND actor2 != '' GROUP BY key"
            ") GROUP BY key ORDER BY SUM(n) DESC"
        )
        out: dict[str, dict[str, Any]] = {}
        for key, name, n in c.execute(sql):
            out[key] = {"name": name, "events": n}
        return out

    @app.get("/api/actors", summary="Actors: search names and aliases (q), or the most active ones")
    def list_actors(
        c: Conn,
        q: Annotated[str | None, Query(max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 20,
    ) -> Response:
        counts = _store_actor_counts(c)
        base = kb()
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        if q and q.strip():
            for actor in base.search(q, limit=limit):
                out.append({**_actor_summary(actor), "events": counts.get(actor.id, {}).get("events", 0), "in_kb": True})
                seen.add(actor.id)
            needle = q.strip().lower()
            for key, info in counts.items():
                if len(out) >= limit:
                    break
                if key not in seen and (needle in info["name"].lower() or needle in key.lower()):
                    actor = base.get(key)
                    summary = _actor_summary(actor) if actor else {"id": key, "name": info["name"], "type": 0, "type_name": "", "kind": "group", "country": "", "aliases": []}
                    out.append({**summary, "events": info["events"], "in_kb": actor is not None})
                    seen.add(key)
        else:
            for key, info in list(counts.items())[:limit]:
                actor = base.get(key)
                summary = _actor_summary(actor) if actor else {"id": key, "name": info["name"], "type": 0, "type_name": "", "kind": "group", "country": "", "aliases": []}
                out.append({**summary, "events": info["events"], "in_kb": actor is not None})
        return _fast_json({"actors": out[:limit]})

    @app.get("/api/actors/{actor_id}", responses=NOT_FOUND, summary="One actor: aliases, type, affiliations, dated relations, event counts")
    def get_actor(c: Conn, actor_id: Annotated[str, PathParam(max_length=300)]) -> Response:
        base = kb()
        actor = base.get(actor_id)
        name_rows = c.execute(
            "SELECT actor1 FROM events WHERE actor1_id = ? OR actor1 = ? UNION SELECT actor2 FROM events WHERE actor2_id = ? OR actor2 = ?",
            (actor_id, actor_id, actor_id, actor_id),
        ).fetchall()
        rel_hit = c.execute(
            "SELECT 1 FROM relations WHERE source_id = ? OR target_id = ? OR source = ? OR target = ? LIMIT 1",
            (actor_id, actor_id, actor_id, actor_id),
        ).fetchone()
        if actor is None and not name_rows and not rel_hit:
            raise HTTPException(404, f"no actor {actor_id!r}")
        if actor is not None:
            data: dict[str, Any] = _actor_summary(actor)
            data.update(
                active_from=actor.active_from.isoformat() if actor.active_from else None,
                active_to=actor.active_to.isoformat() if actor.active_to else None,
                in_kb=True,
                links=[
                    {
                        "kind": link.kind,
                        "target": link.target,
                        "target_name": (base.get(link.target).name if base.get(link.target) else link.target),
                        "start": link.start.isoformat() if link.start else None,
                        "end": link.end.isoformat() if link.end else None,
                    }
                    for link in actor.links
                ],
            )
            # Links held by other actors that point at this one (members, affiliates, splinters).
            data["linked_from"] = [
                {
                    "kind": link.kind,
                    "source": other.id,
                    "source_name": other.name,
                    "start": link.start.isoformat() if link.start else None,
                    "end": link.end.isoformat() if link.end else None,
                }
                for other in base
                for link in other.links
                if link.target == actor.id
            ]
        else:
            name = name_rows[0][0] if name_rows else actor_id
            data = {"id": actor_id, "name": name, "type": 0, "type_name": "", "kind": "group", "country": "",
                    "aliases": [], "active_from": None, "active_to": None, "in_kb": False, "links": [], "linked_from": []}
        data["names_in_store"] = sorted({r[0] for r in name_rows if r[0]})
        actor_where = "(actor1_id = ? OR actor2_id = ? OR actor1 = ? OR actor2 = ?) AND background = 0"
        actor_params = (actor_id, actor_id, actor_id, actor_id)
        data["events_per_year"] = {
            r[0]: r[1]
            for r in c.execute(
                f"SELECT substr(event_date, 1, 4), COUNT(*) FROM events WHERE {actor_where} AND event_date IS NOT NULL GROUP BY 1 ORDER BY 1",
                actor_params,
            )
        }
        data["events_per_month"] = {
            r[0]: r[1]
            for r in c.execute(
                f"SELECT substr(event_date, 1, 7), COUNT(*) FROM events WHERE {actor_where} AND event_date IS NOT NULL GROUP BY 1 ORDER BY 1",
                actor_params,
            )
        }
        data["event_count"] = sum(data["events_per_year"].values()) + c.execute(
            f"SELECT COUNT(*) FROM events WHERE {actor_where} AND event_date IS NULL", actor_params
        ).fetchone()[0]
        rows = c.execute(
            f"SELECT * FROM events WHERE {actor_where} ORDER BY event_date DESC, id LIMIT 100", actor_params
        ).fetchall()
        data["events"] = [
            {k: e[k] for k in ("id", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "location", "admin1", "fatalities")}
            for e in (dict(r) for r in rows)
        ]
        rel_rows = c.execute(
            "SELECT r.id, r.kind, r.source, r.target, r.source_id, r.target_id, r.date, r.date_precision, r.confidence,"
            " (SELECT COUNT(*) FROM relation_evidence e WHERE e.relation_id = r.id) AS evidence"
            " FROM relations r WHERE r.source_id = ? OR r.target_id = ? OR r.source = ? OR r.target = ?"
            " ORDER BY r.date IS NULL, r.date, r.id",
            actor_params,
        ).fetchall()
        data["relations"] = [dict(r) | {"sign": _sign(r["kind"])} for r in rel_rows]
        return _fast_json(data)

    # ----------------------------------------------------------------- network

    @app.get("/api/network", summary="Actor network: nodes and typed, signed edges weighted by evidence")
    def network(
        c: Conn,
        since: Annotated[date | None, Query()] = None,
        until: Annotated[date | None, Query()] = None,
        kind: Annotated[str | None, Query(max_length=50)] = None,
    ) -> Response:
        where, params = [], []
        if since:
            where.append("r.date >= ?")
            params.append(since.isoformat())
        if until:
            where.append("r.date <= ?")
            params.append(until.isoformat())
        if kind:
            where.append("r.kind = ?")
            params.append(kind)
        sql = (
            "SELECT r.kind,"
            " CASE WHEN r.source_id != '' THEN r.source_id ELSE r.source END AS s, r.source,"
            " CASE WHEN r.target_id != '' THEN r.target_id ELSE r.target END AS t, r.target,"
            " COUNT(DISTINCT r.id) AS relations, COUNT(e.relation_id) AS evidence, MIN(r.date), MAX(r.date)"
            " FROM relations r LEFT JOIN relation_evidence e ON e.relation_id = r.id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " GROUP BY r.kind, s, t ORDER BY evidence DESC"
        )
        base = kb()
        nodes: dict[str, dict[str, Any]] = {}
        edges = []
        for kind_, s, sname, t, tname, nrel, nev, first, last in c.execute(sql, params):
            for key, name in ((s, sname), (t, tname)):
                if key not in nodes:
                    actor = base.get(key)
                    nodes[key] = {
                        "id": key,
                        "name": actor.name if actor else name,
                        "type": actor.type if actor else 0,
                        "type_name": INTER_NAMES.get(actor.type, "") if actor else "",
                        "kind": actor.kind if actor else "group",
                        "degree": 0,
                        "weight": 0,
                    }
                nodes[key]["degree"] += 1
                nodes[key]["weight"] += nev
            edges.append(
                {"source": s, "target": t, "kind": kind_, "sign": _sign(kind_), "weight": nev, "relations": nrel, "first": first, "last": last}
            )
        return _fast_json({"nodes": list(nodes.values()), "edges": edges})

    # ----------------------------------------------------------------- stats, areas, articles

    @app.get("/api/stats", summary="Counts, date range, events by type and admin area")
    def stats(c: Conn) -> Response:
        return _fast_json(conns.cached("stats", lambda: _stats(c)))

    def _stats(c: sqlite3.Connection) -> dict[str, Any]:
        counts = {
            t: c.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("documents", "mentions", "events", "event_evidence", "relations", "discovered_actors")
        }
        first, last = c.execute("SELECT MIN(event_date), MAX(event_date) FROM events WHERE background = 0").fetchone()
        return (
            {
                "counts": counts,
                "first_date": first,
                "last_date": last,
                "fatalities": c.execute("SELECT COALESCE(SUM(fatalities), 0) FROM events WHERE background = 0").fetchone()[0],
                "located": c.execute("SELECT COUNT(*) FROM events WHERE background = 0 AND latitude IS NOT NULL").fetchone()[0],
                "event_types": list(EVENT_TYPE_ORDER),
                "sub_event_types": {t: list(s) for t, s in EVENT_TYPES.items()},
                "by_type": dict(c.execute("SELECT event_type, COUNT(*) FROM events WHERE background = 0 GROUP BY 1 ORDER BY 2 DESC").fetchall()),
                "by_country": dict(c.execute("SELECT country, COUNT(*) FROM events WHERE background = 0 AND country != '' GROUP BY 1 ORDER BY 2 DESC").fetchall()),
                "by_admin1": dict(c.execute("SELECT admin1, COUNT(*) FROM events WHERE background = 0 AND admin1 != '' GROUP BY 1 ORDER BY 2 DESC").fetchall()),
                "relations_by_kind": dict(c.execute("SELECT kind, COUNT(*) FROM relations GROUP BY 1 ORDER BY 2 DESC").fetchall()),
                "admin_areas": dict(c.execute("SELECT level, COUNT(*) FROM admin_areas GROUP BY 1").fetchall()),
            }
        )

    @app.get("/api/admin-areas", summary="Imported admin boundaries as GeoJSON (empty when none were imported)")
    def admin_areas(
        c: Conn,
        level: Annotated[int, Query(ge=1, le=2)] = 1,
        bbox: Annotated[str | None, Query(max_length=200, pattern=BBOX_PATTERN)] = None,
        limit: Annotated[int, Query(ge=1, le=20000)] = 5000,
    ) -> Response:
        sql = "SELECT id, level, name, parent, country, country_code, geometry FROM admin_areas WHERE level = ?"
        params: list[Any] = [level]
        if bbox:
            minlon, minlat, maxlon, maxlat = _parse_bbox(bbox)
            sql += " AND max_lat >= ? AND min_lat <= ? AND max_lon >= ? AND min_lon <= ?"
            params += [minlat, maxlat, min(minlon, maxlon), max(minlon, maxlon)]
        sql += " LIMIT ?"
        params.append(limit)
        features = []
        for row in c.execute(sql, params):
            try:
                geometry = json.loads(row["geometry"])
            except ValueError:
                continue
            if isinstance(geometry, dict) and geometry.get("type") == "Feature":
                geometry = geometry.get("geometry")
            features.append(
                {
                    "type": "Feature",
                    "id": row["id"],
                    "geometry": geometry,
                    "properties": {k: row[k] for k in ("level", "name", "parent", "country", "country_code")},
                }
            )
        return _fast_json({"type": "FeatureCollection", "features": features})

    @app.get("/api/articles/{doc_id}", responses=NOT_FOUND, summary="A stored article: cleaned text, mention spans and evidence spans")
    def get_article(c: Conn, doc_id: Annotated[str, PathParam(max_length=500)]) -> Response:
        row = c.execute(
            "SELECT doc_id, title, outlet, url, published, language, text, pipeline_version, ingested_at FROM documents WHERE doc_id = ?",
            (doc_id,),
        ).fetchone()
        if row is None:
            raise HTTPException(404, f"no article {doc_id!r}")
        data = dict(row)
        data["mentions"] = [
            dict(m)
            for m in c.execute(
                'SELECT start, "end", kind, text, resolved_id, name FROM mentions WHERE doc_id = ? ORDER BY start, "end"', (doc_id,)
            )
        ]
        data["event_evidence"] = [
            dict(m)
            for m in c.execute(
                'SELECT e.event_id, e.start, e.end, e.text, v.event_type, v.sub_event_type FROM event_evidence e'
                " JOIN events v ON v.id = e.event_id WHERE e.doc_id = ? ORDER BY e.start",
                (doc_id,),
            )
        ]
        data["relation_evidence"] = [
            dict(m)
            for m in c.execute(
                'SELECT e.relation_id, e.start, e.end, e.text, r.kind, r.source, r.target FROM relation_evidence e'
                " JOIN relations r ON r.id = e.relation_id WHERE e.doc_id = ? ORDER BY e.start",
                (doc_id,),
            )
        ]
        return _fast_json(data)

    # ----------------------------------------------------------------- writing

    if write_token:
        token = write_token

        def authorised(request: Request) -> None:
            # A dependency, so it runs before the body is validated: no token, no 422 details.
            auth = request.headers.get("authorization", "")
            scheme, _, given = auth.partition(" ")
            if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), token.encode()):
                raise HTTPException(403, "a valid 'Authorization: Bearer <token>' header is required")

        @app.post(
            "/api/articles",
            summary="Ingest documents (needs the server's write token as a Bearer token)",
            dependencies=[Depends(authorised)],
            responses={403: {"description": "Missing or wrong bearer token"}},
        )
        def post_articles(documents: list[ArticleIn]) -> JSONResponse:
            if not documents or len(documents) > 1000:
                raise _invalid("body", "documents", len(documents), "send between 1 and 1000 documents")
            from frontlines.errors import InputError
            from frontlines.ingest import make_article
            from frontlines.pipeline import run_ingest

            items: list[Any] = []
            for i, doc in enumerate(documents):
                where = f"request[{i}] ({doc.id})"
                try:
                    items.append(
                        make_article(
                            external_id=doc.id, text=doc.text, where=where, title=doc.title,
                            published=doc.published, outlet=doc.outlet, url=doc.url,
                        )
                    )
                except InputError as exc:
                    items.append(exc)
            with _write_lock:
                report = run_ingest(items, db=app.state.db, workers=1)
            return JSONResponse(
                {
                    "stored": report.stored,
                    "unchanged": report.unchanged,
                    "failed": report.failed,
                    "events": report.events,
                    "errors": report.errors,
                }
            )

    else:

        @app.post("/api/articles", include_in_schema=False)
        def post_disabled() -> None:
            raise HTTPException(404, "writing is disabled: start the server with a write token")

    return app


_write_lock = threading.Lock()


def _sign(kind: str) -> int:
    return -1 if kind in NEGATIVE else 1 if kind in POSITIVE else 0


def run_server(db: str, host: str = "127.0.0.1", port: int = 8000, write_token: str | None = None) -> None:
    """Serve the API and web UI with uvicorn (one worker) until interrupted."""
    import uvicorn

    app = create_app(db, write_token=write_token)  # raises StoreError for a missing store
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False, proxy_headers=False, server_header=False)
