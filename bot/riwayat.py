"""`skm riwayat`: published results of earlier periods, entered by hand or read from the upward
JSON of `skm report --format json`, so trends start before the bot's own answers."""

import argparse
import asyncio
import json
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bot.cli_common import (
    EXIT_OK,
    fail,
    iso_date,
    population_arg,
    unit_rows,
    with_content,
)
from bot.settings import Settings
from skm_core.calendar.dates import period_label
from skm_core.calendar.periods import period_between
from skm_core.content import Content
from skm_core.content.models import UNSUR_CODES
from skm_core.ikm.report import id_number
from skm_core.reports.upward import UpwardProblem, UpwardResult, read_upward
from skm_core.storage.history import (
    PublishedResult,
    add_published_result,
    published_results,
    remove_published_result,
)


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def _nrr_list(text: str) -> dict[str, Decimal]:
    """Nine NRR separated by semicolons or spaces, U1 first: '3,88; 3,88; 3,86; ...'."""
    parts = [p for p in text.replace(";", " ").split() if p]
    if len(parts) != len(UNSUR_CODES):
        raise argparse.ArgumentTypeError(f"give nine NRR (U1..U9), got {len(parts)}")
    values = {code: _decimal(part) for code, part in zip(UNSUR_CODES, parts, strict=True)}
    for code, value in values.items():
        if not Decimal(1) <= value <= Decimal(4):
            raise argparse.ArgumentTypeError(f"{code}: NRR {value} is outside 1..4")
    return values


async def _add_history(
    settings: Settings, content: Content, result: UpwardResult, source: str
) -> int | None:
    async with unit_rows(settings, content) as db, db.transaction() as tx:
        return await add_published_result(
            tx,
            result.first,
            result.last,
            result.respondents,
            result.nrr,
            result.ikm,
            source,
            datetime.now(UTC),
        )


def _history_added(content: Content, added: int | None, first: date, last: date) -> int:
    if added is None:
        return fail(f"{first}..{last}: this period already has a published result")
    label = period_label(period_between(first, last), content.texts)
    print(content.report.history.added.format(id=added, period=label))
    return EXIT_OK


@with_content
def cmd_riwayat_add(args: argparse.Namespace, settings: Settings, content: Content) -> int:
    result = UpwardResult(args.date_from, args.date_to, args.responden, args.nrr, args.ikm)
    added = asyncio.run(_add_history(settings, content, result, args.sumber))
    return _history_added(content, added, args.date_from, args.date_to)


@with_content
def cmd_riwayat_import(args: argparse.Namespace, settings: Settings, content: Content) -> int:
    path = Path(args.file)
    try:
        result = read_upward(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return fail(f"{path}: cannot be read: {exc}")
    except UpwardProblem as problem:
        return fail(f"{path}: {problem}")
    added = asyncio.run(_add_history(settings, content, result, args.sumber or path.name))
    return _history_added(content, added, result.first, result.last)


async def _history_rows(settings: Settings, content: Content) -> list[PublishedResult]:
    async with unit_rows(settings, content) as db:
        return await published_results(db)


@with_content
def cmd_riwayat_list(args: argparse.Namespace, settings: Settings, content: Content) -> int:
    rows = asyncio.run(_history_rows(settings, content))
    if args.json:
        found = [
            {
                "id": r.id,
                "first": r.first.isoformat(),
                "last": r.last.isoformat(),
                "respondents": r.respondents,
                "nrr": {code: str(value) for code, value in r.nrr.items()},
                "ikm": str(r.ikm),
                "source": r.source,
            }
            for r in rows
        ]
        print(json.dumps(found, ensure_ascii=False))
        return EXIT_OK
    if not rows:
        print(content.report.history.empty)
    for r in rows:
        label = period_label(period_between(r.first, r.last), content.texts)
        ikm = id_number(r.ikm)
        print(f"[{r.id}] {label}: {r.respondents} responden, IKM {ikm} ({r.source})")
    return EXIT_OK


async def _remove_history(settings: Settings, content: Content, result_id: int) -> bool:
    async with unit_rows(settings, content) as db, db.transaction() as tx:
        return await remove_published_result(tx, result_id)


@with_content
def cmd_riwayat_remove(args: argparse.Namespace, settings: Settings, content: Content) -> int:
    if not asyncio.run(_remove_history(settings, content, args.id)):
        return fail(f"no published result with id {args.id}")
    print(content.report.history.removed.format(id=args.id))
    return EXIT_OK


def add_riwayat_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    riwayat = commands.add_parser("riwayat", help="published results of earlier periods")
    sub = riwayat.add_subparsers(dest="riwayat_command", required=True)
    add = sub.add_parser("tambah", help="add a period's published result")
    add.add_argument("--from", dest="date_from", type=iso_date, required=True)
    add.add_argument("--to", dest="date_to", type=iso_date, required=True)
    add.add_argument("--responden", type=population_arg, required=True, help="respondents")
    add.add_argument("--nrr", type=_nrr_list, required=True, help='nine NRR, "3,88; 3,88; ..."')
    add.add_argument("--ikm", type=_decimal, required=True, help="the IKM as published")
    add.add_argument("--sumber", required=True, help="where the figures were published")
    add.set_defaults(handler=cmd_riwayat_add)
    listing = sub.add_parser("daftar", help="list the published results")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_riwayat_list)
    remove = sub.add_parser("hapus", help="remove a published result by its id")
    remove.add_argument("id", type=int)
    remove.set_defaults(handler=cmd_riwayat_remove)
    imp = sub.add_parser("import", help="read a period's result from `skm report --format json`")
    imp.add_argument("file")
    imp.add_argument("--sumber", help="where it comes from (default: the file name)")
    imp.set_defaults(handler=cmd_riwayat_import)
