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
REGION_FILE = "kabupaten.yaml"
OVERRIDES_FILE = "overrides.yaml"
SHARED_FILES = (SURVEY_FILE, TEXTS_FILE, SEARCH_FILE, REPORT_FILE, REFERRALS_FILE)


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


def read_mapping(path: Path, issues: list[ContentIssue]) -> dict[str, Any] | None:
    """The file's top-level mapping; None (and the reason among the issues) otherwise."""
    before = len(issues)
    data = _read_yaml(path, issues)
    if data is None:
        if len(issues) == before:
            issues.append(ContentIssue(path, "", "file is empty"))
        return None
    if not isinstance(data, dict):
        issues.append(ContentIssue(path, "", "expected a mapping of keys to values at the top"))
        return None
    return data


def validated(
    model: type[M], data: Any, path: Path, issues: list[ContentIssue], prefix: str = ""
) -> M | None:
    """The data as `model`, or None with each error as an issue naming `path` and the field
    (under `prefix` when the data sits inside the file, as overrides do)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            field = _field_path(err["loc"])
            issues.append(ContentIssue(path, f"{prefix}{field}" if prefix else field, err["msg"]))
        return None


def _validate(model: type[M], path: Path, issues: list[ContentIssue]) -> M | None:
    data = read_mapping(path, issues)
    return None if data is None else validated(model, data, path, issues)


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


@dataclass(frozen=True)
class SharedTexts:
    texts: Texts
    data: dict[str, Any]
    """texts.yaml as read: a unit's overrides are laid over it and validated as a whole."""


@dataclass(frozen=True)
class Shared:
    """What every unit of a deployment has in common, as read from the shared folder."""

    directory: Path
    survey: Survey
    texts: SharedTexts
    search: SearchSettings
    report: ReportTexts
    referrals: tuple[Referral, ...]


def _load_texts(path: Path, issues: list[ContentIssue]) -> SharedTexts | None:
    data = read_mapping(path, issues)
    texts = None if data is None else validated(Texts, data, path, issues)
    if data is None or texts is None:
        return None
    for field, reason in placeholder_problems(texts.model_dump()):
        issues.append(ContentIssue(path, field, reason))
    return SharedTexts(texts, data)


def load_shared(
    directory: Path, issues: list[ContentIssue]
) -> tuple[Shared | None, SharedTexts | None]:
    """The questionnaire, texts, search words, report words and referrals in `directory`; the
    texts on their own as well, so that overrides are checked even when another file fails."""
    survey = _validate(Survey, directory / SURVEY_FILE, issues)
    texts = _load_texts(directory / TEXTS_FILE, issues)
    search = _validate(SearchSettings, directory / SEARCH_FILE, issues)
    report = _validate(ReportTexts, directory / REPORT_FILE, issues)
    referrals = _validate(Referrals, directory / REFERRALS_FILE, issues)
    logo = report.document.logo if report is not None else ""
    # The kop's logo is a file beside the content: a wrong name must fail here, not in print.
    if logo and not (directory / logo).is_file():
        issues.append(
            ContentIssue(
                directory / REPORT_FILE, "document.logo", f"no file {logo!r} in {directory}"
            )
        )
    if survey is None or texts is None or search is None or report is None or referrals is None:
        return None, texts
    return Shared(directory, survey, texts, search, report, tuple(referrals.referrals)), texts


def check_referrals(
    shared: Shared, services: Sequence[Service], issues: list[ContentIssue], unit: str = ""
) -> None:
    """Each referral's related service is one of the unit's services."""
    known = {s.id for s in services}
    for referral in shared.referrals:
        if referral.related_service and referral.related_service not in known:
            where = f" of unit {unit!r}" if unit else ""
            issues.append(
                ContentIssue(
                    shared.directory / REFERRALS_FILE,
                    f"referrals.{referral.id}.related_service",
                    f"no service {referral.related_service!r}{where}",
                )
            )


def load_unit_files(
    directory: Path, issues: list[ContentIssue]
) -> tuple[Unit | None, list[Service]]:
    """The unit of `directory` and its services."""
    return _validate(Unit, directory / UNIT_FILE, issues), _load_services(directory, issues)


def several_units_issue(directory: Path) -> ContentIssue:
    return ContentIssue(
        directory / REGION_FILE,
        "units",
        "this folder holds the units of a kabupaten, not one unit: load it with "
        "load_deployment, or name the unit to use (--unit ID)",
    )


def load_content(directory: Path) -> Content:
    """Load and validate the content of a folder that holds one unit; raise ContentError
    listing all problems. A folder of several units (with a kabupaten.yaml) is refused:
    which unit is meant must be said, with `load_unit` or `load_deployment`."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ContentError([ContentIssue(directory, "", "content folder does not exist")])
    if (directory / REGION_FILE).is_file():
        raise ContentError([several_units_issue(directory)])
    issues: list[ContentIssue] = []
    unit = _validate(Unit, directory / UNIT_FILE, issues)
    shared, _ = load_shared(directory, issues)
    services = _load_services(directory, issues)
    if shared is not None:
        check_referrals(shared, services, issues)
    if issues or unit is None or shared is None:
        raise ContentError(issues)
    return content_of(shared, directory, unit, services, shared.texts.texts)


def content_of(
    shared: Shared, directory: Path, unit: Unit, services: Sequence[Service], texts: Texts
) -> Content:
    return Content(
        directory,
        unit,
        shared.survey,
        texts,
        shared.search,
        shared.report,
        tuple(services),
        shared.referrals,
    )
