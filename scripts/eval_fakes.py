"""FA-KES checks: crash safety on 804 real articles, and governorate agreement.

1. Uninterrupted ingest of the corpus (with the UCDP places and OCHA admin boundaries
   imported) into a reference store.
2. The same ingest into a second store, killed with SIGKILL at two moments; after each kill
   the store must pass `PRAGMA integrity_check` and keep every document it had committed;
   a re-run must then finish with exactly the reference counts.
3. For each article, the governorate of its events (majority admin1; else of its Syrian
   place mentions) against the corpus's `location` column, with the confusion table.

Prints markdown; `--json` prints one final JSON line {"figures": {...}, "markdown": "..."}.
Exits 0 with a message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FAKES = SHARED / "corpus" / "fa-kes" / "FA-KES-Dataset.csv"
UCDP = SHARED / "gazetteer" / "ucdp-ged-syria" / "ged_syria_2016-2019.csv"
ADMIN = [SHARED / "gazetteer" / "syria-admin" / f"syr_admin{n}.geojson" for n in (1, 2)]
CSV_MAP = "id=unit_id,text=article_content,title=article_title,published=date,outlet=source"
TABLES = ("documents", "mentions", "events", "event_evidence", "relations", "discovered_actors")


def frontlines(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "frontlines", *args], capture_output=True, text=True, check=check, cwd=ROOT)


def prepare(db: Path) -> None:
    frontlines("gazetteer", "import", str(UCDP), "--format", "ucdp", "--db", str(db))
    for path in ADMIN:
        frontlines("gazetteer", "import", str(path), "--format", "geojson", "--db", str(db))


def ingest_args(db: Path) -> list[str]:
    return [sys.executable, "-m", "frontlines", "ingest", str(FAKES), "--csv-map", CSV_MAP, "--db", str(db)]


def counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        conn.close()


def doc_count(db: Path) -> int:
    try:
        conn = sqlite3.connect(db, timeout=1)
        try:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def crash_check(tmp: Path, reference: dict[str, int], seed: int) -> tuple[list[str], bool]:
    db = tmp / "crashed.db"
    prepare(db)
    rng = random.Random(seed)
    notes = []
    ok = True
    total = reference["documents"]
    for target in sorted(rng.sample(range(20, max(21, total - 50)), 2)):
        proc = subprocess.Popen(ingest_args(db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        while proc.poll() is None and doc_count(db) < target:
            time.sleep(0.05)
        if proc.poll() is not None:
            notes.append(f"run finished before {target} documents; no kill")
            continue
        before = doc_count(db)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        conn = sqlite3.connect(db)
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        conn.close()
        after = doc_count(db)
        ok &= integrity == "ok" and after >= before
        notes.append(f"killed at {after} documents stored: integrity_check {integrity}, committed kept {after >= before}")
    frontlines(*ingest_args(db)[3:], check=False)
    final = counts(db)
    same = final == reference
    ok &= same
    notes.append(f"re-run completed: counts {'identical to' if same else 'DIFFER from'} the uninterrupted run ({final})")
    return notes, ok


def governorate_key(name: str) -> str:
    """'Deir-ez-Zor', 'deir ezzor', 'Dayr Az Zawr' -> one key; Rural Damascus counts as Damascus."""
    key = re.sub(r"^(al|as|ar|ad|ash)[-\s]+", "", name.casefold().replace("governorate", "").strip())
    key = re.sub(r"[^a-z]", "", key)
    aliases = {
        "ruraldamascus": "damascus", "rifdimashq": "damascus", "dimashq": "damascus",
        "deirezzor": "deirezzor", "deirezor": "deirezzor", "dayrazzawr": "deirezzor", "deirazzor": "deirezzor",
        "hasakeh": "hasakah", "hasaka": "hasakah", "hassakeh": "hasakah",
        "lattakia": "latakia", "ladhiqiyah": "latakia", "tartous": "tartus", "tartus": "tartus",
        "raqqah": "raqqa", "idleb": "idlib", "halab": "aleppo", "dara": "daraa", "deraa": "daraa",
        "sweida": "suwayda", "sweida": "suwayda", "suwaida": "suwayda", "quneitra": "quneitra", "hamah": "hama",
    }  # fmt: skip
    return aliases.get(key, key)


def governorates(db: Path) -> dict[str, str]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    by_doc: dict[str, Counter[str]] = defaultdict(Counter)
    for row in conn.execute(
        "SELECT ev.doc_id, e.admin1 FROM events e JOIN event_evidence ev ON ev.event_id = e.id WHERE e.admin1 != '' AND e.country = 'Syria'"
    ):
        by_doc[row["doc_id"]][governorate_key(row["admin1"])] += 1
    fallback: dict[str, Counter[str]] = defaultdict(Counter)
    for row in conn.execute("SELECT doc_id, data FROM mentions WHERE kind = 'place'"):
        place = json.loads(row["data"] or "{}").get("place") or {}
        if place.get("country") == "Syria" and place.get("admin1"):
            fallback[row["doc_id"]][governorate_key(place["admin1"])] += 1
    conn.close()
    out = {}
    for doc in set(by_doc) | set(fallback):
        counter = by_doc.get(doc) or fallback[doc]
        out[doc] = counter.most_common(1)[0][0]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-crash", action="store_true", help="Skip the kill -9 runs.")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not FAKES.exists():
        print(f"eval_fakes: {FAKES} not found; skipping.")
        if args.json:
            print(json.dumps({"figures": {}, "markdown": "(skipped: corpus absent)"}))
        return 0
    import csv

    csv.field_size_limit(sys.maxsize)
    with FAKES.open(newline="", encoding="utf-8") as handle:
        gold = {row["unit_id"]: governorate_key(row["location"]) for row in csv.DictReader(handle)}
    with tempfile.TemporaryDirectory(prefix="frontlines-fakes-") as tmp_name:
        tmp = Path(tmp_name)
        ref = tmp / "reference.db"
        prepare(ref)
        started = time.perf_counter()
        proc = frontlines(*ingest_args(ref)[3:], check=False)
        seconds = time.perf_counter() - started
        reference = counts(ref)
        found = governorates(ref)
        crash_notes, crash_ok = ([], True) if args.no_crash else crash_check(tmp, reference, args.seed)

    agree = sum(1 for doc, g in gold.items() if found.get(doc) == g)
    covered = sum(1 for doc in gold if doc in found)
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    for doc, g in gold.items():
        confusion[g][found.get(doc, "(none)")] += 1
    predicted = sorted({p for row in confusion.values() for p in row})
    lines = [
        f"Reference ingest: {reference['documents']} documents, {reference['events']} events in {seconds:.0f} s "
        f"(`frontlines ingest FA-KES-Dataset.csv --csv-map {CSV_MAP}` after importing the UCDP places and OCHA admin1/admin2); "
        f"last line: `{proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip()[-200:]}`",
        "",
        f"Governorate agreement: **{agree / len(gold):.3f}** of {len(gold)} articles "
        f"({covered} articles got a governorate; agreement among those {agree / max(covered, 1):.3f}). "
        "An article's governorate is the majority admin1 of its events, else of its Syrian place mentions; "
        "Rural Damascus counts as the corpus's `damascus`.",
        "",
        "Confusion (rows: corpus `location`; columns: frontlines):",
        "",
        "| corpus \\ frontlines | " + " | ".join(predicted) + " |",
        "|---|" + "---|" * len(predicted),
    ]
    for g in sorted(confusion):
        lines.append(f"| {g} | " + " | ".join(str(confusion[g].get(p, 0) or "") for p in predicted) + " |")
    if crash_notes:
        lines += ["", "Crash safety (kill -9 during ingest, then re-run):", ""] + [f"- {n}" for n in crash_notes]
        lines.append(f"- result: {'PASS' if crash_ok else 'FAIL'}")
    markdown = "\n".join(lines)
    print(markdown)
    if args.json:
        figures = {"governorate_agreement": agree / len(gold), "crash_ok": float(crash_ok)}
        print(json.dumps({"figures": figures, "markdown": markdown}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
