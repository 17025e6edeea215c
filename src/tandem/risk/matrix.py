"""The likelihood × impact matrix of a unit (inherited down the unit tree), appetite and the heat map."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import FieldError, InvalidInput, NotFound
from tandem.risk import actions
from tandem.risk import repository as repo
from tandem.risk.common import InUnit
from tandem.risk.models import Matrix, Scenario
from tandem.risk.schemas import MatrixRead, MatrixUpdate
from tandem.risk.vocab import default_matrix

KEYS = ("likelihood_labels", "impact_labels", "levels", "cells", "appetite_level", "tolerance")


def matrix_data(session: Session, unit_id: uuid.UUID) -> dict[str, Any]:
    """Return the matrix in force for a unit as plain data (the default 5×5 when none is defined)."""
    found = repo.matrix_for(session, unit_id)
    data = default_matrix() if found is None else {k: getattr(found, k) for k in KEYS}
    data["inherited_from"] = None if found is None or found.org_unit_id == unit_id else found.org_unit_id
    data["org_unit_id"] = unit_id
    return data


def level_of(matrix: dict[str, Any], likelihood: int | None, impact: int | None) -> str | None:
    """Return the level key of a cell (None when unrated or outside the matrix)."""
    if likelihood is None or impact is None:
        return None
    cells = matrix["cells"]
    if not 1 <= likelihood <= len(cells) or not 1 <= impact <= len(cells[likelihood - 1]):
        return None
    return str(cells[likelihood - 1][impact - 1])


def level_rank(matrix: dict[str, Any], key: str | None) -> int:
    """Return the position of a level (higher = worse; -1 when unknown)."""
    keys = [lv["key"] for lv in matrix["levels"]]
    return keys.index(key) if key in keys else -1


def above_appetite(matrix: dict[str, Any], level: str | None) -> bool:
    """Tell whether a level exceeds the unit's qualitative risk appetite."""
    return level is not None and level_rank(matrix, level) > level_rank(matrix, matrix["appetite_level"])


def get_matrix(session: Session, principal: Principal | None, unit_id: uuid.UUID) -> MatrixRead:
    """Return the matrix in force for a unit."""
    if principal is not None:
        _require(session, principal, actions.VIEW.name, unit_id)
    return MatrixRead.model_validate(matrix_data(session, unit_id))


def _require(session: Session, principal: Principal, action: str, unit_id: uuid.UUID) -> None:
    try:
        require(session, principal, action, InUnit(unit_id))
    except NotFound:
        raise NotFound("org unit not found") from None


def _errors(data: dict[str, Any]) -> list[FieldError]:
    rows, cols = len(data["likelihood_labels"]), len(data["impact_labels"])
    keys = [lv["key"] for lv in data["levels"]]
    errors = []
    if len(set(keys)) != len(keys):
        errors.append(FieldError("body.levels", "level keys must be unique"))
    cells = data["cells"]
    if len(cells) != rows or any(len(r) != cols for r in cells):
        errors.append(FieldError("body.cells", f"must be {rows} rows (likelihood) of {cols} cells (impact)"))
    for i, row in enumerate(cells):
        errors += [FieldError(f"body.cells.{i}.{j}", "not a level key") for j, c in enumerate(row) if c not in keys]
    if data["appetite_level"] not in keys:
        errors.append(FieldError("body.appetite_level", f"must be one of {', '.join(keys)}"))
    curve = data["tolerance"]
    for n in range(1, len(curve)):
        if curve[n][0] <= curve[n - 1][0] or curve[n][1] > curve[n - 1][1]:
            errors.append(FieldError(f"body.tolerance.{n}", "losses must rise and probabilities must not rise"))
    return errors


def update_matrix(session: Session, principal: Principal | None, unit_id: uuid.UUID, data: MatrixUpdate) -> MatrixRead:
    """Define or change a unit's matrix, appetite and tolerance (starting from the one it inherits)."""
    if principal is not None:
        _require(session, principal, actions.EDIT.name, unit_id)
    current = matrix_data(session, unit_id)
    patch = data.model_dump(exclude_unset=True, exclude_none=True)
    if "tolerance" in patch:
        patch["tolerance"] = [[float(x), float(p)] for x, p in patch["tolerance"]]
    merged = {k: patch.get(k, current[k]) for k in KEYS}
    errors = _errors(merged)
    if errors:
        raise InvalidInput(errors)
    own = repo.own_matrix(session, unit_id)
    if own is None:
        own = repo.RiskRepository(session, Matrix).add(Matrix(org_unit_id=unit_id, **merged))
    else:
        for key in KEYS:
            setattr(own, key, merged[key])
        session.flush()
    return get_matrix(session, None, unit_id)


def heatmap(matrix: dict[str, Any], scenarios: list[Scenario]) -> dict[str, Any]:
    """Return counts per cell and a Plotly heat map (cells coloured by level, annotated with counts)."""
    rows, cols = len(matrix["likelihood_labels"]), len(matrix["impact_labels"])
    counts = [[0] * cols for _ in range(rows)]
    for s in scenarios:
        if s.likelihood and s.impact and s.likelihood <= rows and s.impact <= cols:
            counts[s.likelihood - 1][s.impact - 1] += 1
    levels = matrix["levels"]
    index = {lv["key"]: n for n, lv in enumerate(levels)}
    z = [[index.get(matrix["cells"][r][c], 0) for c in range(cols)] for r in range(rows)]
    span = max(len(levels) - 1, 1)
    scale = (
        [[n / span, lv["colour"]] for n, lv in enumerate(levels)]
        if len(levels) > 1
        else [[0, levels[0]["colour"]], [1, levels[0]["colour"]]]
    )
    labels = {lv["key"]: lv["label"] for lv in levels}
    text = [[f"{labels.get(matrix['cells'][r][c], '')}: {counts[r][c]}" for c in range(cols)] for r in range(rows)]
    chart = {
        "data": [
            {
                "type": "heatmap",
                "z": z,
                "x": matrix["impact_labels"],
                "y": matrix["likelihood_labels"],
                "text": text,
                "hoverinfo": "text",
                "colorscale": scale,
                "zmin": 0,
                "zmax": span,
                "showscale": False,
            }
        ],
        "layout": {
            "annotations": [
                {
                    "x": matrix["impact_labels"][c],
                    "y": matrix["likelihood_labels"][r],
                    "text": str(counts[r][c]),
                    "showarrow": False,
                    "font": {"size": 16},
                }
                for r in range(rows)
                for c in range(cols)
                if counts[r][c]
            ],
            "xaxis": {"title": {"text": "Impact"}},
            "yaxis": {"title": {"text": "Likelihood"}},
            "margin": {"t": 20, "l": 110, "b": 60, "r": 10},
            "height": 420,
        },
    }
    return {"counts": counts, "chart": chart}
