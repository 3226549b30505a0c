"""Issue 16 in headless Chromium: the counselor console on a night shift. Persons come through
Telegram (the local Bot API server); the counselor works in the console page.

Item 1: every open offer keeps Accept and Pass until it is answered or gone. Item 2: a paused
counselor sees "Paused" and can resume. Item 5: nothing a person wrote becomes a link. Item 6:
/forget erases the person's words from an open console. Item 7: a wrong key shows its notice once
and stops. Item 10: an imminent offer stands out (colour and words), plays a sound and shows a
notification, and the waiting count follows events (not a timer)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
import yaml
from playwright.async_api import Browser, BrowserContext, Page, expect

import bot.console
from bot.service import Service
from bot.testing.botapi import LocalBotApi
from tests.bot.conftest import needs_chromium
from tests.bot.test_routing_e2e import read_until, to_the_queue
from tests.conftest import CONSOLE_KEY, ServiceFactory

pytestmark = needs_chromium

CRISIS_JA = "今夜死にたい。薬はもう用意してある"
EVIL = "Please look at https://evil.example/login or call me on 090-1234-5678"

# Records notifications and sounds instead of making them (the console uses the standard APIs).
ALERT_RECORDER = """
window.__notes = [];
window.__beeps = 0;
class RecordedNotification {
  constructor(title, options) {
    window.__notes.push({ title: String(title), body: String((options && options.body) || ''),
                          tag: String((options && options.tag) || '') });
  }
  static get permission() { return 'granted'; }
  static requestPermission() { return Promise.resolve('granted'); }
  close() {}
  addEventListener() {}
}
window.Notification = RecordedNotification;
if (window.AudioContext) {
  const make = window.AudioContext.prototype.createOscillator;
  window.AudioContext.prototype.createOscillator = function () {
    window.__beeps += 1;
    return make.call(this);
  };
}
"""


def organizations(tmp_path: Path, capacity: int = 2) -> Path:
    """One team, open day and night, that takes everyone; CAPACITY conversations each."""
    path = tmp_path / "organizations.yaml"
    team = {"id": "night", "name": {"ja": "夜間", "en": "Night"}, "languages": ["ja", "en"]}
    team.update(categories="all", regions=["national"], capacity=capacity, hours="24h", holidays="open")
    org = {"id": "npo", "name": {"ja": "NPO", "en": "NPO"}, "teams": [team]}
    path.write_text(yaml.safe_dump({"organizations": [org]}, allow_unicode=True))
    return path


async def console_page(browser: Browser, url: str, width: int = 1280, height: int = 800) -> Page:
    context: BrowserContext = await browser.new_context(
        locale="en-US", viewport={"width": width, "height": height}
    )
    await context.add_init_script(ALERT_RECORDER)
    page = await context.new_page()
    await page.goto(url)
    return page


async def held(service: Service, kind: str, count: int) -> bool:
    state = await service.presence.get("c-web")
    return len(state.connected if kind == "connected" else state.offered) == count


async def status_is(service: Service, status: str) -> bool:
    return (await service.presence.get("c-web")).status == status


def waiting_for_a_counselor(message: dict) -> bool:
    return any(option == "waiting_leave" for _, option in LocalBotApi.buttons(message))


async def crisis_person_waits(botapi: LocalBotApi, user_id: int) -> None:
    """A person whose first words are an imminent crisis goes straight to the front of the line."""
    person = botapi.user(user_id, first_name="Hana", language_code="ja")
    botapi.send_text(person, CRISIS_JA)
    await read_until(botapi, user_id, waiting_for_a_counselor)


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    """Wait until CHECK() holds (a state in Redis the page has no way to show)."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s")
        await asyncio.sleep(0.1)


async def go_online(console: Page) -> None:
    await console.get_by_role("button", name="Go online").click()
    await expect(console.locator("#status")).to_contain_text("Online")


async def test_every_open_offer_keeps_its_buttons_and_the_imminent_one_stands_out(
    browser: Browser, botapi: LocalBotApi, start_service: ServiceFactory, tmp_path: Path
) -> None:
    """Item 1 (a) and (b), item 10: two people wait while the counselor is offline, the first in
    crisis; going online brings two offers, both answerable, the imminent one first and marked."""
    service = await start_service(organizations_file=organizations(tmp_path))
    await crisis_person_waits(botapi, 5101)
    await to_the_queue(botapi, 5102)  # in English, no crisis: moderate
    console = await console_page(browser, f"{service.http_url}/console?key={CONSOLE_KEY}")
    await go_online(console)

    accept = console.get_by_role("button", name="Accept", exact=True)
    passing = console.get_by_role("button", name="Pass", exact=True)
    await expect(accept).to_have_count(2)
    await expect(passing).to_have_count(2)
    for button in [*(await accept.all()), *(await passing.all())]:
        await expect(button).to_be_enabled()

    # The imminent one first, in words and colour; the other is visibly not the same.
    offers = console.locator(".offer")
    await expect(offers).to_have_count(2)
    first, second = offers.nth(0), offers.nth(1)
    await expect(first).to_have_attribute("data-risk", "imminent")
    await expect(first).to_contain_text("IMMINENT")
    await expect(first).to_contain_text("Japanese")
    await expect(second).to_have_attribute("data-risk", "moderate")
    await expect(second).to_contain_text("English")
    colour = """el => {
      const style = getComputedStyle(el.querySelector('.offer-body'));
      return style.borderLeftColor + ' ' + style.backgroundColor;
    }"""
    assert await first.evaluate(colour) != await second.evaluate(colour)
    # A sound and a notification for each offer, the imminent one saying so.
    await console.wait_for_function("window.__notes.length >= 2")
    notes = await console.evaluate("window.__notes")
    assert "IMMINENT" in notes[0]["title"]
    assert all(note["body"] == "" for note in notes)  # nothing about the person on a lock screen
    assert await console.evaluate("window.__beeps") >= 1

    # (b) Accept the imminent one: the other offer keeps its buttons, also when the person writes.
    await first.get_by_role("button", name="Accept", exact=True).click()
    await expect(console.locator("#summary")).to_be_visible()
    await expect(console.locator("#summary")).to_contain_text(CRISIS_JA)
    await expect(offers).to_have_count(1)
    botapi.send_text(5101, "まだここにいます")
    await expect(console.locator("#log .msg-person .msg-text").last).to_have_text("まだここにいます")
    remaining = offers.first
    await expect(remaining).to_contain_text("English")
    await expect(remaining.get_by_role("button", name="Accept", exact=True)).to_be_enabled()
    await expect(remaining.get_by_role("button", name="Pass", exact=True)).to_be_enabled()
    await console.locator("#input").fill("I'm here with you.")
    await console.locator("#send").click()
    await expect(console.locator("#log .msg-counselor .msg-text").last).to_have_text("I'm here with you.")
    await expect(remaining.get_by_role("button", name="Accept", exact=True)).to_be_enabled()

    # Accepting the second from here holds both; the first conversation's words stay readable.
    await remaining.get_by_role("button", name="Accept", exact=True).click()
    await expect(offers).to_have_count(0)
    await eventually(lambda: held(service, "connected", 2))


async def test_a_paused_counselor_sees_paused_once_and_resumes_from_the_console(
    browser: Browser, botapi: LocalBotApi, start_service: ServiceFactory, tmp_path: Path
) -> None:
    """Item 2: two offers time out; the console says "Paused" (one notice, not one per offer),
    and Resume offers brings the counselor back online."""
    service = await start_service(organizations_file=organizations(tmp_path), offer_seconds=2)
    await to_the_queue(botapi, 5201)
    await to_the_queue(botapi, 5202)
    console = await console_page(browser, f"{service.http_url}/console?key={CONSOLE_KEY}")
    await go_online(console)
    await expect(console.get_by_role("button", name="Accept", exact=True)).to_have_count(2)

    status = console.locator("#status")
    await expect(status).to_contain_text("Paused", timeout=20_000)
    await expect(console.get_by_role("button", name="Accept", exact=True)).to_have_count(0)
    assert (await service.presence.get("c-web")).status == "paused"
    await console.wait_for_timeout(1500)  # both offers are missed by now: still one notice
    assert (await service.presence.get("c-web")).holds == {}
    await expect(console.locator("#log").get_by_text("missed", exact=False)).to_have_count(1)

    resume = console.get_by_role("button", name="Resume offers")
    await expect(resume).to_be_enabled()
    await resume.click()
    await expect(status).to_contain_text("Online")
    await expect(status).not_to_contain_text("Paused")
    await eventually(lambda: status_is(service, "online"))
    await expect(console.get_by_role("button", name="Go offline")).to_be_enabled()


async def accepted_in_console(
    browser: Browser,
    botapi: LocalBotApi,
    start_service: ServiceFactory,
    tmp_path: Path,
    person: int,
    concern: str,
) -> Page:
    """The console counselor goes online and accepts a person who joined the line with `concern`."""
    service = await start_service(organizations_file=organizations(tmp_path))
    console = await console_page(browser, f"{service.http_url}/console?key={CONSOLE_KEY}")
    await go_online(console)
    await to_the_queue(botapi, person, concern=concern)
    await console.get_by_role("button", name="Accept", exact=True).click()
    return console


async def test_nothing_a_person_wrote_becomes_a_link_in_the_console(
    browser: Browser, botapi: LocalBotApi, start_service: ServiceFactory, tmp_path: Path
) -> None:
    """Item 5: an address and a phone number in the concern and in later words stay plain text."""
    console = await accepted_in_console(browser, botapi, start_service, tmp_path, 5301, EVIL)
    await expect(console.locator("#summary")).to_contain_text("https://evil.example/login")
    botapi.send_text(5301, "Or here: https://evil.example/again 03-1234-5678")
    await expect(console.locator("#log .msg-person").last).to_contain_text("https://evil.example/again")
    await expect(console.locator("#log")).to_contain_text("https://evil.example/login")  # the summary
    await expect(console.locator("a")).to_have_count(0)


async def test_forget_erases_the_persons_words_from_an_open_console(
    browser: Browser, botapi: LocalBotApi, start_service: ServiceFactory, tmp_path: Path
) -> None:
    """Item 6: after /forget the console no longer shows what the person wrote, without a reload."""
    concern = "My neighbour Kenji Tanaka never greets me and I feel alone."
    console = await accepted_in_console(browser, botapi, start_service, tmp_path, 5401, concern)
    await read_until(botapi, 5401, lambda m: "counselor" in m["text"].lower())
    botapi.send_text(5401, "My secret is in room 301.")
    clog = console.locator("#log")
    await expect(clog.locator(".msg-person .msg-text").last).to_have_text("My secret is in room 301.")
    await expect(console.locator("body")).to_contain_text("Kenji Tanaka")

    botapi.send_text(5401, "/forget")
    confirm = (await read_until(botapi, 5401, lambda m: bool(LocalBotApi.buttons(m))))[-1]
    botapi.press_button(5401, confirm["message_id"], "forget_yes")

    await expect(console.locator("body")).not_to_contain_text("room 301")
    await expect(console.locator("body")).not_to_contain_text("Kenji Tanaka")
    await expect(console.locator("#summary")).to_be_hidden()
    await expect(clog.locator(".msg-person")).to_have_count(0)
    await expect(console.locator("#log")).to_contain_text("erased")  # the counselor knows why


async def test_a_wrong_console_key_shows_its_notice_once_and_stops(
    browser: Browser, start_service: ServiceFactory
) -> None:
    """Item 7: no reconnecting forever, no pile of identical notices."""
    service = await start_service()
    context = await browser.new_context(locale="en-US")
    page = await context.new_page()
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    await page.goto(f"{service.http_url}/console?key=not-a-key")
    notice = page.locator("#log .notice")
    await expect(notice).to_have_count(1)
    await page.wait_for_timeout(4000)  # the old page had reconnected twice by now (1 s, 2 s)
    await expect(notice).to_have_count(1)
    assert len(sockets) == 1
    await expect(notice).to_have_text("This console link is not valid. Ask your supervisor for a new one.")
    await expect(page.locator("#status")).not_to_contain_text("Connecting")
    for name in ("#online", "#offline", "#next", "#end", "#input"):
        await expect(page.locator(name)).to_be_disabled()


async def test_the_waiting_count_follows_events_not_a_timer(
    browser: Browser,
    botapi: LocalBotApi,
    start_service: ServiceFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Item 10: with the periodic refresh out of the picture, a person joining or leaving the
    line still changes the count at once."""
    monkeypatch.setattr(bot.console, "STATUS_EVERY", 3600.0)
    service = await start_service(organizations_file=organizations(tmp_path))
    console = await console_page(browser, f"{service.http_url}/console?key={CONSOLE_KEY}")
    frames: list[dict] = []
    console.on(
        "websocket", lambda s: s.on("framereceived", lambda payload: frames.append(json.loads(payload)))
    )
    await console.reload()
    waiting = console.locator("#waiting")
    await expect(waiting).to_have_text("0")
    replies = await to_the_queue(botapi, 5501)
    await expect(waiting).to_have_text("1")
    await expect(console).to_have_title("(1) Tsunagari counselor console")
    botapi.press_button(5501, replies[-1]["message_id"], "waiting_leave")
    await expect(waiting).to_have_text("0")
    await asyncio.sleep(0.5)
    statuses = [f for f in frames if f.get("type") == "status"]
    assert len(statuses) < 20  # coalesced, not one per key touched
