"""A period's workbook written in a worker thread while its answers are read in batches.

The database is asynchronous and the workbook writer is not: the writer pulls one batch at a
time from the event loop, so neither the answers nor the sheet are ever whole in memory, and
the conversation keeps running while the file is written.
"""

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from typing import TypeVar

from skm_core.content.loader import Content
from skm_core.reports.xlsx import summary_xlsx
from skm_core.storage.database import Reader
from skm_core.storage.responses import AnswerRecord, answer_record_batches
from skm_core.summary import Summary

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
