"""Type stub of the compiled detection core (`_core.pyx`); see engine.compiled_core()."""

from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from .findings import Detection
from .layout import Layout, Table

class Detector:
    def __init__(
        self,
        database: Any,
        tables: Sequence[tuple[int, int, int, bool, int]],
        judges: Sequence[Callable[..., Detection | None]],
        rules: Sequence[str],
        codes: Sequence[int],
        detection: type[Detection],
        members: tuple[Any, ...],
        helpers: tuple[Any, ...],
        names: ModuleType,
        cues: ModuleType,
    ) -> None: ...
    def detect(self, text: str, data: bytes, layout: Layout, min_confidence: float) -> list[Detection]: ...
    def candidates(self, text: str, data: bytes) -> list[tuple[int, int, tuple[int, ...]]]: ...
    def judge_cells(self, text: str, layout: Layout) -> list[Detection]: ...
    def find_names(self, text: str, layout: Layout) -> list[Detection]: ...
    def key_before(self, text: str, start: int) -> str | None: ...
    def value_ok(self, entity: Any, text: str, start: int, end: int) -> bool: ...

def find_layout(
    text: str, delimited: bool, layout_type: type[Layout], table_type: type[Table], header: Callable[..., Any]
) -> Layout: ...
def resolve_detections(detections: list[Detection], min_confidence: float) -> list[Detection]: ...
def card_ranges() -> list[tuple[int, int, int, tuple[int, ...]]]: ...
