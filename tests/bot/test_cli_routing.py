"""The routing commands as an operator runs them: organizations check, counselor teams, simulate."""

from __future__ import annotations

import asyncio
import csv
import datetime
import os
import sys
from pathlib import Path

import pytest
import yaml

from bot.cli import main

DEMO = Path(__file__).parents[2] / "routing" / "data" / "organizations.demo.yaml"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in [k for k in os.environ if k.startswith("TSUNAGARI_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("TSUNAGARI_DATA_DIR", str(tmp_path))
    return tmp_path


def test_organizations_check_lists_teams_and_names_the_line_of_a_mistake(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["organizations", "check", str(DEMO)]) == 0
    out = capsys.readouterr().out
    assert "demo-npo/always\tlanguages=ja,en\tcapacity=2" in out and "ok: 2 organizations, 3 teams" in out

    broken = data_dir / "organizations.yaml"
    broken.write_text(
        DEMO.read_text(encoding="utf-8").replace("capacity: 2", "capacity: 0"), encoding="utf-8"
    )
    assert main(["organizations", "check"]) == 2
    error = capsys.readouterr().err
    line = next(n for n, text in enumerate(broken.read_text().splitlines(), 1) if "capacity: 0" in text)
    assert f"organizations.yaml:{line}:" in error and "capacity" in error


def test_counselor_add_takes_a_team_and_role_and_refuses_an_unknown_team(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (data_dir / "organizations.yaml").write_bytes(DEMO.read_bytes())
    args = ["counselor", "add", "--id", "c-ito", "--name", "伊藤", "--telegram-user-id", "77"]
    assert main([*args, "--team", "demo-npo/evening", "--role", "supervisor"]) == 0
    assert main(["counselor", "add", "--id", "c-mori", "--name", "森", "--team", "demo-npo/nights"]) == 2
    assert "team 'demo-npo/nights' is not in" in capsys.readouterr().err
    (saved,) = yaml.safe_load((data_dir / "counselors.yaml").read_text())["counselors"]
    assert saved["team"] == "demo-npo/evening" and saved["role"] == "supervisor"


async def run(*args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode, out.decode(), err.decode()


async def test_simulate_runs_people_through_the_engine_and_prints_erlang_c_staffing() -> None:
    code, out, _ = await run("simulate", "--counselors", "2", "--arrivals-per-hour", "3", "--people", "400")

    assert code == 0, out
    assert "load 1.00 erlangs (50% busy), 400 people through the engine" in out
    share = next(line for line in out.splitlines() if line.startswith("share who wait"))
    measured, predicted = (float(word.rstrip("%")) for word in share.split()[-2:])
    assert predicted == 33.3 and 0 < measured < 100  # Erlang C(2, 1) = 1/3; measured is the engine's
    staffing = out.split("staffing (Erlang C)")[1].splitlines()[2:]
    assert [line.split()[0] for line in staffing] == ["2", "3", "4"]


async def test_simulate_refuses_a_load_the_counselors_can_never_keep_up_with() -> None:
    code, _, err = await run("simulate", "--counselors", "2", "--arrivals-per-hour", "9")

    assert code == 2 and "the line grows without end below 4 counselors" in err


def test_directory_import_takes_all_rows_or_none_and_export_and_check_work(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The shipped entries were verified on 2026-11-27; from 2027-11-28 `check` rightly calls them
    # stale (tested in test_directory.py). Pinned here so the suite does not turn red on a date.
    monkeypatch.setattr("bot.cli.today_in_japan", lambda: datetime.date(2026, 11, 28))
    exported = data_dir / "export.csv"
    assert main(["directory", "export", "-o", str(exported)]) == 0
    with exported.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 48
    assert main(["directory", "check"]) == 0
    assert "ok: 48 services" in capsys.readouterr().out

    # A city desk to add, and a second row whose phone is wrong: nothing may be imported.
    desk = dict(rows[-1], id="sample_city_desk_2", name_ja="区役所相談窓口（サンプル2）",
                name_en="Ward office desk (sample 2)", channels="phone:03-0000-0002")  # fmt: skip
    broken = dict(desk, id="sample_city_desk_3", channels="phone:call-us-maybe")
    bad = data_dir / "bad.csv"
    write_rows(bad, [desk, broken])
    assert main(["directory", "import", str(bad)]) == 2
    error = capsys.readouterr().err
    assert "bad.csv:3:" in error and "channels" in error
    assert not (data_dir / "directory.yaml").exists()

    good = data_dir / "good.csv"
    write_rows(good, [desk])
    assert main(["directory", "import", str(good)]) == 0
    assert "imported 1 services (1 new, 0 updated)" in capsys.readouterr().out
    assert main(["directory", "check"]) == 0
    assert "ok: 49 services" in capsys.readouterr().out


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
