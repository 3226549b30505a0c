"""Routing scenarios on a real Redis: who is offered whom, and what each step does to the line.

Every test is one small story: people (by id) wait in the ja and en lines, counselors of some
team come online, and offers, accepts, declines, pulls, transfers and closes move them along.
"""

from __future__ import annotations

import json
import time

import pytest
from redis.asyncio import Redis

from routing import keys
from routing.conversations import CLOSED, CONNECTED, QUEUED, Entry
from routing.errors import (
    CounselorBusy,
    CounselorFull,
    CounselorOffline,
    NotYours,
    QueueEmpty,
    TicketGone,
    WrongLanguage,
)
from routing.queue import OUTCOMES, Offer, Preferences, Returned, score

from .conftest import Routing, Team, enqueue, online

EN_ONLY = Team(id="org/en", languages=("en",))
JA_ONLY = Team(id="org/ja", languages=("ja",))


async def offers(routing: Routing) -> dict[str, str]:
    """Run match(): ticket id -> the counselor it was offered to."""
    return {offer.ticket_id: offer.counselor_id for offer in await routing.queue.match()}


async def line(redis: Redis, lang: str = "en") -> list[str]:
    """The ticket ids waiting in a language's line, first to be served first."""
    return await redis.zrange(keys.queue(lang), 0, -1)


async def expire(routing: Routing, ticket_id: str) -> list[Offer]:
    """expire_offers() just after this ticket's offer deadline."""
    deadline = float((await routing.queue.ticket(ticket_id))["offer_deadline"])
    return await routing.queue.expire_offers(now=deadline + 1)


async def status(routing: Routing, ticket_id: str) -> str:
    return (await routing.queue.ticket(ticket_id)).get("status", "")


async def holds(routing: Routing, counselor_id: str) -> dict[str, str]:
    return (await routing.presence.get(counselor_id)).holds


async def serve(routing: Routing, counselor_id: str) -> str:
    """Match, accept and close the one offer made to the counselor; the person served."""
    [offer] = await routing.queue.match()
    assert offer.counselor_id == counselor_id
    await routing.queue.accept(counselor_id, offer.ticket_id)
    await routing.queue.close(offer.person_id, "resolved", counselor_id=counselor_id)
    return offer.person_id


# --- Which ticket is offered: bands, then arrival; languages are requirements -------------------


async def test_match_offers_the_most_urgent_ticket_then_the_longest_waiting(routing: Routing) -> None:
    await enqueue(routing, "p-low-1", risk="low")
    await enqueue(routing, "p-moderate", risk="moderate")
    await enqueue(routing, "p-low-2", risk="low")
    await enqueue(routing, "p-high", risk="high")
    await online(routing, "c1")

    served = [await serve(routing, "c1") for _ in range(4)]

    assert served == ["p-high", "p-moderate", "p-low-1", "p-low-2"]


async def test_an_imminent_ticket_arriving_later_is_offered_before_earlier_low_ones(routing: Routing) -> None:
    await enqueue(routing, "p1", risk="low")
    await enqueue(routing, "p2", risk="low")
    imminent = await enqueue(routing, "p3", risk="imminent")
    await online(routing, "c1")

    [offer] = await routing.queue.match()

    assert (offer.ticket_id, offer.person_id) == (imminent, "p3")


async def test_an_en_only_counselor_is_never_offered_a_ja_ticket(routing: Routing) -> None:
    ticket = await enqueue(routing, "p1", lang="ja", risk="imminent")
    await online(routing, "c-en", team=EN_ONLY)

    assert await routing.queue.match() == []
    assert await status(routing, ticket) == "waiting"
    assert await routing.queue.waiting("ja") == 1


async def test_a_ja_ticket_waits_while_only_en_counselors_are_free_and_the_en_ticket_behind_it_goes(
    routing: Routing,
) -> None:
    ja_ticket = await enqueue(routing, "p-ja", lang="ja", risk="high")
    en_ticket = await enqueue(routing, "p-en", lang="en", risk="low")
    await online(routing, "c-en", team=EN_ONLY)

    first = await offers(routing)
    await online(routing, "c-ja", team=JA_ONLY)
    second = await offers(routing)

    assert first == {en_ticket: "c-en"}
    assert second == {ja_ticket: "c-ja"}


async def test_a_bilingual_counselor_is_offered_the_most_urgent_ticket_of_either_line(
    routing: Routing,
) -> None:
    await enqueue(routing, "p-en", lang="en", risk="moderate")
    ja_high = await enqueue(routing, "p-ja", lang="ja", risk="high")
    await online(routing, "c1", team=Team(languages=("ja", "en")))

    assert await offers(routing) == {ja_high: "c1"}


# --- Which counselor is offered it: longest idle, then preferences that never cost a wait -------


async def test_the_longest_idle_available_counselor_gets_the_offer(routing: Routing) -> None:
    await online(routing, "c1", "c2", "c3")
    first = await enqueue(routing, "p1")
    second = await enqueue(routing, "p2")

    assert await offers(routing) == {first: "c1", second: "c2"}


async def test_a_counselor_who_just_finished_a_conversation_goes_after_one_idle_for_longer(
    routing: Routing,
) -> None:
    await online(routing, "c1", "c2")
    await enqueue(routing, "p1")
    assert await serve(routing, "c1") == "p1"

    second = await enqueue(routing, "p2")

    assert await offers(routing) == {second: "c2"}


async def test_a_counselor_holding_an_offer_goes_after_one_with_nobody(routing: Routing) -> None:
    await online(routing, "c1", "c2", team=Team(capacity=2))
    first = await enqueue(routing, "p1")
    second = await enqueue(routing, "p2")

    assert await offers(routing) == {first: "c1", second: "c2"}


async def test_a_returning_persons_previous_counselor_is_chosen_over_a_longer_idle_one(
    routing: Routing,
) -> None:
    await online(routing, "c1", "c2")
    ticket = await enqueue(routing, "p1", preferences=Preferences(counselor_id="c2"))

    assert await offers(routing) == {ticket: "c2"}


async def test_without_their_counselor_a_counselor_of_their_previous_organization_is_chosen(
    routing: Routing,
) -> None:
    await online(routing, "c-a", team=Team(id="org-a/team", org="org-a"))
    await online(routing, "c-b", team=Team(id="org-b/team", org="org-b"))
    ticket = await enqueue(routing, "p1", preferences=Preferences(counselor_id="c-gone", org="org-b"))

    assert await offers(routing) == {ticket: "c-b"}


async def test_without_counselor_or_organization_a_team_whose_categories_and_region_fit_is_chosen(
    routing: Routing,
) -> None:
    family_osaka = Team(id="osaka/family", categories=frozenset({"family"}), regions=frozenset({"27"}))
    family_tokyo = Team(id="tokyo/family", categories=frozenset({"family"}), regions=frozenset({"13"}))
    await online(routing, "c-work", team=Team(id="national/work", categories=frozenset({"work"})))
    await online(routing, "c-osaka", team=family_osaka)
    await online(routing, "c-tokyo", team=family_tokyo)
    ticket = await enqueue(
        routing, "p1", categories=("family",), preferences=Preferences(prefecture="13", org="org-x")
    )

    assert await offers(routing) == {ticket: "c-tokyo"}


async def test_a_national_team_fits_every_region(routing: Routing) -> None:
    await online(routing, "c-other", team=Team(id="a", categories=frozenset({"work"})))
    await online(routing, "c-national", team=Team(id="b", categories=frozenset({"family", "work"})))
    ticket = await enqueue(routing, "p1", categories=("family",), preferences=Preferences(prefecture="47"))

    assert await offers(routing) == {ticket: "c-national"}


async def test_a_ticket_without_categories_goes_to_a_team_of_its_region(routing: Routing) -> None:
    await online(routing, "c-osaka", team=Team(id="a", regions=frozenset({"27"})))
    await online(routing, "c-tokyo", team=Team(id="b", regions=frozenset({"13"})))
    ticket = await enqueue(routing, "p1", preferences=Preferences(prefecture="13"))

    assert await offers(routing) == {ticket: "c-tokyo"}


async def test_a_busy_preferred_counselor_never_makes_the_person_wait(routing: Routing) -> None:
    await online(routing, "c1", "c2")
    await enqueue(routing, "p-first")
    await routing.queue.pull("c1")
    ticket = await enqueue(routing, "p-returning", preferences=Preferences(counselor_id="c1", org="org"))

    assert await offers(routing) == {ticket: "c2"}


async def test_an_offline_preferred_counselor_never_makes_the_person_wait(routing: Routing) -> None:
    await online(routing, "c2")
    ticket = await enqueue(routing, "p1", preferences=Preferences(counselor_id="c1"))

    assert await offers(routing) == {ticket: "c2"}


# --- An offer is held by one counselor at a time, within their capacity -------------------------


async def test_match_twice_does_not_offer_the_same_ticket_twice(routing: Routing) -> None:
    await online(routing, "c1", "c2")
    ticket = await enqueue(routing, "p1")

    first = await offers(routing)
    second = await offers(routing)

    assert first == {ticket: "c1"}
    assert second == {}
    assert await holds(routing, "c2") == {}


async def test_a_counselor_at_capacity_gets_no_more_offers(routing: Routing) -> None:
    await online(routing, "c1")
    await enqueue(routing, "p1")
    await routing.queue.pull("c1")
    ticket = await enqueue(routing, "p2")

    assert await routing.queue.match() == []
    assert await status(routing, ticket) == "waiting"


async def test_offers_count_against_capacity(routing: Routing) -> None:
    await online(routing, "c1")
    first = await enqueue(routing, "p1")
    second = await enqueue(routing, "p2")

    assert await offers(routing) == {first: "c1"}
    assert await status(routing, second) == "waiting"
    assert await routing.queue.ahead(second) == 0


async def test_a_counselor_with_capacity_two_is_offered_two(routing: Routing) -> None:
    await online(routing, "c1", team=Team(capacity=2))
    first = await enqueue(routing, "p1")
    second = await enqueue(routing, "p2")
    third = await enqueue(routing, "p3")

    assert await offers(routing) == {first: "c1", second: "c1"}
    assert await holds(routing, "c1") == {first: "offered", second: "offered"}
    assert await status(routing, third) == "waiting"


# --- Accept ---------------------------------------------------------------------------------------


async def test_accept_connects_and_brings_what_the_person_wrote_while_waiting(routing: Routing) -> None:
    ticket = await enqueue(routing, "p1", "I have nobody to talk to")
    await routing.conversations.record_person("p1", Entry("person", "are you there?"))
    await online(routing, "c1")
    await routing.queue.match()

    claim = await routing.queue.accept("c1", ticket)

    assert (claim.ticket_id, claim.person_id) == (ticket, "p1")
    assert [note.text for note in claim.notes] == ["are you there?"]
    conversation = await routing.conversations.get("p1")
    assert (conversation.state, conversation.counselor_id) == (CONNECTED, "c1")
    counselor = await routing.presence.get("c1")
    assert (counselor.person_id, counselor.holds) == ("p1", {ticket: "connected"})
    assert await status(routing, ticket) == "connected"


async def test_accept_after_the_offer_expired_raises_ticket_gone(routing: Routing) -> None:
    await online(routing, "c1")
    ticket = await enqueue(routing, "p1")
    await routing.queue.match()
    await expire(routing, ticket)

    with pytest.raises(TicketGone):
        await routing.queue.accept("c1", ticket)

    assert await status(routing, ticket) == "waiting"
    assert (await routing.conversations.get("p1")).state == QUEUED


async def test_accept_after_declining_raises_ticket_gone(routing: Routing) -> None:
    await online(routing, "c1")
    ticket = await enqueue(routing, "p1")
    await routing.queue.match()
    await routing.queue.decline("c1", ticket)

    with pytest.raises(TicketGone):
        await routing.queue.accept("c1", ticket)

    assert await holds(routing, "c1") == {}


async def test_accept_by_another_counselor_raises_ticket_gone_and_the_offer_stays(routing: Routing) -> None:
    await online(routing, "c1", "c2")
    ticket = await enqueue(routing, "p1")
    await routing.queue.match()

    with pytest.raises(TicketGone):
        await routing.queue.accept("c2", ticket)

    assert await holds(routing, "c2") == {}
    assert (await routing.queue.accept("c1", ticket)).person_id == "p1"


# --- Decline --------------------------------------------------------------------------------------


async def test_decline_passes_the_ticket_to_the_next_counselor(routing: Routing) -> None:
    await online(routing, "c1", "c2")
    ticket = await enqueue(routing, "p1")
    await routing.queue.match()

    declined = await routing.queue.decline("c1", ticket)

    assert declined is True
    assert await offers(routing) == {ticket: "c2"}


async def test_a_declined_ticket_keeps_its_place_before_later_arrivals(
    routing: Routing, redis: Redis
) -> None:
    await online(routing, "c1", "c2")
    first = await enqueue(routing, "p1")
    await routing.queue.match()  # p1 to c1; c2 stays free
    later = await enqueue(routing, "p2")

    await routing.queue.decline("c1", first)

    assert await line(redis) == [first, later]
    assert await routing.queue.ahead(later) == 1
    # c1 just passed on p1: nobody after p1 goes to c1 before p1 has had its chance elsewhere.
    assert await offers(routing) == {first: "c2"}
    await redis.hset(keys.counselor("c1"), "pass_until", 0)  # the pass runs out
    assert await offers(routing) == {later: "c1"}


async def test_the_decliner_is_not_offered_it_again_while_the_pass_lasts_but_can_pull_it(
    routing: Routing,
) -> None:
    await online(routing, "c1")
    ticket = await enqueue(routing, "p1")
    await routing.queue.match()
    await routing.queue.decline("c1", ticket)

    again = await routing.queue.match()
    claim = await routing.queue.pull("c1")

    assert again == []
    assert claim.ticket_id == ticket


async def test_a_pass_never_lets_a_later_lower_band_person_go_first(routing: Routing, redis: Redis) -> None:
    await online(routing, "c1")  # the only counselor on the night shift
    imminent = await enqueue(routing, "p1", "今夜、薬を全部飲むつもり", risk="imminent")
    await routing.queue.match()
    await routing.queue.decline("c1", imminent)
    low = await enqueue(routing, "p2", "I just want to talk to someone", risk="low")

    while_passing = await routing.queue.match()
    await redis.hset(keys.counselor("c1"), "pass_until", 0)  # the pass runs out
    after = await offers(routing)

    assert while_passing == []
    assert after == {imminent: "c1"}
    assert low not in after


async def test_a_timeout_found_by_one_process_does_not_pass_on_a_fresh_offer(routing: Routing) -> None:
    await online(routing, "c1", "c2")
    ticket = await enqueue(routing, "p1")
    await routing.queue.match()  # to c1
    await routing.queue.decline("c1", ticket)  # passed on: offered afresh to c2
    await routing.queue.match()

    # A sweep that found the first offer due a moment ago must not take the fresh one from c2.
    passed = await routing.queue.decline("c2", ticket, missed=True, due_by=time.time() - 1)

    assert passed is False
    fields = await routing.queue.ticket(ticket)
    assert (fields["status"], fields["counselor_id"]) == ("offered", "c2")
    assert (await routing.presence.get("c2")).status == "online"


async def test_decline_of_an_offer_that_is_not_theirs_returns_false(routing: Routing) -> None:
    await online(routing, "c1", "c2")
    ticket = await enqueue(routing, "p1")
    await routing.queue.match()

    assert await routing.queue.decline("c2", ticket) is False
    assert await holds(routing, "c1") == {ticket: "offered"}


# --- Offers that expire -----------------------------------------------------------------------------


async def test_an_expired_offer_passes_on_to_the_next_counselor(routing: Routing) -> None:
    await online(routing, "c1", "c2")
    ticket = await enqueue(routing, "p1")
    await routing.queue.match()

    expired = await expire(routing, ticket)

    assert expired == [Offer(ticket, "c1", "")]
    assert await offers(routing) == {ticket: "c2"}


async def test_an_offer_before_its_deadline_does_not_expire(routing: Routing) -> None:
    await online(routing, "c1")
    ticket = await enqueue(routing, "p1")
    await routing.queue.match()
    deadline = float((await routing.queue.ticket(ticket))["offer_deadline"])

    assert await routing.queue.expire_offers(now=deadline - 1) == []
    assert await holds(routing, "c1") == {ticket: "offered"}


async def test_a_counselor_who_missed_an_offer_is_paused_then_offered_that_person_first(
    routing: Routing,
) -> None:
    await online(routing, "c1")
    missed = await enqueue(routing, "p1")
    await routing.queue.match()
    await expire(routing, missed)
    next_ticket = await enqueue(routing, "p2")

    paused = await routing.presence.get("c1")
    while_paused = await routing.queue.match()
    await online(routing, "c1")
    after = await offers(routing)

    assert paused.status == "paused"
    assert while_paused == []
    assert after == {missed: "c1"}  # a missed offer is no pass: the person they missed comes first
    assert next_ticket not in after


async def test_an_expired_offer_keeps_the_persons_place(routing: Routing, redis: Redis) -> None:
    await online(routing, "c1")
    first = await enqueue(routing, "p1")
    await routing.queue.match()
    later = await enqueue(routing, "p2")
    before = (await routing.queue.ticket(first))["score"]

    await expire(routing, first)

    assert await line(redis) == [first, later]
    assert (await routing.queue.ticket(first))["score"] == before
    assert await routing.queue.ahead(first) == 0


# --- Pull (take next) --------------------------------------------------------------------------


async def test_pull_takes_the_held_offer_first(routing: Routing) -> None:
    await online(routing, "c1")
    offered = await enqueue(routing, "p1", risk="low")
    await routing.queue.match()
    await enqueue(routing, "p2", risk="imminent")

    claim = await routing.queue.pull("c1")

    assert claim.ticket_id == offered
    assert await holds(routing, "c1") == {offered: "connected"}


async def test_pull_at_capacity_raises_counselor_full(routing: Routing) -> None:
    await online(routing, "c1")
    await enqueue(routing, "p1")
    waiting = await enqueue(routing, "p2")
    await routing.queue.pull("c1")

    with pytest.raises(CounselorFull):
        await routing.queue.pull("c1")

    assert await status(routing, waiting) == "waiting"


async def test_pull_with_room_under_capacity_two_takes_a_second_person(routing: Routing) -> None:
    await online(routing, "c1", team=Team(capacity=2))
    await enqueue(routing, "p1")
    await enqueue(routing, "p2")
    await enqueue(routing, "p3")

    taken = [(await routing.queue.pull("c1")).person_id for _ in range(2)]

    assert taken == ["p1", "p2"]
    with pytest.raises(CounselorFull):
        await routing.queue.pull("c1")


async def test_pull_takes_only_tickets_in_the_counselors_languages(routing: Routing) -> None:
    ja_ticket = await enqueue(routing, "p-ja", lang="ja", risk="imminent")
    await enqueue(routing, "p-en", lang="en", risk="low")
    await online(routing, "c-en", team=EN_ONLY)

    claim = await routing.queue.pull("c-en")
    await routing.queue.close("p-en", "resolved", counselor_id="c-en")

    assert claim.person_id == "p-en"
    with pytest.raises(QueueEmpty):
        await routing.queue.pull("c-en")
    assert await status(routing, ja_ticket) == "waiting"


async def test_pull_skips_a_ticket_transferred_to_another_team(routing: Routing) -> None:
    team_a = Team(id="org/a")
    await online(routing, "c-a1", "c-a2", team=team_a)
    await online(routing, "c-b", team=Team(id="org/b"))
    transferred = await enqueue(routing, "p1", risk="high")
    await routing.queue.assign(transferred, "c-a1")
    await routing.queue.transfer(
        transferred, "c-a1", to_team="org/b", team_languages=("ja", "en"), note="needs org/b"
    )
    await enqueue(routing, "p2", risk="low")

    by_team_a = await routing.queue.pull("c-a2")
    by_team_b = await routing.queue.pull("c-b")

    assert by_team_a.person_id == "p2"
    assert by_team_b.ticket_id == transferred


async def test_pull_by_a_counselor_who_is_not_online_raises_counselor_offline(routing: Routing) -> None:
    ticket = await enqueue(routing, "p1")

    with pytest.raises(CounselorOffline):
        await routing.queue.pull("c1")

    assert await status(routing, ticket) == "waiting"


# --- Assign (supervisor) ------------------------------------------------------------------------


async def test_a_supervisor_may_assign_a_ticket_out_of_order(routing: Routing) -> None:
    first = await enqueue(routing, "p1", risk="high")
    later = await enqueue(routing, "p2", risk="low")
    await online(routing, "c1")

    claim = await routing.queue.assign(later, "c1")

    assert (claim.ticket_id, claim.person_id) == (later, "p2")
    assert await routing.queue.ahead(first) == 0
    assert (await routing.conversations.get("p2")).counselor_id == "c1"


async def test_assign_to_a_full_counselor_is_refused(routing: Routing) -> None:
    await online(routing, "c1")
    await enqueue(routing, "p1")
    await routing.queue.pull("c1")
    ticket = await enqueue(routing, "p2")

    with pytest.raises(CounselorFull):
        await routing.queue.assign(ticket, "c1")

    assert await status(routing, ticket) == "waiting"


async def test_assign_to_a_counselor_without_the_language_is_refused(routing: Routing) -> None:
    await online(routing, "c-en", team=EN_ONLY)
    ticket = await enqueue(routing, "p1", lang="ja")

    with pytest.raises(WrongLanguage):
        await routing.queue.assign(ticket, "c-en")

    assert await status(routing, ticket) == "waiting"
    assert await holds(routing, "c-en") == {}


async def test_assign_to_an_offline_counselor_is_refused(routing: Routing) -> None:
    ticket = await enqueue(routing, "p1")

    with pytest.raises(CounselorOffline):
        await routing.queue.assign(ticket, "c1")

    assert await status(routing, ticket) == "waiting"


# --- Transfer -----------------------------------------------------------------------------------


async def test_a_warm_transfer_brings_what_the_person_wrote_since_the_ticket_began(routing: Routing) -> None:
    ticket = await enqueue(routing, "p1", "intake answer")
    await routing.conversations.record_person("p1", Entry("person", "while waiting"))
    await online(routing, "c1", "c2")
    await routing.queue.pull("c1")
    await routing.conversations.record_person("p1", Entry("person", "to the first counselor"))

    claim = await routing.queue.transfer(ticket, "c1", to_counselor="c2", note="talked about work")

    assert [note.text for note in claim.notes] == ["while waiting", "to the first counselor"]
    fields = await routing.queue.ticket(ticket)
    assert (fields["transfer_note"], fields["transferred_from"]) == ("talked about work", "c1")
    assert (fields["status"], fields["counselor_id"]) == ("connected", "c2")
    first = await routing.presence.get("c1")
    assert (first.holds, first.person_id) == ({}, "")
    assert (await routing.presence.get("c2")).person_id == "p1"
    assert (await routing.conversations.get("p1")).counselor_id == "c2"


async def test_after_a_transfer_the_old_counselor_is_free_for_the_next_person(routing: Routing) -> None:
    ticket = await enqueue(routing, "p1")
    await online(routing, "c1", "c2")
    await routing.queue.pull("c1")
    await routing.queue.transfer(ticket, "c1", to_counselor="c2")
    second = await enqueue(routing, "p2")

    assert await offers(routing) == {second: "c1"}


@pytest.mark.parametrize(
    ("target", "refusal"),
    [("c-offline", CounselorOffline), ("c-full", CounselorFull), ("c-ja", WrongLanguage)],
    ids=["offline", "full", "other-language"],
)
async def test_a_refused_transfer_to_a_counselor_changes_nothing(
    routing: Routing, target: str, refusal: type[Exception]
) -> None:
    await online(routing, "c1", "c-full")
    await online(routing, "c-ja", team=JA_ONLY)
    ticket = await enqueue(routing, "p1")
    await routing.queue.pull("c1")
    await enqueue(routing, "p-full")
    await routing.queue.pull("c-full")
    ticket_before, target_before = await routing.queue.ticket(ticket), await holds(routing, target)

    with pytest.raises(refusal):
        await routing.queue.transfer(ticket, "c1", to_counselor=target, note="please take over")

    assert await routing.queue.ticket(ticket) == ticket_before
    assert await holds(routing, target) == target_before
    assert await holds(routing, "c1") == {ticket: "connected"}
    assert (await routing.presence.get("c1")).person_id == "p1"
    assert (await routing.conversations.get("p1")).counselor_id == "c1"


async def test_transfer_to_a_team_puts_the_ticket_at_the_front_of_its_band(
    routing: Routing, redis: Redis
) -> None:
    moderate_earlier = await enqueue(routing, "p-earlier", risk="moderate")
    transferred = await enqueue(routing, "p1", risk="moderate")
    await online(routing, "c1")
    await routing.queue.assign(transferred, "c1")
    high = await enqueue(routing, "p-high", risk="high")
    low = await enqueue(routing, "p-low", risk="low")

    person = await routing.queue.transfer(
        transferred, "c1", to_team="org/b", team_languages=("ja", "en"), note="specialist"
    )

    assert person == "p1"
    assert await line(redis) == [high, transferred, moderate_earlier, low]
    fields = await routing.queue.ticket(transferred)
    assert (fields["status"], fields["team"], fields["transfer_note"]) == ("waiting", "org/b", "specialist")
    assert (await routing.conversations.get("p1")).state == QUEUED
    assert await holds(routing, "c1") == {}


async def test_a_ticket_transferred_to_a_team_is_offered_only_to_that_teams_counselors(
    routing: Routing,
) -> None:
    team_a = Team(id="org/a")
    await online(routing, "c-a1", team=team_a)
    ticket = await enqueue(routing, "p1")
    await routing.queue.pull("c-a1")
    await routing.queue.transfer(ticket, "c-a1", to_team="org/b", team_languages=("ja", "en"))
    await online(routing, "c-a2", team=team_a)

    with_team_a_only = await routing.queue.match()
    await online(routing, "c-b", team=Team(id="org/b"))
    with_team_b = await offers(routing)

    assert with_team_a_only == []
    assert with_team_b == {ticket: "c-b"}


async def test_transfer_by_a_counselor_who_does_not_hold_it_raises_not_yours(routing: Routing) -> None:
    await online(routing, "c1", "c2", "c3")
    ticket = await enqueue(routing, "p1")
    await routing.queue.pull("c1")

    with pytest.raises(NotYours):
        await routing.queue.transfer(ticket, "c2", to_counselor="c3")

    assert await holds(routing, "c1") == {ticket: "connected"}


# --- Close ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", OUTCOMES)
async def test_closing_with_an_outcome_records_it_and_frees_the_counselor(
    routing: Routing, redis: Redis, outcome: str
) -> None:
    await online(routing, "c1")
    ticket = await enqueue(routing, "p1")
    await routing.queue.pull("c1")

    previous = await routing.queue.close("p1", outcome, counselor_id="c1", note="follow up next week")

    assert previous == (CONNECTED, "c1")
    fields = await routing.queue.ticket(ticket)
    assert (fields["status"], fields["outcome"], fields["close_note"]) == (
        "closed",
        outcome,
        "follow up next week",
    )
    assert (await routing.conversations.get("p1")).state == CLOSED
    assert await holds(routing, "c1") == {}
    assert await redis.hget(keys.metrics(), f"outcome:{outcome}") == "1"


async def test_close_by_a_counselor_not_holding_it_raises_not_yours(routing: Routing) -> None:
    await online(routing, "c1", "c2")
    ticket = await enqueue(routing, "p1")
    await routing.queue.pull("c1")

    with pytest.raises(NotYours):
        await routing.queue.close("p1", "resolved", counselor_id="c2")

    assert await status(routing, ticket) == "connected"
    assert (await routing.conversations.get("p1")).state == CONNECTED


async def test_close_of_an_offered_conversation_frees_the_offered_counselor(routing: Routing) -> None:
    await online(routing, "c1")
    ticket = await enqueue(routing, "p1")
    await routing.queue.match()

    previous = await routing.queue.close("p1", "person_left")
    next_ticket = await enqueue(routing, "p2")

    assert previous == (QUEUED, "")
    assert await status(routing, ticket) == "closed"
    assert await holds(routing, "c1") == {}
    assert await offers(routing) == {next_ticket: "c1"}


async def test_close_with_an_invalid_outcome_raises_value_error_and_changes_nothing(routing: Routing) -> None:
    await online(routing, "c1")
    ticket = await enqueue(routing, "p1")
    await routing.queue.pull("c1")

    with pytest.raises(ValueError):
        await routing.queue.close("p1", "fixed", counselor_id="c1")

    assert await status(routing, ticket) == "connected"
    assert await holds(routing, "c1") == {ticket: "connected"}


async def test_a_closed_conversation_keeps_its_last_counselor_and_organization(
    routing: Routing, redis: Redis
) -> None:
    await online(routing, "c1", team=Team(id="tokyo/night", org="tokyo"))
    await enqueue(routing, "p1")
    await routing.queue.pull("c1")

    await routing.queue.close("p1", "resolved", counselor_id="c1")

    last = await redis.hmget(keys.conversation("p1"), ["last_counselor", "last_org"])
    assert last == ["c1", "tokyo"]


async def test_closing_one_of_two_conversations_turns_the_counselor_to_the_other(routing: Routing) -> None:
    await online(routing, "c1", team=Team(capacity=2))
    first = await enqueue(routing, "p1")
    second = await enqueue(routing, "p2")
    await routing.queue.pull("c1")
    await routing.queue.pull("c1")
    await routing.presence.switch("c1", first, "p1")  # speaking with p1 when p1's conversation ends

    await routing.queue.close("p1", "resolved", counselor_id="c1")

    counselor = await routing.presence.get("c1")
    assert (counselor.person_id, counselor.ticket_id, counselor.holds) == (
        "p2",
        second,
        {second: "connected"},
    )


# --- Vanish (a counselor stopped answering) -----------------------------------------------------


async def test_a_vanished_counselors_offer_goes_back_to_its_own_place(routing: Routing, redis: Redis) -> None:
    await online(routing, "c1")
    offered = await enqueue(routing, "p1")
    await routing.queue.match()
    later = await enqueue(routing, "p2")

    returned = await routing.queue.vanish("c1", cutoff=time.time() + 1)

    assert returned == [Returned(offered, "p1", "offered")]
    assert await line(redis) == [offered, later]
    assert (await routing.presence.get("c1")).status == "offline"


async def test_a_vanished_counselors_conversation_goes_to_the_front_of_its_band(
    routing: Routing, redis: Redis
) -> None:
    earlier_same_band = await enqueue(routing, "p-earlier", risk="moderate")
    connected = await enqueue(routing, "p1", risk="moderate")
    await online(routing, "c1")
    await routing.queue.assign(connected, "c1")
    higher_band = await enqueue(routing, "p-high", risk="high")

    returned = await routing.queue.vanish("c1", cutoff=time.time() + 1)

    assert returned == [Returned(connected, "p1", "connected")]
    assert await line(redis) == [higher_band, connected, earlier_same_band]
    assert (await routing.conversations.get("p1")).state == QUEUED
    counselor = await routing.presence.get("c1")
    assert (counselor.status, counselor.holds, counselor.person_id) == ("offline", {}, "")


async def test_vanish_gives_back_offers_and_conversations_together(routing: Routing) -> None:
    await online(routing, "c1", team=Team(capacity=2))
    connected = await enqueue(routing, "p1")
    await routing.queue.pull("c1")
    offered = await enqueue(routing, "p2")
    await routing.queue.match()

    returned = await routing.queue.vanish("c1", cutoff=time.time() + 1)

    assert sorted(returned, key=lambda item: item.ticket_id) == [
        Returned(connected, "p1", "connected"),
        Returned(offered, "p2", "offered"),
    ]
    assert await routing.queue.waiting() == 2


async def test_a_heartbeat_after_the_cutoff_means_vanish_changes_nothing(routing: Routing) -> None:
    await online(routing, "c1")
    ticket = await enqueue(routing, "p1")
    await routing.queue.pull("c1")
    cutoff = time.time()
    await routing.presence.heartbeat("c1", now=cutoff + 1)

    returned = await routing.queue.vanish("c1", cutoff=cutoff)

    assert returned is None
    counselor = await routing.presence.get("c1")
    assert (counselor.status, counselor.holds) == ("online", {ticket: "connected"})
    assert (await routing.conversations.get("p1")).state == CONNECTED


# --- Going offline --------------------------------------------------------------------------------


async def test_go_offline_while_connected_raises_counselor_busy(routing: Routing) -> None:
    await online(routing, "c1")
    ticket = await enqueue(routing, "p1")
    await routing.queue.pull("c1")

    with pytest.raises(CounselorBusy):
        await routing.presence.go_offline("c1")

    counselor = await routing.presence.get("c1")
    assert (counselor.status, counselor.holds) == ("online", {ticket: "connected"})


async def test_go_offline_returns_held_offers_to_the_line(routing: Routing, redis: Redis) -> None:
    await online(routing, "c1")
    offered = await enqueue(routing, "p1")
    await routing.queue.match()
    later = await enqueue(routing, "p2")

    returned = await routing.presence.go_offline("c1")

    assert returned == [offered]
    assert await line(redis) == [offered, later]
    assert await status(routing, offered) == "waiting"
    counselor = await routing.presence.get("c1")
    assert (counselor.status, counselor.holds) == ("offline", {})
    assert await routing.queue.match() == []


# --- Raising a band -------------------------------------------------------------------------------


async def test_raising_the_band_while_offered_brings_the_ticket_back_in_the_higher_band(
    routing: Routing, redis: Redis
) -> None:
    await online(routing, "c1")
    offered = await enqueue(routing, "p1", risk="low")
    await routing.queue.match()
    moderate = await enqueue(routing, "p2", risk="moderate")
    sequence = int((await routing.queue.ticket(offered))["sequence"])

    raised = await routing.queue.raise_band(offered, "high")
    stored = (await routing.queue.ticket(offered))["score"]
    await routing.queue.decline("c1", offered)

    assert raised is True
    assert int(stored) == score("high", sequence)
    assert await line(redis) == [offered, moderate]


async def test_raising_the_band_of_a_waiting_ticket_moves_it_ahead(routing: Routing, redis: Redis) -> None:
    moderate = await enqueue(routing, "p1", risk="moderate")
    low = await enqueue(routing, "p2", risk="low")

    assert await routing.queue.raise_band(low, "imminent") is True
    assert await routing.queue.raise_band(moderate, "low") is False
    assert await line(redis) == [low, moderate]


# --- How many are ahead ---------------------------------------------------------------------------


async def test_ahead_counts_the_tickets_before_it_in_its_language_line(routing: Routing) -> None:
    en_low_first = await enqueue(routing, "p1", lang="en", risk="low")
    ja_high = await enqueue(routing, "p2", lang="ja", risk="high")
    en_high = await enqueue(routing, "p3", lang="en", risk="high")
    en_low_last = await enqueue(routing, "p4", lang="en", risk="low")

    assert await routing.queue.ahead(en_high) == 0
    assert await routing.queue.ahead(en_low_first) == 1
    assert await routing.queue.ahead(en_low_last) == 2
    assert await routing.queue.ahead(ja_high) == 0


async def test_ahead_is_none_once_connected(routing: Routing) -> None:
    await online(routing, "c1")
    ticket = await enqueue(routing, "p1")
    await routing.queue.pull("c1")

    assert await routing.queue.ahead(ticket) is None


# --- Events and metrics -----------------------------------------------------------------------------


async def test_a_tickets_life_is_published_as_events_without_person_data(
    routing: Routing, redis: Redis
) -> None:
    async with redis.pubsub() as pubsub:
        await pubsub.subscribe(keys.events())
        assert (await pubsub.get_message(timeout=1))["type"] == "subscribe"
        await online(routing, "c1")
        ticket = await enqueue(routing, "person-7f3a", "I feel so alone these days", risk="high")
        await routing.queue.match()
        await routing.queue.accept("c1", ticket)
        await routing.queue.close("person-7f3a", "resolved", counselor_id="c1", note="call back monday")
        raw_events = []
        while message := await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.5):
            raw_events.append(message["data"])

    events = [json.loads(raw) for raw in raw_events]
    assert [event["type"] for event in events if event.get("ticket") == ticket] == [
        "queued",
        "offered",
        "accepted",
        "closed",
    ]
    for raw in raw_events:
        assert "person-7f3a" not in raw
        assert "alone" not in raw
        assert "monday" not in raw


async def test_metrics_count_the_events_of_each_type(routing: Routing, redis: Redis) -> None:
    await online(routing, "c1", "c2")
    first = await enqueue(routing, "p1")
    await enqueue(routing, "p2")
    await routing.queue.match()
    await routing.queue.decline("c2", (await holds(routing, "c2")).popitem()[0])
    await routing.queue.accept("c1", first)
    await routing.queue.close("p1", "referred", counselor_id="c1")

    metrics = await redis.hgetall(keys.metrics())

    assert metrics["events:queued"] == "2"
    assert metrics["events:offered"] == "2"
    assert metrics["events:declined"] == "1"
    assert metrics["events:accepted"] == "1"
    assert metrics["events:closed"] == "1"
    assert metrics["outcome:referred"] == "1"


# --- Erasure --------------------------------------------------------------------------------------


async def test_erasing_a_waiting_person_removes_their_ticket_from_the_line(
    routing: Routing, redis: Redis
) -> None:
    ticket = await enqueue(routing, "p1", "please forget me")
    other = await enqueue(routing, "p2")

    freed = await routing.queue.erase("p1")

    assert freed == ""
    assert await line(redis) == [other]
    assert await routing.queue.ticket(ticket) == {}
    assert await routing.conversations.get("p1") is None
    assert await redis.exists(keys.transcript("p1")) == 0


async def test_erasing_an_offered_person_withdraws_the_offer_and_frees_the_counselor(
    routing: Routing, redis: Redis
) -> None:
    await online(routing, "c1")
    ticket = await enqueue(routing, "p1")
    await routing.queue.match()

    await routing.queue.erase("p1")
    next_ticket = await enqueue(routing, "p2")

    assert await redis.zscore(keys.offers(), ticket) is None
    assert await holds(routing, "c1") == {}
    assert await offers(routing) == {next_ticket: "c1"}


async def test_erasing_a_connected_person_frees_their_counselor(routing: Routing) -> None:
    await online(routing, "c1")
    ticket = await enqueue(routing, "p1")
    await routing.queue.pull("c1")

    freed = await routing.queue.erase("p1")

    assert freed == "c1"
    assert await routing.queue.ticket(ticket) == {}
    counselor = await routing.presence.get("c1")
    assert (counselor.holds, counselor.person_id) == ({}, "")


async def test_risk_that_rises_while_connected_counts_when_the_counselor_vanishes(
    routing: Routing, redis: Redis
) -> None:
    await online(routing, "c1")
    talking = await enqueue(routing, "p1", "I can't sleep", risk="moderate")
    await routing.queue.pull("c1")
    high = await enqueue(routing, "p2", risk="high")
    assert await routing.queue.raise_band(talking, "imminent")  # they wrote of a plan, mid-conversation

    await routing.queue.vanish("c1", time.time() + 1)

    assert await line(redis) == [talking, high]
    assert await redis.zscore(keys.queue("en"), talking) == score("imminent", 1, front=True)


async def test_a_transfer_to_a_team_that_cannot_talk_with_the_person_is_refused(routing: Routing) -> None:
    await online(routing, "c1")
    ticket = await enqueue(routing, "p1", lang="ja")
    await routing.queue.pull("c1")

    with pytest.raises(WrongLanguage):
        await routing.queue.transfer(ticket, "c1", to_team="org/en", team_languages=("en",), note="?")

    assert (await routing.queue.ticket(ticket))["status"] == "connected"
    assert await holds(routing, "c1") == {ticket: "connected"}
