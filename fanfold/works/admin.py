from django.contrib import admin

from fanfold.core.pagecache import content_changed
from fanfold.works.models import Chapter, Work, WorkCreator
from fanfold.works.services import work_refresh


class ChapterInline(admin.TabularInline):
    model = Chapter
    fields = ("position", "title", "status", "word_count")
    readonly_fields = ("word_count",)
    extra = 0


class CreatorInline(admin.TabularInline):
    model = WorkCreator
    raw_id_fields = ("user",)
    extra = 0


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "status",
        "rating",
        "restricted",
        "complete",
        "word_count",
        "updated_at",
    )
    list_filter = ("status", "rating", "restricted", "complete")
    search_fields = ("title",)
    raw_id_fields = ("tags",)
    inlines = [CreatorInline, ChapterInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Takedowns and status changes must reach readers (counts, and the guest page cache).
        work_refresh(work=form.instance)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        content_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        content_changed()
