"""Finding a record from a typed reference: `kind:name`, `kind:id`, a bare id, or a name that itself holds a colon."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.orm import Session

from tandem.inventory import service
from tandem.inventory.kinds import KINDS
from tandem.platform.errors import NotFound
from tests.inventory.conftest import Org


def test_references_resolve_by_kind_id_and_names_with_colons(session: Session, org: Org) -> None:
    kind = KINDS["applications"]
    name = f"SAP: Finance {uuid.uuid4().hex[:6]}"
    app = service.create_record(session, None, kind, kind.create.model_validate({"name": name, "org_unit_id": org.it}))
    for ref in (name, f"application:{name}", f"application:{app.id}", str(app.id)):
        found_kind, found = service.resolve_ref(session, None, ref)
        assert (found_kind.entity, found.id) == ("application", app.id), ref


@pytest.mark.parametrize("ref", ["nokind:thing", "¹\x84\x9e²Üùõ¶-ä¾:ÿ\x05", ":", "application:"])
def test_an_unknown_kind_or_name_is_not_found_rather_than_a_server_error(session: Session, ref: str) -> None:
    with pytest.raises(NotFound, match="no visible inventory record matches"):
        service.resolve_ref(session, None, ref)
