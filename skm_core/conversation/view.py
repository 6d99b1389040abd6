"""A screen as shown: its text and its options; and how long option lists are paged."""

from collections.abc import Callable
from dataclasses import dataclass

from skm_core.conversation.messages import Option


@dataclass(frozen=True)
class View:
    text: str
    options: tuple[Option, ...]


def page_slices(count: int, max_options: int | None) -> list[tuple[int, int]]:
    """Index ranges of the service list's pages.

    Every page keeps a place for "Menu utama" and for the "Sebelumnya"/"Berikutnya" it needs,
    so that no page carries more options than the channel can show.
    """
    if max_options is None or count + 1 <= max_options:
        return [(0, count)]
    slices: list[tuple[int, int]] = []
    start = 0
    while start < count:
        room = max_options - 1 - (1 if start > 0 else 0)  # menu, and "previous" after page 1
        if count - start > room:
            room -= 1  # "next"
        end = min(count, start + max(room, 1))
        slices.append((start, end))
        start = end
    return slices


@dataclass(frozen=True)
class Page:
    options: list[Option]
    number: int
    count: int


def paged(
    items: list[Option],
    page: int,
    max_options: int | None,
    page_id: Callable[[int], str],
    labels: tuple[str, str],
) -> Page:
    """One page of a long list, with "previous" and "next" options where they lead somewhere.

    `max_options` leaves room for one option after the page (the menu); `labels` are the
    words of previous and next.
    """
    slices = page_slices(len(items), max_options)
    page = min(max(page, 0), len(slices) - 1)
    start, end = slices[page]
    options = list(items[start:end])
    if page > 0:
        options.append(Option(page_id(page - 1), labels[0], navigation=True))
    if page < len(slices) - 1:
        options.append(Option(page_id(page + 1), labels[1], navigation=True))
    return Page(options, page, len(slices))
