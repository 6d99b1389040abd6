"""`skm qr --unit`: a poster per unit, whose links open that unit's survey."""

import argparse
import re

from bot.cli import poster_links
from bot.settings import Settings
from bot.whatsapp.channel import CHANNEL as WHATSAPP
from skm_core.tickets import unit_of_payload
from tests.test_terminal import skm


def test_a_units_poster_links_name_the_unit() -> None:
    args = argparse.Namespace(username="@SkmBot", whatsapp_number="+6281234500000")
    links = poster_links(args, Settings(_env_file=None), "SURVEI", "muara-jawa")
    assert links["telegram"] == "https://t.me/SkmBot?start=survei-muara-jawa"
    assert links[WHATSAPP] == "https://wa.me/6281234500000?text=SURVEI%20survei-muara-jawa"


def test_the_whatsapp_start_word_carries_the_units_payload() -> None:
    # As the WhatsApp channel reads "SURVEI <payload>": the payload is long enough for it.
    pattern = re.compile(r"^\s*SURVEI\s+([A-Za-z0-9_-]{8,64})\s*$", re.I)
    found = pattern.match("SURVEI survei-ab")
    assert found is not None
    assert unit_of_payload(found[1]) == ("ab", True)


def test_a_unit_not_in_the_content_is_refused(tmp_path) -> None:
    done = skm(
        "qr", "--out", str(tmp_path), "--username", "b", "--unit", "x", stdin="", data=tmp_path
    )
    assert done.returncode == 2
    assert "no such unit" in done.stderr


def test_with_one_unit_its_id_gives_the_plain_poster(tmp_path) -> None:
    done = skm(
        "qr",
        "--out",
        str(tmp_path),
        "--username",
        "b",
        "--unit",
        "sangasanga",
        stdin="",
        data=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "https://t.me/b?start=survei\n" in done.stdout
