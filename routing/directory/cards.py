"""Cards: a service as a person sees it, one line per way to reach it, in their language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from routing.directory.model import URL_KINDS, Service
from routing.directory.schedule import hours_text

ICONS = {"phone": "☎", "chat": "💬", "sns": "📱", "web": "🌐", "walk_in": "📍"}
SAMPLE_MARK = {"ja": "（サンプル）", "en": " (sample)"}
ONLY_JAPANESE = {"ja": "（日本語のみ）", "en": "(in Japanese only)"}
UNCONFIRMED = {
    "ja": "（時間などの情報が古い可能性があります）",
    "en": "(hours not confirmed recently: they may have changed)",
}


@dataclass(frozen=True)
class Card:
    """What a channel renders: a title, a line per channel, whether it is open now, and its links."""

    id: str
    title: str
    lines: tuple[str, ...]
    open_now: bool
    sample: bool
    phone: str | None
    url: str | None

    def text(self) -> str:
        """Plain lines for Telegram (it makes phone numbers and addresses tappable itself)."""
        return "\n".join((self.title, *self.lines))


def card(service: Service, lang: str, at: datetime) -> Card:
    """The card for `service` in `lang` (ja, else English), with open-now as of `at`."""
    ja = lang == "ja"
    title = service.name(lang)
    mark = SAMPLE_MARK["ja" if ja else "en"]
    if service.sample and mark.strip() not in title and "（サンプル）" not in title:
        title += mark
    lines = []
    for channel in service.channels:
        line = f"{ICONS[channel.kind]} {channel.value}"
        # A web page is always there: hours on it would promise someone who answers.
        if channel.kind != "web":
            line += f" · {hours_text(channel.hours, lang, channel.hours_known)}"
        lines.append(line)
    if service.uncertain:  # an old or secondary source: say so rather than promise the hours
        lines.append(UNCONFIRMED["ja" if ja else "en"])
    if lang not in service.languages:  # search fell back to Japanese-speaking services
        lines.append(ONLY_JAPANESE["ja" if ja else "en"])
    url = next((c.value for c in service.channels if c.kind in URL_KINDS and c.kind != "sns"), None)
    return Card(service.id, title, tuple(lines), service.open_at(at), service.sample, service.phone, url)
