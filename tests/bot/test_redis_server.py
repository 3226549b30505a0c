"""The embedded Redis: a private unix-socket server with an append-only file, adopted or replaced
after a crash, and gone when stopped."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import pytest_asyncio
from redis.asyncio import Redis

from bot.redis_server import EmbeddedRedis, EmbeddedRedisError

Servers = Callable[[], Awaitable[EmbeddedRedis]]


@pytest_asyncio.fixture
async def new_server(tmp_path: Path) -> AsyncIterator[Servers]:
    """Starts EmbeddedRedis instances on tmp_path; stops any still running at the end."""
    started: list[EmbeddedRedis] = []

    async def start() -> EmbeddedRedis:
        server = EmbeddedRedis(tmp_path)
        started.append(server)
        await server.start()
        return server

    yield start
    for server in reversed(started):
        await server.stop()


async def server_pid(server: EmbeddedRedis) -> int:
    async with client(server) as redis:
        return int((await redis.info("server"))["process_id"])


@contextlib.asynccontextmanager
async def client(server: EmbeddedRedis) -> AsyncIterator[Redis]:
    redis = Redis.from_url(server.url, decode_responses=True)
    try:
        yield redis
    finally:
        await redis.aclose()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def crash_owner(server: EmbeddedRedis) -> None:
    """The owning process "crashes": its lock is released, its redis-server lingers."""
    assert server._lock is not None
    os.close(server._lock)
    server._lock = None
    server._process = None


async def gone(pid: int, timeout: float = 5.0) -> bool:
    """True once /proc/<pid> has disappeared (the process exited and was reaped)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while Path(f"/proc/{pid}").exists():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def test_embedded_redis_answers_on_a_unix_socket_only(new_server: Servers) -> None:
    server = await new_server()

    async with client(server) as redis:
        pong = await redis.ping()
        port = await redis.config_get("port")
        socket = await redis.config_get("unixsocket")

    assert pong is True
    assert server.url.startswith("unix://")
    assert port == {"port": "0"}
    assert socket == {"unixsocket": str(server.socket)}


async def test_embedded_redis_keeps_an_append_only_file_under_the_data_dir(
    new_server: Servers, tmp_path: Path
) -> None:
    server = await new_server()

    async with client(server) as redis:
        await redis.set("k", "v")
        appendonly = await redis.config_get("appendonly")
        folder = await redis.config_get("dir")

    assert appendonly == {"appendonly": "yes"}
    assert folder == {"dir": str((tmp_path / "redis").resolve())}
    assert list((tmp_path / "redis").glob("appendonly*"))


async def test_stop_leaves_no_redis_process(new_server: Servers) -> None:
    server = await new_server()
    pid = await server_pid(server)
    pidfile_pid = int(server.pidfile.read_text())

    await server.stop()

    assert pidfile_pid == pid
    assert await gone(pid), f"redis-server {pid} is still there after stop()"


async def test_a_live_leftover_server_is_adopted_and_stopped_by_its_adopter(new_server: Servers) -> None:
    crashed = await new_server()
    leftover = await server_pid(crashed)
    async with client(crashed) as redis:
        await redis.set("written-before-the-crash", "1")
    crash_owner(crashed)

    adopter = await new_server()
    adopted = await server_pid(adopter)
    async with client(adopter) as redis:
        kept = await redis.get("written-before-the-crash")
    await adopter.stop()

    assert adopted == leftover
    assert kept == "1"
    assert await gone(leftover), "the adopted server is still running after stop()"


async def test_a_second_process_on_the_same_data_dir_is_refused_and_harms_nothing(
    new_server: Servers,
) -> None:
    running = await new_server()
    pid = await server_pid(running)

    with pytest.raises(EmbeddedRedisError, match="another Tsunagari process is using"):
        await new_server()

    assert not await gone(pid, timeout=0.3)  # the first one's Redis still runs
    async with client(running) as redis:
        assert await redis.ping()


async def test_a_stale_pid_file_of_a_dead_process_is_replaced_by_a_fresh_server(
    new_server: Servers, tmp_path: Path
) -> None:
    dead = await asyncio.create_subprocess_exec("true")
    await dead.wait()
    folder = tmp_path / "redis"
    folder.mkdir()
    (folder / "redis.pid").write_text(f"{dead.pid}\n")

    server = await new_server()

    pid = await server_pid(server)
    assert pid != dead.pid
    assert alive(pid)
    assert int(server.pidfile.read_text()) == pid


async def test_a_pid_file_naming_a_live_process_that_is_not_redis_leaves_it_alone(
    new_server: Servers, tmp_path: Path
) -> None:
    bystander = await asyncio.create_subprocess_exec("sleep", "60")
    try:
        folder = tmp_path / "redis"
        folder.mkdir()
        (folder / "redis.pid").write_text(f"{bystander.pid}\n")

        server = await new_server()

        assert alive(bystander.pid)
        assert await server_pid(server) != bystander.pid
    finally:
        bystander.send_signal(signal.SIGKILL)
        await bystander.wait()


async def test_a_leftover_server_that_no_longer_answers_is_replaced(new_server: Servers) -> None:
    stuck = await new_server()
    stuck_pid = await server_pid(stuck)
    stuck.socket.unlink()  # still running, but nobody can reach it
    crash_owner(stuck)

    fresh = await new_server()

    assert await gone(stuck_pid), "the unreachable leftover was not stopped"
    fresh_pid = await server_pid(fresh)
    assert fresh_pid != stuck_pid
    assert alive(fresh_pid)


async def test_data_survives_a_stop_and_a_restart_on_the_same_dir(new_server: Servers) -> None:
    first = await new_server()
    async with client(first) as redis:
        await redis.set("tsunagari:test", "kept")
        await redis.rpush("tsunagari:list", "a", "b")
    first_pid = await server_pid(first)
    await first.stop()
    assert await gone(first_pid)

    second = await new_server()
    async with client(second) as redis:
        value = await redis.get("tsunagari:test")
        items = await redis.lrange("tsunagari:list", 0, -1)

    assert await server_pid(second) != first_pid
    assert (value, items) == ("kept", ["a", "b"])


async def test_stop_twice_is_harmless(new_server: Servers) -> None:
    server = await new_server()
    pid = await server_pid(server)

    await server.stop()
    await server.stop()

    assert await gone(pid)
