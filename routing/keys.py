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


def queue() -> str:
    """Sorted set of waiting ticket ids, scored by risk band then arrival (see routing/queue.py)."""
    return f"{PREFIX}:queue"


def queue_sequence() -> str:
    """Counter that orders arrivals in the queue."""
    return f"{PREFIX}:queue:seq"


def counselor(counselor_id: str) -> str:
    """Hash: a counselor's presence and current conversation."""
    return f"{PREFIX}:counselor:{counselor_id}"


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
    """Set of the ids of every ticket a person has had (so that erasure finds them all)."""
    return f"{PREFIX}:person-tickets:{person_id}"


def intake_due() -> str:
    """Sorted set of person ids in the intake, scored by when the inactivity timer fires."""
    return f"{PREFIX}:intake:due"


def person_keys(person_id: str) -> list[str]:
    """Every key named after one person (for erasure); their tickets are listed in person_tickets."""
    return [conversation(person_id), transcript(person_id), person_tickets(person_id)]
