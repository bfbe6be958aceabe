"""The actor network: building, writing (GraphML/GEXF/JSON) and timelines."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from frontlines.actors import ActorBase
from frontlines.network import actor_timeline, build_graph, format_timeline, graph_summary, write_graph
from frontlines.records import Evidence, Relation

BASE_ENTRIES = [
    {"id": "nusra", "name": "Jabhat al-Nusra", "type": 2, "kind": "group", "country": "Syria",
     "relations": [{"kind": "affiliate_of", "target": "aq", "from": "2012-01-23", "to": "2016-07-28"}]},
    {"id": "aq", "name": "Al-Qaeda", "type": 2, "kind": "group"},
    {"id": "fsa", "name": "Free Syrian Army", "type": 2, "kind": "group", "country": "Syria"},
    {"id": "is", "name": "Islamic State", "type": 2, "kind": "group",
     "relations": [{"kind": "split_from", "target": "aq", "from": "2014-02-03"}]},
]


def rel(kind: str, src: tuple[str, str], tgt: tuple[str, str], day: date | None, doc: str, n: int = 1) -> Relation:
    evidence = tuple(Evidence(doc=doc, start=i, end=i + 5, text="words") for i in range(n))
    return Relation(id=f"{doc}-{kind}-{src[1]}-{tgt[1]}", kind=kind, source=src[0], target=tgt[0], source_id=src[1],
                    target_id=tgt[1], date=day, confidence=0.7, source_docs=(doc,), evidence=evidence)


NUSRA, FSA, IS = ("Jabhat al-Nusra", "nusra"), ("Free Syrian Army", "fsa"), ("Islamic State", "is")
RELATIONS = [
    rel("allied", NUSRA, FSA, date(2014, 1, 9), "d1", n=2),
    rel("hostile", FSA, NUSRA, date(2015, 3, 1), "d2"),
    rel("hostile", NUSRA, FSA, date(2016, 3, 13), "d3"),
    rel("hostile", NUSRA, IS, date(2015, 5, 12), "d4"),
    rel("leads", ("Abu Example", ""), NUSRA, None, "d5"),
]


@pytest.fixture(scope="module")
def base() -> ActorBase:
    return ActorBase(BASE_ENTRIES)


def test_nodes_and_signed_weighted_edges(base: ActorBase) -> None:
    g = build_graph(RELATIONS, base=base)
    assert g.nodes["nusra"]["name"] == "Jabhat al-Nusra" and g.nodes["nusra"]["type"] == 2
    assert g.nodes["name:abu example"]["kind"] == "group" and g.nodes["name:abu example"]["known"] == 0
    hostile = g.get_edge_data("fsa", "nusra", key="hostile")  # symmetric: canonical order
    assert hostile["sign"] == -1 and hostile["count"] == 2 and hostile["weight"] == 2
    assert (hostile["first"], hostile["last"]) == ("2015-03-01", "2016-03-13")
    assert hostile["years"] == "2015;2016" and hostile["docs"] == "d2; d3" and hostile["source"] == "text"
    allied = g.get_edge_data("fsa", "nusra", key="allied")
    assert allied["sign"] == 1 and allied["weight"] == 2
    assert g.get_edge_data("name:abu example", "nusra", key="leads")["sign"] == 0
    kb = g.get_edge_data("nusra", "aq", key="affiliate_of:kb")
    assert kb["source"] == "kb" and kb["first"] == "2012-01-23" and kb["last"] == "2016-07-28" and kb["sign"] == 1
    summary = graph_summary(g)
    assert summary["sources"] == {"kb": 2, "text": 4}


def test_window(base: ActorBase) -> None:
    g = build_graph(RELATIONS, base=base, since=date(2015, 1, 1), until=date(2015, 12, 31))
    assert not g.has_edge("fsa", "nusra", key="allied")
    edge = g.get_edge_data("fsa", "nusra", key="hostile")
    assert edge["count"] == 1 and edge["first"] == edge["last"] == "2015-03-01"
    assert "name:abu example" not in g  # undated relations cannot be placed in a window
    assert g.has_edge("nusra", "aq", key="affiliate_of:kb")  # 2012-2016 overlaps 2015
    late = build_graph(RELATIONS, base=base, since=date(2017, 1, 1))
    assert not late.has_edge("nusra", "aq", key="affiliate_of:kb")
    assert late.has_edge("is", "aq", key="split_from:kb")  # open-ended


def test_graphml_round_trip_and_well_formed(tmp_path: Path, base: ActorBase) -> None:
    g = build_graph(RELATIONS, base=base)
    g.nodes["nusra"]["tags"] = ["a", "b"]  # lists and None must not reach GraphML
    g.nodes["fsa"]["note"] = None
    path = tmp_path / "net.graphml"
    write_graph(g, "graphml", path)
    root = ET.parse(path).getroot()
    assert root.tag.endswith("graphml")
    types = {k.get("attr.type") for k in root.iter("{http://graphml.graphdrawing.org/xmlns}key")}
    assert types <= {"string", "int", "long", "double", "float"}
    back = nx.read_graphml(path, force_multigraph=True)
    assert isinstance(back, nx.MultiDiGraph)
    assert back.number_of_nodes() == g.number_of_nodes() and back.number_of_edges() == g.number_of_edges()
    assert back.nodes["nusra"]["tags"] == "a; b" and back.nodes["fsa"]["note"] == ""
    assert back.get_edge_data("fsa", "nusra", key="hostile")["sign"] == -1


def test_gexf_and_json(tmp_path: Path, base: ActorBase) -> None:
    g = build_graph(RELATIONS, base=base)
    write_graph(g, "gexf", tmp_path / "net.gexf")
    ET.parse(tmp_path / "net.gexf")
    assert nx.read_gexf(tmp_path / "net.gexf").number_of_nodes() == g.number_of_nodes()
    buffer = io.StringIO()
    write_graph(g, "json", buffer)
    data = json.loads(buffer.getvalue())
    assert data["multigraph"] is True and len(data["links"]) == g.number_of_edges()
    back = nx.node_link_graph(data, edges="links")
    assert back.number_of_edges() == g.number_of_edges()
    binary = io.BytesIO()
    write_graph(g, "graphml", binary)
    ET.fromstring(binary.getvalue())
    with pytest.raises(ValueError):
        write_graph(g, "dot", buffer)  # type: ignore[arg-type]


def test_actor_timeline() -> None:
    rows = actor_timeline(RELATIONS, "nusra")
    by_key = {(r["counterpart_id"], r["kind"]): r for r in rows}
    allied = by_key[("fsa", "allied")]
    assert allied["years"] == "2014" and allied["count"] == 1 and allied["direction"] == "both"
    hostile = by_key[("fsa", "hostile")]
    assert hostile["years"] == "2015-2016" and hostile["by_year"] == {2015: 1, 2016: 1}
    assert (hostile["first"], hostile["last"]) == (date(2015, 3, 1), date(2016, 3, 13))
    assert by_key[("", "leads")]["direction"] == "in"
    assert rows[0]["kind"] == "allied"  # sorted by first date
    lines = format_timeline(rows)
    assert "Free Syrian Army: allied 2014 (1); hostile 2015-2016 (2)" in lines
    assert actor_timeline(RELATIONS, "nobody") == []


def test_export_network(tmp_path: Path, base: ActorBase) -> None:
    from frontlines.network import export_network

    summary = export_network(RELATIONS, "json", tmp_path / "net.json", base=base, until=date(2015, 12, 31))
    data = json.loads((tmp_path / "net.json").read_text(encoding="utf-8"))
    assert summary["edges"] == len(data["links"]) and summary["kinds"]["hostile"] == 2
