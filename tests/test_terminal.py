"""`skm chat` and `skm run` without a token: the terminal channel driven through standard input."""

import subprocess
import sys
from pathlib import Path


def skm(*args: str, stdin: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {"SKM_DATA_DIR": str(data), "PATH": "/usr/bin:/bin", "HOME": str(data)}
    return subprocess.run(
        [str(Path(sys.executable).with_name("skm")), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_a_new_user_reads_requirements_in_the_terminal(tmp_path):
    done = skm("chat", stdin="1\n12\n", data=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "  1. Informasi layanan" in done.stdout
    assert "LEGALISASI SURAT KETERANGAN TIDAK MAMPU" in done.stdout
    assert "Persyaratan:" in done.stdout


def test_run_without_a_token_lands_in_the_terminal_chat(tmp_path):
    done = skm("run", stdin="syarat surat pindah\n", data=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "starting the terminal chat" in done.stderr
    assert "SURAT KETERANGAN PINDAH" in done.stdout.upper()


def test_a_survey_in_the_terminal_reaches_the_database(tmp_path):
    lines = ["survei", "ya", "12", "2", "41", "6", "1", *["4"] * 9, "1", "kirim"]
    done = skm("chat", "--as", "budi", stdin="\n".join(lines) + "\n", data=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Terima kasih, penilaian Bapak/Ibu telah kami terima" in done.stdout
    ikm = skm("ikm", "--db", "--json", stdin="", data=tmp_path)
    assert '"respondents": 1' in ikm.stdout
    assert '"ikm": 100.0' in ikm.stdout


def test_the_conversation_continues_in_a_new_process(tmp_path):
    skm("chat", "--as", "sari", stdin="survei\nya\n12\n", data=tmp_path)
    done = skm("chat", "--as", "sari", stdin="survei\n", data=tmp_path)
    assert "Melanjutkan survei" in done.stdout
    assert "Jenis kelamin" in done.stdout


def test_the_database_never_holds_the_login_name(tmp_path):
    skm("chat", "--as", "rahasia-budi", stdin="survei\n", data=tmp_path)
    files = list(tmp_path.glob("skm.sqlite3*"))
    assert files
    for path in files:
        assert b"rahasia-budi" not in path.read_bytes()


def test_start_with_a_ticket_token_in_the_terminal(tmp_path):
    done = skm("chat", stdin="/start no-such-ticket\n", data=tmp_path)
    assert "Tautan survei ini tidak dikenal" in done.stdout


def test_qr_poster_files(tmp_path):
    done = skm(
        "qr", "--out", str(tmp_path / "poster"), "--username", "@SkmBot", stdin="", data=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "https://t.me/SkmBot?start=survei" in done.stdout
    assert (tmp_path / "poster" / "survei-telegram.png").read_bytes().startswith(b"\x89PNG")
    assert b"<svg" in (tmp_path / "poster" / "survei-telegram.svg").read_bytes()


def test_qr_poster_for_whatsapp(tmp_path):
    done = skm(
        "qr",
        "--out",
        str(tmp_path / "p"),
        "--whatsapp-number",
        "+6281234500000",
        stdin="",
        data=tmp_path,
    )
    assert "https://wa.me/6281234500000?text=SURVEI" in done.stdout
    assert (tmp_path / "p" / "survei-whatsapp.png").exists()


def test_qr_needs_a_username_or_a_number(tmp_path):
    done = skm("qr", "--out", str(tmp_path), stdin="", data=tmp_path)
    assert done.returncode == 2
    assert "--username" in done.stderr


def test_an_answer_to_a_complaint_reaches_the_terminal(tmp_path):
    import asyncio

    skm(
        "chat",
        "--as",
        "sari",
        stdin="kontak & pengaduan\nkirim pengaduan\nAntrean lama sekali.\nkirim\n",
        data=tmp_path,
    )

    async def answer() -> None:
        from skm_core.content import load_content, shipped_content_dir
        from skm_core.conversation import Event, EventKind
        from skm_core.conversation.engine import Engine
        from skm_core.storage import Database

        content = load_content(shipped_content_dir())
        async with await Database.open(tmp_path / "skm.sqlite3") as db:
            # The unit's rows, as the bot stores them.
            engine = Engine(
                db.for_unit(content.unit.id), content, admin_keys=frozenset({("t", "a")})
            )
            await engine.handle(
                Event("t", "a", "e1", EventKind.TEXT, "/jawab 1 Mohon maaf, kami tambah petugas.")
            )

    asyncio.run(answer())
    done = skm("chat", "--as", "sari", stdin="menu\n", data=tmp_path)
    assert "Mohon maaf, kami tambah petugas." in done.stdout
    again = skm("chat", "--as", "sari", stdin="menu\n", data=tmp_path)
    assert "Mohon maaf, kami tambah petugas." not in again.stdout


def test_answers_are_numbered_once_and_navigation_is_a_word():
    from bot.terminal import render
    from skm_core.conversation import Option, Reply

    reply = Reply(
        "U1?",
        (
            Option("a", "Tidak sesuai"),
            Option("b", "Kurang sesuai"),
            Option("back", "Kembali", navigation=True),
        ),
    )
    assert render([reply]).splitlines()[1:] == [
        "  1. Tidak sesuai",
        "  2. Kurang sesuai",
        "  · Kembali",
    ]


def test_a_number_beyond_the_answers_is_asked_again_not_taken_as_back(tmp_path):
    lines = ["survei", "ya", "ktp", "pr", "41 tahun", "sma", "tani", "7"]
    done = skm("chat", "--as", "ani", stdin="\n".join(lines) + "\n", data=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "1. 1 ·" not in done.stdout
    assert "  1. Tidak sesuai" in done.stdout
    last = done.stdout.rsplit("Angka 7 tidak ada pada pilihan", 1)
    assert len(last) == 2 and "Pertanyaan 6 dari 15" in last[1]


async def test_the_terminal_chat_builds_the_engine_as_the_bot_does(tmp_path, content, monkeypatch):
    from datetime import timedelta

    from bot import cli
    from bot.settings import Settings

    built = []

    class Recorder:
        def __init__(self, engine, user_key, stdin, stdout) -> None:
            built.append(engine)

        async def run(self) -> None:
            return None

    monkeypatch.setattr(cli, "TerminalChat", Recorder)
    settings = Settings(
        skm_data_dir=tmp_path / "data",
        skm_timezone="Asia/Jayapura",
        skm_ticket_days=3,
        skm_admin_telegram_ids="4242",
        _env_file=None,
    )
    await cli._chat(settings, content, "budi")
    [engine] = built
    assert engine.timezone.key == "Asia/Jayapura"
    assert engine.desk.tickets.validity == timedelta(days=3)
    assert any(channel == "telegram" for channel, _ in engine.admin_keys)
