"""Stand-in for `skm_core.content.deployment` (the units of one deployment) with the same
names and shape, so the engine and the runtime are written against that API. It loads only
the one-unit layout; replace the imports of this module by the real one and delete it."""

from dataclasses import dataclass
from pathlib import Path

from skm_core.content.loader import Content, load_content


@dataclass(frozen=True)
class Deployment:
    directory: Path
    units: tuple[Content, ...]
    region: None = None
    """The kabupaten (`Region` in the real module); none in the one-unit layout."""

    def unit(self, unit_id: str) -> Content | None:
        return next((c for c in self.units if c.unit.id == unit_id), None)

    @property
    def unit_ids(self) -> tuple[str, ...]:
        return tuple(c.unit.id for c in self.units)

    @property
    def single(self) -> bool:
        return len(self.units) == 1


def load_deployment(directory: Path) -> Deployment:
    return Deployment(directory, (load_content(directory),))
