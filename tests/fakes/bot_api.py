"""A fake Telegram Bot API: the methods the bot calls, with state, in process or over HTTP.

`FakeBotApi` keeps the chats' messages and a queue of updates. `FakeRequest` plugs it into
python-telegram-bot directly (no socket), and `serve_bot_api` serves it on 127.0.0.1 for the
real `skm run` process. Nothing here ever reaches Telegram.
"""

import itertools
import json
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from typing import Any, cast
from urllib.parse import parse_qs

from telegram.request import BaseRequest, RequestData

from tests.fakes.loopback import Watched, serve

BOT_ID = 7000001
BOT_USERNAME = "SkmSangasangaTestBot"
TOKEN = f"{BOT_ID}:TEST-token-for-the-fake-api"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)


class FakeBotApi(Watched):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.failures: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.webhook_url = ""
        self.webhook_error = ""
        """Telegram's last failure to deliver to the webhook, as getWebhookInfo tells it."""
        self.blocked: set[int] = set()
        """Chats whose person blocked the bot: every message to them is refused with 403."""
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)

    # --- what tests do -----------------------------------------------------------------

    def user(self, user_id: int) -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": f"Warga{user_id}",
            "language_code": "id",
        }

    def _message(self, user_id: int, text: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": f"Warga{user_id}"},
            "from": self.user(user_id),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split(" ", 1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return message

    def text_update(self, user_id: int, text: str) -> dict[str, Any]:
        return {"update_id": next(self._update_ids), "message": self._message(user_id, text)}

    def button_update(
        self, user_id: int, data: str, message: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        pressed = message or self.last_bot_message(user_id)
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._message_ids)),
                "from": self.user(user_id),
                "chat_instance": str(user_id),
                "data": data,
                "message": pressed,
            },
        }

    def photo_update(self, user_id: int) -> dict[str, Any]:
        message = self._message(user_id, "")
        del message["text"]
        message["photo"] = [{"file_id": "p1", "file_unique_id": "u1", "width": 10, "height": 10}]
        return {"update_id": next(self._update_ids), "message": message}

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.updates.append(update)
            self.changed()
        return update

    def fail(self, method: str, status: int, body: dict[str, Any]) -> None:
        """Answer the next call of `method` with this error."""
        self.failures.setdefault(method, []).append((status, body))

    def sent(self, user_id: int | None = None) -> list[Call]:
        methods = {"sendMessage", "editMessageText", "sendPhoto", "sendDocument"}
        with self._lock:
            return [
                c
                for c in self.calls
                if c.method in methods
                and (user_id is None or int(c.params.get("chat_id", 0)) == user_id)
            ]

    def texts(self, user_id: int) -> list[str]:
        return [str(c.params.get("text", c.params.get("caption", ""))) for c in self.sent(user_id)]

    def last_bot_message(self, user_id: int) -> dict[str, Any]:
        for call in reversed(self.sent(user_id)):
            if call.method in ("sendMessage", "editMessageText"):
                return call.params["_result"]
        raise AssertionError("the bot has sent nothing to this user")

    def buttons(self, user_id: int) -> list[tuple[str, str]]:
        """(label, callback data) of the last message that has buttons."""
        for call in reversed(self.sent(user_id)):
            markup = call.params.get("reply_markup")
            if markup:
                rows = markup["inline_keyboard"] if isinstance(markup, dict) else []
                return [(b["text"], b["callback_data"]) for row in rows for b in row]
        return []

    # --- what the bot calls ----------------------------------------------------------------

    def handle(
        self, method: str, params: dict[str, Any], files: dict[str, bytes]
    ) -> tuple[int, dict[str, Any]]:
        with self._lock:
            queued = self.failures.get(method)
            if queued:
                status, body = queued.pop(0)
                self.calls.append(Call(f"!{method}", params, files))
                self.changed()
                return status, body
            chat = params.get("chat_id")
            if method.startswith("send") and chat is not None and int(chat) in self.blocked:
                self.calls.append(Call(f"!{method}", params, files))
                self.changed()
                forbidden = "Forbidden: bot was blocked by the user"
                return 403, {"ok": False, "error_code": 403, "description": forbidden}
            if method == "getUpdates":
                result: Any = self._get_updates(params)
            elif method == "getWebhookInfo":
                result = self._webhook_info()
                self.calls.append(Call(method, params, files))
            else:
                result = self._answer(method, params)
                call = Call(method, {**params, "_result": result}, files)
                self.calls.append(call)
                self.changed()
        return 200, {"ok": True, "result": result}

    def _webhook_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {"url": self.webhook_url, "pending_update_count": 0}
        if self.webhook_error:
            info["last_error_message"] = self.webhook_error
        return info

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 1.0)
        # Updates below the offset are confirmed: Telegram forgets them.
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates and timeout:
            self._lock.wait(timeout)
        return list(self.updates[:100])

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "SKM Sangasanga",
                "username": BOT_USERNAME,
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method in ("sendMessage", "sendPhoto", "sendDocument", "editMessageText"):
            chat_id = int(params["chat_id"]) if "chat_id" in params else 0
            message: dict[str, Any] = {
                "message_id": int(params.get("message_id") or next(self._message_ids)),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": {
                    "id": BOT_ID,
                    "is_bot": True,
                    "first_name": "SKM",
                    "username": BOT_USERNAME,
                },
            }
            if "text" in params:
                message["text"] = params["text"]
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            if method == "sendPhoto":
                message["photo"] = [
                    {"file_id": "ph", "file_unique_id": "ph", "width": 1, "height": 1}
                ]
            if method == "sendDocument":
                message["document"] = {"file_id": "doc", "file_unique_id": "doc"}
            return message
        if method == "editMessageReplyMarkup":
            return True
        if method == "setWebhook":
            self.webhook_url = str(params.get("url", ""))
            return True
        if method == "deleteWebhook":
            self.webhook_url = ""
            return True
        if method in (
            "setMyCommands",
            "deleteMyCommands",
            "answerCallbackQuery",
            "close",
            "logOut",
        ):
            return True
        if method == "getMyCommands":
            return []
        raise AssertionError(f"the fake Bot API does not know {method}")


def _decode(params: dict[str, Any]) -> dict[str, Any]:
    decoded: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str):
            try:
                decoded[key] = json.loads(value)
            except ValueError:
                decoded[key] = value
        else:
            decoded[key] = value
    # Chat ids and texts stay what they were sent as, numbers as numbers and texts as texts.
    if "text" in params:
        decoded["text"] = params["text"]
    if "caption" in params:
        decoded["caption"] = params["caption"]
    return decoded


class FakeRequest(BaseRequest):
    """python-telegram-bot's network layer, answered by a FakeBotApi in the same process."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = _decode(dict(request_data.json_parameters)) if request_data else {}
        files: dict[str, bytes] = {}
        if request_data and request_data.contains_files:
            for key, value in request_data.multipart_data.items():
                files[key] = cast(bytes, value[1]) if isinstance(value, tuple) else bytes(value)
        if name == "getUpdates":
            params["timeout"] = 0
        status, body = self.api.handle(name, params, files)
        return status, json.dumps(body).encode()


class _Handler(BaseHTTPRequestHandler):
    api: FakeBotApi

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        kind = self.headers.get("Content-Type", "")
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        if kind.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {kind}\r\n\r\n".encode() + body
            )
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                raw = part.get_payload(decode=True)
                payload = raw if isinstance(raw, bytes) else b""
                if part.get_filename():
                    files[str(name)] = payload
                else:
                    params[str(name)] = payload.decode()
        elif kind.startswith("application/json"):
            params = json.loads(body or b"{}")
        else:
            params = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        method = self.path.rsplit("/", 1)[-1]
        status, answer = self.api.handle(method, _decode(params), files)
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def serve_bot_api(api: FakeBotApi) -> AbstractContextManager[str]:
    """Serve the fake on 127.0.0.1; yields the base URL to give as TELEGRAM_API_BASE_URL."""
    return serve(type("Handler", (_Handler,), {"api": api}), "/bot")
