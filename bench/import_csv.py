"""`skm import` of a large CSV, run as the real command in a child process."""

import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from time import perf_counter

from bench.citizens import EDUCATION, GENDERS, WORK
from bench.process import SKM, skm_environment
from skm_core.content import Content

HEADER = "tanggal;layanan;jenis_kelamin;usia;pendidikan;pekerjaan;U1;U2;U3;U4;U5;U6;U7;U8;U9;saran"
FIRST_DAY = date(2024, 1, 1)


@dataclass(frozen=True)
class Import:
    rows: int
    seconds: float

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds


def _line(n: int, services: list[str]) -> str:
    day = FIRST_DAY + timedelta(days=n % 366)
    # Dates and labels in the forms officials type them, not only the canonical ones.
    when = day.isoformat() if n % 2 else f"{day:%d/%m/%Y} {8 + n % 8:02d}:{n % 60:02d}"
    answers = [str(4 - (n * 7 + u * 3) % 4 // 2) if (n + u) % 53 else "" for u in range(9)]
    suggestion = "Ruang tunggu perlu kipas angin" if n % 10 == 0 else ""
    return ";".join(
        [
            when,
            services[n % len(services)],
            GENDERS[n % 2],
            str(18 + n % 60),
            EDUCATION[n % len(EDUCATION)],
            WORK[n % len(WORK)],
            *answers,
            suggestion,
        ]
    )


def write_csv(path: Path, rows: int, content: Content) -> None:
    services = [s.id for s in content.services]
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for n in range(rows):
            out.write(_line(n, services) + "\n")


def measure(work_dir: Path, content: Content, rows: int) -> Import:
    base = work_dir / "import"
    base.mkdir(parents=True)
    csv_path = base / "survei-lama.csv"
    write_csv(csv_path, rows, content)
    data_dir = base / "data"
    started = perf_counter()
    done = subprocess.run(
        [str(SKM), "import", "--urutan", "unit", str(csv_path)],
        env=skm_environment(data_dir),
        cwd=base,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"skm import failed ({done.returncode}): {done.stderr.strip()}")
    with closing(sqlite3.connect(data_dir / "skm.sqlite3")) as db:
        (stored,) = db.execute("SELECT COUNT(*) FROM survey_responses").fetchone()
    if stored != rows:
        raise RuntimeError(f"skm import stored {stored} of {rows} rows")
    return Import(rows, seconds)
