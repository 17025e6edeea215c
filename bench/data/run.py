"""Discovery benchmark: accuracy (the pii-dev scorer) and single-core throughput, ours beside Presidio and datafog.

Each engine runs in this process on the same corpus; throughput is CPU time of the detection loop only
(engine load excluded), in MB (10^6 bytes of UTF-8) per second per core. Tandem and datafog are timed in
alternating passes (best of TANDEM_BENCH_REPEAT each, default 3), so that a busy neighbour slows both alike;
Presidio, ~100x slower, is timed once on a prefix of the corpus. Tandem runs its compiled core when it is built;
its pure-Python reference path is timed beside it (same detections, checked by tests/data/discovery).
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
from tandem.data.discovery import layout as layouts
from tandem.data.discovery.engine import compiled_core, detect_with_layout_pure

CORPUS_DIR = Path(
    os.environ.get("TANDEM_PII_DEV", str(Path(__file__).resolve().parents[2].parent / "shared" / "data" / "pii-dev"))
)
# Presidio is ~100x slower; score it on a prefix of the corpus unless asked for all of it.
PRESIDIO_DOCS = int(os.environ.get("TANDEM_BENCH_PRESIDIO_DOCS", "150"))
# Timed passes per engine, best kept: on a busy shared machine one pass mostly measures the neighbours.
REPEAT = int(os.environ.get("TANDEM_BENCH_REPEAT", "3"))


def load_scorer() -> ModuleType:
    """Import the corpus's own scorer from its file."""
    spec = importlib.util.spec_from_file_location("pii_dev_score", CORPUS_DIR / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ours(text: str) -> list[dict[str, object]]:
    """Run Tandem's engine and return scorer-shaped spans (the type is a `str` enum: no conversion needed)."""
    return [{"start": s, "end": e, "type": t, "score": c} for t, s, e, c, _ in detect(text)]


def ours_pure(text: str) -> list[dict[str, object]]:
    """Run Tandem's pure-Python reference path (what runs when the compiled core is not built)."""
    detections = detect_with_layout_pure(text, layouts.find_layout(text))
    return [{"start": s, "end": e, "type": t, "score": c} for t, s, e, c, _ in detections]


def run_engines(engines: dict[str, Engine], docs: list[dict], repeat: int) -> dict[str, tuple[list[dict], float]]:
    """Return predictions and MB/s of CPU time per engine over `docs`: best of `repeat` alternating passes."""
    best = dict.fromkeys(engines, float("inf"))
    preds: dict[str, list[dict]] = {}
    for _ in range(max(1, repeat)):
        for name, engine in engines.items():
            started = time.process_time()
            preds[name] = [{"id": d["id"], "spans": engine(d["text"])} for d in docs]
            best[name] = min(best[name], max(time.process_time() - started, 1e-9))
    size = sum(len(d["text"].encode()) for d in docs) / 1e6
    return {name: (preds[name], size / best[name]) for name in engines}


def report(name: str, scorer: ModuleType, docs: list[dict], preds: list[dict], mbps: float) -> dict:
    """Print micro and per-type overlap F1 and hard-negative hits; return the scorer's result."""
    result = scorer.score(docs, preds)
    micro = result["micro"]
    validated = {t.value for t in VALIDATED_TYPES}
    strict = scorer.score(docs, preds, types=validated & set(result["types"]))
    cost = f"{mbps:.3f} MB/s per core (CPU time), {1000 / mbps:.0f} ms CPU per MB"
    print(f"\n--- {name}: {len(docs)} documents, {cost}")
    print(f"micro overlap F1 {micro['overlap']['f1']:.3f}  exact F1 {micro['exact']['f1']:.3f}  "
          f"validated types overlap F1 {strict['micro']['overlap']['f1']:.3f}")  # fmt: skip
    for entity, scores in result["per_type"].items():
        print(f"  {entity:24s} F1 overlap {scores['overlap']['f1']:.3f}  exact {scores['exact']['f1']:.3f}")
    flagged = ", ".join(f"{k} {v['flagged']}/{v['total']}" for k, v in result["hard_negatives"].items())
    print(f"  hard negatives flagged: {flagged}")
    return result


def build_baseline(name: str, build: Callable[[], Engine]) -> Engine | None:
    """Build one comparison engine, or say why it could not be built."""
    try:
        return build()
    except Exception as exc:  # any import or setup failure means "not available"
        print(f"\n--- {name}: NOT AVAILABLE ({type(exc).__name__}: {exc})")
        return None


def main() -> None:
    """Score and time Tandem's engine and the baselines on the development corpus."""
    scorer = load_scorer()
    docs = [json.loads(line) for line in (CORPUS_DIR / "corpus.jsonl").read_text().splitlines() if line.strip()]
    ours(docs[0]["text"])  # compile the Hyperscan database outside the timed loop
    engines: dict[str, Engine] = {"tandem": ours}
    if compiled_core() is not None:
        engines["tandem pure-Python path"] = ours_pure
    path = "compiled core (_core.pyx)" if compiled_core() is not None else "pure Python (compiled core not built)"
    print(f"tandem engine: {path}")
    for name, backend in (("datafog rust", "rust"), ("datafog python", "python")):
        engine = build_baseline(name, lambda backend=backend: datafog_engine(backend))
        if engine is not None:
            engines[name] = engine
    results = run_engines(engines, docs, REPEAT)
    for name, (preds, mbps) in results.items():
        report(name, scorer, docs, preds, mbps)
    presidio = build_baseline("presidio no-op NLP @0.3", presidio_engine)
    if presidio is not None:
        prefix = docs[:PRESIDIO_DOCS]
        preds, mbps = run_engines({"presidio": presidio}, prefix, 1)["presidio"]
        report("presidio no-op NLP @0.3", scorer, prefix, preds, mbps)
    if "datafog rust" in results:
        ratio = results["tandem"][1] / results["datafog rust"][1]
        print(f"\nthroughput ratio tandem / datafog-rust (same run): {ratio:.2f}x (goal >= 1.5x)")


if __name__ == "__main__":
    main()
