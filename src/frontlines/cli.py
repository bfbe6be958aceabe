"""Command line: a thin layer over the library. Each command parses options and calls it."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click

from frontlines import __version__
from frontlines.errors import FrontlinesError, InputError

DB_HELP = "SQLite store to use (created when missing)."


def _err(message: str) -> None:
    click.echo(message, err=True)


@contextmanager
def _progress(total: int | None, label: str) -> Iterator[Any]:
    """A progress bar on a terminal; silent when stderr is piped or redirected."""
    if not sys.stderr.isatty():
        yield lambda n=1: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True
    ) as progress:
        task = progress.add_task(label, total=total)
        yield lambda n=1: progress.advance(task, n)


def _note_first_use() -> None:
    """Say why the first run pauses: the default gazetteer is built once per installation."""
    from frontlines.gazetteer import default_cache_ready

    if not default_cache_ready():
        _err("Building the default gazetteer and its search index (first use only, about 10 s) ...")


def _parse_day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected YYYY-MM-DD, got {value!r}", param_hint=name) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="frontlines")
def main() -> None:
    """frontlines: conflict news -> sourced ACLED-style events and an actor network, offline.

    \b
    Typical session:
      frontlines ingest articles/ --db my.db          # read, code and store
      frontlines events --db my.db --type Battles     # look at what was found
      frontlines export --db my.db --format acled-csv --out events.csv
    """


# ------------------------------------------------------------------ ingest


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--db", default="frontlines.db", show_default=True, help=DB_HELP)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes for the NLP stages.")
@click.option("--force", is_flag=True, help="Re-process documents already stored unchanged.")
@click.option(
    "--csv-map",
    default=None,
    help="Map document fields to CSV columns, e.g. id=unit_id,text=article_content,title=article_title,published=date,outlet=source.",
)
@click.option("--actors", "actor_files", multiple=True, type=click.Path(exists=True, dir_okay=False), help="Extra actor YAML merged over the built-in knowledge base (repeatable).")
@click.option("--max-bytes", default=20_000_000, show_default=True, type=click.IntRange(1), help="Refuse input files larger than this.")
@click.option("--model", default=None, type=click.Path(exists=True, dir_okay=False), help="Sub-event classifier saved by 'frontlines train' (rules alone without it).")
def ingest(inputs: tuple[str, ...], db: str, workers: int, force: bool, csv_map: str | None, actor_files: tuple[str, ...], max_bytes: int, model: str | None) -> None:
    """Read, code and store documents.

    INPUTS are files (.txt, .html, .jsonl, .csv), folders (read recursively) or - for
    standard input. Documents JSONL needs `id` and `text` per line; `title`, `published`
    (YYYY-MM-DD), `outlet`, `url`, `language` are optional. A `meta.jsonl` beside .txt files
    (`file`, `published`, `outlet`) supplies their metadata. Each document is committed in its
    own transaction; re-running on the same input changes nothing unless --force.
    """
    from frontlines.ingest import ReadOptions, parse_csv_map, read_inputs
    from frontlines.pipeline import run_ingest

    try:
        options = ReadOptions(csv_map=parse_csv_map(csv_map), max_bytes=max_bytes)
    except InputError as exc:
        raise click.UsageError(str(exc)) from None
    items = list(read_inputs(inputs, options=options, stdin=sys.stdin.buffer if "-" in inputs else None))
    _note_first_use()
    with _progress(len(items), "coding") as advance:
        try:
            report = run_ingest(
                items, db=db, workers=workers, force=force, actor_files=actor_files, model=model, on_error=_err, on_progress=advance
            )
        except FrontlinesError as exc:
            raise click.ClickException(str(exc)) from None
    unchanged = f", {report.unchanged} unchanged" if report.unchanged else ""
    if report.duplicates:
        unchanged += f", {report.duplicates} exact duplicates skipped"
    click.echo(f"{report.stored} documents stored, {report.failed} failed{unchanged}; {report.events} events coded -> {db}")
    if report.failed:
        sys.exit(1)


# ------------------------------------------------------------------ export / events


@main.command()
@click.option("--db", default="frontlines.db", show_default=True, help=DB_HELP)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "acled-csv", "geojson", "relations-jsonl"]), default="jsonl", show_default=True)
@click.option("--out", default="-", show_default=True, help="Output file, or - for standard output. Files are written atomically.")
@click.option("--include-background", is_flag=True, help="Also export events flagged as background history.")
@click.option("--unfused", is_flag=True, help="One event per document report, without merging reports of the same event.")
def export(db: str, fmt: str, out: str, include_background: bool, unfused: bool) -> None:
    """Export events (JSONL, ACLED CSV, GeoJSON) or relations (relations-jsonl)."""
    from frontlines.export import open_output, write_events, write_relations
    from frontlines.store import Store

    try:
        with Store(db, readonly=True) as store:
            if fmt == "relations-jsonl":
                rows = store.relations()
                with open_output(out) as handle:
                    n = write_relations(rows, handle)
            else:
                events = store.events(include_background=include_background, fused=not unfused)
                with open_output(out) as handle:
                    n = write_events(events, fmt, handle)
    except FrontlinesError as exc:
        raise click.ClickException(str(exc)) from None
    if out != "-":
        _err(f"{n} {'relations' if fmt == 'relations-jsonl' else 'events'} written to {out}")


@main.command()
@click.option("--db", default="frontlines.db", show_default=True, help=DB_HELP)
@click.option("--actor", default=None, help="Actor name, alias fragment or id.")
@click.option("--type", "etype", default=None, help="Event type or sub-event type, e.g. Battles or 'Air/drone strike'.")
@click.option("--since", default=None, help="First day, YYYY-MM-DD.")
@click.option("--until", default=None, help="Last day, YYYY-MM-DD.")
@click.option("--near", default=None, help="LAT,LON,KM: only events within KM of the point.")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1))
@click.option("--unfused", is_flag=True, help="Show each document's report separately.")
def events(db: str, actor: str | None, etype: str | None, since: str | None, until: str | None, near: str | None, limit: int, unfused: bool) -> None:
    """Show stored events as a readable table."""
    from rich.console import Console
    from rich.table import Table

    from frontlines.evaluate import haversine_km
    from frontlines.records import EVENT_TYPES
    from frontlines.store import Store

    point = None
    if near:
        try:
            lat, lon, km = (float(x) for x in near.split(","))
            point = (lat, lon, km)
        except ValueError:
            raise click.BadParameter("expected LAT,LON,KM, e.g. 36.2,37.1,25", param_hint="--near") from None
    kind = {"event_type": etype} if etype in EVENT_TYPES else {"sub_event_type": etype}
    try:
        with Store(db, readonly=True) as store:
            rows = store.events(
                actor=actor, since=_parse_day(since, "--since"), until=_parse_day(until, "--until"), fused=not unfused, **kind
            )
    except FrontlinesError as exc:
        raise click.ClickException(str(exc)) from None
    if point:
        rows = [
            e for e in rows if e.latitude is not None and haversine_km(point[0], point[1], e.latitude, e.longitude or 0.0) <= point[2]
        ]
    table = Table(title=f"{len(rows)} events" + (f" (showing {limit})" if len(rows) > limit else ""))
    for col in ("date", "type", "actor 1", "actor 2", "location", "deaths", "docs"):
        table.add_column(col)
    for e in rows[:limit]:
        table.add_row(
            e.event_date.isoformat() if e.event_date else "?",
            e.sub_event_type,
            e.actor1,
            e.actor2 or "-",
            f"{e.location} ({e.admin1})" if e.admin1 else e.location or "?",
            str(e.fatalities),
            ", ".join(e.source_docs),
        )
    console = Console()
    (console if console.is_terminal else Console(width=180)).print(table)


# ------------------------------------------------------------------ annotate


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option("--db", default=None, help="Use this store's gazetteer (with your imports); nothing is written to it.")
@click.option("--csv-map", default=None, help="As for ingest.")
@click.option("--raw", is_flag=True, help="Keep each text exactly as given (no cleaning), so offsets index your input.")
def annotate(inputs: tuple[str, ...], fmt: str, db: str | None, csv_map: str | None, raw: bool) -> None:
    """Print the actor, person, place and date mentions of each document (nothing stored).

    One JSON line per document: {"id", "mentions": [{"start", "end", "text", "kind",
    "actor": {"id", "name", "type"}?, "place": {"name", "lat", "lon", "country", "admin1"}?}]}.
    Offsets index the cleaned text (boilerplate removed) unless --raw. Pronouns appear as
    mentions of the person or group they refer back to.
    """
    from frontlines.ingest import ReadOptions, parse_csv_map, read_inputs
    from frontlines.pipeline import Processor, ProcessorConfig

    _note_first_use()
    processor = Processor(ProcessorConfig(db=db, ner="all"))
    failed = 0
    options = ReadOptions(csv_map=parse_csv_map(csv_map), clean=not raw)
    for item in read_inputs(inputs, options=options, stdin=sys.stdin.buffer):
        if isinstance(item, InputError):
            _err(str(item))
            failed += 1
            continue
        _, mentions, _ = processor.annotate(item)
        click.echo(json.dumps({"id": item.external_id, "mentions": [mention_json(m) for m in mentions]}, ensure_ascii=False))
    if failed:
        sys.exit(1)


def mention_json(m: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"start": m.start, "end": m.end, "text": m.text, "kind": m.kind}
    if m.kind in ("actor", "person") and (m.resolved_id or m.name):
        row["actor"] = {"id": m.resolved_id, "name": m.name or m.text, "type": m.actor_type}
    if m.kind == "place" and m.place is not None:
        p = m.place
        row["place"] = {"name": p.name, "lat": p.latitude, "lon": p.longitude, "country": p.country, "admin1": p.admin1}
    if m.kind == "date" and m.value:
        row["date"] = m.value
    return row


# ------------------------------------------------------------------ evaluate


@main.command()
@click.option("--gold", required=True, type=click.Path(exists=True, dir_okay=False), help="Gold events JSONL (schema: shared/gold/GUIDE.md).")
@click.option("--docs", required=True, type=click.Path(exists=True), help="Documents (JSONL or any ingest input) the gold was coded from.")
@click.option("--gazetteer", "gaz", multiple=True, help="FILE:FORMAT gazetteer import applied to the temporary store first (repeatable), e.g. ged.csv:ucdp.")
@click.option("--details", is_flag=True, help="List every matched, missed and false event.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def evaluate(gold: str, docs: str, gaz: tuple[str, ...], details: bool, as_json: bool) -> None:
    """Run the pipeline on DOCS in a temporary store and score it against GOLD."""
    from frontlines.evaluate import GazetteerImport, evaluate_events

    imports = []
    for spec in gaz:
        path, sep, fmt = spec.rpartition(":")
        if not sep:
            raise click.BadParameter("expected FILE:FORMAT", param_hint="--gazetteer")
        imports.append(GazetteerImport(path=path, fmt=fmt))
    try:
        scores, report = evaluate_events(gold=gold, docs=docs, imports=imports)
    except FrontlinesError as exc:
        raise click.ClickException(str(exc)) from None
    result = scores.as_dict()
    result["documents"] = {"stored": report.stored, "failed": report.failed}
    if as_json:
        if details:
            result["details"] = scores.details
        click.echo(json.dumps(result, indent=2))
        return
    c = scores.counts
    click.echo(f"events: P {c.precision:.3f}  R {c.recall:.3f}  F1 {c.f1:.3f}  (tp {c.tp}, fp {c.fp}, fn {c.fn})")
    for name, acc in scores.field_accuracy().items():
        click.echo(f"  {name:<16} {acc:.3f}")
    if details:
        for row in scores.details:
            tag = "FP  " if row.get("false_positive") else "MISS" if row.get("missed") else "OK  "
            click.echo(f"{tag} {row['doc']}  pred: {row.get('pred_summary', '-')}")
            if row.get("gold_summary"):
                click.echo(f"     {'':<20}  gold: {row['gold_summary']}")


# ------------------------------------------------------------------ train


@main.command()
@click.option("--acled", "acled_csv", required=True, type=click.Path(exists=True, dir_okay=False), help="An ACLED-format export with `notes` and `sub_event_type` columns.")
@click.option("--out", required=True, help="Where to save the model (e.g. beside your store: my.db.subevents.model).")
def train(acled_csv: str, out: str) -> None:
    """Train the optional sub-event classifier (scikit-learn, CPU, seconds).

    Pass the saved model to `frontlines ingest --model` to re-rank sub-event types within
    the event type the rules chose; without it the rules alone decide. Needs scikit-learn
    (`pip install 'frontlines[learn]'`).
    """
    from frontlines.classifier import train as train_model

    try:
        report = train_model(Path(acled_csv), Path(out))
    except FrontlinesError as exc:
        raise click.ClickException(str(exc)) from None
    except ImportError as exc:
        raise click.ClickException(f"scikit-learn is needed for 'train' ({exc}); pip install 'frontlines[learn]'") from None
    click.echo(
        f"{report.rows} notes, {len(report.classes)} sub-event types, trained in {report.seconds} s "
        f"(training accuracy {report.train_accuracy:.3f}) -> {report.path}"
    )


# ------------------------------------------------------------------ actors


@main.group(invoke_without_command=True)
@click.argument("query", required=False)
@click.option("--db", default=None, help="Store for event counts and discovered actors.")
@click.option("--discovered", is_flag=True, help="List actors discovered in the store but absent from the knowledge base.")
@click.pass_context
def actors(ctx: click.Context, query: str | None, db: str | None, discovered: bool) -> None:
    """List actors, or show one: aliases, type, dated relations, events per year."""
    if ctx.invoked_subcommand is not None:
        return
    from frontlines.actors import ActorBase
    from frontlines.store import Store

    if discovered:
        if not db:
            raise click.UsageError("--discovered needs --db")
        with Store(db, readonly=True) as store:
            for row in store.discovered():
                click.echo(f"{row['count']:>5}  {row['name']}  (first seen {row['first_seen'] or '?'}, {row['documents']} docs, {row['pattern']})")
        return
    base = ActorBase.load()
    if not query:
        for actor in sorted(base, key=lambda a: a.name.casefold()):
            click.echo(f"{actor.id:<32} {actor.type}  {actor.name}")
        return
    found = base.search(query)
    if not found:
        raise click.ClickException(f"no actor matches {query!r}")
    actor = found[0]
    click.echo(f"{actor.name}  [{actor.id}]  type {actor.type}  {actor.country}")
    if actor.aliases:
        click.echo("aliases: " + ", ".join(actor.aliases))
    for link in actor.links:
        target = base.get(link.target)
        span = f"{link.start or '?'} .. {link.end or ''}"
        click.echo(f"  {link.kind:<14} {target.name if target else link.target}  ({span})")
    if db:
        from frontlines.network import actor_timeline, format_timeline

        with Store(db, readonly=True) as store:
            timeline = format_timeline(actor_timeline(store.relations(), actor.id))
            years = store.conn.execute(
                "SELECT substr(event_date,1,4) y, COUNT(*) FROM events WHERE actor1_id = ? OR actor2_id = ? GROUP BY y ORDER BY y",
                (actor.id, actor.id),
            ).fetchall()
        for y, n in years:
            click.echo(f"  events {y or '?'}: {n}")
        if timeline:
            click.echo("relations in the news:")
            for line in timeline:
                click.echo(f"  {line}")


@actors.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def actors_validate(file: str) -> None:
    """Check a user's actor YAML (same schema as the built-in base) and how it merges."""
    from frontlines.actors import ActorBase, validate_file

    try:
        problems = validate_file(Path(file))
    except FrontlinesError as exc:
        raise click.ClickException(str(exc)) from None
    for problem in problems:
        _err(problem)
    if problems:
        raise click.ClickException(f"{file}: {len(problems)} problem(s)")
    merged = ActorBase.load([Path(file)])
    click.echo(f"{file}: valid; the merged base holds {len(merged)} actors")


# ------------------------------------------------------------------ network


@main.command()
@click.option("--db", default="frontlines.db", show_default=True, help=DB_HELP)
@click.option("--since", default=None, help="First day of the window, YYYY-MM-DD.")
@click.option("--until", default=None, help="Last day of the window, YYYY-MM-DD.")
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json"]), default="graphml", show_default=True)
@click.option("--out", required=True, help="Output file (GraphML and GEXF open in Gephi; JSON is node-link data).")
@click.option("--actors", "actor_files", multiple=True, type=click.Path(exists=True, dir_okay=False), help="Extra actor YAML merged over the built-in base.")
def network(db: str, since: str | None, until: str | None, fmt: str, out: str, actor_files: tuple[str, ...]) -> None:
    """Write the actor network: typed, signed, dated edges weighted by evidence.

    Edges come from relations found in the news and from the knowledge base's dated links.
    """
    from frontlines.actors import ActorBase
    from frontlines.export import open_output
    from frontlines.network import export_network
    from frontlines.store import Store

    try:
        with Store(db, readonly=True) as store:
            relations = store.relations()
        base = ActorBase.load([Path(p) for p in actor_files])
        with open_output(out) as handle:
            summary = export_network(
                relations, fmt, handle, base=base, since=_parse_day(since, "--since"), until=_parse_day(until, "--until")  # type: ignore[arg-type]
            )
    except FrontlinesError as exc:
        raise click.ClickException(str(exc)) from None
    _err(f"{summary['nodes']} actors, {summary['edges']} edges written to {out}")


# ------------------------------------------------------------------ serve


@main.command()
@click.option("--db", default="frontlines.db", show_default=True, help=DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; the default keeps the server on this machine.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve(db: str, host: str, port: int) -> None:
    """Serve the REST API (/api, spec at /openapi.json, docs at /docs) and the web UI (/).

    Read-only unless the environment variable FRONTLINES_WRITE_TOKEN is set: then
    POST /api/articles ingests documents for requests carrying "Authorization: Bearer TOKEN".
    """
    import os

    from frontlines.api import run_server

    token = os.environ.get("FRONTLINES_WRITE_TOKEN") or None
    if host not in ("127.0.0.1", "localhost", "::1"):
        _err(f"warning: serving on {host}: other machines can reach this server")
    _err(f"frontlines: serving {db} at http://{host}:{port}/ (Ctrl-C to stop)")
    try:
        run_server(db, host=host, port=port, write_token=token)
    except FrontlinesError as exc:
        raise click.ClickException(str(exc)) from None


# ------------------------------------------------------------------ gazetteer


@main.group()
def gazetteer() -> None:
    """Import place lists into the store's gazetteer and inspect it."""


@gazetteer.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["geonames", "acled", "ucdp", "geojson"]), required=True)
@click.option("--db", default="frontlines.db", show_default=True, help=DB_HELP)
def gazetteer_import(file: str, fmt: str, db: str) -> None:
    """Import FILE in one transaction (a broken file changes nothing; re-imports add nothing)."""
    from frontlines import gazetteer as gz
    from frontlines.pipeline import prepare_store
    from frontlines.store import Store

    _note_first_use()
    try:
        prepare_store(db)
        with Store(db) as store:
            report = gz.import_file(store.conn, Path(file), fmt=fmt)  # type: ignore[arg-type]
    except FrontlinesError as exc:
        raise click.ClickException(str(exc)) from None
    for problem in report.skipped[:20]:
        _err(problem)
    if len(report.skipped) > 20:
        _err(f"... and {len(report.skipped) - 20} more skipped rows")
    click.echo(f"{file}: {report.rows_read} rows read, {report.places_added} places added, {len(report.skipped)} skipped")


@gazetteer.command("stats")
@click.option("--db", default="frontlines.db", show_default=True, help=DB_HELP)
def gazetteer_stats(db: str) -> None:
    """Places loaded, by source and country."""
    from frontlines import gazetteer as gz
    from frontlines.pipeline import prepare_store
    from frontlines.store import Store

    prepare_store(db)
    with Store(db) as store:
        for source, country, count in gz.stats(store.conn):
            click.echo(f"{count:>8}  {source:<16} {country}")


if __name__ == "__main__":  # pragma: no cover
    main()
