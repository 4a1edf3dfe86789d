from django.contrib import admin

from fanfold.core.models import PendingSubmission


@admin.register(PendingSubmission)
class PendingSubmissionAdmin(admin.ModelAdmin):
    list_display = ("path", "created_at")
