from django.contrib import admin

from fanfold.core.admin import ServiceDeleteAdmin, run_service
from fanfold.works.models import Chapter, Work, WorkCreator
from fanfold.works.services import chapter_delete, work_delete, work_restore, work_takedown

# Staff moderate works (take down, restore, delete) through the services; what a work says
# is its creators' to write, so the forms here only show it.


def _all_fields(model) -> list[str]:
    names = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    return names + [f.name for f in model._meta.many_to_many]


class ChapterInline(admin.TabularInline):
    model = Chapter
    fields = ("position", "title", "status", "word_count", "published_at")
    readonly_fields = fields
    show_change_link = True  # a chapter is deleted from its own page, through the service
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


class CreatorInline(admin.TabularInline):
    model = WorkCreator
    fields = ("user", "position")
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Work)
class WorkAdmin(ServiceDeleteAdmin):
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
    inlines = [CreatorInline, ChapterInline]
    actions = ["take_down", "restore"]

    def get_readonly_fields(self, request, obj=None):
        return _all_fields(Work)

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        pass  # nothing on the form can be changed (a whole save would overwrite the counters)

    def save_related(self, request, form, formsets, change):
        pass

    def delete_with_service(self, request, obj):
        work_delete(work=obj, by=request.user)

    @admin.action(
        description="Hide selected works (only their creators see them)",
        permissions=["change"],
    )
    def take_down(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda w: work_takedown(work=w, by=request.user),
            "Works taken down",
        )

    @admin.action(description="Show selected hidden works again", permissions=["change"])
    def restore(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda w: work_restore(work=w, by=request.user),
            "Works restored",
        )


@admin.register(Chapter)
class ChapterAdmin(ServiceDeleteAdmin):
    """Chapters can be looked at and deleted (through the service: counts and positions follow)."""

    list_display = ("__str__", "work", "status", "word_count", "published_at")
    list_filter = ("status",)
    search_fields = ("title", "work__title")
    list_select_related = ("work",)

    def get_readonly_fields(self, request, obj=None):
        return _all_fields(Chapter)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_with_service(self, request, obj):
        chapter_delete(chapter=obj, by=request.user)
