from django.contrib import admin
from django.db.models import Q

from fanfold.core.admin import ServiceDeleteAdmin, run_service
from fanfold.feedback.models import Comment, Kudos, Report
from fanfold.feedback.services import (
    comment_approve,
    comment_delete,
    comment_hold,
    kudos_delete,
    report_set_state,
)
from fanfold.works.services import work_takedown


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "reason", "state", "work", "comment", "reporter"]
    list_filter = ["state", "reason"]
    search_fields = ["details", "work__title", "comment__body"]
    readonly_fields = [
        "work", "comment", "reporter", "reporter_email", "reason", "details", "ip_hash",
        "created_at",
    ]  # fmt: skip
    # State and notes are for the admins only; acting on what was reported is an action.
    fields = [*readonly_fields, "state", "admin_notes"]
    actions = [
        "mark_resolved",
        "mark_dismissed",
        "delete_reported_comments",
        "take_down_reported_works",
    ]

    def has_add_permission(self, request):
        return False

    def _set_state(self, request, queryset, state, done):
        run_service(
            self,
            request,
            queryset,
            lambda r: report_set_state(report=r, by=request.user, state=state),
            done,
        )

    @admin.action(description="Mark selected reports resolved", permissions=["change"])
    def mark_resolved(self, request, queryset):
        self._set_state(request, queryset, Report.State.RESOLVED, "Reports resolved")

    @admin.action(description="Dismiss selected reports", permissions=["change"])
    def mark_dismissed(self, request, queryset):
        self._set_state(request, queryset, Report.State.DISMISSED, "Reports dismissed")

    @admin.action(
        description="Delete the reported comments and resolve the reports",
        permissions=["change"],
    )
    def delete_reported_comments(self, request, queryset):
        def act(report):
            # Fetched afresh: two reports of one comment, or a reply going with its parent.
            comment = Comment.objects.filter(pk=report.comment_id).first()
            if comment is not None:
                comment_delete(comment=comment, by=request.user)
            report_set_state(
                report=report,
                by=request.user,
                state=Report.State.RESOLVED,
                notes="Comment deleted.",
            )

        reports = queryset.filter(comment__isnull=False)
        run_service(self, request, reports, act, "Reported comments deleted")

    @admin.action(
        description="Hide the reported works (only creators see them) and resolve the reports",
        permissions=["change"],
    )
    def take_down_reported_works(self, request, queryset):
        def act(report):
            work = report.work or report.comment.work
            work_takedown(work=work, by=request.user)
            report_set_state(
                report=report,
                by=request.user,
                state=Report.State.RESOLVED,
                notes="Work taken down.",
            )

        reports = queryset.filter(Q(work__isnull=False) | Q(comment__isnull=False))
        run_service(
            self,
            request,
            reports.select_related("work", "comment__work"),
            act,
            "Reported works taken down",
        )


@admin.register(Comment)
class CommentAdmin(ServiceDeleteAdmin):
    """Staff moderate comments (approve, hold, delete) through the services; they never edit
    what a reader wrote, nor add comments."""

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
    actions = ["approve_comments", "hold_comments"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Comment._meta.concrete_fields if not f.primary_key]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        pass  # nothing on the form can be changed

    def delete_with_service(self, request, obj):
        comment_delete(comment=obj, by=request.user)

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve_comments(self, request, queryset):
        run_service(
            self,
            request,
            queryset.select_related("work"),
            lambda c: comment_approve(comment=c, by=request.user),
            "Comments approved",
        )

    @admin.action(
        description="Hold selected comments for approval (off the pages)", permissions=["change"]
    )
    def hold_comments(self, request, queryset):
        run_service(
            self,
            request,
            queryset.select_related("work"),
            lambda c: comment_hold(comment=c, by=request.user),
            "Comments held for approval",
        )


@admin.register(Kudos)
class KudosAdmin(ServiceDeleteAdmin):
    """Kudos can be looked at and removed (through the service, so the count follows)."""

    list_display = ["work", "user", "created_at"]
    readonly_fields = ["work", "user", "ip_hash", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_with_service(self, request, obj):
        kudos_delete(kudos=obj, by=request.user)
