"""`skm import --urutan`: which unsur a file's U8 and U9 hold is said, never guessed."""

import pytest

from bot.cli import main
from tests.test_import import HEADER, write

# U8 and U9 differ, so a swap shows: in the national template U8 is Sarana, U9 Pengaduan.
ROW = "2024-05-02;kk;L;34;SMA;wirausaha;4;4;4;4;4;4;4;1;3;"


async def stored_u8_u9(path) -> list[tuple[int, int]]:
    from skm_core.storage import Database

    async with await Database.open(path) as db:
        return [tuple(r) for r in await db.fetch_all("SELECT u8, u9 FROM survey_responses")]


def test_a_file_without_its_order_is_refused(skm_env, tmp_path, capsys):
    path = write(tmp_path, [HEADER, ROW])
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "tidak diimpor" in err and "--urutan template" in err and "--urutan unit" in err
    assert main(["ikm", "--db"]) == 1  # nothing was stored


@pytest.mark.parametrize(("order", "expected"), [("unit", (1, 3)), ("template", (3, 1))])
def test_the_order_maps_u8_and_u9(skm_env, tmp_path, capsys, order, expected):
    import asyncio

    path = write(tmp_path, [HEADER, ROW])
    assert main(["import", "--urutan", order, str(path)]) == 0
    database = skm_env / "skm.sqlite3"
    assert asyncio.run(stored_u8_u9(database)) == [expected]
