"""A fake WhatsApp Cloud API (Graph API) on 127.0.0.1: records what is sent, answers like Meta."""

import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.loopback import Watched, serve

PHONE_NUMBER_ID = "1122334455667"
ACCESS_TOKEN = "EAAtest-access-token"


class FakeGraphApi(Watched):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[dict[str, Any]] = []
        self.media: list[tuple[str, bytes]] = []
        self.failures: list[tuple[int, dict[str, Any]]] = []
        self.failures_of: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.unauthorised = 0
        self._ids = itertools.count(1)

    def fail_next(self, status: int, code: int, message: str = "error") -> None:
        self.failures.append((status, {"error": {"code": code, "message": message}}))

    def fail_next_of(self, kind: str, status: int, code: int, message: str = "error") -> None:
        """Answer the next message of this type (text, image, interactive...) with an error."""
        error = (status, {"error": {"code": code, "message": message}})
        self.failures_of.setdefault(kind, []).append(error)

    def to(self, wa_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return [m for m in self.messages if m.get("to") == wa_id]

    def answer(self, path: str, headers: Any, body: bytes) -> tuple[int, dict[str, Any]]:
        with self._lock:
            if headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
                self.unauthorised += 1
                return 401, {"error": {"code": 190, "message": "Invalid OAuth access token"}}
            if self.failures:
                return self.failures.pop(0)
            if path.endswith(f"/{PHONE_NUMBER_ID}/messages"):
                queued = self.failures_of.get(str(json.loads(body).get("type")))
                if queued:
                    return queued.pop(0)
                wamid = f"wamid.out.{next(self._ids)}"
                self.messages.append({**json.loads(body), "_id": wamid})
                self.changed()
                return 200, {"messaging_product": "whatsapp", "messages": [{"id": wamid}]}
            if path.endswith(f"/{PHONE_NUMBER_ID}/media"):
                message = BytesParser(policy=HTTP).parsebytes(
                    f"Content-Type: {headers.get('Content-Type')}\r\n\r\n".encode() + body
                )
                for part in message.iter_parts():
                    filename, payload = part.get_filename(), part.get_payload(decode=True)
                    if filename and isinstance(payload, bytes):
                        self.media.append((filename, payload))
                self.changed()
                return 200, {"id": f"media-{next(self._ids)}"}
            return 404, {"error": {"code": 100, "message": f"unknown path {path}"}}

    def read(self, path: str, headers: Any) -> tuple[int, dict[str, Any]]:
        """A GET of a node: the phone number's own record, as `skm doctor` asks for it."""
        with self._lock:
            if headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
                self.unauthorised += 1
                return 401, {"error": {"code": 190, "message": "Invalid OAuth access token"}}
            if path.split("?")[0].endswith(f"/{PHONE_NUMBER_ID}"):
                return 200, {
                    "id": PHONE_NUMBER_ID,
                    "display_phone_number": "+62 541 000000",
                    "verified_name": "Kecamatan Sangasanga",
                }
            message = "Unsupported get request. Object does not exist or missing permissions"
            return 400, {"error": {"code": 100, "message": message}}


@contextmanager
def serve_graph_api(api: FakeGraphApi) -> Iterator[str]:
    """Serve the fake on 127.0.0.1; yields the base URL to give as WHATSAPP_API_BASE_URL."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, answer = api.answer(self.path, self.headers, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            status, answer = api.read(self.path, self.headers)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    with serve(Handler, "/v23.0") as url:
        yield url
