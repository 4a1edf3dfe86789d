"""Writes that belong to no single domain: keeping form posts a lost session would drop,
and sending an email once."""

from datetime import timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone

from fanfold.core.forms import secret_field_names
from fanfold.core.models import EmailSent, PendingSubmission
from fanfold.core.text import storable_form_data

PENDING_DAYS = 7


@transaction.atomic
def pending_submission_keep(*, path: str, post: QueryDict) -> PendingSubmission:
    """Keep what a reader typed into a form that could not be accepted yet.

    Passwords (any field with a password widget) and the stale security token are never kept.
    """
    PendingSubmission.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=PENDING_DAYS)
    ).delete()
    skip = secret_field_names() | {"csrfmiddlewaretoken"}
    data = storable_form_data({k: post.getlist(k) for k in post if k not in skip})
    return PendingSubmission.objects.create(path=path, data=data)


@transaction.atomic
def pending_submission_take(*, token: str, path: str) -> QueryDict | None:
    """Return and forget a kept submission for this form, if there is one."""
    pending = PendingSubmission.objects.filter(token=token, path=path).first()
    if pending is None:
        return None
    pending.delete()
    qd = QueryDict(mutable=True)
    for key, values in pending.data.items():
        qd.setlist(key, values)
    return qd


def email_send_once(*, key: str, subject: str, body: str, to: list[str]) -> bool:
    """Send an email at most once for this key, however often a job asks.

    The key is claimed and committed before sending, so a worker killed mid-way never sends
    twice when its job runs again; if sending fails, the claim is given back for the retry.
    """
    try:
        with transaction.atomic():
            EmailSent.objects.create(key=key[:200])
    except IntegrityError:
        return False
    try:
        send_mail(subject, body, None, to)
    except Exception:
        EmailSent.objects.filter(key=key[:200]).delete()
        raise
    return True
