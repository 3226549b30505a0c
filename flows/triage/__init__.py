"""Explainable multilingual crisis triage: lexicon rules over normalized text, no I/O per call.

Usage: `Triage.load().assess("今夜、薬を全部飲んで死ぬ")` returns a TriageResult with risk "imminent".
"""

from flows.triage.engine import Triage
from flows.triage.jsonl import run_jsonl
from flows.triage.model import (
    CATEGORIES,
    NOTHING,
    RISK_LEVELS,
    Reason,
    TriageError,
    TriageResult,
    risk_rank,
)

__all__ = [
    "CATEGORIES", "NOTHING", "RISK_LEVELS", "Reason", "Triage", "TriageError", "TriageResult",
    "risk_rank", "run_jsonl",
]  # fmt: skip
