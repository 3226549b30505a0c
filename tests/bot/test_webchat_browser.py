"""Web chat in headless Chromium: a person does the intake in /chat and talks with a Telegram
counselor; a reload resumes the conversation."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect

from bot.service import Service
from bot.testing.botapi import LocalBotApi
from tests.bot.conftest import needs_chromium
from tests.conftest import CONSOLE_KEY, COUNSELOR_B

pytestmark = needs_chromium


async def expect_kept_in_line(page: Page) -> None:
    """Nobody is online: the person is told so at once, with the services open now, and keeps
    their place, with the buttons to leave the line or ask for services instead."""
    bot = page.locator("#log .msg-bot")
    # One message (issue 16): nobody here, the services open now, then "you keep your place".
    await expect(bot.last).to_contain_text("No counselor is available right now.")
    await expect(bot.last).to_contain_text("0120-279-338")
    # The services' numbers and addresses are tappable, as on Telegram.
    await expect(bot.last.locator("a[href='tel:0120279338']")).to_have_text("0120-279-338")
    web = bot.last.locator("a[href^='https://']").first
    await expect(web).to_have_attribute("rel", "noopener noreferrer")
    await expect(bot.last).to_contain_text("You keep your place in line")
    await expect(page.locator(".option[data-id=waiting_services]")).to_be_visible()
    await expect(page.locator(".option[data-id=waiting_leave]")).to_be_visible()


async def into_the_line(page: Page, concern: str) -> None:
    """Through the English intake with a concern and no danger, to a place in line."""
    await page.locator(".option[data-id=consent]").click()
    await page.locator(".option[data-id=lang_en]").click()
    await expect(page.locator("#log .msg-bot").last).to_contain_text("What would you like to talk about?")
    await page.locator("#input").fill(concern)
    await page.locator("#send").click()
    await page.locator(".option[data-id=dying_no]").click()
    await page.locator(".option[data-id=region_skip]").click()
    await page.locator(".option[data-id=help_talk]").click()
    await expect_kept_in_line(page)


async def open_chat(browser: Browser, url: str) -> Page:
    context = await browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    page = await context.new_page()
    await page.goto(url)
    return page


async def test_person_on_web_chat_talks_with_a_telegram_counselor(
    browser: Browser, botapi: LocalBotApi, service: Service
) -> None:
    page = await open_chat(browser, f"{service.http_url}/chat")
    log = page.locator("#log")
    await expect(log.locator(".msg-bot").first).to_contain_text("Hello, this is Tsunagari.")
    await page.locator(".option[data-id=consent]").click()
    await expect(log.locator(".msg-person .msg-text").last).to_have_text("I agree, continue")
    await page.locator(".option[data-id=lang_en]").click()
    await expect(log.locator(".msg-bot").last).to_contain_text("What would you like to talk about?")
    concern = "My partner and I broke up and I can't stop crying. I just need someone to talk to."
    await page.locator("#input").fill(concern)
    await page.locator("#send").click()
    await expect(log.locator(".msg-bot").last).to_contain_text("We ask everyone this")
    await page.locator(".option[data-id=dying_no]").click()
    await expect(log.locator(".msg-bot").last).to_contain_text("which prefecture")
    await page.locator("#input").fill("Kobe")
    await page.locator("#send").click()
    await page.locator(".option[data-id=help_talk]").click()
    await expect_kept_in_line(page)

    counselor = botapi.user(COUNSELOR_B, first_name="Sato")
    botapi.send_text(counselor, "/online")
    online, offer = await botapi.wait_for_messages(counselor.id, count=2)
    assert "People waiting in your languages: 1." in online["text"]
    assert offer["text"].startswith("Someone is waiting for you.")
    botapi.send_text(counselor, "/next")  # takes the offer held
    (summary,) = await botapi.wait_for_messages(counselor.id)
    assert concern in summary["text"]
    await expect(log.locator(".msg-bot").last).to_contain_text("A counselor has joined.")

    await page.locator("#input").fill("Thank you for being here.")
    await page.locator("#input").press("Enter")
    (relayed,) = await botapi.wait_for_messages(counselor.id)
    assert relayed["text"] == "Thank you for being here."
    botapi.send_text(counselor, "I'm here with you. Take your time.")
    counselor_said = log.locator(".msg-counselor .msg-text").last
    await expect(counselor_said).to_have_text("I'm here with you. Take your time.")

    await page.reload()  # the browser's token resumes the same conversation
    await expect(counselor_said).to_have_text("I'm here with you. Take your time.")
    await expect(log.locator(".msg-person .msg-text")).to_have_count(7)
    await page.locator("#input").fill("Still here after the reload.")
    await page.locator("#send").click()
    (after_reload,) = await botapi.wait_for_messages(counselor.id)
    assert after_reload["text"] == "Still here after the reload."

    botapi.send_text(counselor, "/end resolved")
    (ended,) = await botapi.wait_for_messages(counselor.id)
    assert ended["text"] == "You closed the conversation (Resolved)."
    await expect(log.locator(".msg-bot").last).to_contain_text("The counselor has ended this conversation.")


async def test_console_counselor_takes_a_web_chat_person(browser: Browser, service: Service) -> None:
    person = await open_chat(browser, f"{service.http_url}/chat")
    await into_the_line(person, "I haven't left my room in weeks.")

    console = await open_chat(browser, f"{service.http_url}/console?key={CONSOLE_KEY}")
    await expect(console.locator("#waiting")).to_have_text("1")
    await console.locator("#online").click()
    offer = console.locator("#log .msg-system").filter(has_text="Someone is waiting for you.")
    await expect(offer).to_have_count(1)
    await offer.locator(".option", has_text="Accept").click()
    await expect(console.locator("#summary")).to_contain_text("I haven't left my room in weeks.")
    await expect(person.locator("#log .msg-bot").last).to_contain_text("A counselor has joined.")
    await console.locator("#input").fill("Hello, I'm glad you wrote to us.")
    await console.locator("#send").click()
    counselor_said = person.locator("#log .msg-counselor .msg-text").last
    await expect(counselor_said).to_have_text("Hello, I'm glad you wrote to us.")
    await person.locator("#input").fill("Thanks.")
    await person.locator("#send").click()
    await expect(console.locator("#log .msg-person .msg-text").last).to_have_text("Thanks.")
    await console.locator("#end").click()
    how = console.locator("#log .msg-system").filter(has_text="How did the conversation end?")
    await expect(how.locator(".option")).to_have_count(5)
    await how.locator(".option[data-id^='close:resolved:']").click()
    await expect(console.locator("#log .msg-system").last).to_have_text(
        "You closed the conversation (Resolved)."
    )
    await expect(person.locator("#log .msg-bot").last).to_contain_text("The counselor has ended")


async def test_the_web_chat_has_buttons_for_end_start_again_and_erase_and_never_says_a_command(
    browser: Browser, service: Service
) -> None:
    """Issue 16, item 9: what Telegram does with /end, /start and /forget is a button here, the
    texts say so, and after a close the person starts again without losing what they typed."""
    page = await open_chat(browser, f"{service.http_url}/chat")
    log = page.locator("#log")
    end, restart, erase = page.locator("#act-end"), page.locator("#act-restart"), page.locator("#act-forget")
    await expect(log.locator(".msg-bot").first).to_contain_text("Hello, this is Tsunagari.")
    await expect(log.locator(".msg-bot").first).to_contain_text('the "Erase" button at the top')
    await expect(end).to_have_text("End")
    await expect(restart).to_have_text("Start again")
    await expect(erase).to_have_text("Erase")
    await into_the_line(page, "I lost my job and I have nobody here.")
    await expect(end).to_be_enabled()
    await expect(restart).to_be_disabled()  # while waiting: End first

    await end.click()
    await expect(log.locator(".msg-person .msg-text").last).to_have_text("End the conversation")
    left = log.locator(".msg-bot").last
    await expect(left).to_contain_text("You have left the conversation.")
    await expect(left).to_contain_text('tap "Start again" at the top')
    await expect(end).to_be_disabled()
    await expect(restart).to_be_enabled()
    person_id = service.dispatcher.pseudonymizer.person_id("web", await token(page))
    assert (await service.conversations.get(person_id)).state == "closed"  # type: ignore[union-attr]

    # They begin to write again, then tap "Start again": what they typed stays, and goes with them.
    again = "It got worse tonight, I want to talk again."
    await page.locator("#input").fill(again)
    await restart.click()
    await expect(log.locator(".msg-person .msg-text").last).to_have_text("Start again")
    await expect(log.locator(".msg-bot").last).to_contain_text("Hello, this is Tsunagari.")
    await expect(page.locator("#input")).to_have_value(again)
    await page.locator("#send").click()
    await expect(log.locator(".msg-person .msg-text").last).to_have_text(again)
    await expect(end).to_be_enabled()
    conversation = await service.conversations.get(person_id)
    assert conversation is not None and conversation.state == "welcome"
    assert again in conversation.answers.get("notes", "")  # kept for the counselor

    # Erase asks first, then erases, here too. (What the page said so far is kept for the last check.)
    said = await log.locator(".msg-bot .msg-text, .msg-system .msg-text").all_inner_texts()
    assert said  # the welcome, "you have left", the waiting messages, the new welcome
    await erase.click()
    confirm = log.locator(".msg").last
    await expect(confirm).to_contain_text("Do you want to erase everything you have written here")
    await confirm.locator(".option[data-id=forget_yes]").click()
    done = log.locator(".msg").last
    await expect(done).to_contain_text("Everything you wrote here has been erased.")
    await expect(done).to_contain_text('tap "Start again" at the top')
    await expect(log).not_to_contain_text(again)  # gone from the page as well
    assert await service.conversations.get(person_id) is None

    # No message on this page ever asked for a typed command, before the erase or after it.
    for text in said + await log.locator(".msg-text").all_inner_texts():
        assert not re.search(r"/(end|start|forget|cancel)\b", text), text


async def token(page: Page) -> str:
    return await page.evaluate("localStorage.getItem('tsunagari.chat.token')")


async def test_a_crisis_reply_on_a_phone_shows_its_first_line_with_the_emergency_numbers(
    browser: Browser, service: Service
) -> None:
    """Review of issue 16, item 3: a long crisis reply is read from its top, not scrolled past."""
    context = await browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 700})
    page = await context.new_page()
    await page.goto(f"{service.http_url}/chat")
    log = page.locator("#log")
    await expect(log.locator(".msg-bot").first).to_be_visible()
    await page.locator("#input").fill("もう無理。今夜、薬を全部飲んで死のうと思ってる")
    await page.locator("#send").click()
    crisis = log.locator(".msg-bot", has_text="110").last
    await expect(crisis).to_be_visible()
    await page.wait_for_timeout(300)  # let any later message arrive and scroll
    where = await crisis.evaluate(
        """el => {
          const box = el.getBoundingClientRect();
          const view = document.getElementById('scroller').getBoundingClientRect();
          const s = document.getElementById('scroller');
          return [box.top, box.bottom, view.top, view.bottom, document.querySelectorAll('#log li').length,
                  s.scrollTop, s.scrollHeight, el.offsetHeight, el.className];
        }"""
    )
    top, _bottom, view_top, view_bottom = where[:4]
    assert view_top - 1 <= top < view_bottom, where
    await context.close()
