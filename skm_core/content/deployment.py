"""Every unit one deployment serves: one unit (today's layout), or the units of a kabupaten.

A folder with a ``kabupaten.yaml`` holds several units: each in its own folder (its unit.yaml,
its services and optional overrides of the texts), beside the files they share (questionnaire,
texts, search words, report words, referrals). Without it, the folder is one unit, as before.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from skm_core.content.loader import (
    OVERRIDES_FILE,
    REGION_FILE,
    SHARED_FILES,
    UNIT_FILE,
    Content,
    ContentError,
    ContentIssue,
    Shared,
    SharedTexts,
    check_referrals,
    content_of,
    load_content,
    load_shared,
    load_unit_files,
    read_mapping,
    validated,
)
from skm_core.content.models import (
    DEFAULT_UNIT_ID,
    Overrides,
    Region,
    RegionFile,
    Texts,
    Unit,
    UnitEntry,
)
from skm_core.content.placeholders import placeholder_problems

__all__ = ["Deployment", "Region", "load_deployment", "load_unit", "stored_unit"]


def stored_unit(content: Content, single: bool) -> str:
    """The unit id a unit's rows are stored under, the one rule for the bot and every command.

    A unit's rows carry its id. Only a folder of one unit whose unit.yaml names no id keeps
    them as they were stored before units (unit ''): there is no id to give them."""
    return "" if single and content.unit.id == DEFAULT_UNIT_ID else content.unit.id


@dataclass(frozen=True)
class Deployment:
    directory: Path
    units: tuple[Content, ...]
    """In the order kabupaten.yaml lists them; the one unit of a single-unit folder."""
    region: Region | None
    """None for a folder of one unit."""

    def unit(self, unit_id: str) -> Content | None:
        return next((c for c in self.units if c.unit.id == unit_id), None)

    @property
    def unit_ids(self) -> tuple[str, ...]:
        return tuple(c.unit.id for c in self.units)

    @property
    def single(self) -> bool:
        return self.region is None and len(self.units) == 1


def load_deployment(directory: Path) -> Deployment:
    """Every unit in `directory`, validated; raise ContentError listing all problems."""
    directory = Path(directory)
    if not (directory / REGION_FILE).is_file():
        return Deployment(directory, (load_content(directory),), None)
    issues: list[ContentIssue] = []
    loaded = _load_units(directory, issues)
    if issues or loaded is None:
        raise ContentError(issues)
    region, units = loaded
    return Deployment(directory, units, region)


def load_unit(directory: Path, unit_id: str) -> Content:
    """The content of one unit of `directory`; ContentError naming the known ids if unknown."""
    deployment = load_deployment(directory)
    content = deployment.unit(unit_id)
    if content is None:
        known = ", ".join(deployment.unit_ids)
        raise ContentError(
            [
                ContentIssue(
                    Path(directory) / (REGION_FILE if deployment.region else UNIT_FILE),
                    "units" if deployment.region else "id",
                    f"no unit {unit_id!r}; the units here are: {known}",
                )
            ]
        )
    return content


def _load_units(
    directory: Path, issues: list[ContentIssue]
) -> tuple[Region, tuple[Content, ...]] | None:
    region_path = directory / REGION_FILE
    data = read_mapping(region_path, issues)
    listing = None if data is None else validated(RegionFile, data, region_path, issues)
    if listing is None:
        return None
    region = listing.region()
    shared_dir = _folder(directory, listing.shared)
    shared, texts = None, None
    if shared_dir.is_dir():
        shared, texts = load_shared(shared_dir, issues)
    else:
        issues.append(ContentIssue(region_path, "shared", f"no folder {shared_dir}"))
    units: list[Content] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(listing.units):
        if entry.id in seen:
            issues.append(
                ContentIssue(
                    region_path,
                    f"units.{index}.id",
                    f"{entry.id!r} is also the id of units.{seen[entry.id]}",
                )
            )
            continue
        seen[entry.id] = index
        content = _load_one(directory, index, entry, region, (shared, texts), shared_dir, issues)
        if content is not None:
            units.append(content)
    if shared is None:
        return None
    return region, tuple(units)


def _folder(directory: Path, relative: str) -> Path:
    # Normalised, not resolved: "content/kabupaten/.." reads as "content" in every message.
    return Path(os.path.normpath(directory / relative))


def _load_one(
    directory: Path,
    index: int,
    entry: UnitEntry,
    region: Region,
    common: tuple[Shared | None, SharedTexts | None],
    shared_dir: Path,
    issues: list[ContentIssue],
) -> Content | None:
    folder = _folder(directory, entry.path)
    if not folder.is_dir():
        issues.append(
            ContentIssue(directory / REGION_FILE, f"units.{index}.path", f"no folder {folder}")
        )
        return None
    before = len(issues)
    unit, services = load_unit_files(folder, issues)
    if unit is not None:
        _check_unit(unit, entry, region, folder, issues)
    if folder != shared_dir:
        _refuse_shared_files(folder, issues)
    shared, shared_texts = common
    if shared is not None:
        check_referrals(shared, services, issues, entry.id)
    texts = None if shared_texts is None else _unit_texts(shared_texts, folder, issues)
    if len(issues) > before or unit is None or shared is None or texts is None:
        return None
    return content_of(_for_unit(shared, folder), folder, unit, services, texts)


def _check_unit(
    unit: Unit, entry: UnitEntry, region: Region, folder: Path, issues: list[ContentIssue]
) -> None:
    path = folder / UNIT_FILE
    if unit.id != entry.id:
        issues.append(
            ContentIssue(path, "id", f"{unit.id!r} differs from {entry.id!r} in {REGION_FILE}")
        )
    if unit.timezone != region.timezone:
        issues.append(
            ContentIssue(
                path,
                "timezone",
                f"{unit.timezone!r} differs from the kabupaten's {region.timezone!r}: "
                "one deployment keeps one calendar",
            )
        )
    for field, mine, theirs in (
        ("regency", unit.regency, region.name),
        ("province", unit.province, region.province),
    ):
        if mine != theirs:
            issues.append(
                ContentIssue(path, field, f"{mine!r} differs from {theirs!r} in {REGION_FILE}")
            )


def _refuse_shared_files(folder: Path, issues: list[ContentIssue]) -> None:
    """A shared file copied into a unit's folder would be silently ignored: say so."""
    for name in SHARED_FILES:
        if (folder / name).is_file():
            issues.append(
                ContentIssue(
                    folder / name,
                    "",
                    f"a unit's folder does not hold {name} (it is shared); put the unit's "
                    f"changes of the texts in {OVERRIDES_FILE}",
                )
            )


def _unit_texts(shared: SharedTexts, folder: Path, issues: list[ContentIssue]) -> Texts | None:
    """The shared texts with the unit's overrides laid over them, validated as a whole."""
    path = folder / OVERRIDES_FILE
    if not path.is_file():
        return shared.texts
    data = read_mapping(path, issues)
    overrides = None if data is None else validated(Overrides, data, path, issues)
    if overrides is None:
        return None
    before = len(issues)
    for field in _unknown_keys(overrides.texts, shared.data, "texts"):
        issues.append(ContentIssue(path, field, "no such text in the shared texts.yaml"))
    for field, reason in placeholder_problems(overrides.texts):
        issues.append(ContentIssue(path, f"texts.{field}", reason))
    if len(issues) > before:
        return None
    merged = _merged(shared.data, overrides.texts)
    return validated(Texts, merged, path, issues, prefix="texts.")


def _unknown_keys(partial: Mapping[str, Any], base: Mapping[str, Any], path: str) -> list[str]:
    unknown = []
    for key, value in partial.items():
        field = f"{path}.{key}"
        if key not in base:
            unknown.append(field)
        elif isinstance(value, Mapping) and isinstance(base[key], Mapping):
            unknown += _unknown_keys(value, base[key], field)
    return unknown


def _merged(base: Mapping[str, Any], partial: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `partial` laid over it: mappings merge key by key, anything else replaces."""
    merged = dict(base)
    for key, value in partial.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def _for_unit(shared: Shared, folder: Path) -> Shared:
    """The shared parts as a unit in `folder` uses them: the report's logo, named beside the
    shared report.yaml, is found from the unit's folder too."""
    logo = shared.report.document.logo
    if not logo or folder == shared.directory:
        return shared
    document = shared.report.document.model_copy(
        update={"logo": str((shared.directory / logo).resolve())}
    )
    report = shared.report.model_copy(update={"document": document})
    return replace(shared, report=report)
