"""SQL of board packs: visible packs newest first, a quarter's versions, the last published pack before a quarter."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import ListSpec
from tandem.platform.db.repository import Repository
from tandem.reporting.board.models import BoardPack

VIEW = "reporting.view"
LIST_SPEC = ListSpec(
    sort_fields=("created_at", "quarter", "version", "generated_at", "published_at"),
    default_sort="-created_at",
    filter_fields=("quarter", "status"),
    search_fields=("title",),
)


class BoardPackRepository(Repository[BoardPack]):
    """Queries for board packs, scoped to the principal's units."""

    model = BoardPack
    view_action = VIEW

    def visible(self, principal: Principal | None, quarter: str | None = None) -> Sequence[BoardPack]:
        """Return the packs principal may see (optionally of one quarter), newest quarter and version first."""
        stmt = self.base_query(principal)
        if quarter:
            stmt = stmt.where(BoardPack.quarter == quarter)
        return self.all(stmt.order_by(BoardPack.quarter.desc(), BoardPack.version.desc()))

    def latest_version(self, quarter: str) -> BoardPack | None:
        """Return the newest version of a quarter's pack, whatever its state."""
        stmt = select(BoardPack).where(BoardPack.quarter == quarter).order_by(BoardPack.version.desc())
        return self.session.scalars(stmt.limit(1)).first()

    def published_before(self, quarter: str) -> BoardPack | None:
        """Return the newest published pack of an earlier quarter (what this quarter's trend compares with)."""
        stmt = (
            select(BoardPack)
            .where(BoardPack.status == "published", BoardPack.quarter < quarter)
            .order_by(BoardPack.quarter.desc(), BoardPack.version.desc())
        )
        return self.session.scalars(stmt.limit(1)).first()
