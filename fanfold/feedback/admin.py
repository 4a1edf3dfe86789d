from django.contrib import admin

from fanfold.feedback.models import Comment, Kudos, Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "reason", "state", "work", "comment", "reporter"]
    list_filter = ["state", "reason"]
    search_fields = ["details", "work__title", "comment__body"]
    readonly_fields = [
        "work", "comment", "reporter", "reporter_email", "reason", "details", "ip_hash",
        "created_at",
    ]  # fmt: skip
    fields = [*readonly_fields, "state", "admin_notes"]
    actions = ["mark_resolved", "mark_dismissed"]

    @admin.action(description="Mark selected reports resolved")
    def mark_resolved(self, request, queryset):
        queryset.update(state=Report.State.RESOLVED)

    @admin.action(description="Dismiss selected reports")
    def mark_dismissed(self, request, queryset):
        queryset.update(state=Report.State.DISMISSED)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "work",
        "chapter",
        "user",
        "guest_name",
        "status",
        "deleted",
        "created_at",
    ]
    list_filter = ["status", "deleted", "by_creator"]
    search_fields = ["body", "guest_name", "user__username", "work__title"]
    raw_id_fields = ["work", "chapter", "parent", "thread", "user"]


@admin.register(Kudos)
class KudosAdmin(admin.ModelAdmin):
    list_display = ["work", "user", "created_at"]
    raw_id_fields = ["work", "user"]
