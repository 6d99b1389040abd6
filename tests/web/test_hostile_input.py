"""Whatever a browser or a script sends, the pages answer in Indonesian and never fail."""

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.conftest import new_client, sign_in

texts = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300) | st.sampled_from(
    ["bulan lalu", "2026-02-30..2026-03-01", "triwulan 9", "9999", "..", "%00"]
)
HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@HYPOTHESIS
@given(period=texts)
async def test_any_period_on_the_public_pages_and_open_data(app, period):
    async with new_client(app) as client:
        for path in ("/", "/hasil", "/api/hasil", "/api/hasil.csv"):
            answer = await client.get(path, params={"periode": period})
            assert answer.status_code in (200, 400, 404, 410), (path, period)
        for path in ("/api/hasil", "/api/hasil.csv"):
            answer = await client.get(path, params={"periode": period})
            assert "galat" in answer.json()


@HYPOTHESIS
@given(field=st.sampled_from(["requirements", "procedure", "cost", "notes", "x"]), value=texts)
async def test_any_edit_is_saved_or_refused_with_reasons(app, admin, field, value):
    async with new_client(app) as client:
        csrf = await sign_in(client, admin)
        answer = await client.post("/desk/standar/ktp-el", data={"csrf": csrf, field: value})
        assert answer.status_code in (303, 400)
        if answer.status_code == 400:
            assert "Perubahan tidak disimpan" in answer.text


@HYPOTHESIS
@given(path=st.sampled_from(["/desk/standar/", "/desk/perintah/", "/layanan/"]), name=texts)
async def test_any_name_in_an_address(app, admin, path, name):
    async with new_client(app) as client:
        await sign_in(client, admin)
        answer = await client.get(path + quote(name, safe=""))
        assert answer.status_code in (200, 404, 307)


async def test_a_form_that_is_not_utf8_or_not_a_form(client, admin):
    csrf = await sign_in(client, admin)
    raw = b"csrf=" + csrf.encode() + b"&periode=\xff\xfe"
    answer = await client.post(
        "/desk/publikasi",
        content=raw,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 200
    junk = await client.post("/desk/publikasi", content=b"\x00\x01{}", headers={})
    assert junk.status_code == 403
