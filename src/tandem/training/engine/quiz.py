"""Grade a multiple-choice quiz: a question scores only when exactly the correct choices are picked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Graded:
    """A graded attempt: the score in percent, whether it passed, and which questions were right."""

    score: float
    passed: bool
    right: list[bool]


def grade(correct: Sequence[Sequence[int]], answers: Mapping[int, Sequence[int]], pass_mark: int) -> Graded:
    """Grade answers (question index → chosen indexes) against each question's correct indexes."""
    right = [set(answers.get(n, ())) == set(want) for n, want in enumerate(correct)]
    score = round(100.0 * sum(right) / len(right), 1) if right else 0.0
    return Graded(score, score >= pass_mark, right)
