"""Where the shipped content lives, both in a source checkout and in an installed wheel."""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def shipped_content_dir() -> Path:
    """The content that ships with the program.

    A wheel carries it inside the package as ``_content``; a source checkout (or an editable
    install) keeps it in the ``content/`` folder beside the package.
    """
    packaged = _PACKAGE_DIR / "_content"
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / "content"


KABUPATEN_EXAMPLE = "kabupaten"


def shipped_kabupaten_dir() -> Path:
    """The shipped example of several units (Sangasanga and two neighbours), which uses the
    shipped content as its shared files and as Sangasanga's folder."""
    return shipped_content_dir() / KABUPATEN_EXAMPLE
