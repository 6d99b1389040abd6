"""Telegram's side of a webhook in front of two bot processes, for the two-process kill run.

`OriginBotApi` is the fake Bot API that also knows which process generation made each call:
each start of a process gets a base URL of its own (`/g<generation>/bot`), one server behind.
`WebhookFeed` takes the updates citizens push and posts them to the processes' webhooks as
Telegram would behind a load balancer: any process, one update of a chat at a time, again to
the other process when a post fails (the process died before answering 200), and now and then
again to the other process after a 200 (a redelivery, as when the answer was lost on its way).
"""

import hashlib
import itertools
import json
import random
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bench.fake_api import MESSAGE_METHODS, TrackingBotApi, _QuietServer
from tests.fakes.bot_api import _Handler
from tests.fakes.loopback import serve

SECRET = "kill-two-webhook-secret"
REDELIVER_SHARE = 0.15
"""Of the updates answered 200, the part posted once more, to the other process."""
POST_TIMEOUT_S = 20.0
WORKERS = 4


@dataclass(frozen=True)
class Sent:
    """A message the bot sent or edited, as the fake saw it."""

    seq: int
    generation: int
    chat: int
    content: str
    """The method, text or caption and a digest of any file: equal only for the same message."""


@dataclass(frozen=True)
class Delivery:
    """One post of an update to one process generation."""

    update_id: int
    chat: int
    generation: int
    started: int
    ended: int
    acknowledged: bool


class OriginBotApi(TrackingBotApi):
    def __init__(self) -> None:
        super().__init__(keep_calls=False)
        self._origin = threading.local()
        self._seq = itertools.count(1)
        self.log: list[Sent] = []

    def next_seq(self) -> int:
        with self._lock:
            return next(self._seq)

    def handle(
        self, method: str, params: dict[str, Any], files: dict[str, bytes]
    ) -> tuple[int, dict[str, Any]]:
        status, body = super().handle(method, params, files)
        if status == 200 and method in MESSAGE_METHODS:
            text = str(params.get("text", params.get("caption", "")))
            digest = hashlib.sha256(b"".join(files.values())).hexdigest()[:16]
            generation = int(getattr(self._origin, "generation", -1))
            with self._lock:
                sent = Sent(next(self._seq), generation, int(params.get("chat_id", 0)),
                            f"{method}|{text}|{digest}")  # fmt: skip
                self.log.append(sent)
        return status, body

    def take(self, busy: set[int]) -> dict[str, Any] | None:
        """The oldest waiting update of a chat not in `busy` (then added to it); it stays
        queued until acknowledged. None after a short wait when there is none."""
        with self._lock:
            for update in self.updates:
                chat = chat_of(update)
                if chat not in busy:
                    busy.add(chat)
                    return update
            self._lock.wait(0.05)
        return None

    def release(self, busy: set[int], chat: int) -> None:
        with self._lock:
            busy.discard(chat)
            self.changed()

    def acknowledged(self, update: dict[str, Any]) -> None:
        """Answered 200: Telegram forgets the update, and citizens see it gone."""
        with self._lock:
            self.updates.remove(update)
            self.changed()

    def wake(self) -> None:
        with self._lock:
            self.changed()

    def from_generation(self, generation: int) -> None:
        """Called by the HTTP handler: the calls of this thread come from that generation."""
        self._origin.generation = generation


class _OriginHandler(_Handler):
    api: OriginBotApi

    def do_POST(self) -> None:
        prefix = self.path.split("/")[1] if self.path.count("/") > 1 else ""
        generation = int(prefix[1:]) if prefix.startswith("g") and prefix[1:].isdigit() else -1
        self.api.from_generation(generation)
        super().do_POST()


def serve_with_origins(api: OriginBotApi) -> Any:
    """Yields the root URL; a process of generation N uses `<root>/gN/bot`."""
    return serve(type("Handler", (_OriginHandler,), {"api": api}), "", _QuietServer)


def chat_of(update: dict[str, Any]) -> int:
    if "callback_query" in update:
        return int(update["callback_query"]["from"]["id"])
    return int(update["message"]["chat"]["id"])


@dataclass
class Endpoint:
    """Where one of the processes listens, and which generation of it runs there now."""

    name: str
    port: int
    generation: int = -1


class WebhookFeed:
    def __init__(self, api: OriginBotApi, endpoints: list[Endpoint], seed: int) -> None:
        self.api = api
        self.endpoints = endpoints
        self.deliveries: list[Delivery] = []
        self.redelivered = 0
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()
        """Guards the random moments and the record of posts, shared by the workers."""
        self._busy: set[int] = set()
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []

    @contextmanager
    def running(self) -> Iterator["WebhookFeed"]:
        self._threads = [threading.Thread(target=self._work, daemon=True) for _ in range(WORKERS)]
        for thread in self._threads:
            thread.start()
        try:
            yield self
        finally:
            self._stopped.set()
            self.api.wake()
            for thread in self._threads:
                thread.join(timeout=POST_TIMEOUT_S + 5)

    def _work(self) -> None:
        while not self._stopped.is_set():
            # One post of a chat at a time: the chat is busy until its update is done.
            update = self.api.take(self._busy)
            if update is None:
                continue
            chat = chat_of(update)
            try:
                self._deliver(update, chat)
            finally:
                self.api.release(self._busy, chat)

    def _deliver(self, update: dict[str, Any], chat: int) -> None:
        with self._rng_lock:
            first = self._rng.randrange(len(self.endpoints))
        for attempt in itertools.count():
            if self._stopped.is_set():
                return
            endpoint = self.endpoints[(first + attempt) % len(self.endpoints)]
            if self._post(endpoint, update, chat):
                break
            if attempt % len(self.endpoints) == len(self.endpoints) - 1:
                self._stopped.wait(0.05)  # every process is down: as Telegram, try later
        self.api.acknowledged(update)
        with self._rng_lock:
            again = self._rng.random() < REDELIVER_SHARE
        if again:
            other = self.endpoints[(first + attempt + 1) % len(self.endpoints)]
            self.redelivered += 1
            self._post(other, update, chat)

    def _post(self, endpoint: Endpoint, update: dict[str, Any], chat: int) -> bool:
        generation = endpoint.generation
        started = self.api.next_seq()
        acknowledged = _post_update(endpoint.port, update) == 200
        delivery = Delivery(
            update["update_id"], chat, generation, started, self.api.next_seq(), acknowledged
        )
        with self._rng_lock:
            self.deliveries.append(delivery)
        return acknowledged


def _post_update(port: int, update: dict[str, Any]) -> int | None:
    """The webhook's status, or None when the process could not be reached or died."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/telegram",
        data=json.dumps(update).encode(),
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
    )
    try:
        with urllib.request.urlopen(request, timeout=POST_TIMEOUT_S) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)
    except OSError:
        return None


def wait_until(condition: Callable[[], bool], api: OriginBotApi, timeout: float) -> bool:
    """Wake at each change of the fake until `condition` holds; False at the timeout."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        api.wait_change(0.05)
    return True
