"""One bot process per data directory."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.lock import AlreadyRunning, data_dir_lock
from tests.fakes.graph_api import FakeGraphApi, serve_graph_api
from tests.test_e2e_whatsapp import Bot


def test_a_second_holder_is_refused_and_told_who_holds_it(tmp_path):
    with data_dir_lock(tmp_path / "data"):
        with pytest.raises(AlreadyRunning) as refused, data_dir_lock(tmp_path / "data"):
            pass
        assert f"process {os.getpid()}" in str(refused.value)
        assert str(tmp_path / "data") in str(refused.value)


def test_the_lock_is_free_again_once_released(tmp_path):
    with data_dir_lock(tmp_path / "data"):
        pass
    with data_dir_lock(tmp_path / "data"):
        pass


def test_another_data_directory_is_another_lock(tmp_path):
    with data_dir_lock(tmp_path / "a"), data_dir_lock(tmp_path / "b"):
        pass


def test_a_second_skm_run_on_the_same_data_refuses_to_start(tmp_path):
    api = FakeGraphApi()
    with serve_graph_api(api) as url:
        first = Bot(tmp_path, url)  # waits until its HTTP server answers
        try:
            second = subprocess.run(
                [str(Path(sys.executable).with_name("skm")), "run"],
                env={**first.env, "SKM_HTTP_PORT": "1"},
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert second.returncode == 1
            assert "another `skm run` is using the data directory" in second.stderr
            assert "Traceback" not in second.stderr
            assert first.process.poll() is None
        finally:
            first.stop()
