"""The directory of services: where a consultation leads (issue 5).

Owns the listed services (routing/data/directory.yaml), the search that picks the right ones for a
person's concern, prefecture, language and time, the cards channels render, the operator's check,
and CSV/YAML import and export. Pure: files in, objects out; no Redis, no Telegram.

    model.py     Service, Channel, DirectoryError, Problem
    schedule.py  the hours mini-language (parse_hours, format_hours) and hours_text for cards
    entries.py   one entry from YAML fields or a CSV row, noting every problem with its line
    files.py     read_file, write_yaml, write_csv (the CSV header is documented there)
    search.py    Directory: load, get, search, crisis_lines, card
    cards.py     Card and card()
    check.py     check()
"""

from routing.directory.cards import Card, card
from routing.directory.check import check
from routing.directory.files import CSV_HEADER, read_file, write_csv, write_yaml
from routing.directory.model import Channel, DirectoryError, Problem, Service
from routing.directory.schedule import format_hours, hours_text, parse_hours
from routing.directory.search import Directory

__all__ = [
    "CSV_HEADER", "Card", "Channel", "Directory", "DirectoryError", "Problem", "Service", "card", "check",
    "format_hours", "hours_text", "parse_hours", "read_file", "write_csv", "write_yaml",
]  # fmt: skip
