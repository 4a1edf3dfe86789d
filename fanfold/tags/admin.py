from django.contrib import admin

from fanfold.core.admin import ServiceDeleteAdmin, save_with_service
from fanfold.tags.models import Tag
from fanfold.tags.services import tag_delete, tag_rename


@admin.register(Tag)
class TagAdmin(ServiceDeleteAdmin):
    """A tag's name is shown on every work that has it: renames and deletes go through the
    services (the guest page cache follows); wrangling (canonical, merger) is staff-only data."""

    list_display = ("name", "type", "canonical", "merger")
    list_filter = ("type", "canonical")
    search_fields = ("name",)
    raw_id_fields = ("merger",)

    def get_readonly_fields(self, request, obj=None):
        return ("type", "created_at") if obj is not None else ("created_at",)

    def save_model(self, request, obj, form, change):
        save_with_service(
            self, request, obj, form, change, field="name",
            service=lambda name: tag_rename(tag=obj, by=request.user, name=name),
        )  # fmt: skip

    def delete_with_service(self, request, obj):
        tag_delete(tag=obj, by=request.user)
