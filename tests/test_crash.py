"""kill -9 during ingest: the store stays sound, keeps what was committed, and a re-run
completes to the same counts as an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

TOWNS = ["Marea", "Azaz", "Tal Rifaat", "Saraqib", "Douma", "Hajin", "Palmyra", "Daraa"]
GROUPS = ["ISIS", "the Levant Front", "the Nusra Front", "Jaysh al-Islam", "the SDF", "Ahrar al-Sham"]


def made_up_reports(n: int) -> list[dict]:
    # Invented reports generated for the test; they describe no real event.
    docs = []
    for i in range(n):
        a, b = GROUPS[i % len(GROUPS)], GROUPS[(i + 2) % len(GROUPS)]
        town = TOWNS[i % len(TOWNS)]
        text = (
            f"Report {i}. {a} clashed with {b} near {town} on Monday, a monitor said. "
            f"At least {i % 9 + 1} fighters were killed in the fighting. "
            f"Residents said shelling continued overnight around {town}."
        )
        docs.append({"id": f"crash-{i:04d}", "text": text, "published": "2016-03-15", "outlet": "Test Wire"})
    return docs


def ingest_cmd(docs: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "frontlines", "ingest", str(docs), "--db", str(db)]


def count(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def snapshot(db: Path) -> dict[str, int]:
    return {t: count(db, t) for t in ("documents", "mentions", "events", "event_evidence", "relations")}


def test_kill_9_then_rerun_matches_an_uninterrupted_run(tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps(d) + "\n" for d in made_up_reports(120)))
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}

    reference = tmp_path / "reference.db"
    subprocess.run(ingest_cmd(docs, reference), check=True, capture_output=True, env=env, timeout=600)
    expected = snapshot(reference)
    assert expected["documents"] == 120

    crashed = tmp_path / "crashed.db"
    kills = 0
    for threshold in (3, 40):
        proc = subprocess.Popen(ingest_cmd(docs, crashed), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            if count(crashed, "documents") >= threshold:
                break
            time.sleep(0.02)
        if proc.poll() is None:
            before = count(crashed, "documents")
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
            conn = sqlite3.connect(crashed)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            conn.close()
            assert count(crashed, "documents") >= before  # nothing committed was lost
            assert count(crashed, "documents") < 120
    assert kills >= 1, "the ingest finished before it could be killed; the test proved nothing"

    subprocess.run(ingest_cmd(docs, crashed), check=True, capture_output=True, env=env, timeout=600)
    assert snapshot(crashed) == expected
    # And a third run changes nothing.
    out = subprocess.run(ingest_cmd(docs, crashed), check=True, capture_output=True, text=True, env=env, timeout=600)
    assert "120 unchanged" in out.stdout
    assert snapshot(crashed) == expected
