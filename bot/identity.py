"""Pseudonymous ids: a person is known inside Tsunagari only as HMAC(secret, channel:address)."""

from __future__ import annotations

import hashlib
import hmac


class Pseudonymizer:
    """Turns a channel address (a Telegram chat id, a web chat token) into a stable opaque id."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def person_id(self, channel: str, address: str) -> str:
        digest = hmac.new(self._secret, f"{channel}:{address}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]
