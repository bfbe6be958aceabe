#!/usr/bin/env python
"""Benchmark the REST API and the web page on a large made-up store.

Builds a store of N events (default 100,000) by replicating invented events with dates and
locations varied deterministically, then measures, on one worker on 127.0.0.1:

* ``GET /api/events`` with bbox + time filters (limit 50): p50/p95/max over ~200 requests
  (in-process, FastAPI's TestClient, so the number is the app's own latency);
* ``GET /api/points`` (every located event, what the map loads), a few times;
* the time until the page shows the whole set, clustered, in headless Chromium (uvicorn in a
  thread, Playwright driving /usr/bin/chromium; skipped with a note when either is absent).

Prints a markdown table. Usage::

    .venv/bin/python scripts/bench_api.py [--events 100000] [--requests 200] [--db PATH] [--keep]
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from frontlines.records import Article, Event, Evidence, Relation
from frontlines.store import Store

TEMPLATES = [
    ("Battles", "Armed clash", "Islamic State", "islamic_state", "Syrian Democratic Forces", "sdf"),
    ("Battles", "Non-state actor overtakes territory", "Hayat Tahrir al-Sham", "hts", "Military Forces of Syria (2000-)", "syria_military"),
    ("Explosions/Remote violence", "Air/drone strike", "Military Forces of Russia (2000-)", "russia_military", "Civilians (Syria)", ""),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "Military Forces of Syria (2000-)", "syria_military", "", ""),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", "Unidentified Armed Group (Syria)", "", "", ""),
    ("Violence against civilians", "Attack", "Unidentified Armed Group (Syria)", "", "Civilians (Syria)", ""),
    ("Protests", "Peaceful protest", "Protesters (Syria)", "", "", ""),
    ("Riots", "Violent demonstration", "Rioters (Syria)", "", "", ""),
    ("Strategic developments", "Arrests", "Military Forces of Syria (2000-)", "syria_military", "", ""),
]
PLACES = [  # invented-but-plausible anchor points (lat, lon, admin1)
    (36.20, 37.16, "Aleppo"), (35.93, 36.63, "Idlib"), (34.73, 36.71, "Homs"), (33.51, 36.29, "Damascus"),
    (32.62, 36.10, "Daraa"), (35.33, 40.14, "Deir ez-Zor"), (35.95, 39.01, "Raqqa"), (36.50, 40.75, "Hasakah"),
    (35.13, 36.75, "Hama"), (35.52, 35.78, "Latakia"), (33.31, 44.36, "Baghdad"), (36.34, 43.13, "Nineveh"),
]
START = date(2012, 1, 1)
SPAN_DAYS = 4000
PER_DOC = 200


def build(path: str, n: int) -> None:
    rng = random.Random(20260101)
    t0 = time.perf_counter()
    with Store(path) as store:
        store.conn.execute("PRAGMA synchronous=OFF")
        written = 0
        doc_no = 0
        while written < n:
            doc = f"bench-{doc_no:06d}"
            text = f"Invented benchmark report {doc_no}. " + " ".join(f"Sentence {k} about an invented event." for k in range(PER_DOC))
            article = Article(id=Article.content_id(text), external_id=doc, text=text, title=f"Bench {doc_no}",
                              outlet="Bench Wire", published=START + timedelta(days=doc_no % SPAN_DAYS))
            events = []
            for k in range(min(PER_DOC, n - written)):
                i = written + k
                etype, sub, a1, a1id, a2, a2id = TEMPLATES[i % len(TEMPLATES)]
                lat0, lon0, admin1 = PLACES[(i * 7) % len(PLACES)]
                start = text.index(f"Sentence {k} ")
                sentence = f"Sentence {k} about an invented event."
                events.append(Event(
                    id=f"b{i:07d}",
                    event_date=START + timedelta(days=(i * 7919) % SPAN_DAYS),
                    time_precision=1 + i % 3,
                    event_type=etype, sub_event_type=sub,
                    actor1=a1, actor1_id=a1id, actor2=a2, actor2_id=a2id,
                    country="Iraq" if admin1 in ("Baghdad", "Nineveh") else "Syria", admin1=admin1,
                    location=f"{admin1} place {i % 97}",
                    latitude=round(lat0 + rng.uniform(-0.6, 0.6), 4), longitude=round(lon0 + rng.uniform(-0.6, 0.6), 4),
                    geo_precision=1 + i % 3, fatalities=(i * 31) % 17 if i % 3 == 0 else 0,
                    source="Bench Wire",
                    evidence=(Evidence(doc=doc, start=start, end=start + len(sentence), text=sentence),),
                ))
            rels = [Relation(id=f"r{doc_no:06d}", kind="hostile" if doc_no % 3 else "allied",
                             source=TEMPLATES[doc_no % 4][2], target=TEMPLATES[(doc_no + 1) % 4][2],
                             source_id=TEMPLATES[doc_no % 4][3], target_id=TEMPLATES[(doc_no + 1) % 4][3],
                             date=START + timedelta(days=doc_no % SPAN_DAYS),
                             evidence=(events[0].evidence[0],))]
            store.write_document(article, mentions=[], events=events, relations=rels, pipeline_version="bench")
            written += len(events)
            doc_no += 1
        store.conn.execute("ANALYZE")
    print(f"built {n:,} events in {time.perf_counter() - t0:.1f} s -> {path}", file=sys.stderr)


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def bench_api(path: str, requests: int) -> dict[str, float]:
    from fastapi.testclient import TestClient

    from frontlines.api import create_app

    rng = random.Random(7)
    out: dict[str, float] = {}
    with TestClient(create_app(path)) as client:
        client.get("/api/stats")  # warm up (actor base, connections)
        times = []
        totals = []
        for _ in range(requests):
            lat, lon, _ = PLACES[rng.randrange(len(PLACES))]
            half = rng.choice((0.3, 0.8, 1.5, 3.0))
            since = START + timedelta(days=rng.randrange(SPAN_DAYS - 400))
            until = since + timedelta(days=rng.choice((7, 30, 90, 365)))
            params = {"bbox": f"{lon - half},{lat - half},{lon + half},{lat + half}",
                      "since": since.isoformat(), "until": until.isoformat(), "limit": 50}
            t0 = time.perf_counter()
            r = client.get("/api/events", params=params)
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.text
            totals.append(r.json()["total"])
        out["events_p50"] = statistics.median(times)
        out["events_p95"] = percentile(times, 95)
        out["events_max"] = max(times)
        out["events_mean_total"] = statistics.mean(totals)
        pts = []
        for _ in range(3):
            t0 = time.perf_counter()
            r = client.get("/api/points", headers={"Accept-Encoding": "gzip"})
            pts.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200
        out["points_ms"] = statistics.median(pts)
        out["points_n"] = len(r.json()["id"])
        out["points_bytes"] = len(r.content)
    return out


def bench_page(path: str) -> dict[str, float] | str:
    chromium = "/usr/bin/chromium"
    if not Path(chromium).exists():
        return f"{chromium} absent"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "playwright not installed"
    import uvicorn

    from frontlines.api import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(path), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]
    loads = []
    drawn = 0
    foreign: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=args)
            for run in range(3):
                context = browser.new_context(viewport={"width": 1400, "height": 850})
                context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else (foreign.append(r.request.url), r.abort()))
                page = context.new_page()
                t0 = time.perf_counter()
                page.goto(base + "/")
                page.wait_for_selector('body[data-ready="1"]', timeout=60_000)
                loads.append(time.perf_counter() - t0)
                drawn = int(page.get_attribute("#map", "data-events") or 0)
                markers = int(page.get_attribute("#map", "data-markers") or 0)
                if run == 0:
                    Path("artifacts").mkdir(exist_ok=True)
                    page.screenshot(path="artifacts/bench-100k.png")
                context.close()
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    return {"page_load_s": statistics.median(loads), "page_load_max_s": max(loads), "drawn": drawn, "markers": markers,
            "foreign": len(foreign)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--db", help="reuse/create the store here (default: a temporary file)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary store")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--write", action="store_true", help="also write the table to BENCHMARKS.md (section 'api')")
    args = parser.parse_args()
    tmp = None
    if args.db:
        path = args.db
    else:
        tmp = tempfile.mkdtemp(prefix="frontlines-bench-")
        path = str(Path(tmp) / "bench.db")
    if not Path(path).exists():
        build(path, args.events)
    with Store(path, readonly=True) as store:
        n = store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    from frontlines.api import RECOMMENDED_INDEXES, ensure_indexes

    with Store(path, readonly=True) as store:
        have = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    wanted = {stmt.split(" ON ")[0].split()[-1] for stmt in RECOMMENDED_INDEXES}
    before = None if wanted <= have else bench_api(path, args.requests)
    ensure_indexes(path)
    api = bench_api(path, args.requests)
    page = None if args.no_browser else bench_page(path)
    lines: list[str] = []
    lines.append(f"| measure ({n:,} events, 1 worker, 127.0.0.1) | value | target |")
    lines.append("| --- | --- | --- |")
    if before:
        lines.append(f"| `/api/events` bbox + time window, limit 50, store indexes only: p50 / p95 | {before['events_p50']:.1f} / {before['events_p95']:.1f} ms | |")
        lines.append("| *with `frontlines.api.RECOMMENDED_INDEXES` added:* | | |")
    lines.append(f"| `/api/events` bbox + time window, limit 50: p50 | {api['events_p50']:.1f} ms | |")
    lines.append(f"| `/api/events` bbox + time window, limit 50: p95 ({args.requests} requests) | {api['events_p95']:.1f} ms | <= 100 ms |")
    lines.append(f"| `/api/events` bbox + time window, limit 50: max | {api['events_max']:.1f} ms | |")
    lines.append(f"| mean matching events per request | {api['events_mean_total']:.0f} | |")
    lines.append(f"| `/api/points` (all {api['points_n']:,} located events, gzip {api['points_bytes'] / 1e6:.1f} MB) | {api['points_ms']:.0f} ms | |")
    if isinstance(page, dict):
        lines.append(f"| page shows the whole set clustered (headless Chromium, median of 3) | {page['page_load_s']:.2f} s | <= 2 s |")
        lines.append(f"| page load, worst of 3 | {page['page_load_max_s']:.2f} s | |")
        lines.append(f"| events drawn / cluster markers | {page['drawn']:,} / {page['markers']} | |")
        lines.append(f"| requests to other hosts | {page['foreign']} | 0 |")
    elif page:
        lines.append(f"| page load | not measured: {page} | <= 2 s |")
    table = "\n".join(lines)
    print(table)
    if args.write:
        import datetime
        import os
        import platform

        from sections import write_section

        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        body = (
            f"Measured {stamp} on {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}. Command: `make bench` (`python scripts/bench_api.py --write`).\n\n{table}"
        )
        write_section(Path(__file__).resolve().parent.parent / "BENCHMARKS.md", "api", body, title="Benchmarks")
    if tmp and not args.keep:
        for f in Path(tmp).iterdir():
            f.unlink()
        Path(tmp).rmdir()


if __name__ == "__main__":
    main()
