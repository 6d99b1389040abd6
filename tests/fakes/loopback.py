"""What every fake API here shares: serving on 127.0.0.1, and waiting for the bot to act."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Watched:
    """State that the bot changes from another thread, and a test waits on."""

    def __init__(self) -> None:
        self._lock = threading.Condition()

    def changed(self) -> None:
        """Call with the lock held, after the state changed."""
        self._lock.notify_all()

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError("the bot did not do what was expected in time")
                self._lock.wait(remaining)


@contextmanager
def serve(
    handler: type[BaseHTTPRequestHandler],
    path: str,
    server_class: type[ThreadingHTTPServer] = ThreadingHTTPServer,
) -> Iterator[str]:
    """Serve on a free port of 127.0.0.1; yields the base URL, ending in `path`."""
    server = server_class(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{path}"
    finally:
        server.shutdown()
        server.server_close()
