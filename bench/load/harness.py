"""The load harness: simulated persons on the local Bot API server, and what a run measures.

`Crowd` drives N persons closed loop through the scenario (bench/load/scenario.py) by calling the
local Bot API server's Python test API in this process (no HTTP between a person and the server,
so the harness stays light). Each person sends a text or taps a button, waits until the bot has
sent a message carrying the button the next step taps, then goes on; after the last step the
person is done and a new person (a new Telegram user) starts the scenario again. A step not
answered within the timeout counts as dropped (the person gives up and a new one starts).

Replies are seen the moment the server stores them: `Crowd` wraps the server state's `store`, so a
waiting person is woken for their own chat only (the server's `wait_for_messages` wakes every
waiter on every change, which 500 waiters cannot afford).

`Snapshot` reads, at the start and end of the measured window: the bot process's CPU time (user +
system, from /proc through psutil), the harness's and Redis's own CPU, the Bot API requests the
server received, and Redis's INFO commandstats and `total_reads_processed` (one read event per
request a client wrote: a pipeline or a script is one, so it counts round trips; MONITOR is not
used, it would cost Redis more than the bots do).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import itertools
import os
import re
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from redis.asyncio import Redis

from bench.load.scenario import CONCERNS, scenario
from bot.testing.botapi import LocalBotApi
from bot.testing.botapi_state import ChatRecord
from bot.testing.botapi_wire import JSON, inline_buttons

FIRST_USER_ID = 1_000_001
_PR_SET_PDEATHSIG = 1
RAMP_SECONDS = 1.0  # persons start spread over this, not all in the same millisecond


class Crowd:
    """Simulated persons, closed loop, on one local Bot API server."""

    def __init__(self, server: LocalBotApi, *, timeout: float, error_texts: frozenset[str]) -> None:
        self.server = server
        self.timeout = timeout
        self.error_texts = error_texts
        # (when, latency in s, index in the scenario) of each answered step
        self.answered: list[tuple[float, float, int]] = []
        self.dropped = 0  # steps not answered within the timeout
        self.refused = 0  # taps the server refused (the button was not under the message)
        self.error_replies = 0  # "sorry, something went wrong" messages
        self.unexpected = 0  # bot messages to a chat nobody was waiting in
        self.stopping = False
        self._waiting: dict[int, tuple[str, asyncio.Future[tuple[int, float]]]] = {}
        self._users = itertools.count(FIRST_USER_ID)
        self._scenarios = itertools.count()
        self._tasks: list[asyncio.Task[None]] = []
        self._goal: tuple[int, asyncio.Event] | None = None  # see until_answered
        store = server.state.store

        def store_and_wake(record: ChatRecord, msg: JSON, *, by_bot: bool) -> JSON:
            kept = store(record, msg, by_bot=by_bot)
            if by_bot:
                self._seen(record.chat["id"], msg)
            return kept

        server.state.store = store_and_wake  # type: ignore[method-assign]

    def _seen(self, chat_id: int, msg: JSON) -> None:
        if msg.get("text") in self.error_texts:
            self.error_replies += 1
        waiter = self._waiting.get(chat_id)
        if waiter is None:
            self.unexpected += 1
            return
        expect, future = waiter
        if not future.done() and any(b.get("callback_data") == expect for b in inline_buttons(msg)):
            future.set_result((msg["message_id"], time.monotonic()))

    def start(self, persons: int) -> None:
        self._tasks = [
            asyncio.create_task(self._person(index * RAMP_SECONDS / persons), name=f"person-{index}")
            for index in range(persons)
        ]

    async def stop(self) -> None:
        """No new steps; wait for the steps in flight (each at most the timeout)."""
        self.stopping = True
        await asyncio.gather(*self._tasks)

    async def until_answered(self, count: int, timeout: float) -> None:
        """Wait until `count` more steps have been answered, or `timeout` seconds."""
        goal = self._goal = (len(self.answered) + count, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(goal[1].wait(), timeout)
        self._goal = None

    async def _person(self, delay: float) -> None:
        await asyncio.sleep(delay)
        while not self.stopping:
            await self._one_scenario()

    async def _one_scenario(self) -> None:
        loop = asyncio.get_running_loop()
        user_id = next(self._users)
        concern = CONCERNS[next(self._scenarios) % len(CONCERNS)]
        self.server.user(user_id, "Haru", language_code="ja")
        message_id = 0
        for index, step in enumerate(scenario(concern)):
            if self.stopping:
                return
            future: asyncio.Future[tuple[int, float]] = loop.create_future()
            self._waiting[user_id] = (step.expect, future)
            sent = time.monotonic()
            try:
                if step.kind == "text":
                    self.server.send_text(user_id, step.value)
                else:
                    self.server.press_button(user_id, message_id, step.value)
                message_id, when = await asyncio.wait_for(future, self.timeout)
            except AssertionError:
                self.refused += 1
                return
            except TimeoutError:
                self.dropped += 1
                return
            finally:
                del self._waiting[user_id]
            self.answered.append((when, when - sent, index))
            if self._goal is not None and len(self.answered) >= self._goal[0]:
                self._goal[1].set()

    def window(self, start: float, end: float) -> list[tuple[float, int]]:
        """(latency in s, index in the scenario) of the steps answered between start and end
        (time.monotonic())."""
        return [(latency, index) for when, latency, index in self.answered if start <= when <= end]


@dataclass
class Snapshot:
    """Counters read at one moment; the difference of two is what a window cost."""

    when: float
    bot_cpu: float
    harness_cpu: float
    redis_cpu: float
    api_calls: int
    machine_busy: float  # CPU seconds all processes on the machine have used (psutil.cpu_times)
    redis_commands: Counter[str] = field(default_factory=Counter)
    redis_reads: int = 0

    @classmethod
    async def take(cls, bot: psutil.Process, redis_process: psutil.Process, server: LocalBotApi,
                   redis: Redis) -> Snapshot:  # fmt: skip
        stats = await redis.info("stats")
        commandstats = await redis.info("commandstats")
        commands = Counter(
            {name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in commandstats.items()}
        )
        return cls(
            when=time.monotonic(),
            bot_cpu=_cpu(bot),
            harness_cpu=sum(os.times()[:2]),
            redis_cpu=_cpu(redis_process),
            api_calls=len(server.calls),
            machine_busy=busy_seconds(),
            redis_commands=commands,
            redis_reads=int(stats["total_reads_processed"]),
        )


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def die_with_parent() -> None:
    """Runs in a bot's process before exec: Linux sends it SIGTERM when the benchmark dies, so an
    interrupted run leaves no bot polling a server that is gone."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def busy_seconds() -> float:
    """Busy CPU seconds of the whole machine so far: everything but idle and iowait."""
    times = psutil.cpu_times()._asdict()
    return sum(v for k, v in times.items() if k not in ("idle", "iowait", "guest", "guest_nice"))


def memory_kib(pid: int) -> dict[str, int]:
    """VmHWM (peak resident), VmRSS, RssAnon and RssFile of a process, in KiB, from /proc."""
    wanted = ("VmHWM", "VmRSS", "RssAnon", "RssFile")
    found: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in wanted:
                found[name] = int(value.split()[0])
    return found


_ERROR_LINE = re.compile(r"\b(ERROR|CRITICAL)\b|^Traceback")
_WARNING_LINE = re.compile(r"\bWARNING\b")


def log_problems(path: Path) -> tuple[int, int, list[str]]:
    """(error lines, warning lines, the first few error lines) of a bot's log."""
    errors, warnings, first = 0, 0, []
    with contextlib.suppress(OSError):
        for line in path.read_text(errors="replace").splitlines():
            if _ERROR_LINE.search(line):
                errors += 1
                if len(first) < 5:
                    first.append(line[:300])
            elif _WARNING_LINE.search(line):
                warnings += 1
    return errors, warnings, first
