"""The Tsunagari process: owns Redis, the dispatcher, the channels and the HTTP server.

Every resource is created in `start()` and closed in reverse order by `stop()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import timedelta

from aiohttp import web
from redis.asyncio import BlockingConnectionPool, Redis

from bot.aio import cancel_and_wait
from bot.channels.base import Outbox
from bot.channels.hub import SocketChannel, SocketHub
from bot.channels.telegram import TelegramChannel
from bot.channels.webchat import WebChat
from bot.console import Console
from bot.counselors import CounselorDirectory
from bot.dispatcher import Dispatcher
from bot.http import build_app
from bot.identity import Pseudonymizer
from bot.redis_server import EmbeddedRedis
from bot.settings import Settings
from flows.intake import IntakeFlow
from flows.triage import CATEGORIES
from locales import Catalog
from routing.availability import Availability
from routing.conversations import Conversations
from routing.directory import Directory
from routing.organizations import Organizations
from routing.presence import Presence
from routing.queue import Queue
from routing.referrals import Referrals
from routing.scripts import Scripts
from routing.timers import IntakeTimers

logger = logging.getLogger(__name__)

# A blocking pool waits for a free connection instead of failing at the limit (redis-py's default
# pool raises MaxConnectionsError at 100, dropping updates under load).
REDIS_MAX_CONNECTIONS = 200
NEWS_SWEEP = 30.0  # seconds between looks at whose place in line moved
SWEEP_GRACE = 10.0  # seconds stop() lets a sweep in hand finish before cancelling it


class Service:
    """Start and stop everything one Tsunagari process runs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.embedded: EmbeddedRedis | None = None
        self.telegram: TelegramChannel | None = None
        self.http_url = ""
        self._stack = contextlib.AsyncExitStack()
        self._stopping = asyncio.Event()
        self._stopped: asyncio.Future[None] | None = None

    async def start(self, *, telegram: bool = True, http: bool = True) -> None:
        """Start Redis, the channels and the HTTP server; on failure, undo what was started."""
        try:
            await self._start(telegram=telegram, http=http)
        except BaseException:
            await self.stop()
            raise

    async def _start(self, *, telegram: bool, http: bool) -> None:
        settings = self.settings
        self._stopping.clear()
        self._stopped = None
        url = settings.redis_url
        if url is None:
            self.embedded = EmbeddedRedis(settings.data_dir)
            url = await self.embedded.start()
            self._stack.push_async_callback(self.embedded.stop)
        pool = BlockingConnectionPool.from_url(
            url, decode_responses=True, max_connections=REDIS_MAX_CONNECTIONS, timeout=10
        )
        self.redis = Redis(connection_pool=pool)
        self._stack.push_async_callback(pool.aclose)
        self._stack.push_async_callback(self.redis.aclose)
        await self.redis.ping()

        scripts = Scripts(self.redis)
        retention = settings.retention_days * 86400
        self.conversations = Conversations(self.redis, scripts, retention)
        self.organizations = Organizations.load(settings.organizations_path)
        catalog = Catalog.load()
        languages = tuple(sorted({*self.organizations.languages, *catalog.languages}))
        self.queue = Queue(self.redis, scripts, self.conversations, languages, settings.offer_seconds)
        self.presence = Presence(self.redis, scripts, frozenset(CATEGORIES))
        availability = Availability(
            self.redis,
            self.organizations,
            self.presence,
            horizon=timedelta(minutes=settings.fallback_horizon_minutes),
            default_handle_seconds=settings.default_handle_minutes * 60,
        )
        self.counselors = CounselorDirectory(settings.counselors_path)
        self.outbox = Outbox()
        self.timers = IntakeTimers(self.redis, scripts)
        self.dispatcher = Dispatcher(
            flow=IntakeFlow.load(settings.flow_file),
            catalog=catalog,
            conversations=self.conversations,
            queue=self.queue,
            presence=self.presence,
            outbox=self.outbox,
            pseudonymizer=Pseudonymizer(settings.pseudonym_secret()),
            counselors=self.counselors,
            timers=self.timers,
            organizations=self.organizations,
            availability=availability,
            directory=Directory.load(settings.directory_source()),
            referrals=Referrals(self.redis),
            directory_samples=settings.directory_samples,
            continuity_seconds=settings.continuity_days * 86400,
            default_lang=settings.default_language,
            reminder_seconds=settings.intake_reminder_seconds,
            expiry_seconds=settings.intake_expiry_seconds,
        )
        self.hub = SocketHub(self.redis)
        await self.hub.start()
        self._stack.push_async_callback(self.hub.stop)
        for name in ("web", "console"):
            self.outbox.register(SocketChannel(name, self.hub))
        self.webchat = WebChat(self.dispatcher, self.conversations, self.hub)
        self.console = Console(
            self.dispatcher, self.counselors, self.conversations, self.presence, self.queue, self.hub
        )
        if http:
            await self._start_http()
        if telegram and settings.telegram_token:
            self.telegram = TelegramChannel(
                settings.telegram_token, settings.telegram_api_url, self.dispatcher, self.counselors
            )
            self.outbox.register(self.telegram)  # before polling starts: replies need it
            self._stack.push_async_callback(self.telegram.stop)  # also undoes a half-done start
            await self.telegram.start()
        # The sweeps take work out of Redis (a due reminder, an offer that timed out) and then
        # send. They start only once every channel can send, and, started last, they are the
        # first thing stop() ends: a stopping process takes nothing it can no longer deliver.
        for loop, name in ((self._sweep_intake_timers, "intake-timers"), (self._route_loop, "routing")):
            self._stack.push_async_callback(self._finish, asyncio.create_task(loop(), name=name))

    async def _start_http(self) -> None:
        runner = web.AppRunner(build_app(self), access_log=None, shutdown_timeout=5.0)
        await runner.setup()
        self._stack.push_async_callback(runner.cleanup)
        # Runs before runner.cleanup, which would otherwise wait for open websockets to end.
        self._stack.push_async_callback(self.hub.close_sockets)
        site = web.TCPSite(runner, self.settings.http_host, self.settings.http_port)
        await site.start()
        host, port = runner.addresses[0][:2]
        self.http_url = f"http://{host}:{port}"
        logger.info("http listening on %s", self.http_url)

    async def _sweep_intake_timers(self) -> None:
        """Remind or close silent intakes; any process may sweep, each person goes to one."""
        interval = min(5.0, self.settings.intake_reminder_seconds / 4)
        while await self._pause(interval):
            try:
                due = await self.timers.take_due()
            except Exception:  # Redis away for a moment: the next sweep takes them
                logger.exception("intake timer sweep failed")
                continue
            for index, person_id in enumerate(due):
                if self._stopping.is_set():  # stopping: the rest go back for another process
                    await self._put_back(due[index:], time.time())
                    break
                try:
                    await self.dispatcher.intake_timer(person_id)
                except Exception:  # one failure must not cost the others their timers
                    logger.exception("intake timer failed person=%s", person_id)
                    await self._put_back([person_id], time.time() + interval)

    async def _put_back(self, person_ids: list[str], due: float) -> None:
        """Timers taken but not handled go back into Redis; a failure here is logged, and never
        ends the sweep loop."""
        for person_id in person_ids:
            try:
                await self.timers.set(person_id, due)
            except Exception:
                logger.exception("intake timer lost person=%s", person_id)

    async def _route_loop(self) -> None:
        """Offers that timed out pass on, silent counselors are reaped, offers are made, and
        waiting people hear when their place moved; any process may run it, Lua keeps it exact."""
        settings = self.settings
        interval = min(1.0, settings.offer_seconds / 4, settings.heartbeat_seconds / 8)
        last_news = 0.0
        while await self._pause(interval):
            try:
                await self.dispatcher.expire_offers()
                await self.dispatcher.reap_silent(settings.heartbeat_seconds)
                await self.dispatcher.route()
                if time.monotonic() - last_news >= NEWS_SWEEP:
                    last_news = time.monotonic()
                    await self.dispatcher.waiting_news()
            except Exception:  # Redis away for a moment, a channel down: the next round retries
                logger.exception("routing round failed")

    async def _pause(self, seconds: float) -> bool:
        """Wait between two sweeps; False once stop() has begun."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
        return not self._stopping.is_set()

    async def _finish(self, task: asyncio.Task) -> None:
        """End a sweep loop after the sweep in hand: a reminder already taken out of Redis is
        sent, not dropped half way. One still busy after SWEEP_GRACE is cancelled."""
        self._stopping.set()
        done, _ = await asyncio.wait({task}, timeout=SWEEP_GRACE)
        if not done:
            logger.warning("%s still busy after %g s; cancelling it", task.get_name(), SWEEP_GRACE)
            await cancel_and_wait(task, SWEEP_GRACE)
        elif not task.cancelled() and task.exception() is not None:
            logger.error("%s had stopped with an error", task.get_name(), exc_info=task.exception())

    async def stop(self) -> None:
        """Close everything that was started, newest first: the sweeps, then the channels,
        the HTTP server and Redis. A second call waits for the first one's work to finish."""
        if self._stopped is None:
            self._stopped = asyncio.ensure_future(self._stack.aclose())
        await asyncio.shield(self._stopped)
