"""The User admin: deactivating and deleting accounts go through the services."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from fanfold.accounts.models import User
from fanfold.accounts.services import user_set_active
from fanfold.core.admin import ServiceDeleteAdmin, run_service, save_with_service
from fanfold.moderation.services import user_delete

# What other readers see of an account: its names and profile are the user's own to write.
PROFILE_FIELDS = ("username", "display_name", "bio", "links")


@admin.register(User)
class FanfoldUserAdmin(ServiceDeleteAdmin, UserAdmin):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Profile", {"fields": ("display_name", "bio", "links", "email_verified", "view_adult")}),
    )
    list_display = ("username", "email", "email_verified", "is_staff", "is_active", "date_joined")
    actions = ["deactivate_users", "reactivate_users"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + list(PROFILE_FIELDS) if obj is not None else readonly

    def save_model(self, request, obj, form, change):
        # Deactivation goes through the service (it takes the user's pages off the archive).
        save_with_service(
            self, request, obj, form, change, field="is_active",
            service=lambda active: user_set_active(user=obj, by=request.user, active=active),
        )  # fmt: skip

    def delete_with_service(self, request, obj):
        user_delete(user=obj, by=request.user)

    @admin.action(description="Deactivate selected users", permissions=["change"])
    def deactivate_users(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda u: user_set_active(user=u, by=request.user, active=False),
            "Users deactivated",
        )

    @admin.action(description="Reactivate selected users", permissions=["change"])
    def reactivate_users(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda u: user_set_active(user=u, by=request.user, active=True),
            "Users reactivated",
        )
