"""The `tsunagari` command as an operator runs it: demo URLs, health, Ctrl-C, counselor add."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import yaml

from bot.cli import main


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSUNAGARI_")}
    env.update(TSUNAGARI_DATA_DIR=str(tmp_path / "var"), **extra)
    return env


async def test_demo_prints_working_urls_and_ctrl_c_stops_redis_too(tmp_path: Path) -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "demo",
        env=clean_env(tmp_path, TSUNAGARI_HTTP_PORT=str(port)),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    printed = ""
    try:
        async with asyncio.timeout(60):
            while "Press Ctrl-C" not in printed:
                line = await process.stdout.readline()
                assert line, f"demo exited early:\n{printed}"
                printed += line.decode()
        urls = dict(re.findall(r"^\s+(\S[^:]*):\s+(http\S+)$", printed, re.MULTILINE))
        assert set(urls) >= {"person (web chat)", "counselor (console)", "health"}
        redis_pid = int((tmp_path / "var" / "redis" / "redis.pid").read_text())
        async with aiohttp.ClientSession() as http:
            for url in urls.values():
                async with http.get(url) as response:
                    assert response.status == 200, url
            async with http.get(urls["health"]) as response:
                assert await response.json() == {"status": "ok"}
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        async with asyncio.timeout(30):
            rest = (await process.stdout.read()).decode()
            assert await process.wait() == 0
        # Stopped by the service itself, not only by the kernel's parent-death signal.
        assert "embedded redis stopped" in rest
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    for _ in range(100):  # the embedded redis-server is gone too
        if not Path(f"/proc/{redis_pid}").exists():
            break
        await asyncio.sleep(0.05)
    assert not Path(f"/proc/{redis_pid}").exists(), "a stray redis-server survived Ctrl-C"


async def test_counselor_add_registers_and_rejects_bad_input(tmp_path: Path, monkeypatch, capsys) -> None:
    for name in [k for k in os.environ if k.startswith("TSUNAGARI_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("TSUNAGARI_DATA_DIR", str(tmp_path))
    assert main(["counselor", "add", "--id", "c-sato", "--name", "佐藤", "--telegram-user-id", "4242"]) == 0
    assert main(["counselor", "add", "--id", "c-kim", "--name", "Kim", "--console", "--lang", "en"]) == 0
    saved = yaml.safe_load((tmp_path / "counselors.yaml").read_text())["counselors"]
    assert [c["id"] for c in saved] == ["c-sato", "c-kim"]
    assert saved[0]["telegram_user_id"] == 4242 and len(saved[1]["console_key"]) >= 16
    assert "console: /console?key=" + saved[1]["console_key"] in capsys.readouterr().out

    assert main(["counselor", "add", "--id", "c-sato", "--name", "Again", "--telegram-user-id", "1"]) == 2
    assert main(["counselor", "add", "--id", "Bad Id!", "--name", "X"]) == 2
    errors = capsys.readouterr().err
    assert "id 'c-sato' appears twice" in errors and "id must be lowercase" in errors
    assert len(yaml.safe_load((tmp_path / "counselors.yaml").read_text())["counselors"]) == 2


async def test_a_wrong_setting_stops_start_up_with_one_line_naming_it(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        env=clean_env(tmp_path, TSUNAGARI_HTTP_PORT="eighty"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _out, err = await process.communicate()
    assert process.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tsunagari: TSUNAGARI_HTTP_PORT:")


def test_the_service_log_has_no_line_per_intake_step_from_transitions(caplog) -> None:
    """Issue 16: transitions logged two INFO lines per step (78% of the log under load)."""
    from bot.cli import _configure_logging
    from flows.intake import IntakeFlow
    from flows.messages import Inbound

    noisy = [logging.getLogger(name) for name in ("transitions", "httpx", "httpcore", "telegram")]
    levels = [logger.level for logger in noisy]
    try:
        _configure_logging(verbose=False)
        flow = IntakeFlow.load()
        with caplog.at_level(logging.INFO):
            state = flow.start("ja").state
            for value in ("consent", "lang_ja"):
                state = flow.step(state, Inbound("option", value)).state
        assert state.state == "concern"
        assert not [record for record in caplog.records if record.name.startswith("transitions")]
    finally:
        for logger, level in zip(noisy, levels, strict=True):
            logger.setLevel(level)
