"""The one aiohttp server: health, metrics, the web chat and the counselor console."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from aiohttp import web
from redis.asyncio import Redis
from redis.exceptions import RedisError

from routing import keys

if TYPE_CHECKING:
    from bot.service import Service

SERVICE = web.AppKey("service", "Service")
STATIC = resources.files("bot").joinpath("static")


def build_app(service: Service) -> web.Application:
    """Routes: /healthz /readyz /metrics /chat /chat/ws /console /console/ws /static/."""
    app = web.Application(client_max_size=256 * 1024)
    app[SERVICE] = service
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/", chat_page)
    app.router.add_get("/chat", chat_page)
    app.router.add_get("/chat/ws", service.webchat.handle)
    app.router.add_get("/console", console_page)
    app.router.add_get("/console/ws", service.console.handle)
    app.router.add_static("/static/", str(STATIC), append_version=True)
    return app


async def chat_page(request: web.Request) -> web.StreamResponse:
    """The person's web chat."""
    return await _page("chat.html")


async def console_page(request: web.Request) -> web.StreamResponse:
    """The counselor console (its websocket checks the key)."""
    return await _page("console.html")


async def _page(name: str) -> web.StreamResponse:
    response = web.FileResponse(str(STATIC.joinpath(name)))
    response.headers["Cache-Control"] = "no-cache"
    return response


async def healthz(request: web.Request) -> web.Response:
    """The process is up."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """The process can serve: Redis answers."""
    try:
        await request.app[SERVICE].redis.ping()
    except (RedisError, OSError):
        return web.json_response({"status": "redis unavailable"}, status=503)
    return web.json_response({"status": "ready"})


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text: waiting by language, counselors online and available, routing events and
    closes by outcome (aggregates only, no person data)."""
    service = request.app[SERVICE]
    redis: Redis = service.redis
    lines = [
        "# HELP tsunagari_queue_waiting People waiting for a counselor, by language.",
        "# TYPE tsunagari_queue_waiting gauge",
    ]
    for lang in service.queue.languages:
        lines.append(f'tsunagari_queue_waiting{{lang="{lang}"}} {await redis.zcard(keys.queue(lang))}')
    lines += [
        "# HELP tsunagari_counselors_online Counselors online (including paused).",
        "# TYPE tsunagari_counselors_online gauge",
        f"tsunagari_counselors_online {await redis.scard(keys.counselors_online())}",
        "# HELP tsunagari_counselors_available Counselors who can be offered a person now, by language.",
        "# TYPE tsunagari_counselors_available gauge",
    ]
    for lang in service.queue.languages:
        lines.append(
            f'tsunagari_counselors_available{{lang="{lang}"}} {await redis.zcard(keys.available(lang))}'
        )
    counters = await redis.hgetall(keys.metrics())
    lines += [
        "# HELP tsunagari_routing_events_total Routing events by type.",
        "# TYPE tsunagari_routing_events_total counter",
    ]
    lines += [
        f'tsunagari_routing_events_total{{type="{name.split(":", 1)[1]}"}} {value}'
        for name, value in sorted(counters.items())
        if name.startswith("events:")
    ]
    lines += [
        "# HELP tsunagari_closed_total Conversations closed, by outcome.",
        "# TYPE tsunagari_closed_total counter",
    ]
    lines += [
        f'tsunagari_closed_total{{outcome="{name.split(":", 1)[1]}"}} {value}'
        for name, value in sorted(counters.items())
        if name.startswith("outcome:")
    ]
    lines += [
        "# HELP tsunagari_fallback_total People told at once that nobody can serve them now.",
        "# TYPE tsunagari_fallback_total counter",
        f"tsunagari_fallback_total {counters.get('fallback:shown', 0)}",
    ]
    return web.Response(text="\n".join(lines) + "\n", content_type="text/plain", charset="utf-8")
