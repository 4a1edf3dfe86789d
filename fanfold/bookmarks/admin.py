from django.contrib import admin

from fanfold.bookmarks.models import Bookmark
from fanfold.bookmarks.services import bookmark_delete
from fanfold.core.admin import ServiceDeleteAdmin


@admin.register(Bookmark)
class BookmarkAdmin(ServiceDeleteAdmin):
    """Bookmarks are the readers' own: staff may look at and remove them (e.g. spam), not edit."""

    list_display = ("work", "user", "private", "rec", "created_at")
    list_filter = ("private", "rec")
    search_fields = ("user__username", "work__title")
    readonly_fields = ("user", "work", "note", "note_html", "private", "rec", "created_at")
    exclude = ("tags",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_with_service(self, request, obj):
        # Through the service, so the work's public bookmark count stays right.
        bookmark_delete(bookmark=obj, by=request.user)
