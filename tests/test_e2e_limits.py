"""The real `skm run` under 256 file descriptors, as the probe ran it: slow clients beyond the
descriptor limit and large unsigned posts leave /health answering, memory flat, the log short."""

import asyncio
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.graph_api import ACCESS_TOKEN, PHONE_NUMBER_ID, FakeGraphApi, serve_graph_api
from tests.test_e2e_whatsapp import free_port

DESCRIPTORS = 256
LIMIT = 15.0  # seconds any single wait below may take


def resident_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def few_descriptors() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (DESCRIPTORS, DESCRIPTORS))


class Running:
    def __init__(self, tmp_path: Path, graph_url: str) -> None:
        self.port = free_port()
        env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("TELEGRAM_", "SKM_", "WHATSAPP_"))
            },
            "SKM_DATA_DIR": str(tmp_path / "data"),
            "SKM_HTTP_PORT": str(self.port),
            "SKM_HTTP_HEADER_TIMEOUT_SECONDS": "3",
            "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
            "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
            "WHATSAPP_APP_SECRET": "app-secret",
            "WHATSAPP_VERIFY_TOKEN": "verify-me",
            "WHATSAPP_API_BASE_URL": graph_url,
        }
        self.log_path = tmp_path / "skm.log"
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("skm")), "run"],
            env=env,
            cwd=tmp_path,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            preexec_fn=few_descriptors,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@pytest.fixture
def running(tmp_path) -> Iterator[Running]:
    with serve_graph_api(FakeGraphApi()) as url:
        bot = Running(tmp_path, url)
        try:
            yield bot
        finally:
            bot.stop()


async def health(port: int) -> bytes:
    for _ in range(200):  # the server may still be starting
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            break
        except OSError:
            await asyncio.sleep(0.05)
    else:
        raise AssertionError("the server did not start")
    writer.write(b"GET /health HTTP/1.1\r\nHost: bot\r\nConnection: close\r\n\r\n")
    answer = await asyncio.wait_for(reader.read(), LIMIT)
    writer.close()
    return answer


async def big_unsigned_post(port: int, megabytes: int) -> bytes:
    """Declares 200 MB and sends up to `megabytes` of it, reading whatever comes back."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = "POST /webhook/whatsapp HTTP/1.1\r\nHost: bot\r\nContent-Length: 209715200\r\n\r\n"
    writer.write(head.encode())
    chunk = b"x" * (1024 * 1024)
    try:
        for _ in range(megabytes):
            writer.write(chunk)
            await writer.drain()
        answer = await asyncio.wait_for(reader.read(), LIMIT)
    except ConnectionError:
        # Refused and closed mid-way, the 413 lost to the reset of what was still unread.
        answer = b""
    writer.close()
    return answer


async def test_slow_clients_and_big_posts_under_256_descriptors(running):
    assert (await health(running.port)).startswith(b"HTTP/1.1 200")
    before = resident_kb(running.process.pid)
    posts = await asyncio.gather(*(big_unsigned_post(running.port, 25) for _ in range(8)))
    assert all(p.startswith(b"HTTP/1.1 413") or p == b"" for p in posts)
    assert resident_kb(running.process.pid) - before < 50_000  # not 8 x 200 MB
    slow = []
    for _ in range(300):  # more than the process has descriptors
        reader, writer = await asyncio.open_connection("127.0.0.1", running.port)
        writer.write(b"GET /health HTTP/1.1\r\nHost: bo")
        slow.append((reader, writer))
    try:
        for _ in range(3):
            assert (await health(running.port)).startswith(b"HTTP/1.1 200")
    finally:
        for _, writer in slow:
            writer.close()
    assert running.process.poll() is None
    running.stop()
    assert len(running.log_path.read_text(errors="replace").splitlines()) < 200
