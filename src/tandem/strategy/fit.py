"""TIME fit assessments: how well each application serves the business and how sound it is technically (1–5).

The two scores place an application on the TIME grid; the quadrant they fall in suggests a disposition
(tolerate, invest, migrate, eliminate), and a recorded disposition that disagrees with its scores is flagged so the
portfolio review looks at it again."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import FieldError, InvalidInput
from tandem.strategy import actions
from tandem.strategy import repository as repo
from tandem.strategy.common import check
from tandem.strategy.models import FitAssessment

LOW, HIGH = 1.0, 5.0
# A score at or above the midpoint counts as a high fit.
MIDPOINT = 3.0


@dataclass(frozen=True)
class FitInput:
    """A person's assessment of one application."""

    business_fit: float
    technical_fit: float
    rationale: str = ""


def suggested_disposition(business_fit: float, technical_fit: float) -> str:
    """Return the TIME quadrant of the two scores (Gartner's tolerate / invest / migrate / eliminate)."""
    business, technical = business_fit >= MIDPOINT, technical_fit >= MIDPOINT
    if business:
        return "invest" if technical else "migrate"
    return "tolerate" if technical else "eliminate"


def _errors(data: FitInput, where: str) -> list[FieldError]:
    errors = []
    for name in ("business_fit", "technical_fit"):
        value = getattr(data, name)
        if not LOW <= value <= HIGH or (value * 2) != int(value * 2):
            errors.append(FieldError(f"{where}.{name}", f"must be between {LOW:g} and {HIGH:g} in steps of 0.5"))
    if len(data.rationale) > 5000:
        errors.append(FieldError(f"{where}.rationale", "must be at most 5,000 characters"))
    return errors


def set_fit(
    session: Session, principal: Principal | None, application_id: uuid.UUID, data: FitInput, where: str = "body"
) -> FitAssessment:
    """Record (or replace) an application's fit scores; the user must be able to edit strategy in its unit."""
    app = inventory.get_record(session, principal, inventory.kind_of("application"), application_id)
    check(session, principal, actions.EDIT.name, app)
    errors = _errors(data, where)
    if errors:
        raise InvalidInput(errors)
    row = repo.fits_for(session, [app.id]).get(app.id)
    if row is None:
        row = FitAssessment(application_id=app.id)
        session.add(row)
    row.business_fit, row.technical_fit = data.business_fit, data.technical_fit
    row.rationale = data.rationale
    row.assessed_by = principal.username if principal is not None else "system"
    row.assessed_on = dt.date.today()
    session.flush()
    return row
