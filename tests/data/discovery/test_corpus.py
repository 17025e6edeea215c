"""The development corpus through its own scorer: the accuracy goals hold (a regression fails here)."""

import importlib.util
import json
from pathlib import Path

import pytest

from tandem.data.discovery import VALIDATED_TYPES, detect

# The labelled corpus is shared development data beside the checkout (../shared), not part of the product.
CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "pii-dev"
pytestmark = pytest.mark.skipif(
    not (CORPUS / "corpus.jsonl").exists(),
    reason=f"the pii-dev corpus is not at {CORPUS} (../shared beside the checkout)",
)


def test_dev_corpus_meets_goals() -> None:
    spec = importlib.util.spec_from_file_location("pii_dev_score", CORPUS / "score.py")
    assert spec and spec.loader
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    docs = [json.loads(line) for line in (CORPUS / "corpus.jsonl").read_text().splitlines() if line.strip()]
    preds = [
        {"id": d["id"], "spans": [{"start": x.start, "end": x.end, "type": x.type.value} for x in detect(d["text"])]}
        for d in docs
    ]
    overall = scorer.score(docs, preds)
    assert overall["micro"]["overlap"]["f1"] >= 0.90
    validated = scorer.score(docs, preds, types={t.value for t in VALIDATED_TYPES} & set(overall["types"]))
    assert validated["micro"]["overlap"]["f1"] >= 0.95
    negatives = overall["hard_negatives"]
    assert negatives["luhn_invalid_16"]["flagged"] == 0 and negatives["ssn_invalid_range"]["flagged"] == 0
