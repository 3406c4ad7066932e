"""A fresh PostgreSQL database per test, on the server scripts/test.sh starts (ZONGCHUANG_TEST_POSTGRES)."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest

URL_ENV = "ZONGCHUANG_TEST_POSTGRES"


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    base = os.environ.get(URL_ENV)
    if not base:
        pytest.skip(f"no PostgreSQL here ({URL_ENV} unset; scripts/test.sh starts one when run as root)")
    import psycopg

    name = f"zc_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
