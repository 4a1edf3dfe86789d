"""Hit counting: one per reader per work per day, buffered and flushed by a background job."""

from django.http import HttpResponse


def mark_hit(response: HttpResponse, *, work_id: int, chapter_id: int | None) -> HttpResponse:
    """Mark a reading page so the hit is counted (also when the page cache serves it)."""
    response.fanfold_hit = (work_id, chapter_id)  # type: ignore[attr-defined]
    return response
