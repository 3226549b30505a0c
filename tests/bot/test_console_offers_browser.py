"""Counselor console in headless Chromium: offers and outcomes come as buttons. The console
counselor goes online, a person finishes the intake in the web chat (in Japanese), the console
shows the offer with Accept and Pass; Accept connects them; End asks how it ended, and Resolved
closes. Both sides are checked on what their pages show, and the console's own websocket frames."""

from __future__ import annotations

import json
import re

from playwright.async_api import Browser, Locator, Page, WebSocket, expect

from bot.service import Service
from tests.bot.conftest import needs_chromium
from tests.conftest import CONSOLE_KEY

OUTCOMES = [  # the buttons under "How did the conversation end?", in order
    "Resolved", "Referred to a service", "The person left", "No response", "Escalated to emergency services",
]  # fmt: skip
CONCERN = "仕事を辞めてから誰とも話していなくて、夜になると不安でたまらなくなります。"

# Records, right after the page's own click handler ran, which buttons of the row are disabled.
ROW_AFTER_CLICK = """button => button.addEventListener('click', () => {
  window.rowAfterClick = Array.from(button.parentElement.querySelectorAll('button'), (b) => b.disabled);
})"""

pytestmark = needs_chromium


async def open_page(browser: Browser, url: str, locale: str, width: int, height: int) -> Page:
    context = await browser.new_context(locale=locale, viewport={"width": width, "height": height})
    page = await context.new_page()
    await page.goto(url)
    return page


def buttons_for(page: Page, question: str) -> Locator:
    """The buttons of the group named by the message they answer (its aria-labelledby)."""
    return page.get_by_role("group", name=re.compile(re.escape(question))).get_by_role("button")


def record_frames(page: Page) -> list[dict]:
    """The JSON frames the page sends on its websockets, in order."""
    frames: list[dict] = []

    def on_socket(socket: WebSocket) -> None:
        socket.on("framesent", lambda payload: frames.append(json.loads(payload)))

    page.on("websocket", on_socket)
    return frames


async def queue_person_in_japanese(page: Page) -> None:
    """A person does the intake in Japanese in the web chat and ends up waiting."""
    log = page.locator("#log")
    await expect(log.locator(".msg-bot").first).to_contain_text("つながりです")
    await page.locator(".option[data-id=consent]").click()
    await page.locator(".option[data-id=lang_ja]").click()
    await expect(log.locator(".msg-bot").last).to_contain_text("どんなことを話したいですか")
    await page.locator("#input").fill(CONCERN)
    await page.locator("#send").click()
    await expect(log.locator(".msg-bot").last).to_contain_text("みなさんに同じことをうかがっています")
    await page.locator(".option[data-id=dying_no]").click()
    await expect(log.locator(".msg-bot").last).to_contain_text("都道府県")
    await page.locator(".option[data-id=region_skip]").click()
    await page.locator(".option[data-id=help_talk]").click()
    await expect(log.locator(".msg-bot", has_text="いま相談員を待っています")).to_have_count(1)


async def test_console_counselor_accepts_an_offer_and_closes_with_an_outcome(
    browser: Browser, service: Service
) -> None:
    console = await open_page(browser, "about:blank", "en-US", 1280, 800)
    sent = record_frames(console)
    await console.goto(f"{service.http_url}/console?key={CONSOLE_KEY}")
    clog = console.locator("#log")
    await console.get_by_role("button", name="Go online").click()
    await expect(console.locator("#status")).to_contain_text("Online")
    await expect(clog.locator(".msg-system").last).to_contain_text("You are online.")

    person = await open_page(browser, f"{service.http_url}/chat", "ja-JP", 390, 844)
    plog = person.locator("#log")
    await queue_person_in_japanese(person)

    # The offer: a card with a group of real buttons, named by the offer it answers.
    offer = clog.locator(".msg-with-options").last
    await expect(offer).to_contain_text("Someone is waiting for you.")
    await expect(offer).to_contain_text("Language: Japanese")
    buttons = buttons_for(console, "Someone is waiting for you.")
    await expect(buttons).to_have_text(["Accept", "Pass"])
    for button in await buttons.all():
        await expect(button).to_be_enabled()
    await expect(console.locator("#summary")).to_be_hidden()

    accept = buttons.get_by_text("Accept")
    # Listeners run in order: this one, added after the page's, sees the row as the tap left it
    # (before any answer from the server can retire it).
    await accept.evaluate(ROW_AFTER_CLICK)
    await accept.click()
    assert await console.evaluate("window.rowAfterClick") == [True, True]
    accepts = [f for f in sent if f.get("type") == "option"]
    assert len(accepts) == 1 and re.fullmatch(r"offer_accept:\S+", accepts[0]["value"])
    await expect(clog.locator(".option:enabled")).to_have_count(0)

    # Connected: the counselor reads the intake summary; the person is told someone joined.
    summary = console.locator("#summary")
    await expect(summary).to_be_visible()
    await expect(summary).to_contain_text(CONCERN)
    await expect(summary).to_contain_text("Japanese")
    await expect(summary).to_contain_text("Thoughts of dying")  # the answer everyone is asked
    await expect(console.locator("#no-conversation")).to_be_hidden()
    await expect(plog.locator(".msg-bot").last).to_contain_text("相談員がつながりました。")
    await expect(console.locator("#input")).to_be_enabled()

    await person.locator("#input").fill("夜がいちばんつらいです。")
    await person.locator("#send").click()
    await expect(clog.locator(".msg-person .msg-text").last).to_have_text("夜がいちばんつらいです。")
    await console.locator("#input").fill("Thank you for telling me. I'm here with you tonight.")
    await console.locator("#send").click()
    counselor_said = plog.locator(".msg-counselor .msg-text").last
    await expect(counselor_said).to_have_text("Thank you for telling me. I'm here with you tonight.")

    # End asks how the conversation ended; the outcomes are buttons under the question.
    await console.get_by_role("button", name="End conversation").click()
    question = clog.locator(".msg-with-options", has_text="How did the conversation end?")
    outcomes = buttons_for(console, "How did the conversation end?")
    await expect(outcomes).to_have_text(OUTCOMES)
    await expect(plog.locator(".msg-bot").last).to_contain_text("相談員がつながりました。")  # not closed yet

    await outcomes.get_by_text("Resolved").click()
    tapped = [f for f in sent if f.get("type") == "option"][-1]
    assert tapped["value"].startswith("close:resolved:t")  # the outcome names the conversation it closes
    await expect(clog.locator(".msg-system").last).to_have_text("You closed the conversation (Resolved).")
    await expect(question.locator(".option")).to_have_count(0)  # only the newest message keeps buttons
    await expect(console.locator("#no-conversation")).to_be_visible()
    await expect(console.locator("#summary")).to_be_hidden()
    await expect(console.locator("#end")).to_be_disabled()
    await expect(plog.locator(".msg-bot").last).to_contain_text("相談員が会話を終えました。")
    # The conversation stays readable in the console after it ended.
    await expect(clog.locator(".msg-person .msg-text").last).to_have_text("夜がいちばんつらいです。")
