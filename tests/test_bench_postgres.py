"""The PostgreSQL throughput figure: one process against two on one database, same load."""

from pathlib import Path

import pytest

from bench import __main__ as bench_main
from bench import throughput_pg
from skm_core.content import Content
from tests.postgres_server import PostgresServer


def test_two_processes_carry_the_same_load_as_one(
    postgres: PostgresServer | str, tmp_path: Path, content: Content
) -> None:
    if isinstance(postgres, str):
        pytest.skip(f"no PostgreSQL: {postgres}")
    figure = throughput_pg.measure(tmp_path, content, 4, postgres.new_database)
    # Four whole visits each way; measure() refuses a run that stored fewer surveys.
    assert figure.updates == 4 * 23
    assert figure.one_process_updates_per_s > 0 and figure.two_processes_updates_per_s > 0


def test_a_figure_left_out_shows_as_not_available() -> None:
    figures = dict.fromkeys(key for key, _, _ in bench_main.LABELS)
    figures["updates_per_s"] = 1200.0
    lines = bench_main._table(figures).splitlines()
    assert any("1,200.0" in line and line.endswith("yes") for line in lines)
    assert any("two processes / one" in line and "n/a" in line for line in lines)
