"""Sum py-spy's raw stacks (`--format raw --nolineno --full-filenames`) by package.

Only the frames of the callback or task the event loop runs count (after asyncio's Handle._run); a
sample in the loop itself is the event loop's. Each sample goes to one package: the innermost frame
in json, logging or Python's import machinery if there is one (a json.dumps called by httpx is JSON
work), else the innermost frame of a package (python-telegram-bot, httpx/httpcore/anyio, redis-py,
triage, flows, Tsunagari's bot/routing/ locales, aiohttp, another library), else asyncio's event
loop, else the rest of the standard library. Also: the top functions by self time (the innermost
frame), and the inclusive share of each package (a frame of it anywhere in the callback's stack),
and of the Bot API calls.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2]) + "/"
_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*)\)$")

# (name, path fragments), checked in order; the first three win wherever they are in the stack.
LEAF_FIRST = (
    ("json", ("/json/",)),
    ("logging", ("/logging/",)),
    ("import machinery", ("<frozen importlib", "/importlib/")),
)
PACKAGES = (
    ("python-telegram-bot", ("/telegram/",)),
    ("httpx / httpcore / anyio", ("/httpx/", "/httpcore/", "/anyio/", "/h11/", "/sniffio/")),
    ("redis-py", ("/redis/",)),
    ("triage (flows/triage, sudachipy)", (ROOT + "flows/triage/", "/sudachipy/")),
    ("flows (intake, transitions)", (ROOT + "flows/", "/transitions/")),
    (
        "Tsunagari bot / routing / locales (+ fluent)",
        (ROOT + "bot/", ROOT + "routing/", ROOT + "locales/", "/fluent/"),
    ),  # fmt: skip
    ("aiohttp (Tsunagari's HTTP server)", ("/aiohttp/", "/yarl/", "/multidict/")),
    ("other libraries", ("/site-packages/",)),
)
EVENT_LOOP = ("asyncio event loop", ("/asyncio/", "/selectors.py"))
REST = "rest of the standard library"
BOT_API_CALL = "inside a Bot API call (telegram.Bot methods: PTB, httpx, json, imports)"


def _category(path: str, table: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    for name, fragments in table:
        if any(fragment in path for fragment in fragments):
            return name
    return None


def _short(func: str, path: str) -> str:
    if "/site-packages/" in path:
        path = path.split("/site-packages/", 1)[1]
    elif path.startswith(ROOT):
        path = path[len(ROOT) :]
    elif "/lib/python3" in path:
        path = "stdlib/" + path.split("/lib/python3", 1)[1].split("/", 1)[-1]
    return f"{func} ({path})"


def parse(path: Path) -> list[tuple[list[tuple[str, str]], int]]:
    """(frames root first as (function, file), count) of each line of a raw py-spy file."""
    stacks = []
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = []
        for frame in stack.split(";"):
            match = _FRAME.match(frame)
            frames.append((match["func"], match["file"]) if match else (frame, ""))
        stacks.append((frames, int(count)))
    return stacks


def in_callback(frames: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The frames of the callback or task the event loop is running (after its Handle._run): the
    frames above it (the CLI, asyncio.run, the loop) are in every sample and say nothing. Empty
    when the loop itself was running (selecting, scheduling)."""
    for index, (func, file) in enumerate(frames):
        if func == "Handle._run" and file.endswith("asyncio/events.py"):
            return frames[index + 1 :]
    return frames


def attribute(frames: list[tuple[str, str]]) -> str:
    if not frames:
        return EVENT_LOOP[0]
    leaf_first = order = None
    for _, file in reversed(frames):
        leaf_first = leaf_first or _category(file, LEAF_FIRST)
        order = order or _category(file, PACKAGES)
    if leaf_first or order:
        return leaf_first or order
    if any(_category(file, (EVENT_LOOP,)) for _, file in frames):
        return EVENT_LOOP[0]
    return REST


def summarize(path: Path, top: int = 10) -> dict:
    stacks = parse(path)
    total = sum(count for _, count in stacks)
    if not total:
        return {"samples": 0, "by_package": {}, "top_functions": [], "inclusive": {}, "raw": str(path)}
    by_package: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for stack, count in stacks:
        frames = in_callback(stack)
        by_package[attribute(frames)] += count
        if stack:
            functions[_short(*stack[-1])] += count
        seen = {_category(file, LEAF_FIRST + PACKAGES + (EVENT_LOOP,)) for _, file in frames}
        if any(file.endswith("/telegram/_bot.py") for _, file in frames):
            seen.add(BOT_API_CALL)
        for name in seen - {None}:
            inclusive[name] += count
    return {
        "samples": total,
        "by_package": {name: n / total for name, n in by_package.most_common()},
        "top_functions": [(name, n / total) for name, n in functions.most_common(top)],
        "inclusive": {name: n / total for name, n in inclusive.most_common()},
        "raw": str(path.relative_to(ROOT.rstrip("/"))) if str(path).startswith(ROOT) else str(path),
    }
