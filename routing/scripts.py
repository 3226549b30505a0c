"""The named Lua scripts in routing/lua/, loaded once per Redis client.

Routing scripts share `_lib.lua` (key names, events, connect/requeue/release): it is put in front
of each of them, with the key prefix and band width from Python so the two never disagree.
"""

from __future__ import annotations

from importlib import resources

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from routing import keys

PLAIN = ("record_person", "pop_due", "append")
ROUTING = (
    "match", "pull", "accept", "decline", "assign", "transfer", "close",
    "vanish", "go_online", "go_offline", "raise",
)  # fmt: skip
BAND_WIDTH = 10**12  # arrivals per band before scores overlap (doubles are exact up to 2**53)


class Scripts:
    """Registered scripts by name: `scripts.match(keys=..., args=...)`."""

    def __init__(self, redis: Redis) -> None:
        folder = resources.files("routing").joinpath("lua")
        library = (
            folder.joinpath("_lib.lua")
            .read_text("utf-8")
            .replace("__PREFIX__", keys.PREFIX)
            .replace("__BAND_WIDTH__", str(BAND_WIDTH))
        )
        for name in PLAIN + ROUTING:
            source = folder.joinpath(f"{name}.lua").read_text("utf-8")
            if name in ROUTING:
                source = library + "\n" + source
            setattr(self, "raise_" if name == "raise" else name, redis.register_script(source))

    record_person: AsyncScript
    append: AsyncScript
    pop_due: AsyncScript
    match: AsyncScript
    pull: AsyncScript
    accept: AsyncScript
    decline: AsyncScript
    assign: AsyncScript
    transfer: AsyncScript
    close: AsyncScript
    vanish: AsyncScript
    go_online: AsyncScript
    go_offline: AsyncScript
    raise_: AsyncScript
