"""The shipped Fluent catalogs: every language has every key with the same variables, and nothing blank."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
from fluent.syntax import FluentParser, ast
from fluent.syntax.visitor import Visitor

from flows.check import check_flow
from flows.intake import IntakeFlow
from locales import LANGUAGES, Catalog, MissingTranslation


class _Variables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_VariableReference(self, node: ast.VariableReference) -> None:  # noqa: N802 (Visitor API)
        self.names.add(node.id.name)
        self.generic_visit(node)


def parse(lang: str) -> ast.Resource:
    source = resources.files("locales").joinpath(f"{lang}.ftl").read_text("utf-8")
    return FluentParser().parse(source)


def messages(lang: str) -> dict[str, ast.Message]:
    return {entry.id.name: entry for entry in parse(lang).body if isinstance(entry, ast.Message)}


def variables(message: ast.Message) -> frozenset[str]:
    collector = _Variables()
    collector.visit(message)
    return frozenset(collector.names)


def signature(lang: str) -> dict[str, frozenset[str]]:
    return {key: variables(message) for key, message in messages(lang).items()}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_ftl_file_parses_without_junk(lang: str) -> None:
    junk = [entry.content[:60] for entry in parse(lang).body if isinstance(entry, ast.Junk)]

    assert junk == []


@pytest.mark.parametrize(
    ("lang", "other"), [(lang, other) for lang in LANGUAGES for other in LANGUAGES if lang != other]
)
async def test_every_key_exists_in_every_other_locale_with_the_same_variables(lang: str, other: str) -> None:
    mine, theirs = signature(lang), signature(other)

    missing = sorted(set(mine) - set(theirs))
    different = {
        key: (sorted(names), sorted(theirs[key]))
        for key, names in mine.items()
        if key in theirs and names != theirs[key]
    }

    assert missing == [], f"in {lang}.ftl but not {other}.ftl"
    assert different == {}, f"variables differ between {lang}.ftl and {other}.ftl"


async def test_every_key_the_intake_flow_uses_exists_in_every_locale(catalog: Catalog) -> None:
    assert check_flow(IntakeFlow.load(), catalog) == []


# Keys named in code: Reply("key"...), catalog.text(lang, "key"...), _counselor_says(id, "key"...).
KEY_IN_CODE = re.compile(r'(?:Reply\(\s*|\.text\([^,()]+,\s*|_says\([^,()]+,\s*)"([a-z][a-z0-9_-]+)"')


async def test_every_key_the_code_names_exists_in_every_locale(catalog: Catalog) -> None:
    root = Path(__file__).resolve().parents[2]
    used = {
        key
        for package in ("bot", "flows", "routing")
        for path in (root / package).rglob("*.py")
        for key in KEY_IN_CODE.findall(path.read_text("utf-8"))
    }

    missing = sorted((lang, key) for lang in LANGUAGES for key in used if not catalog.has(lang, key))

    assert {"crisis-imminent", "crisis-high", "forget-confirm", "intake-reminder", "help"} <= used
    assert missing == []


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_unknown_key_raises_missing_translation(catalog: Catalog, lang: str) -> None:
    with pytest.raises(MissingTranslation, match="no-such-key"):
        catalog.text(lang, "no-such-key")


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_a_message_without_its_variable_raises_missing_translation(catalog: Catalog, lang: str) -> None:
    with pytest.raises(MissingTranslation, match="text-too-long"):
        catalog.text(lang, "text-too-long")


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_variables_are_filled_in_without_isolation_marks(catalog: Catalog, lang: str) -> None:
    rendered = catalog.text(lang, "text-too-long", limit=4000)

    assert "4000" in rendered or "4,000" in rendered
    assert "\u2068" not in rendered and "\u2069" not in rendered


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_no_message_is_empty(catalog: Catalog, lang: str) -> None:
    parsed = messages(lang)
    no_value = sorted(key for key, message in parsed.items() if message.value is None)
    blank = sorted(
        key
        for key, message in parsed.items()
        if message.value is not None
        and not catalog.text(lang, key, **dict.fromkeys(variables(message), 1)).strip()
    )

    assert len(parsed) > 10
    assert no_value == []
    assert blank == []
