"""The waiting queue on a real Redis: order, claims, races, messages while waiting, ending, retention."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from routing import keys
from routing.conversations import CLOSED, CONNECTED, QUEUED, Entry
from routing.errors import CounselorBusy, CounselorFull, CounselorOffline, QueueEmpty

from .conftest import RETENTION, Routing, enqueue, online


async def test_claims_serve_people_first_come_first_served(routing: Routing) -> None:
    arrivals = ["p1", "p2", "p3", "p4"]
    tickets = [await enqueue(routing, person_id, "hello") for person_id in arrivals]
    await online(routing, "c1")

    served = []
    for _ in arrivals:
        claim = await routing.queue.pull("c1")
        served.append((claim.ticket_id, claim.person_id))
        await routing.queue.end(claim.person_id, "c1")

    assert served == list(zip(tickets, arrivals, strict=True))


async def test_claim_by_a_counselor_who_is_not_online_raises_counselor_offline(routing: Routing) -> None:
    await enqueue(routing, "p1")

    with pytest.raises(CounselorOffline):
        await routing.queue.pull("c1")

    assert await routing.queue.waiting() == 1


async def test_claim_by_a_counselor_who_went_offline_raises_counselor_offline(routing: Routing) -> None:
    await enqueue(routing, "p1")
    await online(routing, "c1")
    await routing.presence.go_offline("c1")

    with pytest.raises(CounselorOffline):
        await routing.queue.pull("c1")

    assert await routing.queue.waiting() == 1


async def test_claim_while_holding_a_person_raises_counselor_full_and_leaves_the_queue(
    routing: Routing,
) -> None:
    await enqueue(routing, "p1")
    second = await enqueue(routing, "p2")
    await online(routing, "c1")
    await routing.queue.pull("c1")

    with pytest.raises(CounselorFull):
        await routing.queue.pull("c1")

    assert await routing.queue.waiting() == 1
    assert (await routing.presence.get("c1")).person_id == "p1"
    await online(routing, "c2")
    assert (await routing.queue.pull("c2")).ticket_id == second


async def test_claim_on_an_empty_queue_raises_queue_empty(routing: Routing) -> None:
    await online(routing, "c1")

    with pytest.raises(QueueEmpty):
        await routing.queue.pull("c1")

    assert (await routing.presence.get("c1")).person_id == ""


async def test_two_counselors_claiming_at_once_never_take_the_same_ticket(
    routing: Routing, redis: Redis
) -> None:
    await online(routing, "c1", "c2")
    for round_number in range(100):
        ticket_id = await enqueue(routing, f"p{round_number}", "hello")

        results = await asyncio.gather(
            routing.queue.pull("c1"), routing.queue.pull("c2"), return_exceptions=True
        )

        claims = [result for result in results if not isinstance(result, BaseException)]
        failures = [result for result in results if isinstance(result, BaseException)]
        assert len(claims) == 1, f"round {round_number}: {results!r}"
        assert len(failures) == 1 and isinstance(failures[0], QueueEmpty), f"round {round_number}"
        assert claims[0].ticket_id == ticket_id
        holders = [
            counselor_id
            for counselor_id in ("c1", "c2")
            if await redis.hget(keys.counselor(counselor_id), "ticket_id") == ticket_id
        ]
        assert len(holders) == 1, f"round {round_number}: held by {holders}"
        assert await redis.hget(keys.ticket(ticket_id), "counselor_id") == holders[0]
        assert (await routing.conversations.get(f"p{round_number}")).counselor_id == holders[0]
        assert await routing.queue.waiting() == 0
        await routing.queue.end(f"p{round_number}", holders[0])


async def test_messages_written_while_waiting_come_with_the_claim_and_later_ones_are_live(
    routing: Routing,
) -> None:
    await enqueue(routing, "p1", "my concern")
    await online(routing, "c1")

    waiting_states = [
        await routing.conversations.record_person("p1", Entry("person", "still there?")),
        await routing.conversations.record_person("p1", Entry("person", "it got worse")),
    ]
    claim = await routing.queue.pull("c1")
    after_claim = await routing.conversations.record_person("p1", Entry("person", "thank you"))

    assert waiting_states == [(QUEUED, ""), (QUEUED, "")]
    assert [note.text for note in claim.notes] == ["still there?", "it got worse"]
    assert after_claim == (CONNECTED, "c1")
    transcript = [entry.text for entry in await routing.conversations.transcript("p1")]
    assert transcript == ["my concern", "still there?", "it got worse", "thank you"]


async def test_claim_notes_leave_out_what_was_said_before_this_ticket(routing: Routing) -> None:
    await enqueue(routing, "p1", "first time")
    await routing.conversations.record_person("p1", Entry("person", "waiting the first time"))
    await routing.queue.end("p1")
    await enqueue(routing, "p1", "second time")
    await routing.conversations.record_person("p1", Entry("person", "waiting again"))
    await online(routing, "c1")

    claim = await routing.queue.pull("c1")

    assert [note.text for note in claim.notes] == ["waiting again"]


async def test_person_ending_while_queued_removes_their_ticket(routing: Routing, redis: Redis) -> None:
    ticket_id = await enqueue(routing, "p1")
    await enqueue(routing, "p2")

    previous = await routing.queue.end("p1")

    assert previous == (QUEUED, "")
    assert await routing.queue.waiting() == 1
    assert await redis.zscore(keys.queue("en"), ticket_id) is None
    assert await redis.hget(keys.ticket(ticket_id), "status") == "closed"
    assert (await routing.conversations.get("p1")).state == CLOSED
    await online(routing, "c1")
    assert (await routing.queue.pull("c1")).person_id == "p2"


async def test_counselor_ending_frees_them_and_a_second_end_changes_nothing(routing: Routing) -> None:
    await enqueue(routing, "p1")
    await enqueue(routing, "p2")
    await online(routing, "c1")
    await routing.queue.pull("c1")

    first = await routing.queue.end("p1", "c1")
    freed = await routing.presence.get("c1")
    await routing.queue.pull("c1")
    second = await routing.queue.end("p1", "c1")

    assert first == (CONNECTED, "c1")
    assert freed.person_id == ""
    assert second == (CLOSED, "")
    assert (await routing.presence.get("c1")).person_id == "p2"
    assert (await routing.conversations.get("p2")).state == CONNECTED


async def test_person_ending_a_connected_conversation_frees_the_counselor(routing: Routing) -> None:
    await enqueue(routing, "p1")
    await online(routing, "c1")
    await routing.queue.pull("c1")

    previous = await routing.queue.end("p1")

    assert previous == (CONNECTED, "c1")
    assert (await routing.presence.get("c1")).person_id == ""
    assert (await routing.conversations.get("p1")).state == CLOSED


async def test_counselor_cannot_end_another_counselors_conversation(routing: Routing) -> None:
    await enqueue(routing, "p1")
    await online(routing, "c1", "c2")
    await routing.queue.pull("c1")

    result = await routing.queue.end("p1", "c2")

    assert result == ("not_yours", "c1")
    assert (await routing.presence.get("c1")).person_id == "p1"
    assert (await routing.conversations.get("p1")).state == CONNECTED


async def test_counselor_cannot_end_a_person_still_waiting_in_the_queue(routing: Routing) -> None:
    await enqueue(routing, "p1")

    result = await routing.queue.end("p1", "c1")

    assert result == ("not_yours", "")
    assert await routing.queue.waiting() == 1


async def test_go_offline_is_refused_while_connected_and_allowed_after_end(routing: Routing) -> None:
    await enqueue(routing, "p1")
    await online(routing, "c1")
    await routing.queue.pull("c1")

    with pytest.raises(CounselorBusy):
        await routing.presence.go_offline("c1")
    still = await routing.presence.get("c1")
    await routing.queue.end("p1", "c1")
    await routing.presence.go_offline("c1")

    assert still.online and still.person_id == "p1"
    assert not (await routing.presence.get("c1")).online


async def test_waiting_counts_people_in_line(routing: Routing) -> None:
    await online(routing, "c1")
    counts = [await routing.queue.waiting()]
    for person_id in ("p1", "p2", "p3"):
        await enqueue(routing, person_id)
        counts.append(await routing.queue.waiting())
    await routing.queue.pull("c1")
    counts.append(await routing.queue.waiting())
    await routing.queue.end("p2")
    counts.append(await routing.queue.waiting())

    assert counts == [0, 1, 2, 3, 2, 1]


async def test_person_data_expires_within_the_retention_period_at_every_stage(
    routing: Routing, redis: Redis
) -> None:
    ticket_id = await enqueue(routing, "p1", "my concern")
    await routing.conversations.record_person("p1", Entry("person", "waiting"))
    await online(routing, "c1")
    ttls = {"queued": await ttls_of(redis, ticket_id)}
    await routing.queue.pull("c1")
    await routing.conversations.record_person("p1", Entry("person", "talking"))
    ttls["connected"] = await ttls_of(redis, ticket_id)
    await routing.queue.end("p1", "c1")
    ttls["closed"] = await ttls_of(redis, ticket_id)

    for stage, by_key in ttls.items():
        for key, ttl in by_key.items():
            assert 0 < ttl <= RETENTION, f"{stage}: {key} has TTL {ttl}"


async def ttls_of(redis: Redis, ticket_id: str) -> dict[str, int]:
    names = [*keys.person_keys("p1"), keys.ticket(ticket_id)]
    return {name: await redis.ttl(name) for name in names}


async def test_a_ticket_whose_conversation_expired_is_dropped_and_the_next_person_is_served(
    routing: Routing, redis: Redis
) -> None:
    await enqueue(routing, "gone")
    await enqueue(routing, "here")
    await online(routing, "c1")
    await redis.delete(keys.conversation("gone"))  # as retention (or erasure) would

    claim = await routing.queue.pull("c1")

    assert claim.person_id == "here"
    assert not await redis.exists(keys.conversation("gone"))  # not re-created by the claim
    assert await routing.queue.waiting() == 0


async def test_a_counselor_is_freed_even_if_the_conversation_expired_meanwhile(
    routing: Routing, redis: Redis
) -> None:
    await enqueue(routing, "p1")
    await online(routing, "c1")
    await routing.queue.pull("c1")
    await redis.delete(keys.conversation("p1"))

    await routing.queue.end("p1", "c1")

    assert (await routing.presence.get("c1")).person_id == ""
    await routing.presence.go_offline("c1")  # no longer "busy"


async def test_activity_renews_the_conversation_retention(routing: Routing, redis: Redis) -> None:
    await enqueue(routing, "p1")
    await redis.expire(keys.conversation("p1"), 5)

    await routing.conversations.record_person("p1", Entry("person", "まだ待っています"))

    assert await redis.ttl(keys.conversation("p1")) > 5


async def test_words_for_an_erased_person_are_kept_nowhere(routing: Routing, redis: Redis) -> None:
    await enqueue(routing, "p1", "話を聞いてほしい")
    await online(routing, "c1")
    await routing.queue.pull("c1")
    await routing.queue.erase("p1")  # /forget, while the counselor is typing

    kept = await routing.conversations.append("p1", [Entry("counselor", "大丈夫ですか？")], "c1")
    kept_by_bot = await routing.conversations.append("p1", [Entry("bot", "The counselor has left.")])

    assert (kept, kept_by_bot) == (False, False)
    assert await redis.exists(*keys.person_keys("p1")) == 0


async def test_a_counselor_no_longer_holding_the_person_cannot_write_to_their_transcript(
    routing: Routing,
) -> None:
    await enqueue(routing, "p1", "hello")
    await online(routing, "c1", "c2")
    await routing.queue.pull("c1")

    assert await routing.conversations.append("p1", [Entry("counselor", "hi, c2 here")], "c2") is False
    assert await routing.conversations.append("p1", [Entry("counselor", "hi, I'm here")], "c1") is True
    assert [e.text for e in await routing.conversations.transcript("p1")][-1] == "hi, I'm here"
