"""Timing helpers: the median of a few runs, so one scheduler hiccup does not make a figure."""

import statistics
from collections.abc import Awaitable, Callable
from time import perf_counter
from typing import TypeVar

T = TypeVar("T")


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = perf_counter()
        run()
        times.append(perf_counter() - started)
    return statistics.median(times)


async def median_seconds_async(run: Callable[[], Awaitable[T]], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = perf_counter()
        await run()
        times.append(perf_counter() - started)
    return statistics.median(times)
