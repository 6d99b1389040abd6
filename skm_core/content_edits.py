"""The Standar Pelayanan edited from the desk: versions stored over the shipped content.

An edit changes a few fields of one document (a service, or the unit's contacts and hours);
the whole document is validated with the same pydantic models `skm content check` uses,
stored as a new version (who, when, which fields), and can be rolled back by storing an
earlier version again. The content in force is the shipped content with the newest version
of each edited document applied.
"""

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from skm_core.content.loader import (
    SERVICES_DIR,
    UNIT_FILE,
    Content,
    ContentError,
    ContentIssue,
)
from skm_core.content.models import Service, Unit
from skm_core.storage.content_versions import (
    ContentVersion,
    add_version,
    latest_versions,
    version_by_id,
)
from skm_core.storage.database import Database
from skm_core.storage.officials import audit

UNIT_TARGET = "unit"
SERVICE_PREFIX = "service:"
MAX_FIELD_CHARS = 4000
MAX_ITEMS = 40

# Fields an admin may edit, and their shape: 'text' one line, 'lines' one item per line,
# 'rows' one item per line with parts separated by '|', 'flag' a yes/no.
SERVICE_FIELDS: dict[str, str] = {
    "requirements": "lines",
    "procedure": "lines",
    "duration": "text",
    "cost": "text",
    "product": "text",
    "legal_basis": "lines",
    "notes": "lines",
    "confirmed_by_unit": "flag",
}
UNIT_FIELDS: dict[str, str] = {
    "address": "text",
    "phone": "text",
    "email": "text",
    "website": "text",
    "opening_hours": "rows",
    "complaint_channels": "rows",
    "confirmed_by_unit": "flag",
}
ROW_PARTS: dict[str, tuple[str, ...]] = {
    "opening_hours": ("days", "hours"),
    "complaint_channels": ("name", "contact", "note"),
}


def service_target(service_id: str) -> str:
    return SERVICE_PREFIX + service_id


def target_file(content: Content, target: str) -> Path:
    if target == UNIT_TARGET:
        return content.directory / UNIT_FILE
    return content.directory / SERVICES_DIR / f"{target.removeprefix(SERVICE_PREFIX)}.yaml"


def editable_fields(target: str) -> dict[str, str]:
    return UNIT_FIELDS if target == UNIT_TARGET else SERVICE_FIELDS


def document_of(content: Content, target: str) -> dict[str, Any] | None:
    """The document as it is in force now, as plain data; None for an unknown target."""
    if target == UNIT_TARGET:
        return content.unit.model_dump(mode="json")
    service = content.service(target.removeprefix(SERVICE_PREFIX))
    return service.model_dump(mode="json") if service is not None else None


def form_value(document: Mapping[str, Any], name: str, shape: str) -> str:
    """A field's value as the editor's form shows it."""
    value = document.get(name)
    if shape == "lines":
        return "\n".join(value or [])
    if shape == "rows":
        parts = ROW_PARTS[name]
        return "\n".join(
            " | ".join(str(row.get(p) or "") for p in parts).rstrip(" |") for row in value or []
        )
    if shape == "flag":
        return "ya" if value else ""
    return str(value or "")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()][:MAX_ITEMS]


def _rows(name: str, text: str) -> list[dict[str, str | None]]:
    parts = ROW_PARTS[name]
    rows = []
    for line in _lines(text):
        pieces = [p.strip() for p in line.split("|")]
        row: dict[str, str | None] = {
            part: (pieces[i] if i < len(pieces) and pieces[i] else None)
            for i, part in enumerate(parts)
        }
        rows.append(row)
    return rows


def edited_document(
    document: Mapping[str, Any], target: str, form: Mapping[str, str]
) -> dict[str, Any]:
    """The document with the editable fields taken from the form; other fields unchanged."""
    edited = dict(document)
    for name, shape in editable_fields(target).items():
        raw = form.get(name, "")[:MAX_FIELD_CHARS]
        if shape == "lines":
            edited[name] = _lines(raw)
        elif shape == "rows":
            edited[name] = _rows(name, raw)
        elif shape == "flag":
            edited[name] = raw in ("ya", "on", "1", "true")
        else:
            edited[name] = " ".join(raw.split())
    if target == UNIT_TARGET and edited.get("confirmed_by_unit"):
        # Confirmed by the unit: no field is left waiting for confirmation.
        edited["unconfirmed_fields"] = []
    return edited


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return [name for name in after if before.get(name) != after.get(name)]


def _validated(model: type[BaseModel], data: Mapping[str, Any], file: Path) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        issues = [
            ContentIssue(file, ".".join(str(p) for p in err["loc"]) or "(file)", err["msg"])
            for err in exc.errors()
        ]
        raise ContentError(issues) from None


def with_document(content: Content, target: str, data: Mapping[str, Any]) -> Content:
    """Content with one document replaced; raises ContentError naming file, field and reason."""
    file = target_file(content, target)
    if target == UNIT_TARGET:
        # The unit's id is what its rows are stored under: an edit (or a version stored
        # before units had ids) never changes it.
        unit = _validated(Unit, {**data, "id": content.unit.id}, file)
        assert isinstance(unit, Unit)
        return replace(content, unit=unit)
    service_id = target.removeprefix(SERVICE_PREFIX)
    service = _validated(Service, data, file)
    assert isinstance(service, Service)
    if service.id != service_id:
        raise ContentError([ContentIssue(file, "id", f"must equal the file name {service_id!r}")])
    if content.service(service_id) is None:
        raise ContentError([ContentIssue(file, "", "no such service in the content")])
    services = tuple(service if s.id == service_id else s for s in content.services)
    return replace(content, services=services)


def apply_versions(base: Content, versions: Mapping[str, ContentVersion]) -> Content:
    """The shipped content with each edited document's newest version applied.

    A stored version that no longer validates (the models changed in an upgrade) is passed
    over, so the shipped document is served rather than nothing; the editor shows it again.
    """
    content = base
    for target in sorted(versions):
        version = versions[target]
        if version.data is None:
            continue
        try:
            content = with_document(content, target, version.data)
        except ContentError:
            continue
    return content


async def content_in_force(db: Database, base: Content) -> Content:
    return apply_versions(base, await latest_versions(db))


@dataclass(frozen=True)
class Saved:
    version_id: int | None
    """None when nothing changed: no version is stored for an edit that changes nothing."""
    changed: list[str]
    content: Content


async def save_edit(
    db: Database,
    base: Content,
    target: str,
    form: Mapping[str, str],
    author: str,
    now: datetime,
) -> Saved:
    """Validate and store an edit; raises ContentError (nothing stored) when it is invalid."""
    current = await content_in_force(db, base)
    before = document_of(current, target)
    if before is None:
        raise ContentError([ContentIssue(target_file(current, target), "", "unknown document")])
    after = edited_document(before, target, form)
    updated = with_document(current, target, after)
    changed = changed_fields(before, after)
    if not changed:
        return Saved(None, [], current)
    async with db.transaction() as tx:
        version_id = await add_version(tx, target, after, changed, author, now)
        await audit(tx, now, author, "content.edit", f"{target}:{','.join(changed)}")
    return Saved(version_id, changed, updated)


async def roll_back(
    db: Database, base: Content, version_id: int, author: str, now: datetime
) -> Saved | None:
    """Bring back what a version held (a restore version holds the shipped file); None for
    an unknown version. Raises ContentError when what it held no longer validates."""
    version = await version_by_id(db, version_id)
    if version is None:
        return None
    current = await content_in_force(db, base)
    before = document_of(current, version.target) or {}
    held = version.data if version.data is not None else document_of(base, version.target)
    restored = with_document(current, version.target, held or {})
    after = document_of(restored, version.target) or {}
    changed = changed_fields(before, after)
    async with db.transaction() as tx:
        new_id = await add_version(
            tx, version.target, version.data, changed, author, now, rollback_of=version.id
        )
        await audit(tx, now, author, "content.rollback", f"{version.target}:{version.id}")
    return Saved(new_id, changed, restored)


async def restore_shipped(
    db: Database, base: Content, target: str, author: str, now: datetime
) -> Saved:
    """Serve the shipped file again for this document (stored as a version, so it can be undone)."""
    current = await content_in_force(db, base)
    before = document_of(current, target) or {}
    shipped = document_of(base, target) or {}
    restored = with_document(current, target, shipped)
    async with db.transaction() as tx:
        new_id = await add_version(tx, target, None, changed_fields(before, shipped), author, now)
        await audit(tx, now, author, "content.restore", target)
    return Saved(new_id, changed_fields(before, shipped), restored)


def _dump(data: Mapping[str, Any]) -> str:
    return yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False, width=100)


def export_content(content: Content, out: Path) -> list[Path]:
    """Write the content in force as a content folder that `skm content check` accepts.

    Files nobody edited are copied as shipped (with their comments); the unit and every
    service are written from the content in force.
    """
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty")
    shutil.copytree(content.directory, out, dirs_exist_ok=True)
    written = [out / UNIT_FILE]
    written[0].write_text(_dump(content.unit.model_dump(mode="json")), encoding="utf-8")
    for service in content.services:
        path = out / SERVICES_DIR / f"{service.id}.yaml"
        path.write_text(_dump(service.model_dump(mode="json")), encoding="utf-8")
        written.append(path)
    return written
