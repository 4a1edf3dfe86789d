"""Admin helpers: what staff change that readers see goes through the services, like every
other caller, so counts, notifications and the guest page cache follow."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from fanfold.core.models import PendingSubmission


def run_service(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    objs: Iterable[Model],
    service: Callable[[Any], object],
    done: str,
) -> int:
    """Call a service for each object, telling staff what was done and what was refused."""
    count = 0
    for obj in objs:
        try:
            service(obj)
        except (ValidationError, PermissionDenied) as e:
            reason = " ".join(e.messages) if isinstance(e, ValidationError) else str(e)
            modeladmin.message_user(request, f"{obj}: {reason}", messages.ERROR)
        else:
            count += 1
    if count:
        modeladmin.message_user(request, f"{done}: {count}.", messages.SUCCESS)
    return count


def save_with_service(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    obj: Model,
    form: Any,
    change: bool,
    *,
    field: str,
    service: Callable[[Any], object],
) -> None:
    """Save a change form, but let the service make the change to `field` that readers see."""
    if not change or field not in form.changed_data:
        admin.ModelAdmin.save_model(modeladmin, request, obj, form, change)
        return
    wanted = getattr(obj, field)
    setattr(obj, field, form.initial[field])
    admin.ModelAdmin.save_model(modeladmin, request, obj, form, change)
    try:
        service(wanted)
    except (ValidationError, PermissionDenied) as e:
        reason = " ".join(e.messages) if isinstance(e, ValidationError) else str(e)
        modeladmin.message_user(request, reason, messages.ERROR)


class ServiceDeleteAdmin(admin.ModelAdmin):
    """Deletes (the delete page and the “delete selected” action) call ``delete_with_service``
    for each object instead of deleting rows behind the services' backs."""

    def delete_with_service(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.delete_with_service(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        # One at a time and fetched afresh: deleting one may already have removed another
        # (a comment's deleted parent, a work's chapters).
        for pk in list(queryset.values_list("pk", flat=True)):
            obj = self.model._default_manager.filter(pk=pk).first()
            if obj is None:
                continue
            try:
                self.delete_with_service(request, obj)
            except ValidationError as e:
                self.message_user(
                    request, f"{obj} was kept: {' '.join(e.messages)}", messages.ERROR
                )

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as e:
            # The service refused (e.g. a work's last chapter): nothing was deleted.
            self.message_user(request, " ".join(e.messages), messages.ERROR)
            return HttpResponseRedirect(request.path.removesuffix("delete/") + "change/")


@admin.register(PendingSubmission)
class PendingSubmissionAdmin(admin.ModelAdmin):
    list_display = ("path", "created_at")
