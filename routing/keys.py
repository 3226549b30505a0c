"""Every Redis key Tsunagari uses is built here: one prefix, ':' separators, nothing elsewhere."""

from __future__ import annotations

PREFIX = "tsunagari"


def conversation(person_id: str) -> str:
    """Hash: the person's current conversation (state, language, answers, address, counselor)."""
    return f"{PREFIX}:conv:{person_id}"


def transcript(person_id: str) -> str:
    """List of JSON entries: what the person, the bot and the counselor said, oldest first."""
    return f"{PREFIX}:transcript:{person_id}"


def ticket(ticket_id: str) -> str:
    """Hash: a queued request for a counselor, with the intake summary."""
    return f"{PREFIX}:ticket:{ticket_id}"


def queue(lang: str) -> str:
    """Sorted set of the ids of tickets waiting in a language, scored by risk band then arrival
    (see routing/queue.py). A ticket waits in exactly one: its language is a requirement."""
    return f"{PREFIX}:queue:{lang}"


def queue_sequence() -> str:
    """Counter that orders arrivals in the queue."""
    return f"{PREFIX}:queue:seq"


def counselor(counselor_id: str) -> str:
    """Hash: a counselor's presence and current conversation."""
    return f"{PREFIX}:counselor:{counselor_id}"


def counselor_holds(counselor_id: str) -> str:
    """Hash ticket id -> 'offered' | 'connected': what a counselor holds (its size is their load)."""
    return f"{PREFIX}:counselor:{counselor_id}:holds"


def available(lang: str) -> str:
    """Sorted set of counselors who can be offered a ticket in `lang` now, by idle-since."""
    return f"{PREFIX}:available:{lang}"


def team_online(team_id: str) -> str:
    """Set of the online counselors of a team (is anyone there to serve?)."""
    return f"{PREFIX}:team-online:{team_id}"


def presence() -> str:
    """Sorted set of online counselors by their last heartbeat."""
    return f"{PREFIX}:presence"


def offers() -> str:
    """Sorted set of offered ticket ids by the offer's deadline."""
    return f"{PREFIX}:offers"


def events() -> str:
    """Pub/sub channel of routing events (JSON: type, ticket, counselor, at; no person data)."""
    return f"{PREFIX}:events"


def metrics() -> str:
    """Hash of counters: events by type, closes by outcome."""
    return f"{PREFIX}:metrics"


def handled_stats() -> str:
    """List of the latest handling times in seconds, newest first (for waiting estimates)."""
    return f"{PREFIX}:stats:handled"


def waited_stats() -> str:
    """List of the latest waits in seconds before a counselor took the person, newest first."""
    return f"{PREFIX}:stats:waited"


def referrals() -> str:
    """Hash 'source|service|category|prefecture' -> count: referrals for evaluation (no person data)."""
    return f"{PREFIX}:stats:referrals"


def counselors_online() -> str:
    """Set of counselor ids who are online."""
    return f"{PREFIX}:counselors:online"


def outbox(channel: str, address: str) -> str:
    """Pub/sub channel for messages to a websocket held by whichever process serves it."""
    return f"{PREFIX}:out:{channel}:{address}"


def outbox_pattern() -> str:
    """Pattern matching every outbox channel (one subscriber per process)."""
    return f"{PREFIX}:out:*"


def person_tickets(person_id: str) -> str:
    """Set of the arrival numbers of every ticket a person has had (ticket `t<n>`), so that
    erasure finds them all."""
    return f"{PREFIX}:person-tickets:{person_id}"


def intake_due() -> str:
    """Sorted set of person ids in the intake, scored by when the inactivity timer fires."""
    return f"{PREFIX}:intake:due"


def person_keys(person_id: str) -> list[str]:
    """Every key named after one person (for erasure); their tickets are listed in person_tickets."""
    return [conversation(person_id), transcript(person_id), person_tickets(person_id)]
