"""The `skm` command: one entry point, one small function per subcommand.

Exit status: 0 success, 1 the program's own configuration (content) is unusable or there is no
data to report, 2 the input given on the command line is wrong.
"""

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote

from bot.settings import Settings
from bot.terminal import CHANNEL as TERMINAL
from bot.terminal import TerminalChat
from skm_core.answer_files import FileProblem, read_answer_file
from skm_core.content import Content, ContentError, load_content
from skm_core.content.confirmation import to_confirm
from skm_core.conversation.engine import Engine
from skm_core.ikm import IkmResult, Tally, UnansweredUnsur, Weighting, compute_ikm
from skm_core.ikm_report import ikm_json, ikm_text
from skm_core.importing import ORDERS, responses_from_rows
from skm_core.periods import Period, period_between, utc_bounds
from skm_core.problems import Problem
from skm_core.pseudonym import Pseudonymizer, load_or_create_key
from skm_core.responses import SurveyResponse
from skm_core.search import ServiceSearch
from skm_core.storage import Database
from skm_core.storage.responses import answer_records, insert_responses, tally_responses
from skm_core.summary import build_summary
from skm_core.tickets import POSTER_PAYLOAD, qr_png, qr_svg

EXIT_OK = 0
EXIT_CONFIG = 1
EXIT_INPUT = 2


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def _population(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"cannot be negative: {value}")
    return value


def _load(settings: Settings) -> Content | None:
    try:
        return load_content(settings.content_dir)
    except ContentError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        return None


def _print_result(
    result: IkmResult, content: Content, source: str, population: int | None, as_json: bool
) -> None:
    if as_json:
        print(json.dumps(ikm_json(result, content, population), ensure_ascii=False))
    else:
        print(ikm_text(result, content, source, population))


def cmd_ikm(args: argparse.Namespace, settings: Settings) -> int:
    content = _load(settings)
    if content is None:
        return EXIT_CONFIG
    weighting = Weighting.LEGACY if args.legacy_weight else Weighting.EXACT
    wording = content.texts.cli.errors
    if args.db:
        if args.layanan is not None and content.service(args.layanan) is None:
            ids = ", ".join(s.id for s in content.services)
            print(f"--layanan: unknown service {args.layanan!r}; known: {ids}", file=sys.stderr)
            return EXIT_INPUT
        tally = asyncio.run(
            _db_tally(settings, content, args.date_from, args.date_to, args.layanan)
        )
        source = _scope(args)
        if tally.respondents == 0:
            print(content.texts.cli.no_data.format(scope=source), file=sys.stderr)
            return EXIT_CONFIG
    else:
        path = Path(args.file)
        source = str(path)
        try:
            tally = Tally.from_answers(row.answers for row in read_answer_file(path))
        except FileProblem as problem:
            print(problem.describe(wording), file=sys.stderr)
            return EXIT_INPUT
    try:
        result = compute_ikm(tally, weighting)
    except UnansweredUnsur as exc:
        unanswered = FileProblem(
            Path(source), Problem.UNANSWERED_UNSUR, detail=", ".join(exc.codes)
        )
        print(unanswered.describe(wording), file=sys.stderr)
        return EXIT_INPUT
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
    first: date | None,
    last: date | None,
    service_id: str | None,
) -> Tally:
    start, end = utc_bounds(first, last, settings.zone(content))
    async with await Database.open(settings.database_path) as db:
        return await tally_responses(db, start, end, service_id)


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    content = _load(settings)
    if content is None:
        return EXIT_CONFIG
    path = Path(args.file)
    if args.urutan is None:
        print(content.texts.cli.order_missing.format(file=path), file=sys.stderr)
        return EXIT_INPUT
    batch = f"{path.name}@{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    try:
        rows = read_answer_file(path)
        responses = responses_from_rows(
            path,
            rows,
            content,
            settings.zone(content),
            default_day=args.tanggal,
            batch=batch,
            order=args.urutan,
        )
    except FileProblem as problem:
        print(problem.describe(content.texts.cli.errors), file=sys.stderr)
        return EXIT_INPUT
    count = asyncio.run(_store(settings, responses))
    print(content.texts.cli.import_done.format(count=count, file=path))
    return EXIT_OK


async def _store(settings: Settings, responses: Sequence[SurveyResponse]) -> int:
    async with await Database.open(settings.database_path) as db, db.transaction() as tx:
        return await insert_responses(tx, responses)


def cmd_content_check(args: argparse.Namespace, settings: Settings) -> int:
    directory = Path(args.directory) if args.directory else settings.content_dir
    try:
        content = load_content(directory)
    except ContentError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        print(f"{len(exc.issues)} problem(s) in {directory}", file=sys.stderr)
        return EXIT_CONFIG
    print(
        content.texts.cli.content_ok.format(
            directory=directory,
            services=len(content.services),
            unsur=len(content.survey.unsur),
            profile=len(content.survey.profile),
        )
    )
    if args.unconfirmed:
        print(_to_confirm_text(content))
    return EXIT_OK


def cmd_content_export(args: argparse.Namespace, settings: Settings) -> int:
    content = _load(settings)
    if content is None:
        return EXIT_CONFIG
    out = Path(args.directory)
    try:
        written = asyncio.run(_export(settings, content, out))
    except FileExistsError:
        print(f"{out}: not empty; give a new or empty folder", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:
        print(f"{out}: cannot be written: {exc.strerror}", file=sys.stderr)
        return EXIT_INPUT
    print(f"{out}: {written} files of the content in force")
    return EXIT_OK


async def _export(settings: Settings, content: Content, out: Path) -> int:
    from skm_core.content_edits import content_in_force, export_content

    async with await Database.open(settings.database_path) as db:
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


def cmd_cari(args: argparse.Namespace, settings: Settings) -> int:
    content = _load(settings)
    if content is None:
        return EXIT_CONFIG
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


async def _chat(settings: Settings, content: Content, identity: str) -> None:
    key = load_or_create_key(settings.pseudonym_key_path)
    user_key = Pseudonymizer(key).user_key(TERMINAL, identity)
    async with await Database.open(settings.database_path) as db:
        engine = Engine(db, content, settings.survey_policy())
        await engine.forget_old_events()
        await TerminalChat(engine, user_key, sys.stdin, sys.stdout).run()


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    content = _load(settings)
    if content is None:
        return EXIT_CONFIG
    try:
        asyncio.run(_chat(settings, content, args.as_user or getpass.getuser()))
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
    from bot.run import run

    content = _load(settings)
    if content is None:
        return EXIT_CONFIG
    return run(settings, content)


def poster_links(args: argparse.Namespace, settings: Settings, word: str) -> dict[str, str]:
    """The counter poster's links: a survey without a ticket, on each configured chat app."""
    links = {}
    username = (args.username or settings.telegram_bot_username or "").lstrip("@")
    if username:
        links["telegram"] = f"https://t.me/{username}?start={POSTER_PAYLOAD}"
    number = (args.whatsapp_number or settings.whatsapp_business_number or "").lstrip("+")
    if number:
        links["whatsapp"] = f"https://wa.me/{number}?text={quote(word)}"
    return links


def cmd_qr(args: argparse.Namespace, settings: Settings) -> int:
    content = _load(settings)
    if content is None:
        return EXIT_CONFIG
    links = poster_links(args, settings, content.texts.whatsapp.start_word)
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
            path = out / f"survei-{app}{suffix}"
            path.write_bytes(render(link, scale=args.scale))
            print(path)
    return EXIT_OK


async def _report(settings: Settings, content: Content, period: Period, kind: str) -> bytes:
    from skm_core.reports.chart import summary_chart_png
    from skm_core.reports.csv_export import answers_csv
    from skm_core.reports.pdf import summary_pdf
    from skm_core.reports.xlsx import summary_xlsx

    tz = settings.zone(content)
    async with await Database.open(settings.database_path) as db:
        start, end = period.utc_bounds(tz)
        if kind == "csv":
            return answers_csv(await answer_records(db, start, end), content, tz)
        summary = await build_summary(db, content, period, datetime.now(UTC), tz)
        if kind == "xlsx":
            return summary_xlsx(summary, await answer_records(db, start, end), content)
        return summary_pdf(summary, content, summary_chart_png(summary, content))


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    content = _load(settings)
    if content is None:
        return EXIT_CONFIG
    period = period_between(args.date_from, args.date_to)
    data = asyncio.run(_report(settings, content, period, args.format))
    out = Path(args.out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        print(f"{out}: cannot be written: {exc.strerror}", file=sys.stderr)
        return EXIT_INPUT
    print(out)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="skm", description="SKM Bot: service information and the citizen satisfaction survey."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ikm = commands.add_parser("ikm", help="compute the IKM from an answer file or the database")
    ikm.add_argument("file", nargs="?", help="CSV or XLSX with columns U1..U9")
    ikm.add_argument("--db", action="store_true", help="use the stored responses instead")
    ikm.add_argument("--from", dest="date_from", type=_iso_date, help="first day, YYYY-MM-DD")
    ikm.add_argument("--to", dest="date_to", type=_iso_date, help="last day, YYYY-MM-DD")
    ikm.add_argument("--layanan", help="only responses about this service id")
    ikm.add_argument("--population", type=_population, help="people served in the period")
    ikm.add_argument("--json", action="store_true", help="one JSON object on stdout")
    ikm.add_argument(
        "--legacy-weight",
        action="store_true",
        help="weigh unsur by the printed 0.111 instead of exactly 1/9 (old spreadsheets only)",
    )
    ikm.set_defaults(handler=cmd_ikm)

    imp = commands.add_parser("import", help="load historical responses from CSV or XLSX")
    imp.add_argument("file", help="CSV or XLSX with columns U1..U9 (and tanggal, layanan, ...)")
    imp.add_argument(
        "--tanggal", type=_iso_date, help="survey date for rows without a tanggal column"
    )
    imp.add_argument(
        "--urutan",
        choices=ORDERS,
        help="which unsur the file's U8 and U9 hold: template (U8 Sarana, U9 Pengaduan) or"
        " unit (U8 Pengaduan, U9 Sarana); required, a file is never mapped by a guess",
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

    report = commands.add_parser("report", help="the report of a period as PDF, XLSX or CSV")
    report.add_argument("--from", dest="date_from", type=_iso_date, required=True)
    report.add_argument("--to", dest="date_to", type=_iso_date, required=True)
    report.add_argument("--format", choices=("pdf", "xlsx", "csv"), required=True)
    report.add_argument("--out", required=True, help="the file to write")
    report.set_defaults(handler=cmd_report)

    qr = commands.add_parser("qr", help="printable QR codes (PNG, SVG) of the counter poster")
    qr.add_argument("--out", default=".", help="folder to write the files to")
    qr.add_argument("--username", help="the Telegram bot's username")
    qr.add_argument("--whatsapp-number", help="the WhatsApp business number, e.g. 628123...")
    qr.add_argument("--scale", type=int, default=12, choices=range(4, 41), metavar="4..40")
    qr.set_defaults(handler=cmd_qr)

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


def _validate_ikm_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.command == "report" and args.date_from > args.date_to:
        parser.error("--from is after --to")
    if args.command != "ikm":
        return
    if args.db and args.file:
        parser.error("give either FILE or --db, not both")
    if not args.db and not args.file:
        parser.error("give an answer FILE, or --db for the stored responses")
    if not args.db and (args.date_from or args.date_to or args.layanan):
        parser.error("--from, --to and --layanan go with --db")
    if args.date_from and args.date_to and args.date_from > args.date_to:
        parser.error("--from is after --to")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _validate_ikm_args(parser, args)
    try:
        settings = Settings()
    except ValueError as exc:
        print(f"invalid settings: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    code: int = args.handler(args, settings)
    return code


if __name__ == "__main__":
    sys.exit(main())
