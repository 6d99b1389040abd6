"""What simulated citizens do: look something up, then fill in a survey, as a list of actions.

Actions name what a person sees (a button's label, text they type), so one script drives the
engine, the in-process Telegram application and the real bot process alike.
"""

from dataclasses import dataclass
from typing import Literal

from skm_core.content import Content

GENDERS = ("Laki-laki", "Perempuan")
EDUCATION = ("SD/Sederajat", "SMP/Sederajat", "SMA/Sederajat", "D1–D3", "S1/D4")
WORK = ("PNS", "Pegawai Swasta", "Wirausaha", "Petani/Pekebun")
QUESTIONS = (
    "syarat bikin kk apa aja",
    "berapa lama bikin ktp",
    "surat pindah",
    "syarat surat miskin gimana",
    "izin keramaian biayanya berapa",
)
THANKS = "Terima kasih, penilaian"


@dataclass(frozen=True)
class Action:
    kind: Literal["type", "press"]
    value: str
    """The text typed, or the start of the label of the button pressed."""


def type_(text: str) -> Action:
    return Action("type", text)


def press(label: str) -> Action:
    return Action("press", label)


def scores(citizen: int) -> list[int]:
    """Nine answers 1..4, varied per citizen but mostly good, as real surveys are."""
    return [4 - (citizen * 7 + unsur * 3) % 4 // 2 for unsur in range(9)]


def information(citizen: int, content: Content) -> list[Action]:
    service = content.services[citizen % len(content.services)]
    return [
        type_("/start"),
        press("Informasi layanan"),
        press(service.short_name),
        press("Prosedur"),
        type_(QUESTIONS[citizen % len(QUESTIONS)]),
    ]


def survey_until(citizen: int, content: Content, answered: int) -> list[Action]:
    """Open a survey and answer its first `answered` questions (15 finish it)."""
    service = content.services[(citizen // 3) % len(content.services)]
    questions = [
        press(service.short_name),
        press(GENDERS[citizen % 2]),
        type_(str(18 + citizen % 60)),
        press(EDUCATION[citizen % len(EDUCATION)]),
        press(WORK[citizen % len(WORK)]),
    ]
    for unsur, score in enumerate(scores(citizen)):
        # Some people type the number instead of pressing the button; both are answers.
        questions.append(type_(str(score)) if (citizen + unsur) % 5 == 0 else press(f"{score} ·"))
    questions.append(press("Lewati") if citizen % 2 else type_("Pelayanan sudah baik"))
    return [type_("/survei"), press("Ya, saya bersedia"), *questions[:answered]]


def full_survey(citizen: int, content: Content) -> list[Action]:
    return [*survey_until(citizen, content, 15), press("Kirim")]


def visit(citizen: int, content: Content) -> list[Action]:
    """A citizen's whole visit: information requests, then a finished survey."""
    return [*information(citizen, content), *full_survey(citizen, content)]
