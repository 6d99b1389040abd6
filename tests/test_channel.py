"""What every channel shares (bot/channel.py): answering, queueing, attachments, commands."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channel import dispatch, respond
from skm_core.conversation import Attachment, Reply
from skm_core.conversation.channels import ChannelProfile
from skm_core.conversation.engine import Engine
from skm_core.conversation.messages import slash_command
from skm_core.delivery.sending import OutsideWindow, RetryLater, Undeliverable
from skm_core.storage import Database
from skm_core.storage.outbox import due_messages
from tests.conversation.chat import Clock

IMAGE = Attachment("image", "qr.png", b"png")
PROFILE = ChannelProfile(max_options=None, max_text=4000)


class Flaky:
    """Sends until `fail_at` sends have been made, then raises `error`."""

    name = "flaky"
    profile = PROFILE
    windowed = False
    start_link = None

    def __init__(self, fail_at: int, error: Exception) -> None:
        self.fail_at = fail_at
        self.error = error
        self.sent: list[Reply] = []

    async def send(self, address: str, reply: Reply) -> list[str]:
        if len(self.sent) == self.fail_at:
            raise self.error
        self.sent.append(reply)
        return [f"id-{len(self.sent)}"]


@pytest.mark.parametrize("error", [RetryLater("busy"), OutsideWindow()])
async def test_a_passing_failure_queues_only_the_parts_not_sent(
    engine: Engine, db: Database, error: Exception
):
    channel = Flaky(fail_at=1, error=error)
    replies = [Reply("Kode QR tiket", (), IMAGE), Reply("Selesai")]
    sent = await respond(engine, channel, "addr", replies)
    assert sent == ["id-1"]
    assert channel.sent == [Reply("", (), IMAGE)]
    [queued] = await due_messages(db, "flaky", Clock().now)
    assert queued.address == "addr"
    assert [r.text for r in queued.replies] == ["Kode QR tiket", "Selesai"]


async def test_an_undeliverable_answer_is_raised_and_not_queued(engine: Engine, db: Database):
    channel = Flaky(fail_at=0, error=Undeliverable("blocked"))
    with pytest.raises(Undeliverable):
        await respond(engine, channel, "addr", [Reply("Halo")])
    assert await due_messages(db, "flaky", Clock().now) == []


async def test_an_attachment_goes_before_its_text_as_its_kind():
    calls: list[str] = []

    async def image(a: Attachment) -> str:
        calls.append(f"image:{a.filename}")
        return "1"

    async def document(a: Attachment) -> str:
        calls.append(f"document:{a.filename}")
        return "2"

    async def text(r: Reply) -> None:
        calls.append(f"text:{r.text}")

    report = Attachment("document", "ikm.pdf", b"%PDF")
    assert await dispatch(Reply("QR", (), IMAGE), image, document, text) == ["1"]
    assert await dispatch(Reply("", (), report), image, document, text) == ["2"]
    assert calls == ["image:qr.png", "text:QR", "document:ikm.pdf"]


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("/start abc", ("start", "abc")),
        ("  /rekap@SkmBot  bulan ini ", ("rekap", "bulan ini")),
        ("/menu", ("menu", "")),
        ("syarat KK", None),
        ("", None),
    ],
)
def test_slash_commands_are_read_one_way(typed: str, parsed: tuple[str, str] | None):
    assert slash_command(typed) == parsed


@given(
    st.text(alphabet=st.characters(categories=["Ll", "Nd"]), min_size=1),
    st.text(alphabet=st.characters(categories=["L", "N", "Zs"])),
)
def test_a_command_and_its_arguments_read_back(name: str, args: str):
    assert slash_command(f"/{name} {args}") == (name, args.strip())
