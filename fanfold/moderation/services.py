"""Staff's writes that reach across apps."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from fanfold.accounts.models import User
from fanfold.bookmarks.models import Bookmark
from fanfold.core.pagecache import content_changed
from fanfold.core.permissions import moderates
from fanfold.feedback.models import Kudos
from fanfold.works.models import Work


@transaction.atomic
def user_delete(*, user: User, by: User) -> None:
    """Delete an account (staff only). What goes with it (kudos, bookmarks, creator credits)
    leaves the counts of other people's works right; their comments stay, as a guest's."""
    if not moderates(by, "accounts.delete_user"):
        raise PermissionDenied("Only staff may delete accounts.")
    kudos_works = set(Kudos.objects.filter(user=user).values_list("work_id", flat=True))
    bookmarked = set(
        Bookmark.objects.filter(user=user, private=False).values_list("work_id", flat=True)
    )
    list(Work.objects.select_for_update().filter(pk__in=kudos_works | bookmarked).values("pk"))
    user.delete()
    for work_id in kudos_works:
        n = Kudos.objects.filter(work_id=work_id).count()
        Work.objects.filter(pk=work_id).update(kudos_count=n)
    for work_id in bookmarked:
        n = Bookmark.objects.filter(work_id=work_id, private=False).count()
        Work.objects.filter(pk=work_id).update(bookmark_count=n)
    content_changed()
