"""Routing fixtures: the stores on a flushed real Redis, and small builders for people and teams."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from redis.asyncio import Redis

from routing.conversations import Conversation, Conversations, Entry
from routing.presence import Presence
from routing.queue import Preferences, Queue
from routing.scripts import Scripts

RETENTION = 3600


@dataclass(frozen=True)
class Team:
    """A team profile as routing sees it (routing.organizations.Team has the same fields)."""

    id: str = "org/team"
    org: str = "org"
    languages: tuple[str, ...] = ("ja", "en")
    categories: frozenset[str] = frozenset({"loneliness"})
    regions: frozenset[str] = frozenset({"national"})
    capacity: int = 1


@dataclass
class Routing:
    conversations: Conversations
    queue: Queue
    presence: Presence
    redis: Redis = field(repr=False)


@pytest.fixture
def routing(redis: Redis) -> Routing:
    scripts = Scripts(redis)
    conversations = Conversations(redis, scripts, RETENTION)
    queue = Queue(redis, scripts, conversations, languages=("ja", "en"), offer_seconds=30)
    return Routing(conversations, queue, Presence(redis, scripts), redis)


def person(
    person_id: str, lang: str = "en", risk: str = "low", categories: tuple[str, ...] = ()
) -> Conversation:
    return Conversation(
        person_id=person_id,
        channel="telegram",
        address=f"addr-{person_id}",
        state="concern",
        lang=lang,
        risk=risk,
        categories=list(categories),
    )


async def enqueue(
    routing: Routing,
    person_id: str,
    *intake: str,
    lang: str = "en",
    risk: str = "low",
    categories: tuple[str, ...] = (),
    preferences: Preferences | None = None,
) -> str:
    entries = [Entry("person", text) for text in intake]
    conversation = person(person_id, lang, risk, categories)
    return await routing.queue.enqueue(conversation, entries, preferences or Preferences())


async def online(routing: Routing, *counselor_ids: str, team: Team = Team()) -> None:
    for counselor_id in counselor_ids:
        await routing.presence.go_online(counselor_id, "telegram", f"chat-{counselor_id}", team)
