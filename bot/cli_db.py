"""`skm db copy`: bring a unit's SQLite database into PostgreSQL with one command."""

import argparse
import asyncio
import sys

import psycopg

from bot.cli_common import EXIT_CONFIG, EXIT_INPUT, EXIT_OK
from bot.settings import Settings
from skm_core.storage import Database
from skm_core.storage.copy import CopyFailed, CopyReport, copy_database
from skm_core.storage.database import is_postgres_url
from skm_core.storage.postgres import redacted


def cmd_db_copy(args: argparse.Namespace, settings: Settings) -> int:
    url = str(args.to)
    if not is_postgres_url(url):
        print(f"--to {url!r}: give a postgresql://user:password@host/name address", file=sys.stderr)
        return EXIT_INPUT
    if not settings.database_path.exists():
        print(f"no SQLite database at {settings.database_path}", file=sys.stderr)
        return EXIT_INPUT
    try:
        report = asyncio.run(_copy(settings, url))
    except CopyFailed as exc:
        print(f"copy failed, PostgreSQL left as it was: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except (psycopg.Error, OSError) as exc:
        # The message names the server and what it refused; the URL's password is not in it.
        print(f"copy failed, PostgreSQL left as it was: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    for table, count in report.rows.items():
        if count:
            print(f"{table}: {count} rows")
    for month, tally in report.months.items():
        print(f"{month}: {tally.respondents} responses, the same IKM on both sides")
    print(f"copied into {redacted(url)}; set SKM_DATABASE_URL to use it")
    return EXIT_OK


async def _copy(settings: Settings, url: str) -> CopyReport:
    async with (
        await Database.open(settings.database_path) as source,
        await Database.open(url) as target,
    ):
        return await copy_database(source, target)


def add_db_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    db = commands.add_parser("db", help="work with the database")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    copy = db_commands.add_parser(
        "copy", help="copy the SQLite database into an empty PostgreSQL one, all or nothing"
    )
    copy.add_argument("--to", required=True, help="postgresql://user:password@host:port/name")
    copy.set_defaults(handler=cmd_db_copy)
