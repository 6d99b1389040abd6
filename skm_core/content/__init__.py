"""The unit's content: models, loading and validation."""

from skm_core.content.loader import Content, ContentError, ContentIssue, load_content
from skm_core.content.paths import shipped_content_dir

__all__ = ["Content", "ContentError", "ContentIssue", "load_content", "shipped_content_dir"]
