"""The unit's content: models, loading and validation; one unit or the units of a kabupaten."""

from skm_core.content.deployment import Deployment, Region, load_deployment, load_unit
from skm_core.content.loader import Content, ContentError, ContentIssue, load_content
from skm_core.content.paths import shipped_content_dir, shipped_kabupaten_dir

__all__ = [
    "Content",
    "ContentError",
    "ContentIssue",
    "Deployment",
    "Region",
    "load_content",
    "load_deployment",
    "load_unit",
    "shipped_content_dir",
    "shipped_kabupaten_dir",
]
