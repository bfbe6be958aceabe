"""The dated actor network: who fought, allied with, backed or belonged to whom, and when.

:func:`build_graph` turns extracted relations (and the knowledge base's dated links) into a
``networkx.MultiDiGraph``: one node per actor, one edge per (source, target, kind, origin)
with a sign, a weight (pieces of evidence), first/last dates and the documents behind it.
Symmetric kinds (hostile, allied) are stored once, from the canonically first actor, with
``symmetric=1``. :func:`write_graph` writes GraphML (Gephi-safe: str/int/float attributes
only), GEXF, or node-link JSON. :func:`actor_timeline` summarises one actor's relations per
counterpart and kind, year by year ("Nusra and the FSA: allied 2014, hostile 2015-2016").
"""

from __future__ import annotations

import io
import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import IO, Any, Literal

import networkx as nx

from frontlines.actors import ActorBase
from frontlines.records import SYMMETRIC_RELATIONS, Relation

__all__ = [
    "SIGNS",
    "actor_timeline",
    "build_graph",
    "export_network",
    "format_timeline",
    "graph_summary",
    "write_graph",
]

SIGNS: dict[str, int] = {
    "hostile": -1,
    "allied": 1,
    "supports": 1,
    "member_of": 1,
    "affiliate_of": 1,
    "merged_into": 0,
    "split_from": 0,
    "leads": 0,
    "spokesperson_of": 0,
    "renamed_to": 0,
}


def _norm(name: str) -> str:
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _node_key(ident: str, name: str) -> str:
    """The node of an actor: its knowledge-base id, else ``name:<normalised name>``."""
    return ident if ident else f"name:{_norm(name)}"


def _in_window(day: date | None, since: date | None, until: date | None) -> bool:
    if since is None and until is None:
        return True
    if day is None:
        return False  # an undated relation cannot be placed inside a window
    return (since is None or day >= since) and (until is None or day <= until)


def _overlaps(start: date | None, end: date | None, since: date | None, until: date | None) -> bool:
    return (until is None or start is None or start <= until) and (since is None or end is None or end >= since)


def _add_node(graph: nx.MultiDiGraph, key: str, name: str, base: ActorBase | None) -> None:
    if key in graph:
        return
    actor = base.get(key) if base is not None and not key.startswith("name:") else None
    if actor is not None:
        graph.add_node(
            key,
            id=actor.id,
            name=actor.name,
            type=int(actor.type),
            kind=actor.kind,
            country=actor.country or "",
            known=1,
        )
    else:
        graph.add_node(
            key,
            id="" if key.startswith("name:") else key,
            name=name or key.removeprefix("name:"),
            type=0,
            kind="group",
            country="",
            known=0,
        )


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def build_graph(
    relations: Sequence[Relation],
    *,
    base: ActorBase | None = None,
    since: date | None = None,
    until: date | None = None,
) -> nx.MultiDiGraph:
    """The actor network of ``relations`` (plus the knowledge base's links when ``base`` is given).

    Nodes (keyed by actor id, else ``name:<normalised name>``): ``id``, ``name``, ``type``
    (ACLED actor type, 0 for persons and unknown actors), ``kind`` (group/person),
    ``country``, ``known`` (1 when in the knowledge base).

    Edges (key ``"<kind>"`` for text relations, ``"<kind>:kb"`` for knowledge-base links):
    ``kind``, ``sign`` (hostile -1; allied, supports, member_of, affiliate_of +1; others 0),
    ``weight`` (pieces of evidence), ``count`` (relations), ``first``/``last`` (ISO dates,
    "" when unknown), ``years`` ("2014;2015"), ``docs`` ("; "-joined document ids),
    ``confidence`` (highest), ``symmetric`` (0/1), ``source`` ("text" or "kb").

    ``since``/``until`` keep relations dated inside the window (undated ones are dropped
    when a window is given) and knowledge-base links whose period overlaps it.
    """
    graph = nx.MultiDiGraph(name="frontlines actor network")
    acc: dict[tuple[str, str, str], dict[str, Any]] = {}
    for rel in sorted(relations, key=lambda r: (r.date or date.max, r.id)):
        if not _in_window(rel.date, since, until):
            continue
        src = (_node_key(rel.source_id, rel.source), rel.source)
        tgt = (_node_key(rel.target_id, rel.target), rel.target)
        if src[0] == tgt[0]:
            continue
        if rel.kind in SYMMETRIC_RELATIONS and tgt[0] < src[0]:
            src, tgt = tgt, src
        _add_node(graph, src[0], src[1], base)
        _add_node(graph, tgt[0], tgt[1], base)
        slot = acc.setdefault(
            (src[0], tgt[0], rel.kind),
            {"weight": 0, "count": 0, "dates": [], "docs": set(), "confidence": 0.0},
        )
        slot["weight"] += max(1, len(rel.evidence))
        slot["count"] += 1
        if rel.date:
            slot["dates"].append(rel.date)
        slot["docs"].update(d for d in (*rel.source_docs, *(e.doc for e in rel.evidence)) if d)
        slot["confidence"] = max(slot["confidence"], float(rel.confidence))
    for (s, t, kind), slot in sorted(acc.items()):
        dates = sorted(slot["dates"])
        graph.add_edge(
            s,
            t,
            key=kind,
            kind=kind,
            sign=SIGNS.get(kind, 0),
            weight=int(slot["weight"]),
            count=int(slot["count"]),
            first=_iso(dates[0] if dates else None),
            last=_iso(dates[-1] if dates else None),
            years=";".join(sorted({str(d.year) for d in dates})),
            docs="; ".join(sorted(slot["docs"])),
            confidence=round(slot["confidence"], 3),
            symmetric=int(kind in SYMMETRIC_RELATIONS),
            source="text",
        )
    if base is not None:
        _add_kb_links(graph, base, since, until)
    return graph


def _add_kb_links(graph: nx.MultiDiGraph, base: ActorBase, since: date | None, until: date | None) -> None:
    seen: set[tuple[str, str, str]] = set()
    for actor in sorted(base, key=lambda a: a.id):
        for link in actor.links:
            if link.target not in base or link.target == actor.id:
                continue
            if not _overlaps(link.start, link.end, since, until):
                continue
            s, t = actor.id, link.target
            if link.kind in SYMMETRIC_RELATIONS and t < s:
                s, t = t, s
            if (s, t, link.kind) in seen:
                continue
            seen.add((s, t, link.kind))
            _add_node(graph, s, "", base)
            _add_node(graph, t, "", base)
            years = ""
            if link.start and link.end:
                years = ";".join(str(y) for y in range(link.start.year, link.end.year + 1))
            graph.add_edge(
                s,
                t,
                key=f"{link.kind}:kb",
                kind=link.kind,
                sign=SIGNS.get(link.kind, 0),
                weight=1,
                count=1,
                first=_iso(link.start),
                last=_iso(link.end),
                years=years,
                docs="",
                confidence=1.0,
                symmetric=int(link.kind in SYMMETRIC_RELATIONS),
                source="kb",
            )


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _scalar(value: Any) -> str | int | float:
    """A GraphML/GEXF-safe attribute value: str, int or float (never None, bool or a list)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, default=str)
    if isinstance(value, Iterable):
        return "; ".join(str(_scalar(v)) for v in value)
    return str(value)


def _clean(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose every attribute is a str/int/float, with one type per attribute name."""
    out = nx.MultiDiGraph()
    out.graph.update({k: _scalar(v) for k, v in graph.graph.items()})
    for node, data in graph.nodes(data=True):
        out.add_node(str(node), **{k: _scalar(v) for k, v in data.items()})
    for s, t, key, data in graph.edges(keys=True, data=True):
        out.add_edge(str(s), str(t), key=str(key), **{k: _scalar(v) for k, v in data.items()})
    # GraphML declares one type per key: where an attribute mixes types, make it a string.
    for items in (
        [d for _, d in out.nodes(data=True)],
        [d for _, _, d in out.edges(data=True)],
    ):
        kinds: dict[str, set[type]] = {}
        for data in items:
            for k, v in data.items():
                kinds.setdefault(k, set()).add(type(v))
        mixed = {k for k, ts in kinds.items() if len(ts) > 1}
        if mixed:
            for data in items:
                for k in mixed & set(data):
                    data[k] = str(data[k])
    return out


def _render(graph: nx.MultiDiGraph, fmt: str) -> str:
    clean = _clean(graph)
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(clean, encoding="utf-8", prettyprint=True)) + "\n"
    if fmt == "gexf":
        return "\n".join(nx.generate_gexf(clean, encoding="utf-8", prettyprint=True)) + "\n"
    if fmt == "json":
        data = nx.node_link_data(clean, edges="links")
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    raise ValueError(f"unknown graph format {fmt!r} (graphml, gexf or json)")


def write_graph(
    graph: nx.MultiDiGraph,
    fmt: Literal["graphml", "gexf", "json"],
    handle_or_path: str | os.PathLike[str] | IO[str] | IO[bytes],
) -> None:
    """Write ``graph`` as GraphML (Gephi-valid), GEXF or node-link JSON to a path or open file."""
    text = _render(graph, fmt)
    if isinstance(handle_or_path, str | os.PathLike):
        Path(handle_or_path).write_text(text, encoding="utf-8")
        return
    handle = handle_or_path
    if isinstance(handle, io.TextIOBase) or "b" not in getattr(handle, "mode", "w"):
        try:
            handle.write(text)  # type: ignore[arg-type]
            return
        except TypeError:
            pass
    handle.write(text.encode("utf-8"))  # type: ignore[arg-type]


def export_network(
    relations: Sequence[Relation],
    fmt: Literal["graphml", "gexf", "json"],
    handle_or_path: str | os.PathLike[str] | IO[str] | IO[bytes],
    *,
    base: ActorBase | None = None,
    since: date | None = None,
    until: date | None = None,
) -> dict[str, Any]:
    """Build the network and write it; returns :func:`graph_summary` for a CLI message.

    For ``frontlines network --db PATH [--since --until] --format F --out FILE``:
    ``export_network(store.relations(), F, FILE, base=ActorBase.load(), since=..., until=...)``.
    """
    graph = build_graph(relations, base=base, since=since, until=until)
    write_graph(graph, fmt, handle_or_path)
    return graph_summary(graph)


def graph_summary(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Counts for a CLI line: nodes, edges, edges per kind and per origin."""
    kinds = Counter(d.get("kind", "") for _, _, d in graph.edges(data=True))
    origins = Counter(d.get("source", "") for _, _, d in graph.edges(data=True))
    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "kinds": dict(sorted(kinds.items())),
        "sources": dict(sorted(origins.items())),
    }


# --------------------------------------------------------------------------------------------
# Timelines
# --------------------------------------------------------------------------------------------


def _years_label(years: Iterable[int]) -> str:
    """2014, 2015, 2016, 2018 -> "2014-2016, 2018"."""
    ys = sorted(set(years))
    runs: list[list[int]] = []
    for y in ys:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def actor_timeline(relations: Sequence[Relation], actor_id: str) -> list[dict[str, Any]]:
    """One actor's relations, per counterpart and kind: first, last, count and count by year.

    ``actor_id`` is a knowledge-base id (an actor without one can be named by its name).
    Each row: ``counterpart``, ``counterpart_id``, ``kind``, ``direction`` ("out" when the
    actor is the source, "in" when the target, "both" for symmetric kinds), ``first``,
    ``last`` (dates or None), ``count``, ``by_year`` ({year: count}), ``years`` ("2014-2016"),
    ``docs`` (sorted document ids). Rows are sorted by first date, then counterpart and kind.
    """
    wanted = actor_id.strip()
    wanted_name = _norm(wanted)
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}

    def is_me(ident: str, name: str) -> bool:
        return ident == wanted if ident else bool(wanted_name) and _norm(name) == wanted_name

    for rel in relations:
        if is_me(rel.source_id, rel.source):
            other, other_id, direction = rel.target, rel.target_id, "out"
        elif is_me(rel.target_id, rel.target):
            other, other_id, direction = rel.source, rel.source_id, "in"
        else:
            continue
        if other_id == wanted and other_id:
            continue
        if rel.kind in SYMMETRIC_RELATIONS:
            direction = "both"
        key = (_node_key(other_id, other), rel.kind, direction)
        row = rows.setdefault(
            key,
            {
                "counterpart": other,
                "counterpart_id": other_id,
                "kind": rel.kind,
                "direction": direction,
                "first": None,
                "last": None,
                "count": 0,
                "by_year": Counter(),
                "docs": set(),
            },
        )
        row["count"] += 1
        row["docs"].update(rel.source_docs or {e.doc for e in rel.evidence})
        if rel.date:
            row["first"] = min(filter(None, (row["first"], rel.date)))
            row["last"] = max(filter(None, (row["last"], rel.date)))
            row["by_year"][rel.date.year] += 1
    out = []
    for row in rows.values():
        row["by_year"] = dict(sorted(row["by_year"].items()))
        row["years"] = _years_label(row["by_year"])
        row["docs"] = sorted(d for d in row["docs"] if d)
        out.append(row)
    out.sort(key=lambda r: (r["first"] or date.max, _norm(r["counterpart"]), r["kind"], r["direction"]))
    return out


def format_timeline(rows: Sequence[dict[str, Any]]) -> list[str]:
    """One line per counterpart: "Free Syrian Army: allied 2014 (3); hostile 2015-2016 (7)"."""
    by_other: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_other.setdefault(row["counterpart"], []).append(row)
    lines = []
    for other, items in by_other.items():
        parts = []
        for r in sorted(items, key=lambda r: (r["first"] or date.max, r["kind"])):
            arrow = {"out": " ->", "in": " <-"}.get(r["direction"], "")
            label = r["years"] or "undated"
            parts.append(f"{r['kind']}{arrow} {label} ({r['count']})")
        lines.append(f"{other}: " + "; ".join(parts))
    return lines
