"""The default intake: its paths, its safety questions and crisis replies, and its answers to
unexpected input. (The compiler's errors and the whole-flow check are in test_flow_check.py.)"""

from __future__ import annotations

import pytest

from flows.intake import IntakeFlow
from flows.messages import Inbound, IntakeState, Reply, StepResult
from flows.triage import TriageResult
from locales import Catalog

CONCERN = "I moved for work and I don't talk to anyone most days."
HIGH_JA = "もう疲れた。死にたい"
IMMINENT_JA = "もう限界。今夜、薬を全部飲んで死にます"
IMMINENT_EN = "I've saved up pills and I'm going to take them all tonight. goodbye"


@pytest.fixture(scope="module")
def flow() -> IntakeFlow:
    return IntakeFlow.load()


def option(value: str) -> Inbound:
    return Inbound("option", value)


def text(value: str) -> Inbound:
    return Inbound("text", value)


def walk(flow: IntakeFlow, *inputs: Inbound, lang: str = "ja") -> list[StepResult]:
    results = [flow.start(lang)]
    for inbound in inputs:
        results.append(flow.step(results[-1].state, inbound))
    return results


def keys(result: StepResult) -> list[str]:
    return [reply.key for reply in result.replies]


def at(flow: IntakeFlow, name: str, lang: str = "en") -> IntakeState:
    return IntakeState(state=name, lang=lang)


@pytest.mark.parametrize(("choice", "lang"), [("lang_en", "en"), ("lang_ja", "ja")])
async def test_a_calm_person_goes_welcome_language_concern_safety_dying_region_help_mode_then_queued(
    flow: IntakeFlow, choice: str, lang: str
) -> None:
    results = walk(
        flow,
        option("consent"),
        option(choice),
        text(f"  {CONCERN}\n"),
        option("dying_no"),
        text("Yokohama"),
        option("help_talk"),
    )

    assert [r.state.state for r in results] == [
        "welcome",
        "language",
        "concern",
        "safety_dying",
        "region",
        "help_mode",
        "queued",
    ]
    assert results[0].replies == [
        Reply("intake-welcome", options=("consent", "decline", "human_now", "emergency"))
    ]
    assert results[-1].handoff == "queued"
    assert flow.handoff_kind("queued") == "queue"
    final = results[-1].state
    assert final.lang == lang
    assert final.answers["concern"] == CONCERN
    assert (final.answers["prefecture"], final.answers["municipality"]) == ("14", "Yokohama")
    assert final.answers["help_mode"] == "help_talk"
    assert final.answers["thinking_of_dying"] == "dying_no"
    assert final.triage.risk in ("low", "moderate")
    assert all(not reply.crisis for result in results for reply in result.replies)


async def test_the_dying_topic_brings_the_24h_lines_then_asks_directly_then_safety(flow: IntakeFlow) -> None:
    results = walk(flow, option("consent"), option("lang_ja"), option("cat_dying"), option("dying_yes"))

    concern = results[3]
    assert keys(concern) == ["crisis-high", "intake-safety-dying"]
    assert "0120-279-338" in str(concern.replies[0].params["lines"])  # よりそいホットライン, 24 hours
    assert concern.replies[0].crisis
    assert results[4].state.state == "safety_now"
    assert results[4].state.triage.risk == "high"
    assert "suicide" in results[4].state.triage.categories


UNREMARKABLE = {"ja": "仕事のことで少し話したい", "en": "I want to talk about my job"}


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_a_person_whose_words_raise_nothing_is_still_asked_about_dying_right_after_the_concern(
    flow: IntakeFlow, lang: str
) -> None:
    result = flow.step(at(flow, "concern", lang), text(UNREMARKABLE[lang]))

    assert result.state.triage.risk == "low"
    assert not {"suicide", "self_harm"} & set(result.state.triage.categories)
    assert result.state.state == "safety_dying"
    assert keys(result) == ["intake-safety-dying"]  # the plain question, no crisis lines
    assert result.replies[0].options == ("dying_yes", "dying_sometimes", "dying_no", "human_now", "emergency")


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(
    ("answer", "dest"),
    [("dying_no", "region"), ("dying_yes", "safety_now"), ("dying_sometimes", "safety_now")],
)
async def test_the_answer_of_a_person_whose_words_raised_nothing_decides_what_comes_next(
    flow: IntakeFlow, lang: str, answer: str, dest: str
) -> None:
    asked = flow.step(at(flow, "concern", lang), text(UNREMARKABLE[lang])).state

    result = flow.step(asked, option(answer))

    assert result.state.state == dest
    assert keys(result)[-1] == f"intake-{dest.replace('_', '-')}"
    assert result.state.answers["thinking_of_dying"] == answer
    if answer != "dying_no":  # any yes is heard by triage too (the counselor sees the risk)
        assert result.state.triage.risk == "high" and "suicide" in result.state.triage.categories


@pytest.mark.parametrize(("topic", "dest"), [("cat_dying", "safety_now"), ("cat_violence", "region"),
                                            ("cat_work", "region")])  # fmt: skip
async def test_a_no_goes_on_to_the_region_unless_risk_is_already_high(
    flow: IntakeFlow, topic: str, dest: str
) -> None:
    asked = flow.step(at(flow, "concern", "ja"), option(topic))

    result = flow.step(asked.state, option("dying_no"))

    assert asked.state.state == "safety_dying"
    assert result.state.state == dest


async def test_high_risk_without_words_of_dying_asks_about_dying_then_whether_safe_now(
    flow: IntakeFlow,
) -> None:
    violence_now = TriageResult.from_signal("test.violence_now", "high", ["domestic_violence"], "夫に")
    high = IntakeState("concern", "ja", triage=violence_now)

    asked = flow.step(high, text("仕事のことで少し話したい"))
    result = flow.step(asked.state, option("dying_no"))

    assert asked.state.state == "safety_dying"
    assert result.state.state == "safety_now"


async def test_the_question_about_dying_comes_exactly_once_on_every_way_through(flow: IntakeFlow) -> None:
    for topic in ("cat_loneliness", "cat_dying", "cat_violence"):
        for answer in ("dying_yes", "dying_no"):
            results = walk(flow, option("consent"), option("lang_en"), option(topic), option(answer))
            if results[-1].state.state == "safety_now":
                results.append(flow.step(results[-1].state, option("safe_yes")))
            for tap in ("region_skip", "help_talk"):
                results.append(flow.step(results[-1].state, option(tap)))
            asked = [r for r in results if "intake-safety-dying" in keys(r)]

            assert len(asked) == 1, (topic, answer)
            assert results[-1].handoff == "queued", (topic, answer)


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_the_question_about_dying_says_everyone_is_asked_and_presumes_nothing(lang: str) -> None:
    question = Catalog.load().text(lang, "intake-safety-dying")

    assert ("みなさんに同じこと" if lang == "ja" else "We ask everyone") in question
    assert ("死にたい" if lang == "ja" else "thoughts of dying") in question
    assert not any(told in question for told in ("教えてくれて", "telling me"))  # they may have said nothing


async def test_not_safe_now_sends_emergency_numbers_and_queues_at_once(flow: IntakeFlow) -> None:
    state = IntakeState("safety_now", "ja", {"thinking_of_dying": "dying_yes"})

    result = flow.step(state, option("safe_no"))

    assert result.handoff == "emergency"
    assert flow.handoff_kind("emergency") == "queue"
    assert keys(result) == ["crisis-imminent", "intake-queued-emergency"]
    lines = str(result.replies[0].params["lines"])
    assert "119" in lines and "110" in lines
    assert result.state.triage.risk == "imminent"


@pytest.mark.parametrize("words", [HIGH_JA, "i just want to die honestly", "しにたい。きえたい"])
async def test_words_of_dying_at_the_concern_step_bring_the_lines_and_the_safety_question(
    flow: IntakeFlow, words: str
) -> None:
    result = flow.step(at(flow, "concern", "ja"), text(words))

    assert keys(result)[0] == "crisis-high"
    assert result.state.state == "safety_dying"
    assert result.state.answers["concern"] == words.strip()


@pytest.mark.parametrize(
    "state_name", ["welcome", "language", "concern", "safety_dying", "region", "help_mode"]
)
@pytest.mark.parametrize("words", [IMMINENT_JA, IMMINENT_EN])
async def test_imminent_words_at_any_step_get_the_emergency_numbers_in_that_very_reply(
    flow: IntakeFlow, state_name: str, words: str
) -> None:
    result = flow.step(at(flow, state_name, "ja"), text(words))

    assert keys(result)[0] == "crisis-imminent"
    assert "119" in str(result.replies[0].params["lines"])
    assert (result.handoff, result.state.triage.risk) == ("emergency", "imminent")


@pytest.mark.parametrize("words", [IMMINENT_JA, IMMINENT_EN])
async def test_imminent_first_words_before_any_question_are_answered_and_queued(
    flow: IntakeFlow, words: str
) -> None:
    result = flow.start("ja", text=words)

    assert keys(result) == ["crisis-imminent", "intake-queued-emergency"]
    assert result.handoff == "emergency"
    assert result.state.answers["notes"] == words


async def test_calm_first_words_get_the_welcome_and_are_kept(flow: IntakeFlow) -> None:
    result = flow.start("ja", text="こんにちは")

    assert keys(result) == ["intake-welcome"]
    assert result.handoff is None
    assert result.state.answers == {"notes": "こんにちは"}


@pytest.mark.parametrize(
    "words", ["昨日のライブ、死ぬほど笑った笑", "お腹すいて死にそう", "I'm dying to try that ramen place"]
)
async def test_idioms_with_death_words_are_not_a_crisis(flow: IntakeFlow, words: str) -> None:
    result = flow.step(at(flow, "concern", "ja"), text(words))

    assert not any(reply.crisis for reply in result.replies)
    assert result.state.state == "safety_dying"  # asked plainly, as everyone is; no crisis reply


async def test_risk_is_never_lowered_by_later_calm_words(flow: IntakeFlow) -> None:
    high = flow.step(at(flow, "concern", "ja"), text(HIGH_JA)).state

    calmer = flow.step(high, option("dying_no"))
    safe = flow.step(calmer.state, option("safe_yes"))
    later = flow.step(safe.state, text("大阪"))

    assert calmer.state.state == "safety_now"  # a no after words of dying: still asked if safe now
    assert later.state.state == "help_mode"
    assert later.state.triage.risk == "high"
    assert "crisis-high" not in keys(later)  # the 24-hour lines are not repeated at every message


@pytest.mark.parametrize("action", ["human_now", "emergency"])
@pytest.mark.parametrize(
    "state_name",
    ["welcome", "language", "concern", "safety_dying", "safety_now", "region", "help_mode", "referral"],
)
async def test_talk_now_and_emergency_work_from_every_open_state(
    flow: IntakeFlow, state_name: str, action: str
) -> None:
    assert action in flow.options(state_name)

    result = flow.step(at(flow, state_name), option(action))

    assert flow.handoff_kind(result.handoff) == "queue"
    if action == "emergency":
        assert keys(result)[0] == "crisis-imminent"
        assert result.state.triage.risk == "imminent"


async def test_every_step_is_covered_by_the_test_above(flow: IntakeFlow) -> None:
    open_states = {*flow.steps, *(n for n, h in flow.handoffs.items() if h.kind == "referral")}

    assert open_states == {
        "welcome",
        "language",
        "concern",
        "safety_dying",
        "safety_now",
        "region",
        "help_mode",
        "referral",
    }


async def test_an_unknown_region_asks_again_and_skip_moves_on(flow: IntakeFlow) -> None:
    unknown = flow.step(at(flow, "region"), text("somewhere over the rainbow"))
    skipped = flow.step(at(flow, "region"), option("region_skip"))

    assert unknown.state.state == "region"
    assert keys(unknown) == ["intake-region-unknown", "intake-region"]
    assert skipped.state.state == "help_mode"


async def test_information_leads_to_a_referral_with_services_and_a_way_to_a_person(flow: IntakeFlow) -> None:
    state = IntakeState("help_mode", "en", {"concern": "cat_loneliness"})
    referral = flow.step(state, option("help_info"))

    again = flow.step(referral.state, text("thank you"))
    person = flow.step(referral.state, option("human_now"))

    assert flow.handoff_kind(referral.handoff) == "referral"
    assert referral.replies[0].key == "intake-referral"
    assert referral.replies[0].params["services"]
    assert referral.replies[0].options == ("human_now", "emergency")
    assert keys(again) == ["intake-referral-more"]
    assert person.handoff == "queued_now"


async def test_both_queues_and_lists_services(flow: IntakeFlow) -> None:
    result = flow.step(IntakeState("help_mode", "ja"), option("help_both"))

    assert result.handoff == "queued_with_info"
    assert result.replies[0].params["services"]


@pytest.mark.parametrize("state_name", ["welcome", "language", "safety_dying", "help_mode"])
async def test_text_where_only_buttons_move_on_asks_to_choose_and_keeps_the_words(
    flow: IntakeFlow, state_name: str
) -> None:
    state = at(flow, state_name)

    result = flow.step(state, text("can I just talk to someone?"))

    assert result.state.state == state_name
    assert result.handoff is None
    assert result.replies == [Reply("intake-choose-option"), *flow.prompt(state)]
    assert result.state.answers["notes"] == "can I just talk to someone?"


@pytest.mark.parametrize(
    ("state_name", "stale"),
    [("welcome", "lang_en"), ("language", "consent"), ("welcome", "no-such-option"), ("concern", "lang_ja")],
)
async def test_an_option_not_offered_in_this_state_re_prompts_without_moving(
    flow: IntakeFlow, state_name: str, stale: str
) -> None:
    state = IntakeState(state=state_name, lang="en", answers={"kept": "yes"})

    result = flow.step(state, option(stale))

    assert result.state == state
    assert result.handoff is None
    assert result.replies == flow.prompt(state)


async def test_decline_reaches_the_closed_declined_handoff(flow: IntakeFlow) -> None:
    result = flow.step(flow.start("en").state, option("decline"))

    assert (result.state.state, result.handoff) == ("declined", "declined")
    assert result.replies == [Reply("intake-declined")]
    assert flow.handoff_kind("declined") == "closed"


@pytest.mark.parametrize("blank", ["", "   ", "\n\t "])
async def test_blank_text_at_the_concern_step_does_not_move(flow: IntakeFlow, blank: str) -> None:
    state = IntakeState(state="concern", lang="en")

    result = flow.step(state, text(blank))

    assert result.state == state
    assert result.replies == [Reply("intake-choose-option"), *flow.prompt(state)]


async def test_commands_of_the_flow_map_to_its_everywhere_actions(flow: IntakeFlow) -> None:
    assert flow.commands == ("talk", "emergency")
    assert flow.command_option("talk") == "human_now"
    assert flow.command_option("emergency") == "emergency"
    assert flow.command_option("start") is None


async def test_waiting_words_are_assessed_and_only_imminent_ones_repeat_the_crisis_reply(
    flow: IntakeFlow,
) -> None:
    start = flow.start("ja").state.triage

    high, first = flow.assess(start, HIGH_JA, "ja")
    again, second = flow.assess(high, HIGH_JA, "ja")
    imminent, third = flow.assess(again, IMMINENT_JA, "ja")

    assert (high.risk, [r.key for r in first]) == ("high", ["crisis-high"])
    assert second == []
    assert (imminent.risk, [r.key for r in third]) == ("imminent", ["crisis-imminent"])
