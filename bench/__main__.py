"""`python -m bench [--quick] [--json FILE]`: every figure of the benchmark, measured in one run."""

import argparse
import asyncio
import json
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import (
    aggregate,
    import_csv,
    kabupaten,
    machine,
    memory,
    startup,
    throughput,
    throughput_pg,
)
from skm_core.content import Content, load_content, shipped_content_dir
from tests.postgres_server import Unavailable, postgres_server


@dataclass(frozen=True)
class Sizes:
    citizens: int
    rate_limited_citizens: int
    responses: int
    import_rows: int
    unfinished_surveys: int
    startup_runs: int


FULL = Sizes(
    citizens=1_000,
    rate_limited_citizens=10,
    responses=1_000_000,
    import_rows=100_000,
    unfinished_surveys=10_000,
    startup_runs=3,
)
QUICK = Sizes(
    citizens=100,
    rate_limited_citizens=3,
    responses=100_000,
    import_rows=10_000,
    unfinished_surveys=1_000,
    startup_runs=1,
)


def _throughput(sizes: Sizes, content: Content, work: Path) -> dict[str, Any]:
    _progress(f"throughput: {sizes.citizens} citizens through the Telegram application")
    tp = asyncio.run(throughput.measure(work, content, sizes.citizens, sizes.rate_limited_citizens))
    return {
        "updates_per_s": round(tp.updates_per_s, 1),
        "throughput_ratio": round(tp.ratio, 3),
        "bare_updates_per_s": round(tp.bare_updates_per_s, 1),
        "as_the_bot_updates_per_s": round(tp.as_the_bot_updates_per_s, 1),
        "updates": tp.updates,
        "engine_us_per_update": round(tp.engine_us_per_update),
        "updates_per_s_rate_limited": round(tp.rate_limited_updates_per_s, 1),
        "rate_limited_updates": tp.rate_limited_updates,
    }


def _throughput_postgres(sizes: Sizes, content: Content, work: Path) -> dict[str, Any]:
    _progress(f"throughput on PostgreSQL: {sizes.citizens} citizens, one process then two")
    try:
        with postgres_server() as server:
            pg = throughput_pg.measure(work, content, sizes.citizens, server.new_database)
    except Unavailable as reason:
        _progress(f"no PostgreSQL, its figures are left out: {reason}")
        return dict.fromkeys(("pg_one_updates_per_s", "pg_two_updates_per_s", "pg_two_ratio"))
    return {
        "pg_one_updates_per_s": round(pg.one_process_updates_per_s, 1),
        "pg_two_updates_per_s": round(pg.two_processes_updates_per_s, 1),
        "pg_two_ratio": round(pg.ratio, 2),
    }


def _aggregate(sizes: Sizes, content: Content, work: Path) -> dict[str, Any]:
    _progress(f"aggregate: {sizes.responses:,} stored responses")
    ag = aggregate.measure(work, content, sizes.responses)
    return {
        "aggregate_ms": round(ag.summary_ms, 1),
        "aggregate_ratio": round(ag.summary_ratio, 2),
        "tally_ms": round(ag.tally_ms, 1),
        "tally_ratio": round(ag.tally_ratio, 2),
        "bare_scan_ms": round(ag.bare_ms, 1),
        "responses": ag.responses,
    }


def _kabupaten(sizes: Sizes, content: Content, work: Path) -> dict[str, Any]:
    units = 20
    _progress(f"kabupaten: the year's side-by-side of {units} units, {sizes.responses:,} responses")
    roll_up = kabupaten.side_by_side(content, units)
    lite = kabupaten.measure_sqlite(work, sizes.responses, units, roll_up)
    figures: dict[str, Any] = {
        "kabupaten_sqlite_ms": round(lite.roll_up_ms, 1),
        "kabupaten_sqlite_bare_ms": round(lite.bare_ms, 1),
        "kabupaten_sqlite_ratio": round(lite.ratio, 2),
    }
    try:
        with postgres_server() as server:
            pg = kabupaten.measure_postgres(server.new_database(), sizes.responses, units, roll_up)
    except Unavailable as reason:
        _progress(f"no PostgreSQL, its figures are left out: {reason}")
        keys = ("kabupaten_pg_ms", "kabupaten_pg_bare_ms", "kabupaten_pg_ratio")
        return figures | dict.fromkeys(keys)
    return figures | {
        "kabupaten_pg_ms": round(pg.roll_up_ms, 1),
        "kabupaten_pg_bare_ms": round(pg.bare_ms, 1),
        "kabupaten_pg_ratio": round(pg.ratio, 2),
    }


def _import(sizes: Sizes, content: Content, work: Path) -> dict[str, Any]:
    _progress(f"import: a {sizes.import_rows:,}-row CSV")
    im = import_csv.measure(work, content, sizes.import_rows)
    return {
        "import_rows_per_s": round(im.rows_per_s, 1),
        "import_rows": im.rows,
        "import_s": round(im.seconds, 2),
    }


def _memory(sizes: Sizes, content: Content, work: Path) -> dict[str, Any]:
    _progress(f"memory: {sizes.unfinished_surveys:,} unfinished surveys, in a fresh process")
    mem = memory.measure(sizes.unfinished_surveys)
    return {
        "rss_delta_mb": round(mem.delta_mb, 2),
        "rss_before_mb": round(mem.rss_before_kb / 1024, 1),
        "unfinished_surveys": mem.unfinished,
    }


def _startup(sizes: Sizes, content: Content, work: Path) -> dict[str, Any]:
    _progress(f"startup: skm run to its first answer, {sizes.startup_runs} run(s)")
    st = startup.measure(work, sizes.startup_runs)
    return {"startup_s": round(st.seconds, 3), "startup_runs_s": [round(s, 3) for s in st.runs]}


MEASUREMENTS = (
    _throughput,
    _throughput_postgres,
    _aggregate,
    _kabupaten,
    _import,
    _memory,
    _startup,
)


# (key, label, unit) of each figure in the printed table, in order.
LABELS = [
    ("updates_per_s", "updates/s, bot application", "1/s"),
    ("bare_updates_per_s", "updates/s, bare handler", "1/s"),
    ("throughput_ratio", "bot / bare", ""),
    ("as_the_bot_updates_per_s", "updates/s, bare with the bot's calls", "1/s"),
    ("engine_us_per_update", "bot: time in Engine.handle", "us"),
    ("updates_per_s_rate_limited", "updates/s, shipped rate limiter", "1/s"),
    ("pg_one_updates_per_s", "updates/s, one process, PostgreSQL", "1/s"),
    ("pg_two_updates_per_s", "updates/s, two processes, PostgreSQL", "1/s"),
    ("pg_two_ratio", "PostgreSQL: two processes / one", ""),
    ("aggregate_ms", "build_summary of the period", "ms"),
    ("bare_scan_ms", "one bare SQL scan", "ms"),
    ("aggregate_ratio", "build_summary / bare scan", ""),
    ("tally_ms", "tally_responses + compute_ikm", "ms"),
    ("tally_ratio", "tally / bare scan", ""),
    ("kabupaten_sqlite_ms", "kabupaten side-by-side, SQLite", "ms"),
    ("kabupaten_sqlite_bare_ms", "bare scan by unit, SQLite", "ms"),
    ("kabupaten_sqlite_ratio", "side-by-side / bare, SQLite", ""),
    ("kabupaten_pg_ms", "kabupaten side-by-side, PostgreSQL", "ms"),
    ("kabupaten_pg_bare_ms", "bare scan by unit, PostgreSQL", "ms"),
    ("kabupaten_pg_ratio", "side-by-side / bare, PostgreSQL", ""),
    ("import_rows_per_s", "skm import", "rows/s"),
    ("rss_delta_mb", "RSS, unfinished surveys - none", "MB"),
    ("startup_s", "skm run to first answer", "s"),
]
# The targets: (at least?, bound).
TARGETS = {
    "updates_per_s": (True, 1000),
    "throughput_ratio": (True, 0.5),
    "aggregate_ratio": (False, 1.5),
    "tally_ratio": (False, 1.5),
    "kabupaten_sqlite_ratio": (False, 1.5),
    "kabupaten_pg_ratio": (False, 1.5),
    "rss_delta_mb": (False, 20),
}


def _verdict(key: str, value: float | None) -> tuple[str, str]:
    if key not in TARGETS or value is None:
        return "", ""
    at_least, bound = TARGETS[key]
    met = value >= bound if at_least else value <= bound
    return f"{'>=' if at_least else '<='} {bound}", "yes" if met else "NO"


def _table(figures: dict[str, Any]) -> str:
    lines = [f"{'figure':<38} {'value':>12} {'unit':<7} {'target':<8} met"]
    for key, label, unit in LABELS:
        target, verdict = _verdict(key, figures[key])
        value = "n/a" if figures[key] is None else f"{figures[key]:,}"
        lines.append(f"{label:<38} {value:>12} {unit:<7} {target:<8} {verdict}")
    return "\n".join(lines)


def _progress(text: str) -> None:
    print(f"... {text}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, about a minute")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.quick:
        print("QUICK run: sizes scaled down, figures are indicative only", flush=True)
    content = load_content(shipped_content_dir())
    with tempfile.TemporaryDirectory(prefix="skm-bench-") as tmp:
        figures: dict[str, Any] = {}
        for measurement in MEASUREMENTS:
            figures |= measurement(sizes, content, Path(tmp))
    print(_table(figures))
    result = {"quick": args.quick, "sizes": asdict(sizes), "machine": machine.describe(), **figures}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
