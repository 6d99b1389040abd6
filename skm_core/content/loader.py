"""Loading ``content/`` into validated models, with errors that name file, field and reason."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from skm_core.content.models import (
    Referral,
    Referrals,
    SearchSettings,
    Service,
    Survey,
    Texts,
    Unit,
)
from skm_core.content.placeholders import placeholder_problems
from skm_core.content.report_texts import ReportTexts

M = TypeVar("M", bound=BaseModel)

UNIT_FILE = "unit.yaml"
SURVEY_FILE = "survey.yaml"
TEXTS_FILE = "texts.yaml"
SEARCH_FILE = "search.yaml"
REPORT_FILE = "report.yaml"
REFERRALS_FILE = "rujukan.yaml"
SERVICES_DIR = "layanan"


@dataclass(frozen=True)
class ContentIssue:
    file: Path
    field: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else str(self.file)
        field = f" [{self.field}]" if self.field else ""
        return f"{where}{field}: {self.reason}"


class ContentError(Exception):
    """Content that cannot be used; ``issues`` lists every problem found, not just the first."""

    def __init__(self, issues: Sequence[ContentIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


@dataclass(frozen=True)
class Content:
    directory: Path
    unit: Unit
    survey: Survey
    texts: Texts
    search: SearchSettings
    report: ReportTexts
    services: tuple[Service, ...]
    referrals: tuple[Referral, ...] = ()

    def service(self, service_id: str) -> Service | None:
        for s in self.services:
            if s.id == service_id:
                return s
        return None

    def referral(self, referral_id: str) -> Referral | None:
        return next((r for r in self.referrals if r.id == referral_id), None)

    def unconfirmed_services(self) -> list[Service]:
        return [s for s in self.services if not s.confirmed_by_unit]


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(file)"


def _read_yaml(path: Path, issues: list[ContentIssue]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        issues.append(ContentIssue(path, "", "file is missing"))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        issues.append(ContentIssue(path, "", f"cannot be read: {exc}"))
        return None
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        issues.append(ContentIssue(path, "", f"invalid YAML: {exc.problem}", line))
    except yaml.YAMLError as exc:
        issues.append(ContentIssue(path, "", f"invalid YAML: {exc}"))
    return None


def _validate(model: type[M], path: Path, issues: list[ContentIssue]) -> M | None:
    before = len(issues)
    data = _read_yaml(path, issues)
    if data is None:
        if len(issues) == before:
            issues.append(ContentIssue(path, "", "file is empty"))
        return None
    if not isinstance(data, dict):
        issues.append(ContentIssue(path, "", "expected a mapping of keys to values at the top"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            issues.append(ContentIssue(path, _field_path(err["loc"]), err["msg"]))
        return None


def _load_services(directory: Path, issues: list[ContentIssue]) -> list[Service]:
    folder = directory / SERVICES_DIR
    if not folder.is_dir():
        issues.append(ContentIssue(folder, "", "folder of service files is missing"))
        return []
    services: list[Service] = []
    for path in sorted(folder.glob("*.yaml")):
        before = len(issues)
        service = _validate(Service, path, issues)
        if service is None:
            continue
        if service.id != path.stem:
            issues.append(ContentIssue(path, "id", f"must equal the file name {path.stem!r}"))
        if len(issues) == before:
            services.append(service)
    seen_order: dict[int, str] = {}
    for s in services:
        if s.order in seen_order:
            issues.append(
                ContentIssue(
                    folder / f"{s.id}.yaml",
                    "order",
                    f"{s.order} is also used by {seen_order[s.order]!r}",
                )
            )
        seen_order[s.order] = s.id
    return sorted(services, key=lambda s: s.order)


def load_content(directory: Path) -> Content:
    """Load and validate every content file; raise ContentError listing all problems."""
    directory = Path(directory)
    issues: list[ContentIssue] = []
    if not directory.is_dir():
        raise ContentError([ContentIssue(directory, "", "content folder does not exist")])
    unit = _validate(Unit, directory / UNIT_FILE, issues)
    survey = _validate(Survey, directory / SURVEY_FILE, issues)
    texts = _validate(Texts, directory / TEXTS_FILE, issues)
    if texts is not None:
        for field, reason in placeholder_problems(texts.model_dump()):
            issues.append(ContentIssue(directory / TEXTS_FILE, field, reason))
    search = _validate(SearchSettings, directory / SEARCH_FILE, issues)
    report = _validate(ReportTexts, directory / REPORT_FILE, issues)
    services = _load_services(directory, issues)
    referrals = _validate(Referrals, directory / REFERRALS_FILE, issues)
    known = {s.id for s in services}
    for referral in referrals.referrals if referrals else []:
        if referral.related_service and referral.related_service not in known:
            issues.append(
                ContentIssue(
                    directory / REFERRALS_FILE,
                    f"referrals.{referral.id}.related_service",
                    f"no service {referral.related_service!r}",
                )
            )
    logo = report.document.logo if report is not None else ""
    # The kop's logo is a file beside the content: a wrong name must fail here, not in print.
    if logo and not (directory / logo).is_file():
        issues.append(
            ContentIssue(
                directory / REPORT_FILE, "document.logo", f"no file {logo!r} in {directory}"
            )
        )
    if (
        issues
        or unit is None
        or survey is None
        or texts is None
        or search is None
        or report is None
        or referrals is None
    ):
        raise ContentError(issues)
    return Content(
        directory,
        unit,
        survey,
        texts,
        search,
        report,
        tuple(services),
        tuple(referrals.referrals),
    )
