"""Toponym resolution from raw text on GeoWebNews (GWN) and LGL.

For each article: spaCy GPE/LOC/FAC/ORG spans become candidates (PERSON spans block), then
``PlaceResolver.find_places``. A gold toponym with coordinates is correct when a place
mention overlapping it resolves within 161 km (100 miles, the usual geoparsing threshold).

    .venv/bin/python scripts/eval_geoparsing.py [--limit N] [--json] [--strict] [--errors FILE]

Reads ../shared/eval/geoparsing/{GWN,lgl}.xml by path; exits 0 with a message when absent.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval" / "geoparsing"
# GeoWebNews types that name a location (the paper's "locational" set); the others are
# demonym-, language- or organisation-like uses.
GWN_LOCATIONAL = frozenset({"Literal", "Literal_Modifier", "Mixed", "Coercion", "Embedded_Literal"})
THRESHOLD_KM = 161.0


@dataclass(frozen=True, kw_only=True, slots=True)
class Gold:
    start: int
    end: int
    text: str
    lat: float
    lon: float


@dataclass(frozen=True, kw_only=True, slots=True)
class Doc:
    text: str
    gold: tuple[Gold, ...]


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def read_gwn(path: Path) -> Iterator[Doc]:
    for art in ET.parse(path).getroot().iter("article"):
        text = art.findtext("text") or ""
        gold = []
        for tp in art.iter("toponym"):
            if tp.findtext("type") not in GWN_LOCATIONAL:
                continue
            lat, lon = _float(tp.findtext("latitude")), _float(tp.findtext("longitude"))
            if lat is None or lon is None:
                continue
            gold.append(Gold(start=int(tp.findtext("start") or 0), end=int(tp.findtext("end") or 0),
                             text=tp.findtext("extractedName") or "", lat=lat, lon=lon))
        yield Doc(text=text, gold=tuple(gold))


def read_lgl(path: Path) -> Iterator[Doc]:
    for art in ET.parse(path).getroot().iter("article"):
        text = art.findtext("text") or ""
        gold = []
        for tp in art.iter("toponym"):
            tag = tp.find("gaztag")
            if tag is None:
                continue
            lat, lon = _float(tag.findtext("lat")), _float(tag.findtext("lon"))
            if lat is None or lon is None:
                continue
            gold.append(Gold(start=int(tp.findtext("start") or 0), end=int(tp.findtext("end") or 0),
                             text=tp.findtext("phrase") or "", lat=lat, lon=lon))
        yield Doc(text=text, gold=tuple(gold))


def evaluate(docs: list[Doc], resolver, nlp, *, demonyms: bool, errors: list[str]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Accuracy with demonyms resolved to their country (both corpora annotate "Syrian",
    "American" as toponyms) and, as ``strict``, without them (the pipeline's default)."""
    from frontlines.gazetteer import normalise
    from frontlines.places import haversine_km

    correct = total = mentions = strict_correct = 0
    seconds = 0.0
    for doc, sp in zip(docs, nlp.pipe([d.text for d in docs], batch_size=16), strict=True):
        cands = [(e.start_char, e.end_char, e.label_) for e in sp.ents
                 if e.label_ in ("GPE", "LOC", "FAC", "ORG", "PERSON")]
        t0 = time.perf_counter()
        found = resolver.find_places(doc.text, candidates=cands, demonyms=True)
        seconds += time.perf_counter() - t0
        mentions += len(found)
        for g in doc.gold:
            total += 1
            hit = [m for m in found if m.start < g.end and g.start < m.end]
            good = [
                m for m in hit if m.place is not None
                and haversine_km(m.place.latitude, m.place.longitude, g.lat, g.lon) <= THRESHOLD_KM
            ]
            strict_correct += any(normalise(m.alias) not in resolver.demonyms for m in good)
            ok = bool(good) if demonyms else any(normalise(m.alias) not in resolver.demonyms for m in good)
            correct += ok
            if not ok:
                got = hit[0].place if hit and hit[0].place else None
                errors.append(
                    f"{g.text!r} gold=({g.lat:.2f},{g.lon:.2f}) got="
                    + (f"{got.name},{got.country_code},{got.feature} ({got.latitude:.2f},{got.longitude:.2f})"
                       if got else "none")
                )
    return {
        "accuracy": correct / total if total else 0.0,
        "strict_accuracy": strict_correct / total if total else 0.0,
        "gold": total,
        "correct": correct,
        "toponyms_per_s": mentions / seconds if seconds else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="first N articles of each corpus")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--strict", action="store_true",
                    help="headline figure without demonyms as places (the pipeline default)")
    ap.add_argument("--errors", type=Path, help="write unresolved/misresolved gold toponyms here")
    ap.add_argument("--db", type=Path, help="gazetteer SQLite file to use (built if empty); default: a fresh temporary one")
    ap.add_argument("--data", type=Path, default=SHARED, help="folder holding GWN.xml and lgl.xml")
    args = ap.parse_args(argv)

    gwn_path, lgl_path = args.data / "GWN.xml", args.data / "lgl.xml"
    if not (gwn_path.exists() and lgl_path.exists()):
        print(f"eval_geoparsing: {args.data} has no GWN.xml/lgl.xml (shared corpora absent); nothing to do.")
        return 0

    sys.path.insert(0, str(ROOT / "src"))
    from frontlines.nlp import load_model
    from frontlines.places import PlaceResolver

    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(args.db or Path(tmp) / "gazetteer.db")
        t0 = time.perf_counter()
        resolver = PlaceResolver(conn)
        # The transliteration index is built on the first fuzzy lookup: count it as loading.
        resolver.find_places("Maaret al-Numman", candidates=[(0, 16, "GPE")])
        load_s = time.perf_counter() - t0
        nlp = load_model(parser=False, ner=True)
        results = {}
        errors: list[str] = []
        for name, reader, path in (("GWN", read_gwn, gwn_path), ("LGL", read_lgl, lgl_path)):
            docs = list(reader(path))
            if args.limit:
                docs = docs[: args.limit]
            errors.append(f"## {name}")
            results[name] = evaluate(docs, resolver, nlp, demonyms=not args.strict, errors=errors)
        conn.close()
    if args.errors:
        args.errors.write_text("\n".join(errors) + "\n", encoding="utf-8")
    figures = {
        "gwn_accuracy": round(results["GWN"]["accuracy"], 4),
        "gwn_gold": results["GWN"]["gold"],
        "lgl_accuracy": round(results["LGL"]["accuracy"], 4),
        "lgl_gold": results["LGL"]["gold"],
        "toponyms_per_s": round(
            min(results["GWN"]["toponyms_per_s"], results["LGL"]["toponyms_per_s"]), 1),
        "gazetteer_load_s": round(load_s, 2),
        "gwn_accuracy_no_demonyms": round(results["GWN"]["strict_accuracy"], 4),
        "lgl_accuracy_no_demonyms": round(results["LGL"]["strict_accuracy"], 4),
        "demonyms_as_places": not args.strict,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print("| corpus | gold toponyms | correct (<=161 km) | accuracy | without demonyms | floor |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name, floor in (("GWN", 0.85), ("LGL", 0.75)):
            r = results[name]
            print(f"| {name} | {r['gold']} | {r['correct']} | {r['accuracy']:.3f} "
                  f"| {r['strict_accuracy']:.3f} | {floor} |")
        print(f"\nresolution speed: {figures['toponyms_per_s']:.0f} toponyms/s; "
              f"gazetteer build+load: {load_s:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
