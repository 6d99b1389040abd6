"""Settings: what is refused at start-up, and how a wrong setting is told."""

import pytest
from pydantic import ValidationError

from bot.cli import main
from bot.settings import Settings, settings_problems


def test_a_webhook_without_a_secret_is_refused():
    with pytest.raises(ValidationError) as refused:
        Settings(telegram_webhook_url="https://example.org/telegram", _env_file=None)
    assert settings_problems(refused.value) == [
        "invalid setting TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set"
    ]


def test_a_webhook_with_a_secret_is_accepted():
    settings = Settings(
        telegram_webhook_url="https://example.org/telegram",
        telegram_webhook_secret="rahasia_123",
        _env_file=None,
    )
    assert settings.telegram_webhook_secret is not None


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../etc/passwd", "", "Asia/"])
def test_an_unknown_timezone_is_a_setting_error_not_a_crash(zone):
    with pytest.raises(ValidationError) as refused:
        Settings(skm_timezone=zone, _env_file=None)
    [line] = settings_problems(refused.value)
    assert line.startswith("invalid setting SKM_TIMEZONE: unknown timezone")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SKM_TIMEZONE", "Mars/Olympus_Mons"),
        ("SKM_HTTP_PORT", "delapan"),
        ("SKM_HTTP_PORT", "70000"),
        ("SKM_SURVEY_EXPIRY_HOURS", "-1"),
        ("SKM_ADMIN_TELEGRAM_IDS", "12,abc"),
        ("SKM_ACCEPT_UNTICKETED", "mungkin"),
    ],
)
def test_a_malformed_setting_is_one_line_naming_it_and_exit_1(
    name, value, skm_env, monkeypatch, capsys
):
    monkeypatch.setenv(name, value)
    code = main(["cari", "kk"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"invalid setting {name}: ")
    assert "Traceback" not in err


def test_two_bad_settings_are_two_lines(skm_env, monkeypatch, capsys):
    monkeypatch.setenv("SKM_HTTP_PORT", "0")
    monkeypatch.setenv("SKM_TIMEZONE", "Nowhere/Town")
    assert main(["cari", "kk"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert sorted(line.split(":")[0] for line in lines) == [
        "invalid setting SKM_HTTP_PORT",
        "invalid setting SKM_TIMEZONE",
    ]


@pytest.mark.parametrize("key", ["not hex at all", "abcd"])
def test_a_broken_pseudonym_key_is_one_line_and_exit_1(skm_env, capsys, key):
    skm_env.mkdir()
    (skm_env / "pseudonym.key").write_text(key, encoding="ascii")
    assert main(["hapus-data", "--telegram", "1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("invalid setting SKM_DATA_DIR: ")
    assert "pseudonym key" in err and err.count("\n") == 1
    assert (skm_env / "pseudonym.key").read_text(encoding="ascii") == key


def test_a_database_url_that_is_not_postgresql_is_refused():
    with pytest.raises(ValidationError) as refused:
        Settings(skm_database_url="mysql://db/skm", _env_file=None)
    [line] = settings_problems(refused.value)
    assert line.startswith("invalid setting SKM_DATABASE_URL: ")
    assert "postgresql://" in line


def test_without_a_database_url_the_sqlite_file_is_used(tmp_path):
    assert Settings(skm_data_dir=tmp_path, _env_file=None).database_target == (
        tmp_path / "skm.sqlite3"
    )
    url = "postgresql://skm:rahasia@127.0.0.1:5432/skm"
    assert Settings(skm_database_url=url, _env_file=None).database_target == url
