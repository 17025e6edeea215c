"""Discovery benchmark: accuracy (the pii-dev scorer) and single-core throughput, ours beside Presidio and datafog.

Each engine runs in this process on the same corpus; throughput is CPU time of the detection loop only
(engine load excluded), in MB (10^6 bytes of UTF-8) per second per core.
"""

from __future__ import annotations

import importlib.util
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from bench.data.baselines import Engine, datafog_engine, presidio_engine
from tandem.data.discovery import VALIDATED_TYPES, detect

CORPUS_DIR = Path(
    os.environ.get("TANDEM_PII_DEV", str(Path(__file__).resolve().parents[2].parent / "shared" / "data" / "pii-dev"))
)
# Presidio is ~100x slower; score it on a prefix of the corpus unless asked for all of it.
PRESIDIO_DOCS = int(os.environ.get("TANDEM_BENCH_PRESIDIO_DOCS", "150"))
# Timed passes per engine, best kept: on a busy shared machine one pass mostly measures the neighbours.
REPEAT = int(os.environ.get("TANDEM_BENCH_REPEAT", "1"))


def load_scorer() -> ModuleType:
    """Import the corpus's own scorer from its file."""
    spec = importlib.util.spec_from_file_location("pii_dev_score", CORPUS_DIR / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ours(text: str) -> list[dict[str, object]]:
    """Run Tandem's engine and return scorer-shaped spans."""
    return [{"start": d.start, "end": d.end, "type": d.type.value, "score": d.confidence} for d in detect(text)]


def run_engine(engine: Engine, docs: list[dict]) -> tuple[list[dict], float]:
    """Return predictions and MB/s of CPU time for `engine` over `docs` (best of REPEAT passes)."""
    best = float("inf")
    preds: list[dict] = []
    for _ in range(max(1, REPEAT)):
        started = time.process_time()
        preds = [{"id": d["id"], "spans": engine(d["text"])} for d in docs]
        best = min(best, max(time.process_time() - started, 1e-9))
    size = sum(len(d["text"].encode()) for d in docs) / 1e6
    return preds, size / best


def report(name: str, scorer: ModuleType, docs: list[dict], preds: list[dict], mbps: float) -> dict:
    """Print micro and per-type overlap F1 and hard-negative hits; return the scorer's result."""
    result = scorer.score(docs, preds)
    micro = result["micro"]
    validated = {t.value for t in VALIDATED_TYPES}
    strict = scorer.score(docs, preds, types=validated & set(result["types"]))
    print(f"\n--- {name}: {len(docs)} documents, {mbps:.3f} MB/s per core (CPU time)")
    print(f"micro overlap F1 {micro['overlap']['f1']:.3f}  exact F1 {micro['exact']['f1']:.3f}  "
          f"validated types overlap F1 {strict['micro']['overlap']['f1']:.3f}")  # fmt: skip
    for entity, scores in result["per_type"].items():
        print(f"  {entity:24s} F1 overlap {scores['overlap']['f1']:.3f}  exact {scores['exact']['f1']:.3f}")
    flagged = ", ".join(f"{k} {v['flagged']}/{v['total']}" for k, v in result["hard_negatives"].items())
    print(f"  hard negatives flagged: {flagged}")
    return result


def try_baseline(name: str, build: Callable[[], Engine], scorer: ModuleType, docs: list[dict]) -> float | None:
    """Run one comparison engine, or say why it could not run."""
    try:
        engine = build()
    except Exception as exc:  # any import or setup failure means "not available"
        print(f"\n--- {name}: NOT AVAILABLE ({type(exc).__name__}: {exc})")
        return None
    preds, mbps = run_engine(engine, docs)
    report(name, scorer, docs, preds, mbps)
    return mbps


def main() -> None:
    """Score and time Tandem's engine and the baselines on the development corpus."""
    scorer = load_scorer()
    docs = [json.loads(line) for line in (CORPUS_DIR / "corpus.jsonl").read_text().splitlines() if line.strip()]
    ours(docs[0]["text"])  # compile the Hyperscan database outside the timed loop
    preds, our_mbps = run_engine(ours, docs)
    report("tandem", scorer, docs, preds, our_mbps)
    rust = try_baseline("datafog rust", lambda: datafog_engine("rust"), scorer, docs)
    try_baseline("datafog python", lambda: datafog_engine("python"), scorer, docs)
    try_baseline("presidio no-op NLP @0.3", presidio_engine, scorer, docs[:PRESIDIO_DOCS])
    if rust:
        print(f"\nthroughput ratio tandem / datafog-rust: {our_mbps / rust:.2f}x (goal >= 1.5x)")


if __name__ == "__main__":
    main()
