"""Comparison engines for the discovery benchmark: Presidio without a model, datafog (Python and Rust)."""

from __future__ import annotations

from collections.abc import Callable

Spans = list[dict[str, object]]
Engine = Callable[[str], Spans]

PRESIDIO_TYPES = {"EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "IBAN_CODE": "IBAN", "DATE_TIME": "DATE_OF_BIRTH"}
DATAFOG_TYPES = {"SSN": "US_SSN", "DATE": "DATE_OF_BIRTH", "DOB": "DATE_OF_BIRTH", "IP": "IP_ADDRESS"}


def presidio_engine() -> Engine:
    """Build Presidio with the no-op NLP engine and an offline suffix list (design note recipe A)."""
    import tldextract

    offline = tldextract.TLDExtract(suffix_list_urls=())
    tldextract.extract = offline  # no Public Suffix List download
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    nlp = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "no_op"}])
    nlp.load()
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp)
    analyzer = AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["en"])

    def run(text: str) -> Spans:
        results = analyzer.analyze(text=text, language="en", score_threshold=0.3)
        return [{"start": r.start, "end": r.end, "type": PRESIDIO_TYPES.get(r.entity_type, r.entity_type),
                 "score": r.score} for r in results]  # fmt: skip

    return run


def datafog_engine(backend: str) -> Engine:
    """Build datafog's regex engine on the given back-end (`python` or `rust`)."""
    import datafog

    datafog.scan("warm up 1.2.3.4", engine="regex", backend=backend)

    def run(text: str) -> Spans:
        result = datafog.scan(text, engine="regex", backend=backend)
        return [{"start": e.start, "end": e.end, "type": DATAFOG_TYPES.get(e.type, e.type)} for e in result.entities]

    return run
