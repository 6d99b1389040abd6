"""A completed survey response as the rest of the program hands it to storage."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from skm_core.ikm.compute import Answer, Tally


@dataclass(frozen=True)
class SurveyResponse:
    submitted_at: datetime
    channel: str
    answers: tuple[Answer, ...]
    service_id: str | None = None
    respondent_key: str | None = None
    ticket_id: int | None = None
    profile: Mapping[str, str | int] = field(default_factory=dict)
    suggestion: str | None = None
    import_batch: str | None = None
    questionnaire_version: str | None = None
    """The version of the questionnaire the answers were given to (content's survey.yaml)."""

    def __post_init__(self) -> None:
        if self.submitted_at.tzinfo is None:
            raise ValueError("submitted_at must carry its timezone")
        # Tally validates the count and each answer, with the same error as everywhere else.
        Tally.from_answers([self.answers])
