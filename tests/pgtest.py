"""A PostgreSQL database for the storage tests: ``$OPENMICROCRED_TEST_POSTGRES`` (a server
that ``.ci/postgres.sh``'s ``pg_start`` runs), a fresh schema for each test.

Without the variable the PostgreSQL tests skip, except under ``CI=true``, where they fail:
CI must never skip them silently."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

ENV = "OPENMICROCRED_TEST_POSTGRES"
BACKENDS = ("sqlite", "postgresql")


def server_url() -> str:
    """The test server's URL; skips (fails under ``CI=true``) when there is none."""
    url = os.environ.get(ENV)
    if url:
        return url
    if os.environ.get("CI") == "true":
        pytest.fail(f"${ENV} is not set; with CI=true the PostgreSQL tests must run (pg_start)")
    pytest.skip(f"${ENV} is not set (source .ci/postgres.sh; pg_start)")


@contextmanager
def fresh_schema() -> Iterator[str]:
    """A storage URL whose tables land in a new, empty schema, dropped afterwards."""
    import psycopg

    base = server_url()
    schema = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in base else "?"
    try:
        yield f"{base}{joiner}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@contextmanager
def storage_url(backend: str, folder: Path) -> Iterator[str]:
    """A storage URL of ``backend`` with nothing in it yet."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'storage.sqlite'}"
        return
    with fresh_schema() as url:
        yield url
