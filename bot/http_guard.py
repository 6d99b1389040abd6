"""Limits that keep the HTTP server answering whatever clients do.

A body is read only up to a cap and within a time; a connection must send its request head
within a time; and the number of open connections is bounded below the process's descriptor
limit, a new connection pushing out the longest idle one, so that slow or silent clients
cannot crowd out Meta, Telegram or /health.
"""

import asyncio
import resource
from typing import Any

from starlette.requests import Request
from uvicorn.protocols.http.h11_impl import H11Protocol

# Descriptors kept for the database, the outgoing API clients and the log.
RESERVED_DESCRIPTORS = 64
# asyncio accepts up to the listen backlog in one go before any protocol can close an idle
# connection, so a burst of that many must fit beside the connections held.
ACCEPT_BACKLOG = 32


class BodyRefused(Exception):
    """A request body that is not read to its end; `status` is the HTTP answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def read_capped(request: Request, limit: int, seconds: float) -> bytes:
    """The body, if it is at most `limit` bytes and arrives within `seconds`.

    A declared length over the cap is refused before a byte of the body is read; a body
    without one (chunked) is refused as soon as it passes the cap.
    """
    declared = request.headers.get("content-length")
    if declared is not None and int(declared) > limit:  # h11 has checked it is digits
        raise BodyRefused(413, f"body over {limit} bytes")
    body = bytearray()
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.stream():
                body += chunk
                if len(body) > limit:
                    raise BodyRefused(413, f"body over {limit} bytes")
    except TimeoutError:
        raise BodyRefused(408, "body too slow") from None
    return bytes(body)


def connection_cap(wanted: int) -> int:
    """At most `wanted` connections, and fewer when the descriptor limit would not allow it."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - RESERVED_DESCRIPTORS - ACCEPT_BACKLOG))


class GuardedProtocol(H11Protocol):
    """uvicorn's h11 protocol with a request-head timeout and a bound on open connections."""

    header_timeout: float = 10.0
    max_connections: int = 100

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._head_timer: asyncio.TimerHandle | None = None
        self._idle_since = self.loop.time()
        self._arm_head_timer()
        open_ = [c for c in self.connections if not c.transport.is_closing()]
        if len(open_) > self.max_connections:
            self._make_room()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._in_request():
            self._cancel_head_timer()
        elif self._head_timer is None:
            # The next request of a kept-alive connection has its head timed too.
            self._arm_head_timer()

    def on_response_complete(self) -> None:
        self._idle_since = self.loop.time()
        super().on_response_complete()

    def _in_request(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def _arm_head_timer(self) -> None:
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if not self._in_request() and not self.transport.is_closing():
            self.transport.close()

    def _make_room(self) -> None:
        """Close the longest idle connection; this one when every other is busy."""
        idle = [
            c
            for c in self.connections
            if isinstance(c, GuardedProtocol)
            and c is not self
            and not c._in_request()
            and not c.transport.is_closing()
        ]
        victim = min(idle, key=lambda c: c._idle_since, default=self)
        victim.transport.close()


def guarded_protocol(header_timeout: float, max_connections: int) -> type[H11Protocol]:
    """The guarded protocol with one server's bounds."""

    class Configured(GuardedProtocol):
        pass

    Configured.header_timeout = header_timeout
    Configured.max_connections = max_connections
    return Configured
