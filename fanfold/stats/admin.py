from django.contrib import admin

from fanfold.stats.models import HitBatch


@admin.register(HitBatch)
class HitBatchAdmin(admin.ModelAdmin):
    """Parts of the hit buffer already imported (read-only; kept 30 days)."""

    list_display = ("name", "lines", "imported_at")
    readonly_fields = ("name", "lines", "imported_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
