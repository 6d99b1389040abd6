"""The `skm` command: one entry point, one small function per subcommand.

Exit status: 0 success, 1 the program's own configuration (content) is unusable or there is no
data to report, 2 the input given on the command line is wrong.
"""

import argparse
import asyncio
import getpass
import hashlib
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import ValidationError

from bot.cli_common import (
    EXIT_CONFIG,
    EXIT_INPUT,
    EXIT_OK,
    fail,
    iso_date,
    population_arg,
    unit_rows,
    with_content,
    with_deployment,
)
from bot.cli_data import add_data_commands
from bot.cli_db import add_db_commands
from bot.cli_units import ChosenUnit, cmd_kabupaten, unit_database, with_unit
from bot.doctor import add_doctor_command
from bot.lock import AlreadyRunning, data_dir_lock
from bot.runtime import open_runtime
from bot.settings import Settings, settings_problems
from bot.telegram_app import CHANNEL as TELEGRAM
from bot.telegram_app import start_link as telegram_start_link
from bot.terminal import CHANNEL as TERMINAL
from bot.terminal import TerminalChat
from bot.whatsapp.channel import CHANNEL as WHATSAPP
from bot.whatsapp.channel import chat_link as whatsapp_chat_link
from skm_core.calendar.dates import local_datetime_text
from skm_core.calendar.periods import (
    Period,
    answer_day_in_range,
    latest_answer_day,
    period_between,
    utc_bounds,
)
from skm_core.content import (
    Content,
    ContentError,
    load_deployment,
    shipped_content_dir,
    shipped_kabupaten_dir,
)
from skm_core.content.confirmation import to_confirm
from skm_core.content.deployment import Deployment
from skm_core.ikm.answer_files import FileProblem, iter_answer_file
from skm_core.ikm.compute import IkmResult, Tally, UnansweredUnsur, Weighting, compute_ikm
from skm_core.ikm.importing import ORDERS, iter_responses
from skm_core.ikm.report import ikm_json, ikm_text
from skm_core.ikm.responses import SurveyResponse
from skm_core.problems import Problem
from skm_core.pseudonym import KeyFileProblem
from skm_core.reports.export_kinds import ExportKind
from skm_core.reports.summary import build_summary
from skm_core.search import ServiceSearch
from skm_core.storage.imports import ImportedFile, find_import, record_import
from skm_core.storage.responses import insert_in_batches, tally_responses
from skm_core.tickets import poster_payload, qr_png, qr_svg


def _today() -> date:
    """Today as the command line knows it; the unit's zone is at most a day away."""
    return datetime.now(UTC).date()


def _print_result(
    result: IkmResult, content: Content, source: str, population: int | None, as_json: bool
) -> None:
    if as_json:
        print(json.dumps(ikm_json(result, content, population), ensure_ascii=False))
    else:
        print(ikm_text(result, content, source, population))


@with_unit
def cmd_ikm(
    args: argparse.Namespace, settings: Settings, content: Content, unit: ChosenUnit
) -> int:
    weighting = Weighting.LEGACY if args.legacy_weight else Weighting.EXACT
    wording = content.texts.cli.errors
    if args.db:
        if args.layanan is not None and content.service(args.layanan) is None:
            ids = ", ".join(s.id for s in content.services)
            return fail(f"--layanan: unknown service {args.layanan!r}; known: {ids}")
        tally = asyncio.run(
            _db_tally(settings, content, unit, args.date_from, args.date_to, args.layanan)
        )
        source = _scope(args)
        if tally.respondents == 0:
            return fail(content.texts.cli.no_data.format(scope=source), EXIT_CONFIG)
    else:
        path = Path(args.file)
        source = str(path)
        try:
            rows = iter_answer_file(path, settings.import_limits())
            tally = Tally.from_answers(row.answers for row in rows)
        except FileProblem as problem:
            return fail(problem.describe(wording))
    try:
        result = compute_ikm(tally, weighting)
    except UnansweredUnsur as exc:
        unanswered = FileProblem(
            Path(source), Problem.UNANSWERED_UNSUR, detail=", ".join(exc.codes)
        )
        return fail(unanswered.describe(wording))
    _print_result(result, content, source, args.population, args.json)
    return EXIT_OK


def _scope(args: argparse.Namespace) -> str:
    first = args.date_from.isoformat() if args.date_from else "…"
    last = args.date_to.isoformat() if args.date_to else "…"
    scope = f"{first} s.d. {last}"
    return f"{scope}, layanan {args.layanan}" if args.layanan else scope


async def _db_tally(
    settings: Settings,
    content: Content,
    unit: ChosenUnit,
    first: date | None,
    last: date | None,
    service_id: str | None,
) -> Tally:
    start, end = utc_bounds(first, last, settings.zone(content))
    async with unit_database(settings, unit) as db:
        return await tally_responses(db, start, end, service_id)


@with_content
def cmd_import(args: argparse.Namespace, settings: Settings, content: Content) -> int:
    path = Path(args.file)
    if args.urutan is None:
        return fail(content.texts.cli.order_missing.format(file=path))
    now = datetime.now(UTC)
    batch = f"{path.name}@{now.strftime('%Y%m%dT%H%M%SZ')}"
    zone = settings.zone(content)
    try:
        digest = _file_digest(path)
        # Read as it is stored: memory does not grow with the file, and a problem found
        # on the last row still leaves nothing stored (one transaction).
        rows = iter_answer_file(path, settings.import_limits())
        responses = iter_responses(
            path, rows, content, zone, default_day=args.tanggal, batch=batch, order=args.urutan
        )
        count = asyncio.run(
            _store(settings, content, responses, digest, path.name, now, args.ulang)
        )
    except FileProblem as problem:
        return fail(problem.describe(content.texts.cli.errors))
    except AlreadyImported as before:
        when = local_datetime_text(before.file.imported_at, zone, content.texts)
        print(
            content.texts.cli.already_imported.format(
                file=path, when=when, count=before.file.responses
            ),
            file=sys.stderr,
        )
        return EXIT_INPUT
    print(content.texts.cli.import_done.format(count=count, file=path))
    return EXIT_OK


class AlreadyImported(Exception):
    def __init__(self, file: ImportedFile) -> None:
        super().__init__(file.file_name)
        self.file = file


def _file_digest(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        raise FileProblem(path, Problem.UNREADABLE, detail=exc.strerror) from exc


async def _store(
    settings: Settings,
    content: Content,
    responses: Iterable[SurveyResponse],
    digest: str,
    name: str,
    now: datetime,
    again: bool,
) -> int:
    """The file's responses in short transactions (a running bot never waits behind them),
    all or nothing, and the file recorded so that it is not imported twice by mistake."""
    async with unit_rows(settings, content) as db:
        async with db.transaction() as tx:
            previous = await find_import(tx, digest)
        if previous is not None and not again:
            raise AlreadyImported(previous)
        count = await insert_in_batches(db, responses)
        async with db.transaction() as tx:
            await record_import(tx, digest, name, now, count)
        return count


def cmd_content_check(args: argparse.Namespace, settings: Settings) -> int:
    folders = [Path(args.directory) if args.directory else settings.content_dir]
    example = shipped_kabupaten_dir()
    # The shipped example of several units travels with the shipped content: check it with it.
    if not args.directory and folders[0].resolve() == shipped_content_dir().resolve():
        folders += [example] if example.is_dir() else []
    return max(_check_content(folder, args.unconfirmed) for folder in folders)


def _check_content(directory: Path, unconfirmed: bool) -> int:
    try:
        deployment = load_deployment(directory)
    except ContentError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        return fail(f"{len(exc.issues)} problem(s) in {directory}", EXIT_CONFIG)
    if deployment.region is not None:
        print(
            deployment.units[0].texts.cli.content_units.format(
                region=deployment.region.name,
                count=len(deployment.units),
                ids=", ".join(deployment.unit_ids),
            )
        )
    for content in deployment.units:
        print(
            content.texts.cli.content_ok.format(
                directory=content.directory,
                services=len(content.services),
                unsur=len(content.survey.unsur),
                profile=len(content.survey.profile),
            )
        )
        if unconfirmed:
            print(_to_confirm_text(content))
    return EXIT_OK


@with_content
def cmd_content_export(args: argparse.Namespace, settings: Settings, content: Content) -> int:
    out = Path(args.directory)
    try:
        written = asyncio.run(_export(settings, content, out))
    except FileExistsError:
        return fail(f"{out}: not empty; give a new or empty folder")
    except OSError as exc:
        return fail(f"{out}: cannot be written: {exc.strerror}")
    print(f"{out}: {written} files of the content in force")
    return EXIT_OK


async def _export(settings: Settings, content: Content, out: Path) -> int:
    from skm_core.content_edits import content_in_force, export_content

    async with unit_rows(settings, content) as db:
        in_force = await content_in_force(db, content)
    return len(export_content(in_force, out))


def _to_confirm_text(content: Content) -> str:
    t = content.texts.cli
    items = to_confirm(content)
    if not items:
        return t.to_confirm_none
    lines = [t.to_confirm_title.format(count=len(items))]
    lines += [
        t.to_confirm_line.format(
            file=item.file,
            title=item.title,
            reason=t.to_confirm_reasons[item.reason],
            fields=", ".join(item.fields),
        )
        for item in items
    ]
    return "\n".join(lines)


@with_content
def cmd_cari(args: argparse.Namespace, settings: Settings, content: Content) -> int:
    result = ServiceSearch(content.services, content.search, content.referrals).search(args.query)
    if args.json:
        found = [
            {"id": m.service.id, "name": m.service.name, "score": m.score} for m in result.matches
        ]
        print(json.dumps(found, ensure_ascii=False))
        return EXIT_OK
    if result.referral is not None:
        # What the bot answers: the referral, before any service that scored lower.
        r = result.referral
        print(content.texts.cli.search_referral.format(id=r.id, name=r.name, where=r.where))
    if not result.matches and result.referral is None:
        print(content.texts.cli.search_none.format(query=args.query))
        return EXIT_OK
    for match in result.matches:
        print(f"{match.score:5.1f}  {match.service.id:<28} {match.service.name}")
    return EXIT_OK


async def _chat(
    settings: Settings, content: Content, identity: str, deployment: Deployment | None = None
) -> None:
    # The engine is built as `skm run` builds it, from the same settings (timezone, ticket
    # validity, admins, survey policy).
    runtime = await open_runtime(settings, content, deployment)
    try:
        user_key = runtime.pseudonyms.user_key(TERMINAL, identity)
        await TerminalChat(runtime.engine, user_key, sys.stdin, sys.stdout).run()
    finally:
        await runtime.close()


@with_deployment
def cmd_chat(args: argparse.Namespace, settings: Settings, deployment: Deployment) -> int:
    try:
        user = args.as_user or getpass.getuser()
        asyncio.run(_chat(settings, deployment.units[0], user, deployment))
    except KeyboardInterrupt:
        print()
    return EXIT_OK


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.telegram_bot_token is None and not settings.whatsapp_configured:
        print(
            "Neither TELEGRAM_BOT_TOKEN nor the WHATSAPP_* settings are set:"
            " starting the terminal chat (Ctrl-D to leave).",
            file=sys.stderr,
        )
        args.as_user = None
        return cmd_chat(args, settings)
    return _serve(args, settings)


@with_deployment
def _serve(args: argparse.Namespace, settings: Settings, deployment: Deployment) -> int:
    from bot.run import run

    content = deployment.units[0]
    if settings.skm_database_url is not None:
        # On PostgreSQL several processes may run: unique keys and row locks keep each event,
        # message and report to one of them, so the data directory's lock does not apply.
        return run(settings, content, deployment)
    try:
        with data_dir_lock(settings.skm_data_dir):
            return run(settings, content, deployment)
    except AlreadyRunning as exc:
        return fail(str(exc), EXIT_CONFIG)


def poster_links(
    args: argparse.Namespace, settings: Settings, word: str, unit_id: str | None = None
) -> dict[str, str]:
    """The counter poster's links: a survey without a ticket, on each configured chat app;
    where several units are served, the survey of the unit named."""
    links = {}
    payload = poster_payload(unit_id)
    username = (args.username or settings.telegram_bot_username or "").lstrip("@")
    if username:
        links[TELEGRAM] = telegram_start_link(username).format(token=payload)
    number = (args.whatsapp_number or settings.whatsapp_business_number or "").lstrip("+")
    if number:
        text = word if unit_id is None else f"{word} {payload}"
        links[WHATSAPP] = whatsapp_chat_link(number, text)
    return links


@with_deployment
def cmd_qr(args: argparse.Namespace, settings: Settings, deployment: Deployment) -> int:
    content = deployment.units[0]
    if args.unit is not None and deployment.unit(args.unit) is None:
        known = ", ".join(deployment.unit_ids)
        return fail(f"--unit {args.unit}: no such unit in the content (units: {known})")
    # With one unit the plain poster already opens its survey.
    unit_id = None if deployment.single else args.unit
    if unit_id is None and not deployment.single:
        known = ", ".join(deployment.unit_ids)
        return fail(f"several units are served: name the poster's with --unit ({known})")
    links = poster_links(args, settings, content.texts.whatsapp.start_word, unit_id)
    if not links:
        print(
            "give the Telegram bot's username (--username or TELEGRAM_BOT_USERNAME) or the"
            " WhatsApp number (--whatsapp-number or WHATSAPP_BUSINESS_NUMBER)",
            file=sys.stderr,
        )
        return EXIT_INPUT
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for app, link in links.items():
        print(link)
        for suffix, render in ((".png", qr_png), (".svg", qr_svg)):
            name = f"survei-{unit_id}-{app}" if unit_id else f"survei-{app}"
            path = out / f"{name}{suffix}"
            path.write_bytes(render(link, scale=args.scale))
            print(path)
    return EXIT_OK


async def _report(
    settings: Settings,
    content: Content,
    unit: ChosenUnit,
    period: Period,
    kind: str,
    population: int | None,
) -> list[bytes]:
    """The report's file, or for the infographic the A4 PDF and then the square PNG."""
    from skm_core.reports.export import build_export

    async with unit_database(settings, unit) as db:
        summary = await build_summary(
            db,
            content,
            period,
            datetime.now(UTC),
            settings.zone(content),
            population=population,
            every_suggestion=kind == ExportKind.PDF,
        )
        files = await build_export(db, summary, content, [ExportKind(kind)])
    return [file.data for file in files]


@with_unit
def cmd_report(
    args: argparse.Namespace, settings: Settings, content: Content, unit: ChosenUnit
) -> int:
    period = period_between(args.date_from, args.date_to)
    first, *more = asyncio.run(
        _report(settings, content, unit, period, args.format, args.population)
    )
    out = Path(args.out)
    # The infographic's square PNG goes beside the PDF, under the same name.
    files = [(out, first), *((out.with_suffix(".png"), data) for data in more)]
    for path, payload in files:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(payload)
        except OSError as exc:
            return fail(f"{path}: cannot be written: {exc.strerror}")
        print(path)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="skm", description="SKM Bot: service information and the citizen satisfaction survey."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ikm = commands.add_parser("ikm", help="compute the IKM from an answer file or the database")
    ikm.add_argument("file", nargs="?", help="CSV or XLSX with columns U1..U9")
    ikm.add_argument("--db", action="store_true", help="use the stored responses instead")
    ikm.add_argument("--from", dest="date_from", type=iso_date, help="first day, YYYY-MM-DD")
    ikm.add_argument("--to", dest="date_to", type=iso_date, help="last day, YYYY-MM-DD")
    ikm.add_argument("--layanan", help="only responses about this service id")
    ikm.add_argument("--population", type=population_arg, help="people served in the period")
    ikm.add_argument("--json", action="store_true", help="one JSON object on stdout")
    ikm.add_argument(
        "--legacy-weight",
        action="store_true",
        help="weigh unsur by the printed 0.111 instead of exactly 1/9 (old spreadsheets only)",
    )
    ikm.add_argument("--unit", help="the unit whose responses to read (with --db)")
    ikm.add_argument(
        "--kabupaten",
        action="store_true",
        help="with --db, --from and --to: every unit side by side, ranked by IKM",
    )
    ikm.set_defaults(handler=cmd_ikm)

    imp = commands.add_parser("import", help="load historical responses from CSV or XLSX")
    imp.add_argument("file", help="CSV or XLSX with columns U1..U9 (and tanggal, layanan, ...)")
    imp.add_argument(
        "--tanggal", type=iso_date, help="survey date for rows without a tanggal column"
    )
    imp.add_argument(
        "--urutan",
        choices=ORDERS,
        help="which unsur the file's U8 and U9 hold: template (U8 Sarana, U9 Pengaduan) or"
        " unit (U8 Pengaduan, U9 Sarana); required, a file is never mapped by a guess",
    )
    imp.add_argument(
        "--ulang",
        action="store_true",
        help="import a file whose content was imported before (its answers count twice)",
    )
    imp.set_defaults(handler=cmd_import)

    run = commands.add_parser("run", help="start the bot (terminal chat without a chat-app token)")
    run.set_defaults(handler=cmd_run)

    chat = commands.add_parser("chat", help="use the bot in this terminal")
    chat.add_argument("--as", dest="as_user", help="who is chatting (default: the login name)")
    chat.set_defaults(handler=cmd_chat)

    cari = commands.add_parser("cari", help="search the services as the bot does")
    cari.add_argument("query", help='a question, e.g. "syarat bikin kk"')
    cari.add_argument("--json", action="store_true", help="a JSON list of {id, name, score}")
    cari.set_defaults(handler=cmd_cari)

    report = commands.add_parser(
        "report", help="a period's report, workbook, answers, upward results or infographic"
    )
    report.add_argument("--from", dest="date_from", type=iso_date, required=True)
    report.add_argument("--to", dest="date_to", type=iso_date, required=True)
    report.add_argument(
        "--format",
        choices=[kind.value for kind in ExportKind],
        required=True,
    )
    report.add_argument(
        "--out", required=True, help="the file to write (infografis: also its .png beside it)"
    )
    report.add_argument(
        "--population", type=population_arg, help="people served in the period (the sample base)"
    )
    report.add_argument("--unit", help="the unit to report on (required with several units)")
    report.set_defaults(handler=cmd_report)

    # Imported here: the history commands use this module's helpers.
    from bot.riwayat import add_riwayat_parser

    add_riwayat_parser(commands)

    qr = commands.add_parser("qr", help="printable QR codes (PNG, SVG) of the counter poster")
    qr.add_argument("--out", default=".", help="folder to write the files to")
    qr.add_argument("--username", help="the Telegram bot's username")
    qr.add_argument("--whatsapp-number", help="the WhatsApp business number, e.g. 628123...")
    qr.add_argument("--scale", type=int, default=12, choices=range(4, 41), metavar="4..40")
    qr.add_argument("--unit", help="the unit (kecamatan) whose survey the poster opens")
    qr.set_defaults(handler=cmd_qr)

    add_data_commands(commands)
    add_db_commands(commands)
    add_doctor_command(commands)

    content = commands.add_parser("content", help="work with the content folder")
    content_commands = content.add_subparsers(dest="content_command", required=True)
    check = content_commands.add_parser("check", help="validate every content file")
    check.add_argument("directory", nargs="?", help="content folder (default: the configured one)")
    check.add_argument(
        "--unconfirmed",
        action="store_true",
        help="also list every field the unit has not confirmed or no source supports",
    )
    check.set_defaults(handler=cmd_content_check)
    export = content_commands.add_parser(
        "export", help="write the content in force (with the desk's edits) as a content folder"
    )
    export.add_argument("directory", help="a new or empty folder")
    export.set_defaults(handler=cmd_content_export)
    return parser


def _validate_dates(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Periods begin between 2000 and tomorrow, and answers are dated no later than that."""
    today = _today()
    tomorrow = latest_answer_day(today)
    for option, day in (("--from", "date_from"), ("--tanggal", "tanggal")):
        given = getattr(args, day, None)
        if given is not None and not answer_day_in_range(given, today):
            parser.error(f"{option} {given.isoformat()} is after tomorrow ({tomorrow.isoformat()})")
    last = getattr(args, "date_to", None)
    if last is not None and last.year > today.year + 1:
        parser.error(f"--to {last.isoformat()} is beyond the end of next year")


def _validate_ikm_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    _validate_dates(parser, args)
    first, last = getattr(args, "date_from", None), getattr(args, "date_to", None)
    if args.command in ("report", "riwayat") and first and last and first > last:
        parser.error("--from is after --to")
    if args.command != "ikm":
        return
    if args.db and args.file:
        parser.error("give either FILE or --db, not both")
    if not args.db and not args.file:
        parser.error("give an answer FILE, or --db for the stored responses")
    if not args.db and (args.date_from or args.date_to or args.layanan or args.unit):
        parser.error("--from, --to, --layanan and --unit go with --db")
    if args.kabupaten and (not args.db or args.unit or args.layanan):
        parser.error("--kabupaten goes with --db, and with neither --unit nor --layanan")
    if args.kabupaten:
        args.handler = cmd_kabupaten
    if args.date_from and args.date_to and args.date_from > args.date_to:
        parser.error("--from is after --to")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _validate_ikm_args(parser, args)
    try:
        settings = Settings()
    except ValidationError as exc:
        for line in settings_problems(exc):
            print(line, file=sys.stderr)
        return EXIT_CONFIG
    try:
        code: int = args.handler(args, settings)
    except KeyFileProblem as exc:
        return fail(f"invalid setting SKM_DATA_DIR: {exc}", EXIT_CONFIG)
    return code


if __name__ == "__main__":
    sys.exit(main())
