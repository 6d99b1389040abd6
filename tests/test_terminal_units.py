"""The terminal chat on a deployment of several units: the choice is shown numbered, and a
kecamatan is picked by its number or its name."""

import io
import subprocess
import sys
from pathlib import Path

from bot.terminal import TerminalChat
from skm_core.content import Content, shipped_kabupaten_dir
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


KABUPATEN_CONTENT = shipped_kabupaten_dir()


def test_skm_chat_on_a_folder_of_several_units_offers_the_choice(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("skm")), "chat", "--as", "uji"],
        input="halo\nangana\n4\nganti kecamatan\n3\n",
        capture_output=True,
        text=True,
        env={
            "SKM_DATA_DIR": str(tmp_path),
            "SKM_CONTENT_DIR": str(KABUPATEN_CONTENT),
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
        },
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    said = done.stdout
    assert "  1. Kecamatan Sangasanga\n  2. Kecamatan Anggana\n  3. Kecamatan Muara Jawa" in said
    assert "Selamat datang di layanan informasi Kecamatan Anggana" in said
    assert "Kantor Camat Anggana\nAlamat:" in said
    assert "Selamat datang di layanan informasi Kecamatan Muara Jawa" in said
