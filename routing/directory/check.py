"""`check`: what an operator must fix or re-verify before the directory is trusted."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from routing.directory.model import NATIONAL, Problem, Service
from routing.directory.search import Directory

STALE_DAYS = 365


def check(directory: Directory, today: date) -> list[Problem]:
    """Problems in file order: those a lenient load kept, stale entries, duplicates, crisis lines."""
    problems = list(directory.problems)
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for service in directory.services:
        line = directory.lines.get(service.id, 1)
        if (today - service.verified).days > STALE_DAYS:
            problems.append(Problem(service.id, "verified", f"not verified since {service.verified}", line))
        for phone in {c.value for c in service.channels if c.kind == "phone"}:
            for name in set(service.names.values()):
                pairs[(name, phone)].append(service.id)
        if service.crisis and not _crisis_ready(service):
            problem = "a crisis line must be national, certain and open 24 hours on some channel"
            problems.append(Problem(service.id, "crisis", problem, line))
    for (name, phone), ids in pairs.items():
        for duplicate in ids[1:]:
            message = f"same name and phone ({name}, {phone}) as {ids[0]}"
            problems.append(Problem(duplicate, "names", message, directory.lines.get(duplicate, 1)))
    return sorted(problems, key=lambda p: p.line)


def _crisis_ready(service: Service) -> bool:
    always = any(c.hours_known and c.hours.always_open for c in service.channels)
    return NATIONAL in service.regions and not service.uncertain and always
