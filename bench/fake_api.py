"""The test suite's fake Bot API, with an index of each chat's messages.

`FakeBotApi.sent()` scans every call it ever recorded; a load of thousands of updates needs the
last message of one chat in constant time, so this subclass keeps them per chat.
"""

import itertools
import sys
from collections import Counter, defaultdict
from contextlib import AbstractContextManager
from http.server import ThreadingHTTPServer
from typing import Any

from tests.fakes.bot_api import FakeBotApi, _Handler
from tests.fakes.loopback import serve

MESSAGE_METHODS = frozenset({"sendMessage", "editMessageText", "sendPhoto", "sendDocument"})

Message = dict[str, Any]


class TrackingBotApi(FakeBotApi):
    def __init__(self, keep_calls: bool = True, first_update_id: int = 1000) -> None:
        super().__init__()
        self._update_ids = itertools.count(first_update_id)
        self.keep_calls = keep_calls
        """False drops the flat call log, which a long load would only fill."""
        self.messages: defaultdict[int, list[Message]] = defaultdict(list)
        """Per chat id, every message the bot sent or edited, oldest first."""
        self.method_calls: Counter[str] = Counter()
        """How often each method was called, failed calls included."""

    def handle(
        self, method: str, params: dict[str, Any], files: dict[str, bytes]
    ) -> tuple[int, dict[str, Any]]:
        status, body = super().handle(method, params, files)
        with self._lock:
            self.method_calls[method] += 1
            if status == 200 and method in MESSAGE_METHODS:
                self.messages[int(params.get("chat_id", 0))].append(body["result"])
            if not self.keep_calls:
                self.calls.clear()
            self._lock.notify_all()
        return status, body

    def calls_of(self, method: str) -> int:
        with self._lock:
            return self.method_calls[method]

    def queued(self, update_id: int) -> bool:
        """Whether an update is still waiting to be confirmed by a later getUpdates offset."""
        with self._lock:
            return any(u["update_id"] == update_id for u in self.updates)

    def wait_change(self, timeout: float) -> None:
        """Sleep until the bot calls anything, an update is pushed, or the timeout passes."""
        with self._lock:
            self._lock.wait(timeout)

    def count(self, chat_id: int) -> int:
        with self._lock:
            return len(self.messages[chat_id])

    def last(self, chat_id: int) -> Message | None:
        with self._lock:
            sent = self.messages[chat_id]
            return sent[-1] if sent else None

    def last_with_buttons(self, chat_id: int) -> Message | None:
        with self._lock:
            for message in reversed(self.messages[chat_id]):
                if message.get("reply_markup"):
                    return message
        return None

    def texts_to(self, chat_id: int) -> list[str]:
        with self._lock:
            return [str(m.get("text", "")) for m in self.messages[chat_id]]


def buttons(message: Message | None) -> list[tuple[str, str]]:
    """(label, callback data) of a message's inline keyboard."""
    markup = (message or {}).get("reply_markup") or {}
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


def button_data(message: Message | None, label: str) -> str | None:
    """The callback data of the first button whose label starts with `label`."""
    for text, data in buttons(message):
        if text == label or text.startswith(label):
            return data
    return None


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A bot killed mid-request leaves a broken connection; that is the point of the run.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve_quietly(api: FakeBotApi) -> AbstractContextManager[str]:
    """`serve_bot_api`, without a traceback for every connection a killed process drops."""
    return serve(type("Handler", (_Handler,), {"api": api}), "/bot", _QuietServer)
