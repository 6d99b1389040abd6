"""`python -m bench.kill [--rounds N]`: SIGKILL the bot at random moments under a survey load.

Citizens fill in surveys through the fake Bot API while the real `skm run` process is killed
and restarted. Afterwards it checks that no finished survey was lost, none was counted twice,
every stored answer is the one given, and every unfinished survey continues at its question.
It prints what it checked and exits 1 on any violation.
"""

import argparse
import random
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from time import monotonic

from bench.citizens import type_
from bench.fake_api import TrackingBotApi, serve_quietly
from bench.kill_checks import Report, check_database, check_resumed
from bench.kill_citizens import QUESTIONS, Citizen, Driver
from bench.process import BotProcess
from skm_core.content import Content, load_content, shipped_content_dir

FIRST_CHAT = 50_000
READY_TIMEOUT_S = 60.0
QUIET_TIMEOUT_S = 90.0
EARLY_KILL_SHARE = 0.2
"""Part of the kills that land while the process is still starting."""


@dataclass
class Run:
    api: TrackingBotApi
    base_url: str
    data_dir: Path
    content: Content
    rng: random.Random
    active: int
    driver: Driver = field(init=False)
    citizens: list[Citizen] = field(default_factory=list)
    process: BotProcess | None = None
    kill_moments: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.driver = Driver(self.api)

    def spawn(self) -> None:
        self.process = BotProcess(self.data_dir, self.base_url)

    def kill(self, moment: str) -> None:
        assert self.process is not None
        self.process.kill()
        self.driver.kills += 1
        self.kill_moments.append(moment)

    def add_citizens(self) -> None:
        """Keep `active` citizens busy; one who has surveyed every service is replaced."""
        working = [c for c in self.citizens if not c.retired]
        for _ in range(self.active - len(working)):
            chat = FIRST_CHAT + len(self.citizens)
            self.citizens.append(Citizen(chat, self.content))

    def tick(self, timeout: float = 0.01) -> None:
        self.api.wait_change(timeout)
        for citizen in self.citizens:
            self.driver.step(citizen)

    def wait_ready(self, deadline: float | None = None) -> bool:
        """Load runs while the process starts; True once it polls, False at the deadline."""
        before = self.api.calls_of("deleteWebhook")
        give_up = monotonic() + READY_TIMEOUT_S
        while self.api.calls_of("deleteWebhook") == before:
            if deadline is not None and monotonic() >= deadline:
                return False
            if monotonic() > give_up:
                raise RuntimeError("the bot did not start; see skm.log")
            self.tick()
        return True

    def load_for(self, seconds: float) -> None:
        until = monotonic() + seconds
        while monotonic() < until:
            self.add_citizens()
            self.tick()

    def kill_round(self) -> None:
        started = monotonic()
        self.spawn()
        if self.rng.random() < EARLY_KILL_SHARE:
            delay = self.rng.uniform(0.05, 0.6)
            if not self.wait_ready(deadline=started + delay):
                self.kill(f"{delay:.2f} s after start, before it polled")
                return
        else:
            self.wait_ready()
        delay = self.rng.uniform(0.3, 4.0)
        self.load_for(delay)
        self.kill(f"{delay:.2f} s into the load")
        # Down for a moment: what citizens repeat meanwhile waits at the Bot API.
        self.load_for(self.rng.uniform(0.0, 0.5))

    def quiesce(self) -> None:
        """Every citizen stops at a random question and waits for its last answer."""
        for citizen in self.citizens:
            if not citizen.retired and not citizen.idle:
                citizen.stop_at = self.rng.randint(1, QUESTIONS)
        give_up = monotonic() + QUIET_TIMEOUT_S
        while any(c.pending is not None or not c.idle for c in self.citizens):
            if monotonic() > give_up:
                stuck = [c.chat_id for c in self.citizens if c.pending or not c.idle]
                raise RuntimeError(f"citizens {stuck[:10]} got no answer in time")
            self.tick()

    def ask_to_resume(self) -> list[tuple[Citizen, str]]:
        """After a last kill and restart, every unfinished citizen writes "/survei"."""
        waiting = [c for c in self.citizens if c.stop_at is not None and not c.retired]
        for citizen in waiting:
            citizen.idle = True
            self.driver.push(citizen, type_("/survei"))
        give_up = monotonic() + QUIET_TIMEOUT_S
        answers: list[tuple[Citizen, str]] = []
        while waiting and monotonic() < give_up:
            self.api.wait_change(0.01)
            for citizen in list(waiting):
                pending = citizen.pending
                if pending is not None and self.api.count(citizen.chat_id) > pending.seen:
                    message = self.api.last(citizen.chat_id) or {}
                    answers.append((citizen, str(message.get("text", ""))))
                    citizen.pending = None
                    waiting.remove(citizen)
        answers += [(c, "") for c in waiting]
        return answers


def execute(rounds: int, active: int, seed: int, work: Path, content: Content) -> Report:
    api = TrackingBotApi()
    with serve_quietly(api) as base_url:
        run = Run(api, base_url, work / "data", content, random.Random(seed), active)
        run.add_citizens()
        try:
            for _ in range(rounds):
                run.kill_round()
            run.spawn()
            run.wait_ready()
            run.quiesce()
            run.kill("after every citizen stopped mid-survey")
            run.spawn()
            run.wait_ready()
            resumed = run.ask_to_resume()
        finally:
            if run.process is not None:
                run.process.stop()
    report = Report(seed=seed, rounds=rounds, kills=run.kill_moments)
    report.load(run.citizens, run.driver, api)
    check_database(report, run.citizens, api, work / "data", content)
    check_resumed(report, resumed)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.kill", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="kills under load (default 5)")
    parser.add_argument("--citizens", type=int, default=12, help="citizens at once (default 12)")
    parser.add_argument("--seed", type=int, help="for the random moments (default: random)")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    content = load_content(shipped_content_dir())
    work = Path(tempfile.mkdtemp(prefix="skm-kill-"))
    try:
        report = execute(args.rounds, args.citizens, seed, work, content)
    except RuntimeError as exc:
        print(f"FAILED (seed {seed}): {exc}; the bot's log is {work / 'skm.log'}")
        return 1
    print(report.render())
    if report.violations:
        print(f"FAILED: {len(report.violations)} violation(s); the bot's log is {work / 'skm.log'}")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("OK: no violation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
