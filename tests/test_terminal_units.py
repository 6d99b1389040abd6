"""The terminal chat on a deployment of several units: the choice is shown numbered, and a
kecamatan is picked by its number or its name."""

import io

from bot.terminal import TerminalChat
from skm_core.content import Content
from skm_core.storage import Database
from tests.conversation.chat import Clock
from tests.conversation.test_units import units_engine


async def test_the_terminal_shows_the_choice_and_takes_a_number_or_a_name(
    db: Database, content: Content, clock: Clock
) -> None:
    stdin = io.StringIO("3\nganti kecamatan\nangana\n4\n")
    stdout = io.StringIO()
    await TerminalChat(units_engine(db, content, clock), "warga-t", stdin, stdout).run()
    said = stdout.getvalue()
    assert "  1. Kecamatan Sangasanga\n  2. Kecamatan Anggana\n  3. Kecamatan Muara Jawa" in said
    assert "Selamat datang di layanan informasi Kecamatan Muara Jawa" in said
    assert "  6. Ganti kecamatan" in said
    assert "Selamat datang di layanan informasi Kecamatan Anggana" in said
    assert "Kantor Camat Anggana\nAlamat:" in said
