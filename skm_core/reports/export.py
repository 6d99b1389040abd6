"""A period's export, built once for the chat (/ekspor, the desk) and the command line
(`skm report`): every file of it, each written in a worker thread.

The database is asynchronous and the workbook writer is not: the writer pulls one batch at a
time from the event loop, so neither the answers nor the sheet are ever whole in memory, and
the conversation keeps running while the files are written.
"""

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from skm_core.content.loader import Content
from skm_core.reports.chart import summary_chart_png
from skm_core.reports.csv_export import answers_csv
from skm_core.reports.export_kinds import CHAT_EXPORT, ExportKind
from skm_core.reports.infographic import infographic_pdf, infographic_png
from skm_core.reports.pdf import summary_pdf
from skm_core.reports.summary import Summary
from skm_core.reports.upward import upward_csv, upward_json_bytes
from skm_core.reports.xlsx import summary_xlsx
from skm_core.storage.database import Database, Reader
from skm_core.storage.responses import AnswerRecord, answer_record_batches, answer_records_apart

__all__ = ["CHAT_EXPORT", "ExportFile", "ExportKind", "build_export", "period_xlsx"]

T = TypeVar("T")


async def _next(batches: AsyncIterator[list[T]]) -> list[T]:
    return await anext(batches)


def _pulled(batches: AsyncIterator[list[T]], loop: asyncio.AbstractEventLoop) -> Iterator[T]:
    """The items of an async iterator, for a worker thread; each batch is fetched on `loop`."""
    while True:
        try:
            batch = asyncio.run_coroutine_threadsafe(_next(batches), loop).result()
        except StopAsyncIteration:
            return
        yield from batch


async def period_xlsx(db: Reader, summary: Summary, content: Content) -> bytes:
    """The workbook of the summary's period, its answers streamed from the database."""
    start, end = summary.period.utc_bounds(summary.timezone)
    batches: AsyncGenerator[list[AnswerRecord], None] = answer_record_batches(db, start, end)
    records = _pulled(batches, asyncio.get_running_loop())
    try:
        return await asyncio.to_thread(summary_xlsx, summary, records, content)
    finally:
        await batches.aclose()


@dataclass(frozen=True)
class ExportFile:
    kind: ExportKind
    name: str
    data: bytes


async def _pdf(db: Database, summary: Summary, content: Content) -> list[bytes]:
    chart = await asyncio.to_thread(summary_chart_png, summary, content)
    return [await asyncio.to_thread(summary_pdf, summary, content, chart)]


async def _xlsx(db: Database, summary: Summary, content: Content) -> list[bytes]:
    return [await period_xlsx(db, summary, content)]


async def _csv(db: Database, summary: Summary, content: Content) -> list[bytes]:
    # The answers of a large period are read apart from the connection conversations use.
    start, end = summary.period.utc_bounds(summary.timezone)
    records = await answer_records_apart(db, start, end)
    return [await asyncio.to_thread(answers_csv, records, content, summary.timezone)]


async def _infographic(db: Database, summary: Summary, content: Content) -> list[bytes]:
    poster = await asyncio.to_thread(infographic_pdf, summary, content)
    return [poster, await asyncio.to_thread(infographic_png, summary, content)]


async def _upward_json(db: Database, summary: Summary, content: Content) -> list[bytes]:
    return [upward_json_bytes(summary, content)]


async def _upward_csv(db: Database, summary: Summary, content: Content) -> list[bytes]:
    return [upward_csv(summary, content)]


Builder = Callable[[Database, Summary, Content], Awaitable[list[bytes]]]
_BUILDERS: dict[ExportKind, tuple[Builder, tuple[str, ...]]] = {
    ExportKind.PDF: (_pdf, (".pdf",)),
    ExportKind.XLSX: (_xlsx, (".xlsx",)),
    ExportKind.CSV: (_csv, (".csv",)),
    ExportKind.INFOGRAPHIC: (_infographic, ("-infografis.pdf", "-infografis.png")),
    ExportKind.UPWARD_JSON: (_upward_json, (".json",)),
    ExportKind.UPWARD_CSV: (_upward_csv, ("-hasil.csv",)),
}


def export_stem(summary: Summary) -> str:
    return f"skm-{summary.period.first.isoformat()}-{summary.period.last.isoformat()}"


async def build_export(
    db: Database, summary: Summary, content: Content, kinds: Sequence[ExportKind]
) -> list[ExportFile]:
    """The files of these kinds for the summary's period, in the order of `kinds`."""
    files: list[ExportFile] = []
    for kind in kinds:
        build, suffixes = _BUILDERS[kind]
        data = await build(db, summary, content)
        files += [
            ExportFile(kind, export_stem(summary) + suffix, payload)
            for suffix, payload in zip(suffixes, data, strict=True)
        ]
    return files
