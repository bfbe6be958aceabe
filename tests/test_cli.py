from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from conftest import REPORTS, write_jsonl
from frontlines.cli import main
from frontlines.export import ACLED_COLUMNS, JSONL_FIELDS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("cli")
    docs = write_jsonl(tmp / "docs.jsonl", REPORTS)
    db = str(tmp / "cli.db")
    result = CliRunner().invoke(main, ["ingest", str(docs), "--db", db])
    assert result.exit_code == 0, result.output
    assert "3 documents stored, 0 failed" in result.output
    return db


def test_reingest_changes_nothing_and_force_recodes(stored, tmp_path):
    docs = write_jsonl(tmp_path / "docs.jsonl", REPORTS)
    again = CliRunner().invoke(main, ["ingest", str(docs), "--db", stored])
    assert again.exit_code == 0 and "0 documents stored, 0 failed, 3 unchanged" in again.output
    forced = CliRunner().invoke(main, ["ingest", str(docs), "--db", stored, "--force"])
    assert forced.exit_code == 0 and "3 documents stored" in forced.output


def test_the_first_use_says_why_it_pauses(stored, tmp_path, monkeypatch):
    from frontlines import gazetteer

    docs = write_jsonl(tmp_path / "docs.jsonl", REPORTS[:1])
    gazetteer.wait_for_background_writes()
    assert gazetteer.default_cache_ready()  # the module's first ingest built it
    quiet = CliRunner().invoke(main, ["ingest", str(docs), "--db", str(tmp_path / "a.db")])
    assert quiet.exit_code == 0 and "first use" not in quiet.output
    monkeypatch.setattr(gazetteer, "default_cache_ready", lambda: False)
    told = CliRunner().invoke(main, ["ingest", str(docs), "--db", str(tmp_path / "b.db")])
    assert told.exit_code == 0 and "Building the default gazetteer" in told.output


def test_failures_are_counted_and_exit_non_zero(tmp_path):
    good = write_jsonl(tmp_path / "good.jsonl", REPORTS[:1])
    (tmp_path / "empty.txt").write_text("")
    result = CliRunner().invoke(main, ["ingest", str(good), str(tmp_path / "empty.txt"), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert "empty.txt: empty file" in result.output
    assert "1 documents stored, 1 failed" in result.output


def test_export_jsonl_has_the_contract_fields(stored):
    result = CliRunner().invoke(main, ["export", "--db", stored, "--format", "jsonl", "--out", "-"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert rows, "the test reports hold events"
    for row in rows:
        assert tuple(row) == JSONL_FIELDS
        assert row["source_docs"] and row["evidence"]
        for ev in row["evidence"]:
            assert set(ev) == {"doc", "start", "end", "text"}
        assert 0 <= row["confidence"] <= 1
    # The threat in t-3 is not an event.
    assert not any("t-3" in r["source_docs"] for r in rows)


def test_export_acled_csv_and_geojson(stored, tmp_path):
    out = tmp_path / "e.csv"
    result = CliRunner().invoke(main, ["export", "--db", stored, "--format", "acled-csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    reader = csv.DictReader(io.StringIO(out.read_text()))
    assert tuple(reader.fieldnames or ()) == ACLED_COLUMNS and len(ACLED_COLUMNS) == 31
    assert list(reader)
    gj = tmp_path / "e.geojson"
    CliRunner().invoke(main, ["export", "--db", stored, "--format", "geojson", "--out", str(gj)])
    data = json.loads(gj.read_text())
    assert data["type"] == "FeatureCollection"
    for f in data["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_events_table_and_filters(stored):
    result = CliRunner().invoke(main, ["events", "--db", stored])
    assert result.exit_code == 0 and "events" in result.output
    result = CliRunner().invoke(main, ["events", "--db", stored, "--since", "2030-01-01"])
    assert "0 events" in result.output
    bad = CliRunner().invoke(main, ["events", "--db", stored, "--near", "north"])
    assert bad.exit_code != 0 and "LAT,LON,KM" in bad.output


def test_annotate_prints_mentions(tmp_path):
    docs = write_jsonl(tmp_path / "docs.jsonl", REPORTS[:2])
    result = CliRunner().invoke(main, ["annotate", str(docs), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.strip().splitlines()]
    assert [line["id"] for line in lines] == ["t-1", "t-2"]
    for line, report in zip(lines, REPORTS, strict=False):
        for m in line["mentions"]:
            assert report["text"][m["start"] : m["end"]] == m["text"]
    isis = next(m for m in lines[0]["mentions"] if m["text"].startswith("ISIS"))
    assert isis["kind"] == "actor" and isis["actor"]["id"] == "islamic_state" and isis["actor"]["type"] == 2
    assert any(m["kind"] == "date" for m in lines[0]["mentions"])
    places = [m for m in lines[1]["mentions"] if m["kind"] == "place"]
    assert places and all(p["place"]["country"] == "Syria" for p in places)
    assert all(abs(p["place"]["lat"] - 35.7) < 0.5 and abs(p["place"]["lon"] - 36.6) < 0.5 for p in places)


def test_evaluate_scores_a_tiny_gold(tmp_path):
    docs = write_jsonl(tmp_path / "docs.jsonl", REPORTS[:2])
    gold = write_jsonl(
        tmp_path / "gold.jsonl",
        [
            {
                "doc": "t-2",
                "id": "t-2#E1",
                "event_date": "2016-03-15",
                "time_precision": 1,
                "event_type": "Explosions/Remote violence",
                "sub_event_type": "Air/drone strike",
                "actor1": ["Military Forces of Russia", "Russia"],
                "actor2": ["Civilians (Syria)"],
                "latitude": 35.65,
                "longitude": 36.67,
                "fatalities": 9,
                "required": True,
            }
        ],
    )
    result = CliRunner().invoke(main, ["evaluate", "--gold", str(gold), "--docs", str(docs), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["events"]["tp"] == 1
    assert scores["field_accuracy"]["fatalities"] == 1.0


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, cmd in group.commands.items():
        full = f"{prefix}{name}"
        out.append((full, cmd))
        if isinstance(cmd, click.Group):
            out += _commands(cmd, full + " ")
    return out


def test_every_command_and_option_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name, cmd in _commands(main):
        assert f"frontlines {name}" in readme, f"README does not document 'frontlines {name}'"
        assert cmd.help, f"'frontlines {name}' has no --help text"
        for param in cmd.params:
            if isinstance(param, click.Option):
                assert any(opt in readme for opt in param.opts), f"README does not mention {param.opts} of {name}"


def test_help_on_every_command():
    runner = CliRunner()
    for name, _ in _commands(main):
        result = runner.invoke(main, [*name.split(), "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_duplicate_ids_in_one_batch(tmp_path):
    same = write_jsonl(tmp_path / "same.jsonl", [REPORTS[0], REPORTS[0]])
    result = CliRunner().invoke(main, ["ingest", str(same), "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 0 and "1 documents stored, 0 failed, 1 exact duplicates skipped" in result.output
    clash = write_jsonl(tmp_path / "clash.jsonl", [REPORTS[0], {**REPORTS[1], "id": REPORTS[0]["id"]}])
    result = CliRunner().invoke(main, ["ingest", str(clash), "--db", str(tmp_path / "b.db")])
    assert result.exit_code == 1 and "already used in this batch for a different text" in result.output


THREE_OUTLETS = [
    # One invented clash reported by three invented outlets.
    {"id": "o-1", "outlet": "Wire A", "published": "2016-03-15",
     "text": "Jaysh al-Islam fighters clashed with ISIS near Douma on Monday, a monitor said."},
    {"id": "o-2", "outlet": "Wire B", "published": "2016-03-15",
     "text": "Clashes broke out between Jaysh al-Islam and ISIS in Douma on Monday."},
    {"id": "o-3", "outlet": "Wire C", "published": "2016-03-16",
     "text": "On Monday, Jaysh al-Islam fought ISIS in Douma, residents said."},
]


def test_three_outlets_one_clash_and_the_network(tmp_path):
    import networkx as nx

    docs = write_jsonl(tmp_path / "three.jsonl", THREE_OUTLETS)
    db = str(tmp_path / "three.db")
    assert CliRunner().invoke(main, ["ingest", str(docs), "--db", db]).exit_code == 0
    fused = CliRunner().invoke(main, ["export", "--db", db, "--format", "jsonl"])
    rows = [json.loads(line) for line in fused.output.splitlines() if line.startswith("{")]
    clashes = [r for r in rows if r["sub_event_type"] == "Armed clash"]
    assert len(clashes) == 1, rows
    assert clashes[0]["source_docs"] == ["o-1", "o-2", "o-3"]
    unfused = CliRunner().invoke(main, ["export", "--db", db, "--format", "jsonl", "--unfused"])
    assert sum(1 for line in unfused.output.splitlines() if "Armed clash" in line) == 3
    out = tmp_path / "net.graphml"
    result = CliRunner().invoke(main, ["network", "--db", db, "--format", "graphml", "--out", str(out)])
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(out)
    hostile = [(u, v) for u, v, d in graph.edges(data=True) if d.get("kind") == "hostile" and d.get("source") == "text"]
    assert {frozenset(e) for e in hostile} == {frozenset({"jaysh_al_islam", "islamic_state"})}


def test_two_workers_store_what_one_worker_stores(stored, tmp_path):
    docs = write_jsonl(tmp_path / "docs.jsonl", REPORTS)
    db = str(tmp_path / "two.db")
    result = CliRunner().invoke(main, ["ingest", str(docs), "--db", db, "--workers", "2"])
    assert result.exit_code == 0 and "3 documents stored, 0 failed" in result.output

    def rows(path: str) -> list[str]:
        out = CliRunner().invoke(main, ["export", "--db", path, "--format", "jsonl", "--unfused"]).output
        return sorted(line for line in out.splitlines() if line.startswith("{"))

    assert rows(db) == rows(stored)
