"""Schemathesis against the district's own OpenAPI document, over real HTTP: whatever it generates (huge
integers, lone surrogates, wrong types, missing fields), the server answers without a 500. A bounded run:
the coverage phase (every boundary of every field) and a fixed number of random examples per operation."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher

from district.server import ServerThread, open_district
from district.service import ServerConfig

ST = Path(sys.executable).with_name("st")


@pytest.fixture
def served(tmp_path):
    district = open_district(tmp_path / "district", config=ServerConfig(allow_training=True),
                             password_hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    district.officers.add("li", "李经办", "officer-pass-1")
    thread = ServerThread(district.app()).start()
    yield district, thread.url
    thread.stop()
    district.close()


def schemathesis(url: str, token: str, paths: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ST), "run", f"{url}/openapi.json", "-H", f"Authorization: Bearer {token}", "--checks",
         "not_a_server_error", "--phases", "coverage,fuzzing", "--max-examples", "40", "--seed", "20261202",
         "--include-path-regex", paths, "--exclude-path", "/api/v1/token", "--generation-database", "none",
         "--no-color"],
        capture_output=True, text=True, timeout=900, cwd=tmp_path, env={**os.environ, "NO_COLOR": "1"})


@pytest.mark.skipif(not ST.exists(), reason="schemathesis is not installed in this environment")
def test_no_input_makes_the_device_api_or_the_back_office_answer_500(served, tmp_path):
    district, url = served
    device = httpx.post(url + "/api/v1/enrol", json={"code": district.service.create_enrolment_code(),
                                                      "name": "1号窗口", "prefix": "ZC01"}).json()["token"]
    officer = httpx.post(url + "/backoffice/api/login",
                         json={"username": "li", "password": "officer-pass-1"}).json()["token"]
    for token, paths in ((device, "^/api/"), (officer, "^/backoffice/api/cases")):
        run = schemathesis(url, token, paths, tmp_path)
        out = run.stdout + run.stderr
        assert run.returncode == 0 and "500" not in out.split("SUMMARY")[-1], out[-4000:]
        assert " passed" in out
