"""`skm hapus-data` and `skm backup`: a person's data erased on request, and a copy of the
database that restores."""

import argparse
import asyncio
import re
import shutil
from pathlib import Path

from bot.cli_common import EXIT_CONFIG, EXIT_OK, database, fail, with_content
from bot.runtime import TELEGRAM, WHATSAPP
from bot.settings import DATABASE_FILE, PSEUDONYM_KEY_FILE, Settings
from bot.terminal import CHANNEL as TERMINAL
from skm_core.content import Content
from skm_core.private_files import FILE_MODE, private_directory
from skm_core.pseudonym import Pseudonymizer, load_or_create_key
from skm_core.storage.backup import PG_DUMP_FILE, BackupFailed, backup_database, dump_postgres
from skm_core.storage.erasure import Erased, erase_person


def _identity(args: argparse.Namespace) -> tuple[str, str]:
    """(channel, identity as the channel gives it) of the person named on the command line."""
    if args.telegram is not None:
        return TELEGRAM, args.telegram
    if args.whatsapp is not None:
        return WHATSAPP, args.whatsapp.lstrip("+")
    return TERMINAL, args.terminal


def _telegram_id(text: str) -> str:
    if not re.fullmatch(r"[0-9]{1,20}", text):
        raise argparse.ArgumentTypeError(f"not a Telegram user id: {text!r}")
    return text


def _whatsapp_number(text: str) -> str:
    if not re.fullmatch(r"\+?[1-9][0-9]{5,14}", text):
        raise argparse.ArgumentTypeError(f"not a number in international form (62812...): {text!r}")
    return text


async def _erase(settings: Settings, channel: str, identity: str) -> Erased:
    key = load_or_create_key(settings.pseudonym_key_path)
    user_key = Pseudonymizer(key).user_key(channel, identity)
    async with database(settings) as db, db.transaction() as tx:
        return await erase_person(tx, channel, user_key, identity)


@with_content
def cmd_erase(args: argparse.Namespace, settings: Settings, content: Content) -> int:
    channel, identity = _identity(args)
    erased = asyncio.run(_erase(settings, channel, identity))
    words = content.texts.cli
    who = f"{channel} {identity}"
    if not erased.anything:
        print(words.erased_nothing.format(who=who))
        return EXIT_OK
    print(
        words.erased.format(
            who=who,
            answers=erased.answers_unlinked,
            conversations=erased.conversations,
            complaints=erased.complaints,
            roles=erased.official_roles,
            queued=erased.queued_messages,
        )
    )
    return EXIT_OK


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    """The database (copied consistently while the bot runs) and the pseudonym key beside it."""
    target = Path(args.dest)
    database, key = target / DATABASE_FILE, target / PSEUDONYM_KEY_FILE
    if database.exists() or key.exists() or (target / PG_DUMP_FILE).exists():
        return fail(f"{target}: already holds a backup; choose an empty folder")
    try:
        private_directory(target)
        if not settings.pseudonym_key_path.exists():
            # Without it nobody in the copy could be recognised again.
            raise BackupFailed(f"no pseudonym key at {settings.pseudonym_key_path}")
        if settings.skm_database_url is not None:
            database = target / PG_DUMP_FILE
            tables = dump_postgres(settings.skm_database_url.get_secret_value(), database)
            summary = f"{tables} tables, pg_restore can read it"
        else:
            responses = backup_database(settings.database_path, database)
            summary = f"{responses} responses, integrity ok"
        shutil.copyfile(settings.pseudonym_key_path, key)
        key.chmod(FILE_MODE)
    except BackupFailed as exc:
        return fail(f"backup failed: {exc}", EXIT_CONFIG)
    except OSError as exc:
        return fail(f"backup failed: {exc.filename}: {exc.strerror}", EXIT_CONFIG)
    print(f"{database} ({summary})")
    print(key)
    return EXIT_OK


def add_data_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    erase = commands.add_parser(
        "hapus-data",
        help="erase what is kept about one person (their answers stay, unlinked)",
    )
    person = erase.add_mutually_exclusive_group(required=True)
    person.add_argument("--telegram", type=_telegram_id, help="the person's Telegram user id")
    person.add_argument(
        "--whatsapp", type=_whatsapp_number, help="the person's WhatsApp number, e.g. 62812..."
    )
    person.add_argument("--terminal", help="the name used with `skm chat --as`")
    erase.set_defaults(handler=cmd_erase)

    backup = commands.add_parser(
        "backup", help="copy the database (safely, even while the bot runs) and its key"
    )
    backup.add_argument(
        "dest", help="an empty folder for skm.sqlite3 (or skm.pgdump) and pseudonym.key"
    )
    backup.set_defaults(handler=cmd_backup)
