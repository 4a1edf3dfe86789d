"""Writes for kudos."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from fanfold.accounts.models import User
from fanfold.core.permissions import moderates
from fanfold.feedback.models import Kudos
from fanfold.feedback.services._common import (
    acting_user,
    ip_hash,
    require_not_blocked,
    require_visible,
)
from fanfold.works.models import Work, is_creator

ALREADY_LEFT_KUDOS = "You have already left kudos here."


# Kudos make no page again (fanfold.core.pagecache): the count on a guest's cached page lags
# by at most FANFOLD_PAGE_CACHE_SECONDS, and no other work's pages are touched.
@transaction.atomic
def kudos_leave(*, work: Work, by: User | None, ip: str = "") -> Kudos:
    """Leave kudos on a work: once per logged-in reader or guest address, never one's own."""
    user = acting_user(by)
    require_visible(work, user)
    if is_creator(user, work):
        raise ValidationError("You can’t leave kudos on your own work.")
    require_not_blocked(work, user)
    if user is None and not ip:
        raise ValidationError("A guest's kudos needs an address to count once.")
    kudos = Kudos(work=work, user=user, ip_hash="" if user else ip_hash(ip))
    try:
        with transaction.atomic():
            kudos.save()
    except IntegrityError:
        raise ValidationError(ALREADY_LEFT_KUDOS) from None
    Work.objects.filter(pk=work.pk).update(kudos_count=F("kudos_count") + 1)
    return kudos


@transaction.atomic
def kudos_delete(*, kudos: Kudos, by: User) -> None:
    """Remove kudos (staff moderating, e.g. a spammer's); the work's count is recounted."""
    if not moderates(by, "feedback.delete_kudos"):
        raise PermissionDenied("Only staff may remove kudos.")
    work_id = kudos.work_id
    list(Work.objects.select_for_update().filter(pk=work_id).values_list("pk"))
    kudos.delete()
    Work.objects.filter(pk=work_id).update(
        kudos_count=Kudos.objects.filter(work_id=work_id).count()
    )
