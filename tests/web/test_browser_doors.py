"""The kiosk and the website chat in a real headless Chromium, against the real `skm run`
process: a kiosk survey finished by touch at tablet size, one abandoned and reset, one whose
connection drops and comes back; the chat page at 360 px asked for requirements and used
for a survey; the widget embedded in a page of an allowed origin, and refused from another.

Needs Debian's `chromium` and `chromium-driver` (installed by .ci/run); skipped without them.
"""

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.e2e_database import E2eDatabase
from tests.fakes.bot_api import FakeBotApi, serve_bot_api
from tests.test_e2e_telegram import Process, free_port
from tests.web.test_browser import (
    ADMIN,
    _wait_http,
    browser,  # noqa: F401  (a fixture)
    main_text_with,
    pytestmark,  # noqa: F401  (skipped without Chromium)
    say,
    shots_dir,
)

TABLET = {"width": 1024, "height": 768}


class Doors:
    def __init__(
        self,
        fake: FakeBotApi,
        public: str,
        data: Path,
        sites: dict[str, str],
        database: E2eDatabase,
    ) -> None:
        self.fake = fake
        self.public = public
        self.data = data
        self.sites = sites
        self.database = database

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        return self.database.rows(self.data, sql)


@pytest.fixture
def embedding_sites(tmp_path: Path) -> Iterator[tuple[dict[str, str], list[Path]]]:
    """Two other websites on their own origins, each with a page that embeds the widget."""
    servers, folders, sites = [], [], {}
    for name in ("diizinkan", "ditolak"):
        folder = tmp_path / name
        folder.mkdir()
        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        folders.append(folder)
        sites[name] = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield sites, folders
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def doors(tmp_path: Path, embedding_sites, e2e_database: E2eDatabase) -> Iterator[Doors]:
    sites, folders = embedding_sites
    fake = FakeBotApi()
    data = tmp_path / "data"
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    for folder in folders:
        (folder / "index.html").write_text(
            '<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Kecamatan</title>'
            f'</head><body><h1>Situs kecamatan</h1><script src="{public}/chat/widget.js">'
            "</script></body></html>",
            encoding="utf-8",
        )
    with serve_bot_api(fake) as base_url:
        extra = {
            "SKM_PUBLIC_URL": public,
            "SKM_HTTP_PORT": str(port),
            "SKM_ADMIN_TELEGRAM_IDS": str(ADMIN),
            "SKM_OUTBOX_INTERVAL_SECONDS": "0.2",
            "SKM_WEBCHAT_ORIGINS": sites["diizinkan"],
            **e2e_database.env,
        }
        bot = Process(data, base_url, extra)
        try:
            fake.wait_for(lambda: any(c.method == "deleteWebhook" for c in fake.calls))
            _wait_http(f"{public}/health")
            yield Doors(fake, public, data, sites, e2e_database)
        finally:
            bot.stop()


def click(driver, label: str) -> None:
    """Touch the button whose text contains `label`, and wait for the next page."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def found(d):
        for button in d.find_elements("css selector", "main button, main a.kiosk-big"):
            if label in button.text and button.is_displayed():
                return button
        return False

    wait = WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,))
    for attempt in range(3):
        loaded(driver)
        button = wait.until(found)
        try:
            button.click()
            break
        except WebDriverException:
            # Chromium lost the node to a layout still settling: nothing was clicked.
            if attempt == 2:
                raise
    # The kiosk swaps its page's body, the chat loads a new page: the button goes either way.
    WebDriverWait(driver, 15).until(lambda _: gone(button))


def gone(element) -> bool:
    """Whether the element has left the page. Chromium reports a node of a page already
    replaced either as stale or as one that "does not belong to the document"."""
    from selenium.common.exceptions import WebDriverException

    try:
        element.is_enabled()
    except WebDriverException:
        return True
    return False


def loaded(driver) -> None:
    """Wait until the page in the window has finished loading (a form just sent loads one)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def type_in(driver, text: str, field: str = "teks") -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    loaded(driver)
    # Chromium at times loses a node it has just laid out ("does not belong to the document")
    # while keys are sent to it one by one; the field is filled and its form sent in one step,
    # as Enter would, and the next page is known by a field without the mark set here.
    driver.execute_script(
        "const f = document.getElementById(arguments[0]);"
        " f.value = arguments[1]; f.dataset.sent = '1'; f.form.requestSubmit();",
        field,
        text,
    )
    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script(
            "const f = document.getElementById(arguments[0]);"
            " return document.readyState === 'complete' && (!f || f.dataset.sent !== '1');",
            field,
        )
    )


def tablet(driver) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {**TABLET, "deviceScaleFactor": 1, "mobile": True},
    )


def shot(driver, folder: Path, name: str) -> None:
    width = driver.execute_script("return window.innerWidth")
    scroll = driver.execute_script("return document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} is wider than the screen ({scroll} > {width} px)"
    driver.save_screenshot(str(folder / f"{name}.png"))


def answer_profile(driver) -> None:
    click(driver, "Perempuan")
    for words in ("41", "S1", "PNS"):
        main_text_with(driver, "Pertanyaan")
        buttons = [b.text for b in driver.find_elements("css selector", "main button")]
        if any(words in b for b in buttons):
            click(driver, words)
        else:
            type_in(driver, words)


def test_the_kiosk_by_touch_abandoned_and_through_a_dropped_connection(
    doors: Doors,
    browser,  # noqa: F811
    tmp_path,
):
    folder = shots_dir(tmp_path)
    tablet(browser)
    browser.get(doors.public + "/kiosk")
    main_text_with(browser, "belum dipasangkan")
    assert not [b for b in browser.find_elements("css selector", "button") if "Mulai" in b.text]
    shot(browser, folder, "kiosk-pasang")
    code = say(doors.fake, ADMIN, "/kiosk").split(": ", 1)[1][:6]
    type_in(browser, code, "kode")
    main_text_with(browser, "Mulai survei")
    shot(browser, folder, "kiosk-awal")

    # A person who has never seen it: touches only, except the on-screen keyboard for age.
    click(browser, "Mulai survei")
    main_text_with(browser, "Survei ini mengukur")
    shot(browser, folder, "kiosk-persetujuan")
    click(browser, "Ya, saya bersedia")
    click(browser, "Kartu Keluarga")
    answer_profile(browser)
    for number in range(9):
        main_text_with(browser, f"Pertanyaan {number + 6} dari 15")
        if number == 0:
            shot(browser, folder, "kiosk-unsur")
        click(browser, "4 ·")
    click(browser, "Lewati")
    main_text_with(browser, "Mohon periksa kembali")
    click(browser, "Kirim")
    main_text_with(browser, "Terima kasih")
    shot(browser, folder, "kiosk-terima-kasih")
    click(browser, "Kembali ke awal")
    main_text_with(browser, "Mulai survei")
    assert doors.rows("SELECT channel, service_id FROM survey_responses") == [("kiosk", "kk")]

    # Abandoned half-way: the minute without a touch takes the page to where it leaves for.
    click(browser, "Mulai survei")
    click(browser, "Ya, saya bersedia")
    click(browser, "KTP Elektronik")
    leave = browser.find_element("css selector", ".kiosk-survey").get_attribute("data-leave")
    browser.get(doors.public + leave)
    main_text_with(browser, "Mulai survei")
    assert doors.rows("SELECT 1 FROM conversations WHERE channel = 'kiosk'") == []
    assert len(doors.rows("SELECT 1 FROM survey_responses")) == 1

    # The connection drops at the fifth unsur and comes back: nothing lost, nothing doubled.
    click(browser, "Mulai survei")
    click(browser, "Ya, saya bersedia")
    click(browser, "Kartu Keluarga")
    answer_profile(browser)
    for number in range(4):
        main_text_with(browser, f"Pertanyaan {number + 6} dari 15")
        click(browser, "4 ·")
    main_text_with(browser, "Pertanyaan 10 dari 15")
    offline = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", offline)
    face = next(b for b in browser.find_elements("css selector", "main button") if "1 ·" in b.text)
    face.click()
    main_text_with(browser, "Sambungan terputus")
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", offline | {"offline": False})
    # Sent again until it arrives, with the same event id: the next question, once.
    main_text_with(browser, "Pertanyaan 11 dari 15")
    for _ in range(4):
        click(browser, "4 ·")
    click(browser, "Lewati")
    click(browser, "Kirim")
    main_text_with(browser, "Terima kasih")
    answers = doors.rows(
        "SELECT u1, u2, u3, u4, u5, u6, u7, u8, u9 FROM survey_responses ORDER BY id"
    )
    assert answers[-1] == (4, 4, 4, 4, 1, 4, 4, 4, 4)
    assert len(answers) == 2


def test_the_website_chat_page_and_the_widget(
    doors: Doors,
    browser,  # noqa: F811
    tmp_path,
):
    folder = shots_dir(tmp_path)
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": True},
    )
    browser.get(doors.public + "/chat")
    click(browser, "Mulai chat")
    main_text_with(browser, "Informasi layanan")
    type_in(browser, "syarat sktm")
    main_text_with(browser, "Persyaratan:")
    shot(browser, folder, "chat-persyaratan")
    type_in(browser, "survei")
    click(browser, "Ya, saya bersedia")
    type_in(browser, "SKTM")
    answer_profile(browser)
    for _ in range(9):
        type_in(browser, "4")
    click(browser, "Lewati")
    main_text_with(browser, "Mohon periksa kembali")
    shot(browser, folder, "chat-tinjau")
    click(browser, "Kirim")
    main_text_with(browser, "Terima kasih")
    assert doors.rows("SELECT channel FROM survey_responses") == [("webchat",)]
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(doors.sites["diizinkan"] + "/index.html")
    toggle = WebDriverWait(browser, 15).until(
        lambda d: d.find_element("css selector", "#skm-chat > button")
    )
    toggle.click()
    WebDriverWait(browser, 15).until(
        lambda d: "Informasi layanan" in d.find_element("id", "skm-chat").text
    )
    field = browser.find_element("css selector", "#skm-chat input")
    field.send_keys("syarat kk")
    field.submit()
    WebDriverWait(browser, 15).until(
        lambda d: "Persyaratan:" in d.find_element("id", "skm-chat").text
    )
    shot(browser, folder, "widget-diizinkan")

    browser.get(doors.sites["ditolak"] + "/index.html")
    toggle = WebDriverWait(browser, 15).until(
        lambda d: d.find_element("css selector", "#skm-chat > button")
    )
    toggle.click()
    WebDriverWait(browser, 15).until(
        lambda d: (
            "tidak dapat digunakan dari situs tersebut" in d.find_element("id", "skm-chat").text
        )
    )
    assert "Informasi layanan" not in browser.find_element("id", "skm-chat").text
    shot(browser, folder, "widget-ditolak")
