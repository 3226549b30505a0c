"""Small units of the bot: the counselors file, settings, pseudonyms, message splitting, keyed locks."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

import bot.counselors
from bot.aio import cancel_and_wait
from bot.channels.hub import SocketHub
from bot.channels.telegram import TELEGRAM_TEXT_LIMIT, split_text
from bot.counselors import (
    Counselor,
    CounselorDirectory,
    CounselorFileError,
    add_counselor,
    load_counselors,
)
from bot.identity import Pseudonymizer
from bot.locks import KeyedLocks
from bot.settings import Settings, SettingsError, load_settings

TWO_COUNSELORS = """\
counselors:
  - id: c-a
    name: Counselor A
    telegram_user_id: 1001
  - id: c-b
    name: Counselor B
    telegram_user_id: {second_id}
    lang: en
"""
SECOND_COUNSELOR_LINE = 5
ONE_COUNSELOR = "counselors:\n  - id: c-a\n    name: A\n    telegram_user_id: 1001\n"


def write(path: Path, text: str, mtime: float | None = None) -> Path:
    path.write_text(text, encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


# The counselors file


async def test_valid_counselors_file_loads_every_counselor(tmp_path: Path) -> None:
    path = write(tmp_path / "c.yaml", TWO_COUNSELORS.format(second_id=1002))

    counselors = load_counselors(path)

    assert counselors == [
        Counselor("c-a", "Counselor A", 1001, None, "ja"),
        Counselor("c-b", "Counselor B", 1002, None, "en"),
    ]


@pytest.mark.parametrize("bad_id", ["-5", "0", "abc", "1.5", "'1002'", "true", "[1]"])
async def test_bad_telegram_user_id_error_names_the_counselors_line(tmp_path: Path, bad_id: str) -> None:
    path = write(tmp_path / "c.yaml", TWO_COUNSELORS.format(second_id=bad_id))

    with pytest.raises(CounselorFileError) as error:
        load_counselors(path)

    assert f"{path}:{SECOND_COUNSELOR_LINE}:" in str(error.value)
    assert "telegram_user_id" in str(error.value)


@pytest.mark.parametrize(
    ("second", "complaint"),
    [
        ("  - id: C B\n    name: B\n", "id"),
        ("  - id: c-b\n    name: ''\n", "name"),
        ("  - id: c-b\n    name: B\n    lang: fr\n", "lang"),
        ("  - id: c-b\n    name: B\n    console_key: short\n", "console_key"),
        ("  - id: c-b\n    name: B\n    phone: 123\n", "phone"),
        ("  - just a string\n", "mapping"),
    ],
)
async def test_invalid_counselor_field_error_names_the_line_and_field(
    tmp_path: Path, second: str, complaint: str
) -> None:
    path = write(tmp_path / "c.yaml", "counselors:\n  - id: c-a\n    name: A\n" + second)

    with pytest.raises(CounselorFileError) as error:
        load_counselors(path)

    assert f"{path}:4:" in str(error.value)
    assert complaint in str(error.value)


@pytest.mark.parametrize(
    ("second", "field"),
    [
        ("  - id: c-a\n    name: Again\n", "id"),
        ("  - id: c-b\n    name: B\n    telegram_user_id: 1001\n", "telegram_user_id"),
    ],
)
async def test_duplicate_counselor_values_are_rejected(tmp_path: Path, second: str, field: str) -> None:
    path = write(tmp_path / "c.yaml", ONE_COUNSELOR + second)

    with pytest.raises(CounselorFileError, match=f"{field} .* appears twice"):
        load_counselors(path)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("counselors:\n  - id: a\n    name: A\n   bad: x\n", 4),
        ("counselors:\n  - id: a\n\tname: A\n", 3),
        ("counselors:\n  - id: a\n    name: [oops\n  - id: b\n", 4),
    ],
)
async def test_invalid_yaml_reports_the_line(tmp_path: Path, text: str, line: int) -> None:
    path = write(tmp_path / "c.yaml", text)

    with pytest.raises(CounselorFileError, match="not valid YAML") as error:
        load_counselors(path)

    assert f"{path}:{line}:" in str(error.value)


@pytest.mark.parametrize(
    "counselor",
    [
        Counselor("Bad Id", "Someone"),
        Counselor("c-new", "  "),
        Counselor("c-new", "New", telegram_user_id=-1),
        Counselor("c-a", "Duplicate of A"),
        Counselor("c-new", "Same Telegram user as A", telegram_user_id=1001),
    ],
    ids=["bad-id", "blank-name", "negative-telegram-id", "duplicate-id", "duplicate-telegram-id"],
)
async def test_add_counselor_refuses_an_invalid_counselor_and_leaves_the_file_unchanged(
    tmp_path: Path, counselor: Counselor
) -> None:
    path = write(tmp_path / "c.yaml", TWO_COUNSELORS.format(second_id=1002))
    before = path.read_bytes()

    with pytest.raises(CounselorFileError):
        add_counselor(path, counselor)

    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]


async def test_add_counselor_appends_and_keeps_everyone_already_there(tmp_path: Path) -> None:
    path = write(tmp_path / "c.yaml", TWO_COUNSELORS.format(second_id=1002))
    new = Counselor("c-new", "新しい相談員", console_key="k" * 20, lang="ja")

    add_counselor(path, new)

    assert [c.id for c in load_counselors(path)] == ["c-a", "c-b", "c-new"]
    assert load_counselors(path)[-1] == new


async def test_add_counselor_creates_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "data" / "counselors.yaml"

    add_counselor(path, Counselor("c-a", "A", telegram_user_id=5))

    assert load_counselors(path) == [Counselor("c-a", "A", 5)]


async def test_directory_picks_up_a_changed_file_and_keeps_the_last_good_one_when_broken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.counselors, "_RELOAD_EVERY", 0)
    path = write(tmp_path / "c.yaml", ONE_COUNSELOR, 1000)
    directory = CounselorDirectory(path)
    initially = (directory.get("c-a"), directory.get("c-b"))

    write(path, TWO_COUNSELORS.format(second_id=1002), 2000)
    changed = (directory.get("c-b"), directory.by_telegram(1002))
    write(path, TWO_COUNSELORS.format(second_id=-1), 3000)
    broken = (directory.get("c-a"), directory.get("c-b"), directory.by_telegram(1002))
    write(path, "counselors:\n  - id: c-c\n    name: C\n    console_key: cccccccccccccccc\n", 4000)
    fixed = (directory.get("c-a"), directory.by_console_key("cccccccccccccccc"))

    assert initially[0] is not None and initially[1] is None
    assert changed[0] is not None and changed[0] == changed[1]
    assert all(counselor is not None for counselor in broken)
    assert fixed[0] is None and fixed[1] is not None and fixed[1].id == "c-c"


async def test_directory_treats_a_missing_file_as_nobody(tmp_path: Path) -> None:
    directory = CounselorDirectory(tmp_path / "absent.yaml")

    assert directory.get("c-a") is None
    assert directory.by_telegram(1001) is None


# Settings


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith("TSUNAGARI_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TSUNAGARI_HTTP_PORT", "abc"),
        ("TSUNAGARI_HTTP_PORT", "70000"),
        ("TSUNAGARI_TELEGRAM_TOKEN", "not-a-token"),
        ("TSUNAGARI_TELEGRAM_TOKEN", "abc:defghijk"),
        ("TSUNAGARI_TELEGRAM_TOKEN", "123456:abc"),
        ("TSUNAGARI_REDIS_URL", "http://localhost:6379"),
        ("TSUNAGARI_REDIS_URL", "localhost:6379"),
        ("TSUNAGARI_TELEGRAM_API_URL", "ftp://example.org/bot"),
        ("TSUNAGARI_DEFAULT_LANGUAGE", "fr"),
        ("TSUNAGARI_RETENTION_DAYS", "0"),
    ],
)
async def test_bad_setting_raises_settings_error_naming_the_variable(
    clean_env: pytest.MonkeyPatch, name: str, value: str
) -> None:
    clean_env.setenv(name, value)

    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)

    assert str(error.value).startswith(f"{name}:")
    assert "\n" not in str(error.value)


async def test_good_settings_are_read_from_the_environment(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_env.setenv("TSUNAGARI_HTTP_PORT", "8443")
    clean_env.setenv("TSUNAGARI_TELEGRAM_TOKEN", "123456:ABCdef-ghi")
    clean_env.setenv("TSUNAGARI_REDIS_URL", "unix:///run/redis.sock")
    clean_env.setenv("TSUNAGARI_TELEGRAM_API_URL", "http://127.0.0.1:8081/bot/")
    clean_env.setenv("TSUNAGARI_DATA_DIR", str(tmp_path))

    settings = load_settings(_env_file=None)

    assert settings.http_port == 8443
    assert settings.telegram_token == "123456:ABCdef-ghi"
    assert settings.redis_url == "unix:///run/redis.sock"
    assert settings.telegram_api_url == "http://127.0.0.1:8081/bot"
    assert settings.counselors_path == tmp_path / "counselors.yaml"


async def test_generated_pseudonym_secret_is_private_and_stays_the_same(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data_dir = tmp_path / "var"

    first = Settings(data_dir=data_dir, _env_file=None).pseudonym_secret()
    mode = stat.S_IMODE((data_dir / "secret").stat().st_mode)
    second = Settings(data_dir=data_dir, _env_file=None).pseudonym_secret()

    assert mode == 0o600
    assert len(first) >= 32
    assert second == first


async def test_generated_pseudonym_secrets_differ_between_data_dirs(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    one = Settings(data_dir=tmp_path / "one", _env_file=None).pseudonym_secret()
    two = Settings(data_dir=tmp_path / "two", _env_file=None).pseudonym_secret()

    assert one != two


async def test_configured_secret_is_used_and_no_file_is_written(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = Settings(data_dir=tmp_path, secret="configured", _env_file=None).pseudonym_secret()

    assert secret == b"configured"
    assert not (tmp_path / "secret").exists()


# Pseudonyms


async def test_pseudonym_is_stable_for_the_same_channel_and_address() -> None:
    first = Pseudonymizer(b"s").person_id("telegram", "12345")
    again = Pseudonymizer(b"s").person_id("telegram", "12345")

    assert first == again


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ((b"s", "telegram", "12345"), (b"s", "web", "12345")),
        ((b"s", "telegram", "12345"), (b"t", "telegram", "12345")),
        ((b"s", "telegram", "12345"), (b"s", "telegram", "12346")),
    ],
    ids=["channel", "secret", "address"],
)
async def test_pseudonym_differs_when_channel_secret_or_address_differs(
    one: tuple[bytes, str, str], other: tuple[bytes, str, str]
) -> None:
    assert Pseudonymizer(one[0]).person_id(*one[1:]) != Pseudonymizer(other[0]).person_id(*other[1:])


@pytest.mark.parametrize("address", ["12345", "987654321", "a1b2c3d4"])
async def test_pseudonym_never_contains_the_raw_address(address: str) -> None:
    person_id = Pseudonymizer(b"secret").person_id("telegram", address)

    assert address not in person_id
    assert len(person_id) == 32


# Splitting long messages


async def test_long_text_is_split_into_pieces_telegram_accepts_without_losing_anything() -> None:
    text = "".join(chr(ord("a") + i % 26) for i in range(10_000))

    pieces = split_text(text)

    assert len(pieces) == 3
    assert all(0 < len(piece) <= TELEGRAM_TEXT_LIMIT for piece in pieces)
    assert "".join(pieces) == text


@pytest.mark.parametrize("length", [1, TELEGRAM_TEXT_LIMIT - 1, TELEGRAM_TEXT_LIMIT])
async def test_text_up_to_the_limit_stays_one_piece(length: int) -> None:
    text = ("word " * length)[:length]

    assert split_text(text) == [text]


async def test_text_one_over_the_limit_becomes_two_pieces() -> None:
    text = "x" * (TELEGRAM_TEXT_LIMIT + 1)

    assert split_text(text) == ["x" * TELEGRAM_TEXT_LIMIT, "x"]


async def test_split_cuts_at_a_line_break_rather_than_mid_line() -> None:
    first_paragraph = "あ" * 3000
    text = first_paragraph + "\n" + "い" * 3000

    pieces = split_text(text)

    assert pieces[0] == first_paragraph + "\n"  # the break stays with its line
    assert pieces[1] == "い" * 3000
    assert "".join(pieces) == text
    assert all(len(piece) <= TELEGRAM_TEXT_LIMIT for piece in pieces)


async def test_split_cuts_at_a_space_rather_than_mid_word() -> None:
    words = [f"word{i:04d}" for i in range(1000)]
    text = " ".join(words)

    pieces = split_text(text)

    assert "".join(pieces) == text
    assert all(len(piece) <= TELEGRAM_TEXT_LIMIT for piece in pieces)
    for piece in pieces:
        assert all(word in words for word in piece.split())


# Keyed locks


async def test_keyed_lock_serialises_one_key_in_arrival_order_and_is_dropped_afterwards() -> None:
    locks = KeyedLocks()
    events: list[str] = []

    async def work(name: str) -> None:
        async with locks.hold("chat-1"):
            events.append(f"{name} in")
            for _ in range(3):
                await asyncio.sleep(0)
            events.append(f"{name} out")

    await asyncio.gather(*(work(f"m{i}") for i in range(5)))

    assert events == [f"m{i} {side}" for i in range(5) for side in ("in", "out")]
    assert len(locks) == 0


async def test_keyed_locks_let_different_keys_run_at_the_same_time() -> None:
    locks = KeyedLocks()
    both_inside = asyncio.Barrier(2)
    held_together: list[int] = []

    async def hold(key: str) -> None:
        async with locks.hold(key):
            await both_inside.wait()  # never passes if one key waits for the other's lock
            held_together.append(len(locks))
            await both_inside.wait()

    await asyncio.wait_for(asyncio.gather(hold("chat-a"), hold("chat-b")), timeout=2)

    assert held_together == [2, 2]
    assert len(locks) == 0


async def test_keyed_lock_is_released_and_dropped_when_the_holder_fails() -> None:
    locks = KeyedLocks()

    with pytest.raises(RuntimeError):
        async with locks.hold("chat-1"):
            raise RuntimeError("handler failed")
    async with asyncio.timeout(1), locks.hold("chat-1"):
        during = len(locks)

    assert during == 1
    assert len(locks) == 0


async def test_keyed_lock_waiter_cancelled_while_waiting_does_not_leak_its_lock() -> None:
    locks = KeyedLocks()
    release = asyncio.Event()

    async def holder() -> None:
        async with locks.hold("chat-1"):
            await release.wait()

    async def waiter() -> None:
        async with locks.hold("chat-1"):
            pass

    holding = asyncio.create_task(holder())
    await asyncio.sleep(0)
    waiting = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    release.set()
    await holding

    assert len(locks) == 0


async def test_the_socket_hub_fails_to_start_without_redis_instead_of_hanging(tmp_path: Path) -> None:
    client = Redis.from_url(f"unix://{tmp_path}/nobody-listens.sock")
    hub = SocketHub(client)
    try:
        with pytest.raises(RedisConnectionError):
            await asyncio.wait_for(hub.start(), 30)
    finally:
        await client.aclose()


async def test_cancel_and_wait_gives_up_on_a_task_that_swallows_its_cancellation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    released = asyncio.Event()

    async def stubborn() -> None:
        while not released.is_set():
            try:
                await asyncio.sleep(0.01)
            except asyncio.CancelledError:  # as a library racing wait_for may, on Python 3.11
                continue

    async def polite() -> None:
        await asyncio.sleep(60)

    stuck = asyncio.create_task(stubborn(), name="stubborn")
    assert await cancel_and_wait(asyncio.create_task(polite()), 1) is True
    assert await cancel_and_wait(stuck, 0.2) is False
    assert "stubborn did not end within 0.2 s of being cancelled" in caplog.text
    released.set()
    await stuck
