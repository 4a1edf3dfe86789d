from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from fanfold.accounts.models import ApiToken, User


@admin.register(User)
class FanfoldUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (
        ("Profile", {"fields": ("display_name", "bio", "links", "email_verified", "view_adult")}),
    )
    list_display = ("username", "email", "email_verified", "is_staff", "date_joined")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "hint", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "hint")
