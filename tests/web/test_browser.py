"""End to end in a real headless Chromium: the real `skm run` process against the fake Bot
API, its public pages at phone and desktop widths (screenshots kept), and an official who signs
in through the link the bot sent, answers a complaint and corrects a requirement that the
bot's next answer to a citizen shows.

Needs Debian's `chromium` and `chromium-driver` (installed by .ci/run); skipped without them.
Screenshots go to the test's tmp dir, or to $SKM_SCREENSHOT_DIR when it is set.
"""

import asyncio
import os
import re
import shutil
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from skm_core.ikm.responses import SurveyResponse
from skm_core.storage import Database
from skm_core.storage.responses import insert_responses
from tests.e2e_database import E2eDatabase
from tests.fakes.bot_api import FakeBotApi, serve_bot_api
from tests.test_e2e_telegram import Process, free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="headless browser tests need Debian's chromium and chromium-driver"
    " (apt-get install chromium chromium-driver; .ci/run installs them)",
)

ADMIN = 5001
CITIZEN = 6002
WIDTHS = {"ponsel": 360, "desktop": 1280}
WITA = ZoneInfo("Asia/Makassar")


def shots_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SKM_SCREENSHOT_DIR") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def _seed(target: str) -> None:
    rows = [
        [4, 4, 3, 4, 4, 4, 4, 4, 4],
        [3, 4, 2, 4, 3, 4, 4, 3, 4],
        [4, 3, 3, 4, 4, 4, 3, 4, 4],
    ]
    responses = [
        SurveyResponse(
            submitted_at=datetime(2026, month, day, 10, 0, tzinfo=WITA),
            channel="telegram",
            answers=tuple(row),
            service_id=service,
            profile={"jenis_kelamin": "p"},
            suggestion="Ruang tunggu perlu kipas angin" if day == 2 else None,
        )
        for month in (10, 11)
        for day, row in enumerate(rows * 4, start=1)
        for service in ("kk", "skck")
    ]
    async with await Database.open(target) as db, db.transaction() as tx:
        await insert_responses(tx, responses)


@pytest.fixture
def site(tmp_path: Path, e2e_database: E2eDatabase) -> Iterator[tuple[FakeBotApi, str]]:
    fake = FakeBotApi()
    data = tmp_path / "data"
    asyncio.run(_seed(e2e_database.target(data)))
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    with serve_bot_api(fake) as base_url:
        extra = {
            "SKM_PUBLIC_URL": public,
            "SKM_HTTP_PORT": str(port),
            "SKM_ADMIN_TELEGRAM_IDS": str(ADMIN),
            "SKM_OUTBOX_INTERVAL_SECONDS": "0.2",
            "TELEGRAM_BOT_USERNAME": "SkmSangasangaTestBot",
            "WHATSAPP_BUSINESS_NUMBER": "6281234567890",
            **e2e_database.env,
        }
        bot = Process(data, base_url, extra)
        try:
            fake.wait_for(lambda: any(c.method == "deleteWebhook" for c in fake.calls))
            _wait_http(f"{public}/health")
            yield fake, public
        finally:
            bot.stop()


def _wait_http(url: str) -> None:
    for _ in range(300):
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer")


@pytest.fixture
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=id"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def say(fake: FakeBotApi, user: int, text: str) -> str:
    count = len(fake.sent(user))
    fake.push(fake.text_update(user, text))
    fake.wait_for(lambda: len(fake.sent(user)) > count)
    return fake.texts(user)[-1]


def press(fake: FakeBotApi, user: int, label: str) -> str:
    data = next(d for text, d in fake.buttons(user) if text.startswith(label))
    count = len(fake.sent(user))
    fake.push(fake.button_update(user, data))
    fake.wait_for(lambda: len(fake.sent(user)) > count)
    return fake.texts(user)[-1]


def main_text_with(driver, text: str) -> str:
    """The page's main text once it shows `text` (after a click, the next page loads)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    # While the next page replaces this one, its elements vanish under the reader's feet.
    ignored = (WebDriverException,)
    WebDriverWait(driver, 15, ignored_exceptions=ignored).until(
        lambda d: text in d.find_element("css selector", "main").text
    )
    return str(driver.find_element("css selector", "main").text)


def screenshot(driver, folder: Path, name: str) -> list[Path]:
    """The whole page at each width, as a phone and a desktop show it."""
    saved = []
    for label, width in WIDTHS.items():
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        height = driver.execute_script("return document.documentElement.scrollHeight")
        scroll = driver.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} is wider than {width} px ({scroll} px)"
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": width,
                "height": min(height, 6000),
                "deviceScaleFactor": 1,
                "mobile": width < 600,
            },
        )
        path = folder / f"{name}-{label}.png"
        driver.save_screenshot(str(path))
        saved.append(path)
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return saved


def test_public_pages_at_phone_and_desktop_width(site, browser, tmp_path):
    fake, public = site
    say(fake, ADMIN, "/publikasi oktober 2026")
    assert "telah dipublikasikan" in say(fake, ADMIN, "/publikasi november 2026")
    folder = shots_dir(tmp_path)
    pages = {"hasil": "/", "layanan": "/layanan", "layanan-kk": "/layanan/kk", "kontak": "/kontak"}
    for name, path in pages.items():
        browser.get(public + path)
        assert browser.find_element("css selector", "html").get_attribute("lang") == "id"
        assert browser.find_element("css selector", "h1").text
        for shot in screenshot(browser, folder, name):
            assert shot.stat().st_size > 5000
    browser.get(public + "/")
    assert "November 2026" in browser.find_element("css selector", "main").text
    assert browser.find_elements("css selector", "svg.chart")
    # As printed: no navigation, no forms, no QR codes; charts and tables stay.
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not browser.find_element("css selector", "header nav").is_displayed()
    assert not browser.find_element("css selector", ".chat-links").is_displayed()
    assert browser.find_element("css selector", "svg.chart").is_displayed()
    screenshot(browser, folder, "hasil-cetak")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_an_official_answers_a_complaint_and_corrects_a_requirement(site, browser, tmp_path):
    fake, public = site
    folder = shots_dir(tmp_path)
    say(fake, CITIZEN, "/start")
    before = say(fake, CITIZEN, "syarat skck")
    assert "Fotokopi KK 1 lembar" in before
    say(fake, CITIZEN, "menu")
    press(fake, CITIZEN, "Kontak")
    press(fake, CITIZEN, "Kirim pengaduan")
    say(fake, CITIZEN, "Ruang tunggu panas sekali, mohon diperbaiki.")
    assert "nomor #1" in press(fake, CITIZEN, "Kirim")

    fake.push(fake.text_update(ADMIN, "/masuk"))
    sign_in = re.compile(r"http://\S+/desk/masuk\?t=\S+")
    fake.wait_for(lambda: any(sign_in.search(t) for t in fake.texts(ADMIN)))
    link = next(m for t in fake.texts(ADMIN) if (m := sign_in.search(t)))
    browser.get(link.group(0))
    screenshot(browser, folder, "desk-masuk")
    browser.find_element("css selector", "main button[type=submit]").click()
    main_text_with(browser, "Meja kerja")
    screenshot(browser, folder, "desk-beranda")

    browser.get(public + "/desk/aduan")
    screenshot(browser, folder, "desk-aduan")
    browser.find_element("id", "jawaban-1").send_keys("Mohon maaf, kipas angin dipasang besok.")
    browser.find_element("css selector", "#aduan-1 ~ form button").click()
    main_text_with(browser, "sedang dikirim")
    fake.wait_for(lambda: any("kipas angin dipasang" in t for t in fake.texts(CITIZEN)))
    # Told "sent" only once it was delivered, in the chat where officials look.
    fake.wait_for(lambda: any("#1 telah terkirim" in t for t in fake.texts(ADMIN)))

    browser.get(public + "/desk/standar/skck")
    area = browser.find_element("id", "f-requirements")
    corrected = area.get_attribute("value").replace("Fotokopi KK 1 lembar", "Fotokopi KK 2 lembar")
    area.clear()
    area.send_keys(corrected)
    browser.find_element("css selector", "form.stack button[type=submit]").click()
    main_text_with(browser, "Perubahan disimpan")
    screenshot(browser, folder, "desk-standar-skck")

    after = say(fake, CITIZEN, "syarat skck")
    assert "Fotokopi KK 2 lembar" in after and "Fotokopi KK 1 lembar" not in after

    for name, path in {
        "desk-ringkasan": "/desk/ringkasan?periode=november+2026",
        "desk-publikasi": "/desk/publikasi",
        "desk-standar": "/desk/standar",
        "desk-standar-unit": "/desk/standar/unit",
        "desk-rtl": "/desk/rtl",
        "desk-tiket": "/desk/perintah/tiket",
    }.items():
        browser.get(public + path)
        assert browser.find_element("css selector", "h1").text, name
        screenshot(browser, folder, name)

    browser.get(public + "/desk/perintah/tiket")
    browser.find_element("css selector", "form.stack button[type=submit]").click()
    main_text_with(browser, "Tiket survei untuk layanan")
    assert browser.find_elements("css selector", "main img")  # the QR code to print
    screenshot(browser, folder, "desk-tiket-terbit")

    browser.find_element("css selector", "button.link").click()  # Keluar
    main_text_with(browser, "Hasil Survei")
    browser.get(public + "/desk/")
    assert "Belum masuk" in main_text_with(browser, "/masuk")
    screenshot(browser, folder, "desk-belum-masuk")
