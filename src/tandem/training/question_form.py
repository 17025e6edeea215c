"""Quiz questions as HTML form slots: question n is the fields q{n}_prompt, q{n}_choice (repeated, one per choice),
q{n}_correct (the ticked choice numbers) and q{n}_remove. Empty choices are dropped; a slot left blank is ignored."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from tandem.platform.errors import FieldError
from tandem.platform.web.forms import text, texts
from tandem.training.schemas import QuestionIn

MAX_CHOICES = 8
MAX_SLOTS = 100
FRIENDLY = {
    "prompt": "write the question",
    "choices": "give at least two choices (at most 8)",
    "correct": "tick at least one correct answer",
}


@dataclass
class Slot:
    """What one question slot of the form shows: its text, choice inputs and ticked answers."""

    prompt: str = ""
    choices: list[str] = field(default_factory=list)
    correct: set[int] = field(default_factory=set)
    remove: bool = False

    def inputs(self) -> list[str]:
        """Return the choice inputs to draw: the choices and two blanks (at least four, at most eight)."""
        wanted = min(MAX_CHOICES, max(4, len(self.choices) + 2))
        return (self.choices + [""] * wanted)[:wanted]


def slots_of(questions: list[Any]) -> list[Slot]:
    """Return the slots of stored questions, and one blank slot for a new question."""
    return [Slot(q.prompt, list(q.choices), set(q.correct)) for q in questions] + [Slot()]


def read_slots(form: FormData) -> list[Slot]:
    """Return the slots as submitted (to parse, or to show again next to their errors)."""
    count = text(form, "slots", 10)
    out = []
    for n in range(min(int(count) if count.isdigit() else 0, MAX_SLOTS)):
        ticked = {int(v) for v in texts(form, f"q{n}_correct") if v.isdigit()}
        out.append(Slot(text(form, f"q{n}_prompt", 2000), [c[:500] for c in texts(form, f"q{n}_choice")][:MAX_CHOICES],
                        ticked, bool(text(form, f"q{n}_remove"))))  # fmt: skip
    return out


def _one(n: int, slot: Slot) -> tuple[QuestionIn | None, list[FieldError]]:
    kept = [(i, c.strip()) for i, c in enumerate(slot.choices) if c.strip()]
    errors = []
    if any(i >= len(slot.choices) or not slot.choices[i].strip() for i in slot.correct):
        errors.append(FieldError(f"q{n}", "an answer ticked as correct has no text"))
    data = {"prompt": slot.prompt, "choices": [c for _, c in kept],
            "correct": [k for k, (i, _) in enumerate(kept) if i in slot.correct]}  # fmt: skip
    try:
        question = QuestionIn.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else ""
            errors.append(FieldError(f"q{n}", FRIENDLY.get(key, err["msg"])))
        return None, errors
    return (None if errors else question), errors


def parse_slots(slots: list[Slot]) -> tuple[list[QuestionIn], list[int], list[FieldError]]:
    """Return the questions kept, the slot each came from, and located errors (field q{n})."""
    questions, origin, errors = [], [], []
    for n, slot in enumerate(slots):
        if slot.remove or (not slot.prompt.strip() and not any(c.strip() for c in slot.choices)):
            continue
        question, problems = _one(n, slot)
        errors += problems
        if question is not None:
            questions.append(question)
            origin.append(n)
    return questions, origin, errors


def relocate(errors: list[FieldError], origin: list[int]) -> dict[str, str]:
    """Turn the service's errors (body.questions.k.x) into form errors keyed by slot (q{n}) or field."""
    out: dict[str, str] = {}
    for err in errors:
        parts = err.location.split(".")
        if parts[:2] == ["body", "questions"] and len(parts) > 2 and parts[2].isdigit() and int(parts[2]) < len(origin):
            key = f"q{origin[int(parts[2])]}"
        elif parts[:2] == ["body", "questions"]:
            key = "_form"
        else:
            key = parts[1] if parts[0] == "body" and len(parts) > 1 else (parts[0] or "_form")
        out[key] = f"{out[key]}; {err.reason}" if key in out else err.reason
    return out
