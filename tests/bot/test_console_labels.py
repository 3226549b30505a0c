"""Issue 16, item 8: what the counselor reads is words, not ids. A skipped region is "not told",
a prefecture is its name (東京都), triage reasons are the risk, the concern and the person's own
words (rule ids only as a tooltip), and after a transfer the previous conversation is not called
"written while waiting"."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.console import Console
from bot.counselors import Counselor
from bot.service import Service
from bot.summary import IntakeSummary
from bot.testing.botapi import LocalBotApi
from locales import Catalog
from routing.conversations import Conversation
from tests.bot.test_console_night_shift_browser import organizations
from tests.bot.test_routing_e2e import online, read_until, talking_with, to_the_queue
from tests.conftest import COUNSELOR_B, COUNSELOR_C, ServiceFactory

OVERDOSE = [  # what the triage engine gives for 「薬を50錠飲んだ」: a concept rule per category
    {"rule": "concept.overdose_done[ingest+medication+number]", "category": "suicide",
     "risk": "imminent", "match": "薬を50錠飲んだ", "start": 0, "end": 8},
    {"rule": "concept.overdose_done[ingest+medication+number]", "category": "self_harm",
     "risk": "imminent", "match": "薬を50錠飲んだ", "start": 0, "end": 8},
    {"rule": "ja.loneliness.feeling", "category": "loneliness", "risk": "moderate",
     "match": "さみしい", "start": 10, "end": 14},
]  # fmt: skip


@pytest.fixture(scope="module")
def summary() -> IntakeSummary:
    return IntakeSummary(Catalog.load())


def person(**answers: str) -> Conversation:
    return Conversation(
        "p1", "telegram", "1", "connected", "ja", answers=answers, ticket_id="t1",
        risk="imminent", categories=["suicide", "self_harm", "loneliness"], reasons=OVERDOSE,
    )  # fmt: skip


def rows_of(summary: IntakeSummary, conversation: Conversation, lang: str) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in summary.rows(conversation, lang)}


def test_a_skipped_region_reads_not_told_and_a_prefecture_reads_its_name(summary: IntakeSummary) -> None:
    skipped = rows_of(summary, person(region="region_skip"), "ja")
    assert skipped["地域"] == ["（答えていません）"]
    assert "とばす" not in summary.text(person(region="region_skip"), "ja")
    tokyo = person(region="東京の新宿区に住んでいます", prefecture="13", municipality="新宿区")
    assert rows_of(summary, tokyo, "ja")["地域"] == ["東京の新宿区に住んでいます（東京都）"]
    assert rows_of(summary, tokyo, "en")["Where"] == ["東京の新宿区に住んでいます (Tokyo)"]
    assert summary.region(tokyo, "ja") == "東京都 新宿区"  # in offers: the place, by name
    assert summary.region(person(prefecture="13"), "ja") == "東京都"
    assert "13" not in summary.region(person(prefecture="13"), "en")


def test_reasons_read_as_risk_concern_and_the_persons_words(summary: IntakeSummary) -> None:
    reasons, rules = rows_of(summary, person(), "ja")["判断の理由（トリアージ）"]
    assert reasons.splitlines() == [
        "• 【切迫】 · 自殺, 自傷: 「薬を50錠飲んだ」",
        "• 中 · 孤独・孤立: 「さみしい」",
    ]
    assert "concept." not in reasons and "ja.loneliness" not in reasons
    assert "concept.overdose_done" in rules and "ja.loneliness.feeling" in rules  # the tooltip
    text = summary.text(person(), "en")
    assert "• IMMINENT · suicide, self-harm: 「薬を50錠飲んだ」" in text
    assert "concept." not in text and "ja.loneliness" not in text
    assert summary.reasons([], "en") == "-"


async def test_an_offer_in_the_console_names_the_prefecture_and_the_risk_in_words(
    botapi: LocalBotApi, start_service: ServiceFactory, tmp_path: Path
) -> None:
    service = await start_service(organizations_file=organizations(tmp_path))
    await to_the_queue(botapi, 6101)  # says "Osaka" at the region step
    console: Console = service.console
    counselor = Counselor(id="c-b", name="B", telegram_user_id=COUNSELOR_B, lang="ja")
    await online(botapi, COUNSELOR_B)
    await read_until(botapi, COUNSELOR_B, lambda m: bool(LocalBotApi.buttons(m)))
    status = await console.status(counselor)
    (offer,) = status["offers"]
    assert ["地域", "大阪府"] in offer["rows"]
    assert offer["risk"] == "moderate" and offer["risk_words"] == "中リスク"
    assert [o["label"] for o in offer["options"]] == ["受ける", "見送る"]


async def test_after_a_transfer_the_previous_conversation_is_not_called_written_while_waiting(
    botapi: LocalBotApi, service: Service
) -> None:
    said = "My boss shouts at me every day."
    counselor_b = await talking_with(botapi, COUNSELOR_B, 6201, said)
    await online(botapi, COUNSELOR_C)
    botapi.send_text(counselor_b, "/transfer c-c Work; gentle questions please")
    received = [m["text"] for m in await read_until(botapi, COUNSELOR_C, lambda m: m["text"] == said)]
    assert not any("Written while waiting" in text for text in received)
    assert "The conversation so far, before it was passed to you:" in received
