"""/metrics: every series from start-up, queue health by band, offers and conversations (issue 16)."""

from __future__ import annotations

import re

from aiohttp import ClientSession

from bot.metrics import EVENT_TYPES
from bot.service import Service
from bot.testing.botapi import LocalBotApi
from routing.queue import OUTCOMES, RISK_BANDS
from routing.referrals import SOURCES
from tests.bot.test_intake_e2e import IMMINENT, queued, start, tap_through
from tests.conftest import COUNSELOR_B


async def scrape(service: Service) -> dict[str, float]:
    """The page as {series with labels: value}, checking every line is well formed."""
    async with ClientSession() as http, http.get(f"{service.http_url}/metrics") as response:
        assert response.status == 200 and response.content_type == "text/plain"
        body = await response.text()
    values = {}
    for line in body.splitlines():
        if line.startswith("#"):
            assert re.fullmatch(r"# (HELP|TYPE) tsunagari_[a-z_]+ .+", line), line
            continue
        series, value = line.rsplit(" ", 1)
        assert re.fullmatch(r'tsunagari_[a-z_]+(\{[a-z]+="[a-z_]+"(,[a-z]+="[a-z_]+")*\})?', series), series
        values[series] = float(value)
    return values


async def test_every_series_is_there_from_start_up_with_zero_values(service: Service) -> None:
    """A dashboard or alert never meets a missing series: every label set is initialized."""
    values = await scrape(service)

    for lang in service.queue.languages:
        for risk in RISK_BANDS:
            assert values[f'tsunagari_queue_waiting{{lang="{lang}",risk="{risk}"}}'] == 0
            assert values[f'tsunagari_queue_oldest_wait_seconds{{lang="{lang}",risk="{risk}"}}'] == 0
    assert values["tsunagari_offers_in_flight"] == 0
    assert values["tsunagari_conversations_active"] == 0
    for event in EVENT_TYPES:
        assert values[f'tsunagari_routing_events_total{{type="{event}"}}'] == 0
    for outcome in OUTCOMES:
        assert values[f'tsunagari_closed_total{{outcome="{outcome}"}}'] == 0
    for source in SOURCES:
        assert values[f'tsunagari_referrals_total{{source="{source}"}}'] == 0


async def test_waiting_by_band_the_oldest_wait_offers_and_conversations_are_counted(
    botapi: LocalBotApi, service: Service
) -> None:
    """An earlier low-risk person and a later imminent one; then an offer; then a conversation."""
    last = await tap_through(
        botapi, 4101, ["consent", "lang_ja", "cat_loneliness", "dying_no", "region_skip"]
    )
    botapi.press_button(4101, last["message_id"], "help_talk")
    await queued(botapi, 4101)
    await start(botapi, 4102)
    botapi.send_text(4102, IMMINENT)
    await queued(botapi, 4102)

    waiting = await scrape(service)
    assert waiting['tsunagari_queue_waiting{lang="ja",risk="low"}'] == 1
    assert waiting['tsunagari_queue_waiting{lang="ja",risk="imminent"}'] == 1
    assert waiting['tsunagari_queue_waiting{lang="en",risk="imminent"}'] == 0
    low_wait = waiting['tsunagari_queue_oldest_wait_seconds{lang="ja",risk="low"}']
    assert 0 < low_wait < 120
    assert waiting['tsunagari_queue_oldest_wait_seconds{lang="ja",risk="imminent"}'] <= low_wait  # came later
    assert waiting['tsunagari_routing_events_total{type="queued"}'] == 2

    counselor = botapi.user(COUNSELOR_B, first_name="Sato", language_code="en")
    botapi.send_text(counselor, "/online")
    _online, offer = await botapi.wait_for_messages(COUNSELOR_B, count=2)
    offered = await scrape(service)
    assert offered["tsunagari_offers_in_flight"] == 1
    assert offered['tsunagari_queue_waiting{lang="ja",risk="imminent"}'] == 0  # offered, out of the line
    assert offered["tsunagari_counselors_online"] == 1

    accept = next(data for _, data in botapi.buttons(offer) if data.startswith("offer_accept:"))
    botapi.press_button(counselor, offer["message_id"], accept)
    await botapi.wait_for_messages(COUNSELOR_B)
    talking = await scrape(service)
    assert talking["tsunagari_offers_in_flight"] == 0
    assert talking["tsunagari_conversations_active"] == 1
    assert talking['tsunagari_routing_events_total{type="accepted"}'] == 1
