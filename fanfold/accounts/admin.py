"""Admin for API tokens. The User admin is in fanfold.moderation: deleting an account reaches
works, feedback and bookmarks, which this app sits below."""

from django.contrib import admin

from fanfold.accounts.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "hint", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "hint")
