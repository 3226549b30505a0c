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
    languages = service.queue.languages
    async with redis.pipeline(transaction=False) as pipe:
        for lang in languages:
            pipe.zcard(keys.queue(lang))
            pipe.zcard(keys.available(lang))
        pipe.scard(keys.counselors_online())
        pipe.hgetall(keys.metrics())
        *by_lang, online, counters = await pipe.execute()
    counted = sorted(counters.items())
    families = [
        ("queue_waiting", "gauge", "People waiting for a counselor, by language.",
         [(f'lang="{lang}"', count) for lang, count in zip(languages, by_lang[0::2], strict=True)]),
        ("counselors_online", "gauge", "Counselors online (including paused).", [("", online)]),
        ("counselors_available", "gauge", "Counselors who can be offered a person now, by language.",
         [(f'lang="{lang}"', count) for lang, count in zip(languages, by_lang[1::2], strict=True)]),
        ("routing_events_total", "counter", "Routing events by type.",
         [(f'type="{name[7:]}"', value) for name, value in counted if name.startswith("events:")]),
        ("closed_total", "counter", "Conversations closed, by outcome.",
         [(f'outcome="{name[8:]}"', value) for name, value in counted if name.startswith("outcome:")]),
        ("fallback_total", "counter", "People told at once that nobody can serve them now.",
         [("", counters.get("fallback:shown", 0))]),
        ("referrals_total", "counter", "Services shown or sent to people, by source.",
         [(f'source="{name[10:]}"', value) for name, value in counted if name.startswith("referrals:")]),
    ]  # fmt: skip
    lines = []
    for name, kind, text, samples in families:
        lines += [f"# HELP tsunagari_{name} {text}", f"# TYPE tsunagari_{name} {kind}"]
        lines += [f"tsunagari_{name}{{{labels}}} {value}" if labels else f"tsunagari_{name} {value}"
                  for labels, value in samples]  # fmt: skip
    return web.Response(text="\n".join(lines) + "\n", content_type="text/plain", charset="utf-8")
