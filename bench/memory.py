"""Resident memory of the engine with many unfinished surveys, in a fresh child process.

State lives in SQLite, so ten thousand half-filled surveys should cost the process little more
than SQLite's page cache. Run as `python -m bench.memory USERS` it prints one JSON object; the
benchmark runs it that way so nothing measured before pollutes the figure.
"""

import argparse
import asyncio
import gc
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.citizens import Action, survey_until, visit
from skm_core.content import Content, load_content, shipped_content_dir
from skm_core.conversation import Event, EventKind, Reply
from skm_core.conversation.engine import Engine
from skm_core.storage import Database

HALFWAY = 7
"""Questions answered of the survey's fifteen: service, profile, U1 and U2."""
WARM_UP_USERS = 20


@dataclass(frozen=True)
class Memory:
    users: int
    unfinished: int
    rss_before_kb: int
    rss_after_kb: int

    @property
    def delta_mb(self) -> float:
        return (self.rss_after_kb - self.rss_before_kb) / 1024


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def _option_id(replies: list[Reply], label: str) -> str:
    for option in replies[-1].options if replies else ():
        if option.label == label or option.label.startswith(label):
            return option.id
    raise RuntimeError(f"no option {label!r} on the last reply")


async def drive(engine: Engine, channel: str, user: str, actions: list[Action]) -> None:
    """One person's actions, one event each; only their last replies are kept, and only here."""
    replies: list[Reply] = []
    for number, action in enumerate(actions):
        if action.kind == "type":
            kind, value = EventKind.TEXT, action.value
        else:
            kind, value = EventKind.OPTION, _option_id(replies, action.value)
        event = Event(channel, user, f"{user}-{number}", kind, value, user)
        replies = await engine.handle(event)


async def _unfinished(db: Database) -> int:
    row = await db.fetch_one(
        "SELECT COUNT(*) FROM conversations WHERE json_extract(state, '$.survey') IS NOT NULL"
    )
    return int(row[0]) if row else 0


async def measure_here(users: int, data_dir: Path, content: Content) -> Memory:
    async with await Database.open(data_dir / "skm.sqlite3") as db:
        engine = Engine(db, content)
        # Warm every code path (search, screens, a finished survey) before the first reading.
        for n in range(WARM_UP_USERS):
            # On Telegram, as the measured people: the script presses its labelled buttons.
            await drive(engine, "telegram", f"w{n}", visit(n, content))
        gc.collect()
        before = rss_kb()
        for n in range(users):
            await drive(engine, "telegram", f"u{n}", survey_until(n, content, HALFWAY))
        gc.collect()
        after = rss_kb()
        return Memory(users, await _unfinished(db), before, after)


def measure(users: int) -> Memory:
    """Run the measurement in a fresh interpreter and read its result."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.memory", str(users)],
        capture_output=True,
        text=True,
        check=True,
    )
    return Memory(**json.loads(done.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.memory")
    parser.add_argument("users", type=int)
    args = parser.parse_args()
    content = load_content(shipped_content_dir())
    with tempfile.TemporaryDirectory() as tmp:
        memory = asyncio.run(measure_here(args.users, Path(tmp), content))
    print(json.dumps(memory.__dict__))


if __name__ == "__main__":
    main()
