"""The one aiohttp server: health, metrics, the web chat and the counselor console."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from aiohttp import web
from redis.exceptions import RedisError

from bot.metrics import render as render_metrics

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
    """Prometheus text: queue health by language and band, offers, conversations, counselors and
    routing counters (aggregates only, no person data; see bot/metrics.py)."""
    service = request.app[SERVICE]
    text = await render_metrics(service.redis, service.queue.languages)
    return web.Response(text=text, content_type="text/plain", charset="utf-8")
