"""What every `skm` subcommand shares: its exit statuses, argument types and loading the content."""

import argparse
import functools
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date

from bot.settings import Settings
from skm_core.calendar.periods import EARLIEST_DAY
from skm_core.content import Content, ContentError, load_content
from skm_core.content.deployment import Deployment, load_deployment, stored_unit
from skm_core.storage import Database
from skm_core.storage.units import adopt_rows

EXIT_OK = 0
EXIT_CONFIG = 1
EXIT_INPUT = 2


def load(settings: Settings) -> Content | None:
    """The content, or None after printing each of its problems."""
    try:
        return load_content(settings.content_dir)
    except ContentError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        return None


def deployment_of(settings: Settings) -> Deployment | None:
    """Every unit the content folder holds, or None after printing each of its problems."""
    try:
        return load_deployment(settings.content_dir)
    except ContentError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        return None


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[Database]:
    """The bot's database, opened and closed the same way by every subcommand."""
    async with await Database.open(settings.database_target) as db:
        yield db


@asynccontextmanager
async def adopted_database(settings: Settings, owner: str) -> AsyncIterator[Database]:
    """The bot's database with the rows stored before units given to `owner` first, the
    stored unit of the deployment's first unit, as the bot's start-up does ('' adopts none)."""
    async with database(settings) as db:
        if owner:
            await adopt_rows(db, owner)
        yield db


@asynccontextmanager
async def unit_rows(settings: Settings, content: Content) -> AsyncIterator[Database]:
    """The database seen as the unit of a one-unit content folder (`with_content`'s)."""
    unit = stored_unit(content, single=True)
    async with adopted_database(settings, unit) as db:
        yield db.for_unit(unit)


def fail(message: str, code: int = EXIT_INPUT) -> int:
    """Say why on standard error; the exit status to return."""
    print(message, file=sys.stderr)
    return code


Command = Callable[[argparse.Namespace, Settings], int]


def with_content(command: Callable[[argparse.Namespace, Settings, Content], int]) -> Command:
    """The command, given the content; without it when it cannot be loaded (its problems
    printed, exit status 1). Every subcommand that needs the content is written this way."""

    @functools.wraps(command)
    def run(args: argparse.Namespace, settings: Settings) -> int:
        content = load(settings)
        if content is None:
            return EXIT_CONFIG
        return command(args, settings, content)

    return run


def with_deployment(
    command: Callable[[argparse.Namespace, Settings, Deployment], int],
) -> Command:
    """The command, given every unit of the content; as `with_content` when it cannot be
    loaded. For the subcommands that serve all units (the bot, the chat, the posters)."""

    @functools.wraps(command)
    def run(args: argparse.Namespace, settings: Settings) -> int:
        deployment = deployment_of(settings)
        if deployment is None:
            return EXIT_CONFIG
        return command(args, settings, deployment)

    return run


def iso_date(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None
    if day < EARLIEST_DAY:
        raise argparse.ArgumentTypeError(f"before {EARLIEST_DAY.isoformat()}: {text!r}")
    return day


def population_arg(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"cannot be negative: {value}")
    return value
