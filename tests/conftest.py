"""Test databases: every test that asks for `db` runs on SQLite and on PostgreSQL.

Each run creates its own PostgreSQL database (dropped at the end) so that runs cannot collide.
Locally a missing PostgreSQL skips its half of the suite; with REQUIRE_SERVICES=1 (as in CI)
it fails it instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest
import pytest_asyncio
from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE

from models import User
from models.config import tortoise_config
from services.catalog import DEMO_CATALOG_PATH, CatalogDocument, install_catalog, load_catalog
from services.clock import use_clock
from services.events.publisher import RecordingPublisher, set_publisher
from services.events.recorders import payload_problems
from services.seed import create_demo_users
from services.unit_of_work import UnitOfWork
from tests.fake_clock import FakeClock

BACKENDS = ("sqlite", "postgres")
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database" in metafunc.fixturenames:
        only_pg = metafunc.definition.get_closest_marker("postgres_only") is not None
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        backends = ["postgres"] if only_pg else ["sqlite"] if only_sqlite else list(BACKENDS)
        metafunc.parametrize("database", backends, indirect=True, scope="session")


def unavailable(service: str, error: Exception) -> None:
    """A missing service fails the run in CI and skips the test elsewhere."""
    message = f"{service} is not reachable: {error}"
    if REQUIRE_SERVICES:
        pytest.fail(message)
    pytest.skip(message)


async def create_postgres_database() -> str:
    """Create a database of this run's own and return its URL."""
    name = f"sof_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        admin = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        unavailable("PostgreSQL", error)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


async def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest_asyncio.fixture(scope="session")
async def database(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """The backend name; Tortoise is initialised on a fresh schema for the session."""
    backend: str = request.param
    url = "sqlite://:memory:" if backend == "sqlite" else await create_postgres_database()
    # Tortoise caches each model's INSERT/DELETE SQL by connection name, and both backends
    # are called "default": without this, PostgreSQL would get SQLite's `?` placeholders.
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url))
    await Tortoise.generate_schemas()
    try:
        yield backend
    finally:
        await connections.close_all()
        if backend == "postgres":
            await drop_postgres_database(url)


# What orders fill: the orders and everything beneath them, their events and numbers.
_ORDER_TABLES = (
    "event",
    "fallout_record",
    "task_dependency",
    "task",
    "domain_order",
    "sold_product",
    "line_item",
    "service_order",
)
_TABLES_IN_DELETE_ORDER = (
    *_ORDER_TABLES,
    "task_template_dependency",
    "task_template",
    "specification_relationship",
    "service_specification",
    "user_assignment_group",
    "app_user",
    "assignment_group",
    "number_sequence",
    "lease",
)


async def empty_all_tables(backend: str) -> None:
    await _empty(backend, _TABLES_IN_DELETE_ORDER)


async def empty_order_tables(backend: str) -> None:
    """Remove every order (and its events and numbers), keeping the catalog and the users."""
    await _empty(backend, (*_ORDER_TABLES, "number_sequence"))


async def _empty(backend: str, tables: tuple[str, ...]) -> None:
    conn = connections.get("default")
    if backend == "postgres":
        names = ", ".join(dict.fromkeys(tables))
        await conn.execute_script(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    else:
        for table in dict.fromkeys(tables):
            await conn.execute_script(f"DELETE FROM {table}")
        await conn.execute_script("DELETE FROM sqlite_sequence")


@pytest_asyncio.fixture
async def db(database: str) -> AsyncIterator[str]:
    """An empty database on the session's backend; yields the backend name."""
    await empty_all_tables(database)
    yield database


@pytest.fixture
def published() -> Iterator[RecordingPublisher]:
    """What the unit of work hands to the publisher after commit, during one test."""
    recorder = RecordingPublisher()
    previous = set_publisher(recorder)
    yield recorder
    set_publisher(previous)


@pytest.fixture(autouse=True)
def events_have_their_declared_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every event a test makes the services write has the payload its kind's recorder declares
    (`services/events/recorders.py`); one that does not fails its unit of work, and the test."""
    flush = UnitOfWork.flush

    async def checked_flush(uow: UnitOfWork) -> None:
        problems = [
            problem
            for event in uow.events
            for problem in payload_problems(event.kind, event.payload)
        ]
        assert not problems, "; ".join(problems)
        await flush(uow)

    monkeypatch.setattr(UnitOfWork, "flush", checked_flush)


@pytest.fixture
def clock() -> Iterator[FakeClock]:
    """The services' clock, set by the test: `clock.set(at)`, `clock.advance(hours=2)`."""
    fake = FakeClock()
    previous = use_clock(fake.now)
    yield fake
    use_clock(previous)


@pytest.fixture(scope="session")
def demo_catalog() -> CatalogDocument:
    """The demo catalog file, parsed and validated once per run."""
    return load_catalog(DEMO_CATALOG_PATH)


@pytest_asyncio.fixture
async def catalog(db: str, demo_catalog: CatalogDocument) -> CatalogDocument:
    """The demo catalog, installed in the test's empty database."""
    await install_catalog(demo_catalog)
    return demo_catalog


@pytest_asyncio.fixture
async def users(catalog: CatalogDocument) -> dict[str, User]:
    """The demo users by username: manager, agent1, agent2, viewer, partner, admin."""
    return await create_demo_users()
