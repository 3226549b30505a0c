"""The named Lua scripts in routing/lua/, loaded once per Redis client."""

from __future__ import annotations

from importlib import resources

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

SCRIPT_NAMES = ("claim", "record_person", "end", "go_offline", "pop_due")


class Scripts:
    """Registered scripts by name: `scripts.claim(keys=..., args=...)`."""

    def __init__(self, redis: Redis) -> None:
        folder = resources.files("routing").joinpath("lua")
        for name in SCRIPT_NAMES:
            source = folder.joinpath(f"{name}.lua").read_text("utf-8")
            setattr(self, name, redis.register_script(source))

    claim: AsyncScript
    record_person: AsyncScript
    end: AsyncScript
    go_offline: AsyncScript
    pop_due: AsyncScript
