"""Settings from the environment or a `.env` file; every one has a default that works locally."""

import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from skm_core.content import Content, shipped_content_dir
from skm_core.conversation.survey import SurveyPolicy

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
    skm_data_dir: Path = Path("data")
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
            ZoneInfo(value)
        return value

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

    def survey_policy(self) -> SurveyPolicy:
        return SurveyPolicy(
            expiry=timedelta(hours=self.skm_survey_expiry_hours),
            accept_unticketed=self.skm_accept_unticketed,
            daily_limit_per_service=self.skm_daily_limit_per_service,
        )

    def zone(self, content: Content) -> ZoneInfo:
        """The unit's timezone: periods, schedules and times shown are in it."""
        return ZoneInfo(self.skm_timezone or content.unit.timezone)
