"""Train the learned layer (flows/triage/learned.json.gz) from the labelled sets. A developer's tool.

Run: `.venv/bin/pip install -e '.[train]'` once, then `.venv/bin/python -m flows.triage.train`.
It reads every tests/flows/triage/*.jsonl except the held-out sets below, chooses the thresholds by
leave-one-set-out cross-validation (each set is predicted by models trained on all the others, so
the figures are those of wording the model has not seen), trains on everything and writes the
model with the figures and the sha256 of each file it read. Deterministic: the same files give
the same model. tests/flows/triage/test_learned.py fails when a set changed since training.

Held out, never trained on, so that their figures stay honest: fresh_eval.jsonl (the set issue 10
names) and the newest blind sets. A new blind set joins HELD_OUT when it is added; once its figures
are reported it may move to training.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import sys
from array import array
from pathlib import Path

from flows.triage.learned import MODEL_FILE, analyzer
from flows.triage.model import CATEGORIES, risk_rank

ROOT = Path(__file__).resolve().parents[2]
SETS = ROOT / "tests" / "flows" / "triage"
HELD_OUT = frozenset({"fresh_eval.jsonl", "blind_eval_7.jsonl", "blind_eval_8.jsonl", "blind_eval_9.jsonl"})
C = 4.0  # inverse regularization: chosen by cross-validation among 1, 4 and 16
MAX_RAISED = 0.05  # the share of low/moderate messages the model alone may raise, out of fold (issue 10)
MAX_FALSE_IMMINENT = 0.01  # the share of non-imminent messages it may call imminent, out of fold
CATEGORY_FLOOR = 0.2  # below this probability the model names no category
MIN_EXAMPLES = 12  # a category with fewer labelled messages gets no model
GRID = [round(0.40 + 0.01 * step, 2) for step in range(56)]  # 0.40 .. 0.95


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (SETS / name).read_text("utf-8").splitlines() if line.strip()]


def _vectorize(texts: list[str]):  # -> (vectorizer, matrix): the features read once per training set
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=analyzer, min_df=2, sublinear_tf=True)
    return vectorizer, vectorizer.fit_transform(texts)


def _fit(matrix, labels: list[bool]):  # -> a LogisticRegression
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(matrix, labels)


def _is_high(row: dict) -> bool:
    return risk_rank(row["band"]) >= risk_rank("high")


def _out_of_fold(sets: dict[str, list[dict]]) -> list[tuple[dict, float, float]]:
    """Each set's messages scored by models trained on all the other sets."""
    scored = []
    for name, rows in sets.items():
        others = [row for other, other_rows in sets.items() if other != name for row in other_rows]
        vectorizer, matrix = _vectorize([row["text"] for row in others])
        held = vectorizer.transform([row["text"] for row in rows])
        p_high = _fit(matrix, [_is_high(row) for row in others]).predict_proba(held)[:, 1]
        p_imminent = _fit(matrix, [row["band"] == "imminent" for row in others]).predict_proba(held)[:, 1]
        scored += list(zip(rows, p_high.tolist(), p_imminent.tolist(), strict=True))
        print(f"  scored {name} out of fold", file=sys.stderr)
    return scored


def _thresholds(scored: list[tuple[dict, float, float]]) -> tuple[dict[str, float], dict[str, float]]:
    """The lowest thresholds that keep false alarms out of fold within the limits above."""
    lower = [(row, p) for row, p, _ in scored if not _is_high(row)]
    high = next((t for t in GRID if sum(p >= t for _, p in lower) / len(lower) <= MAX_RAISED), GRID[-1])
    not_imminent = [(row, ph, pi) for row, ph, pi in scored if row["band"] != "imminent"]
    raised = [pi for _, ph, pi in not_imminent if ph >= high]  # what could be called imminent
    budget = MAX_FALSE_IMMINENT * len(not_imminent)
    imminent = next((t for t in GRID if sum(pi >= t for pi in raised) <= budget), GRID[-1])
    highs = [p for row, p, _ in scored if _is_high(row)]
    imminents = [(ph, pi) for row, ph, pi in scored if row["band"] == "imminent"]
    figures = {
        "high_recall": sum(p >= high for p in highs) / len(highs),
        "raised": sum(p >= high for _, p in lower) / len(lower),
        "imminent_recall": sum(ph >= high and pi >= imminent for ph, pi in imminents) / len(imminents),
        "messages": len(scored),
    }
    return {"high": high, "imminent": imminent, "category": CATEGORY_FLOOR}, figures


def _weights(model) -> dict:
    """A classifier's weights in the vocabulary's column order: little-endian float32, base64."""
    weights = array("f", model.coef_[0].tolist())
    if sys.byteorder != "little":
        weights.byteswap()
    encoded = base64.b64encode(weights.tobytes()).decode()
    return {"weights": encoded, "intercept": round(float(model.intercept_[0]), 5)}


def train() -> dict:
    """Cross-validate, then train on every set but the held-out ones; the model document."""
    names = sorted(path.name for path in SETS.glob("*.jsonl") if path.name not in HELD_OUT)
    sets = {name: _rows(name) for name in names}
    thresholds, figures = _thresholds(_out_of_fold(sets))
    rows = [row for name in names for row in sets[name]]
    vectorizer, matrix = _vectorize([row["text"] for row in rows])
    grams = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)  # in column order
    high = _fit(matrix, [_is_high(row) for row in rows])
    imminent = _fit(matrix, [row["band"] == "imminent" for row in rows])
    categories = {}
    for category in CATEGORIES:
        labels = [category in row["cats"] for row in rows]
        if sum(labels) >= MIN_EXAMPLES:
            categories[category] = _weights(_fit(matrix, labels))
    return {
        "features": grams,
        "idf": [round(float(value), 5) for value in vectorizer.idf_],
        "models": {"high": _weights(high), "imminent": _weights(imminent)},
        "categories": categories,
        "thresholds": thresholds,
        "cross_validation": {key: round(value, 4) for key, value in figures.items()},
        "trained_on": {name: hashlib.sha256((SETS / name).read_bytes()).hexdigest() for name in names},
    }


def main() -> None:
    document = train()
    target = Path(__file__).with_name(MODEL_FILE)
    payload = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    target.write_bytes(gzip.compress(payload, mtime=0))
    print(f"wrote {target.relative_to(ROOT)}: {len(document['features'])} features; "
          f"thresholds {document['thresholds']}; out of fold {document['cross_validation']}")  # fmt: skip


if __name__ == "__main__":
    main()
