"""Settings from the environment or a `.env` file; every one has a default that works locally."""

import re
from datetime import timedelta
from pathlib import Path
from typing import Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from skm_core.content import Content, shipped_content_dir
from skm_core.conversation.survey import SurveyPolicy
from skm_core.ikm.answer_files import ReadLimits
from skm_core.storage.database import is_postgres_url

DATABASE_FILE = "skm.sqlite3"
PSEUDONYM_KEY_FILE = "pseudonym.key"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    telegram_bot_token: SecretStr | None = None
    telegram_bot_username: str | None = None
    """Only for printing the poster QR without asking Telegram; the running bot asks getMe."""
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_api_file_url: str = "https://api.telegram.org/file/bot"
    telegram_webhook_url: str | None = None
    """Public HTTPS address Telegram posts updates to; polling is used when it is not set."""
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_path: str = "telegram"
    whatsapp_access_token: SecretStr | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_api_base_url: str = "https://graph.facebook.com/v23.0"
    whatsapp_business_number: str | None = None
    """The number citizens write to, digits only with country code (628...), for wa.me links."""
    whatsapp_template_name: str = "laporan_skm"
    whatsapp_template_language: str = "id"
    whatsapp_send_rate: float = Field(default=20, gt=0)
    """Messages per second at most (Cloud API throughput is per business number)."""
    skm_admin_whatsapp_numbers: str = ""
    skm_http_host: str = "127.0.0.1"
    skm_http_port: int = Field(default=8080, ge=1, le=65535)
    skm_http_max_connections: int = Field(default=64, ge=1)
    """Open connections at most; a new one closes the longest idle one."""
    skm_http_header_timeout_seconds: float = Field(default=10, gt=0)
    skm_http_body_timeout_seconds: float = Field(default=15, gt=0)
    skm_import_max_rows: int = Field(default=200_000, ge=1)
    skm_import_max_columns: int = Field(default=200, ge=9)
    skm_import_max_mb: float = Field(default=100, gt=0)
    """Of an answer file as read: a CSV's size, an XLSX's content once unzipped."""
    skm_data_dir: Path = Path("data")
    skm_database_url: SecretStr | None = None
    """postgresql://user:password@host:port/name keeps everything in PostgreSQL (several
    processes may then share it); without it, SQLite in the data directory."""
    skm_content_dir: Path | None = None
    skm_timezone: str | None = None
    """Overrides the unit's timezone from content/unit.yaml (Asia/Makassar for Sangasanga)."""
    skm_admin_telegram_ids: str = Field(default="", description="comma-separated user ids")
    skm_survey_expiry_hours: float = Field(default=24, gt=0)
    skm_accept_unticketed: bool = True
    skm_daily_limit_per_service: int = Field(default=1, ge=0)
    skm_ticket_days: float = Field(default=7, gt=0)
    skm_outbox_interval_seconds: float = Field(default=3, gt=0)
    skm_public_url: str | None = None
    """Where people reach this server (https://skm.example.go.id): the public results page,
    the desk, and the sign-in links /masuk sends. The web pages are served when it is set."""

    skm_webchat_origins: str = ""
    """Comma-separated origins (https://kecamatan.example.go.id) whose pages may embed the
    website chat's widget; the server's own origin always may."""
    skm_webchat_rate_per_minute: int = Field(default=30, ge=1)
    """Website chat events per client address in any minute at most."""

    @field_validator("skm_webchat_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip() and not re.fullmatch(r"https?://[^\s/?#]+", part.strip()):
                raise ValueError(f"not an origin (scheme and host, no path): {part.strip()!r}")
        return value

    @property
    def webchat_origins(self) -> frozenset[str]:
        return frozenset(
            p.strip().rstrip("/") for p in self.skm_webchat_origins.split(",") if p.strip()
        )

    @field_validator("skm_public_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
            raise ValueError(f"not an http(s) address without query: {value!r}")
        return value.rstrip("/") if value else value

    @property
    def public_url(self) -> str | None:
        return self.skm_public_url or None

    @field_validator("skm_timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            known_zone(value)
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Self:
        # Without a secret anyone who reaches the server could post an update as any user.
        if self.telegram_webhook_url and self.telegram_webhook_secret is None:
            raise ValueError("TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set")
        return self

    @field_validator("skm_admin_telegram_ids")
    @classmethod
    def _ids(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip() and not re.fullmatch(r"-?[0-9]{1,20}", part.strip()):
                raise ValueError(f"not a Telegram user id: {part.strip()!r}")
        return value

    @property
    def admin_telegram_ids(self) -> frozenset[int]:
        return frozenset(int(p) for p in self.skm_admin_telegram_ids.split(",") if p.strip())

    @property
    def content_dir(self) -> Path:
        return self.skm_content_dir or shipped_content_dir()

    @property
    def database_path(self) -> Path:
        return self.skm_data_dir / DATABASE_FILE

    @property
    def database_target(self) -> Path | str:
        """What `Database.open` takes: the PostgreSQL URL when set, else the SQLite file."""
        if self.skm_database_url is not None:
            return self.skm_database_url.get_secret_value()
        return self.database_path

    @field_validator("skm_database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not is_postgres_url(value.get_secret_value()):
            raise ValueError("use a postgresql://user:password@host:port/name address")
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _secret_alphabet(cls, value: SecretStr | None) -> SecretStr | None:
        # The Bot API accepts 1-256 characters of A-Z, a-z, 0-9, _ and - as a secret token.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("use 1 to 256 characters from A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("skm_admin_whatsapp_numbers", "whatsapp_business_number")
    @classmethod
    def _numbers(cls, value: str | None) -> str | None:
        for part in (value or "").split(","):
            if part.strip() and not re.fullmatch(r"\+?[0-9]{6,15}", part.strip()):
                raise ValueError(f"not a phone number in international form: {part.strip()!r}")
        return value

    @property
    def admin_whatsapp_numbers(self) -> frozenset[str]:
        return frozenset(
            p.strip().lstrip("+") for p in self.skm_admin_whatsapp_numbers.split(",") if p.strip()
        )

    @property
    def whatsapp_configured(self) -> bool:
        return all(
            (
                self.whatsapp_access_token,
                self.whatsapp_phone_number_id,
                self.whatsapp_app_secret,
                self.whatsapp_verify_token,
            )
        )

    @property
    def ticket_validity(self) -> timedelta:
        return timedelta(days=self.skm_ticket_days)

    @property
    def pseudonym_key_path(self) -> Path:
        return self.skm_data_dir / PSEUDONYM_KEY_FILE

    def import_limits(self) -> ReadLimits:
        return ReadLimits(
            max_rows=self.skm_import_max_rows,
            max_columns=self.skm_import_max_columns,
            max_bytes=int(self.skm_import_max_mb * 1024 * 1024),
        )

    def survey_policy(self) -> SurveyPolicy:
        return SurveyPolicy(
            expiry=timedelta(hours=self.skm_survey_expiry_hours),
            accept_unticketed=self.skm_accept_unticketed,
            daily_limit_per_service=self.skm_daily_limit_per_service,
        )

    def zone(self, content: Content) -> ZoneInfo:
        """The unit's timezone: periods, schedules and times shown are in it."""
        return ZoneInfo(self.skm_timezone or content.unit.timezone)


def known_zone(name: str) -> ZoneInfo:
    """The IANA zone of that name; ValueError (not KeyError) for an unknown or odd name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {name!r}, expected e.g. Asia/Makassar") from None


def settings_problems(error: ValidationError) -> list[str]:
    """One line per invalid setting, named as it is set in the environment."""
    lines = []
    for problem in error.errors(include_url=False):
        name = "_".join(str(part) for part in problem["loc"]).upper()
        reason = str(problem["msg"]).removeprefix("Value error, ")
        lines.append(f"invalid setting {name}: {reason}" if name else f"invalid setting {reason}")
    return lines
