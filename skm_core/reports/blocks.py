"""The pieces of the printed report: sections of headings, paragraphs, tables and pictures.

Plain strings only, decided by the chapter modules; `pdf.py` lays them out.
"""

from dataclasses import dataclass
from typing import Literal

from skm_core.content.loader import Content
from skm_core.reports.tables import DataTable, text_rows

Align = Literal["L", "C", "R", "J"]


@dataclass(frozen=True)
class Heading:
    """A numbered sub-heading inside a chapter (1.1 Latar Belakang)."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    strong: bool = False
    """The sentence a reader looks for first (the IKM itself)."""


@dataclass(frozen=True)
class Table:
    caption: str
    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    """Relative column widths."""
    align: tuple[Align, ...]
    grouped: int = 0
    """How many leading columns span the rows that repeat their value (No, Prioritas Unsur)."""


@dataclass(frozen=True)
class Picture:
    png: bytes
    caption: str


Block = Heading | Paragraph | Table | Picture


@dataclass(frozen=True)
class Section:
    """A chapter (BAB I ...) or the Lampiran; each starts on a new page."""

    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Cover:
    kop: tuple[str, ...]
    """The letterhead lines, the unit's name first after the government."""
    logo: bytes | None
    title: str
    lines: tuple[str, ...]
    """Under the title: unit, period, year."""


@dataclass(frozen=True)
class Approval:
    """The lembar pengesahan; blank lines to sign where the signatory is not in content."""

    title: str
    text: str
    place_date: str
    position: str
    name: str
    rank: str
    nip: str


@dataclass(frozen=True)
class Document:
    title: str
    cover: Cover
    approval: Approval
    sections: tuple[Section, ...]
    footer: str
    """Placeholders: {page}, {pages}."""

    def text(self) -> str:
        """Every word of the document, one block a line, for searching and for tests."""
        cover, approval = self.cover, self.approval
        parts = [*cover.kop, cover.title, *cover.lines]
        parts += [approval.title, approval.text, approval.place_date, approval.position]
        parts += [approval.name, approval.rank, approval.nip]
        for section in self.sections:
            parts.append(section.heading)
            for block in section.blocks:
                if isinstance(block, Heading | Paragraph):
                    parts.append(block.text)
                elif isinstance(block, Table):
                    parts += [block.caption, " | ".join(block.headings)]
                    parts += [" | ".join(row) for row in block.rows]
                else:
                    parts.append(block.caption)
        return "\n".join(parts)


def as_table(data: DataTable, content: Content) -> Table:
    """A shared table as the printed report writes it."""
    return Table(
        caption=data.caption,
        headings=tuple(column.heading for column in data.columns),
        rows=text_rows(data, content),
        widths=tuple(column.width for column in data.columns),
        align=tuple(column.align for column in data.columns),
        grouped=data.grouped,
    )
