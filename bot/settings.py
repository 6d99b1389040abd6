"""Settings from the environment or a `.env` file; every one has a default that works locally."""

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from skm_core.content import shipped_content_dir
from skm_core.conversation.survey import SurveyPolicy

DATABASE_FILE = "skm.sqlite3"
PSEUDONYM_KEY_FILE = "pseudonym.key"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    skm_data_dir: Path = Path("data")
    skm_content_dir: Path | None = None
    skm_timezone: str = "Asia/Makassar"
    skm_admin_telegram_ids: str = Field(default="", description="comma-separated user ids")
    skm_survey_expiry_hours: float = Field(default=24, gt=0)
    skm_accept_unticketed: bool = True
    skm_daily_limit_per_service: int = Field(default=1, ge=0)
    skm_ticket_days: float = Field(default=7, gt=0)

    @field_validator("skm_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)
        return value

    @field_validator("skm_admin_telegram_ids")
    @classmethod
    def _ids(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip() and not part.strip().lstrip("-").isdigit():
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
    def pseudonym_key_path(self) -> Path:
        return self.skm_data_dir / PSEUDONYM_KEY_FILE

    def survey_policy(self) -> SurveyPolicy:
        return SurveyPolicy(
            expiry=timedelta(hours=self.skm_survey_expiry_hours),
            accept_unticketed=self.skm_accept_unticketed,
            daily_limit_per_service=self.skm_daily_limit_per_service,
        )

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.skm_timezone)
