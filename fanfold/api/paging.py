"""One page of a list endpoint: the items, the total count and the page numbers."""

import math
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

PER_PAGE_MAX = 100


def api_page(qs: QuerySet, *, page: int, per_page: int, out: Callable[[Any], dict]) -> dict:
    """Slice ``qs`` to the asked page (clamped to what exists) and render its items."""
    per_page = min(max(per_page, 1), PER_PAGE_MAX)
    count = qs.count()
    pages = max(1, math.ceil(count / per_page))
    page = min(max(page, 1), pages)
    items = qs[(page - 1) * per_page : page * per_page]
    return {"items": [out(i) for i in items], "count": count, "page": page, "pages": pages}
