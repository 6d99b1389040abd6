"""/ringkasan, /ekspor and /populasi with periods out of any sense get a clear answer."""

import pytest

from tests.desk.conftest import enrol


@pytest.mark.parametrize("command", ["/ringkasan", "/ekspor", "/populasi 100"])
@pytest.mark.parametrize("period", ["9999", "1999", "triwulan 1 2100", "2031-01-01..2031-02-01"])
async def test_a_period_out_of_range_is_refused_clearly(admin, engine, db, command, period):
    pejabat = await enrol(admin, engine, "pejabat", "camat")
    await pejabat.type(f"{command} {period}")
    assert f'Periode "{period}" di luar jangkauan' in pejabat.text
    assert "1 Januari 2000" in pejabat.text
    assert await db.fetch_all("SELECT * FROM population_figures") == []


@pytest.mark.parametrize("period", ["0000", "desember 9999", "triwulan 1 0000"])
async def test_a_period_that_is_no_date_at_all_is_not_understood(admin, period):
    await admin.type(f"/ringkasan {period}")
    assert f'Periode "{period}" tidak dikenali' in admin.text
