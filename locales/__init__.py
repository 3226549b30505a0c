"""Every person- and counselor-facing string, in Fluent (.ftl) files, one per language.

`Catalog.load()` reads the shipped files; `catalog.text(lang, key, **params)` formats one message.
A missing key or a formatting error raises, so a gap shows up in tests rather than as a blank reply.
"""

from __future__ import annotations

from importlib import resources

from fluent.runtime import FluentBundle, FluentResource

LANGUAGES = ("ja", "en")


class MissingTranslation(KeyError):
    """A key is not in a language's file."""


class Catalog:
    """The compiled messages of every shipped language."""

    def __init__(self, sources: dict[str, str]) -> None:
        self._bundles: dict[str, FluentBundle] = {}
        for lang, source in sources.items():
            # use_isolating=False: no invisible Unicode marks around values in chat messages.
            bundle = FluentBundle([lang], use_isolating=False)
            bundle.add_resource(FluentResource(source))
            self._bundles[lang] = bundle

    @classmethod
    def load(cls) -> Catalog:
        """The catalog of the .ftl files shipped in this package."""
        files = resources.files("locales")
        return cls({lang: files.joinpath(f"{lang}.ftl").read_text("utf-8") for lang in LANGUAGES})

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._bundles)

    def has(self, lang: str, key: str) -> bool:
        return self._bundles[lang].has_message(key)

    def text(self, lang: str, key: str, **params: object) -> str:
        """The message `key` in `lang` (falling back to Japanese for an unknown language)."""
        bundle = self._bundles.get(lang) or self._bundles[LANGUAGES[0]]
        if not bundle.has_message(key):
            raise MissingTranslation(f"{lang}: {key}")
        message = bundle.get_message(key)
        value, errors = bundle.format_pattern(message.value, params)
        if errors:
            raise MissingTranslation(f"{lang}: {key}: {errors[0]}")
        return value
