"""The search backend interface: one implementation per database engine."""
from dataclasses import dataclass

from ..query import ParsedQuery


@dataclass(frozen=True)
class Hit:
    question_id: int


@dataclass(frozen=True)
class SearchPage:
    question_ids: list[int]
    total: int
    category_counts: dict[str, int]


class SearchBackend:
    """Finds searchable threads. The index itself is `search_documents`, kept by
    forum.search.index; each backend only adds its engine's index structures and queries.
    """

    name = "base"

    def search(self, session, query: ParsedQuery, category: str | None,
               limit: int, offset: int) -> SearchPage:
        raise NotImplementedError

    def rebuild(self, session) -> None:
        """Rebuild engine-side structures after search_documents was refilled."""
