"""Writes for reviews (comments), the creators' inbox, kudos and reports; one module each,
all imported from here."""

from fanfold.feedback.services._common import ip_hash
from fanfold.feedback.services.comments import (
    COMMENT_MAX,
    GUEST_NAME_MAX,
    comment_approve,
    comment_create,
    comment_delete,
    comment_hold,
    comment_thread_freeze,
    comment_update,
    inbox_mark_read,
)
from fanfold.feedback.services.kudos import ALREADY_LEFT_KUDOS, kudos_delete, kudos_leave
from fanfold.feedback.services.reports import REPORT_DETAILS_MAX, report_file, report_set_state

__all__ = [
    "ALREADY_LEFT_KUDOS",
    "COMMENT_MAX",
    "GUEST_NAME_MAX",
    "REPORT_DETAILS_MAX",
    "comment_approve",
    "comment_create",
    "comment_delete",
    "comment_hold",
    "comment_thread_freeze",
    "comment_update",
    "inbox_mark_read",
    "ip_hash",
    "kudos_delete",
    "kudos_leave",
    "report_file",
    "report_set_state",
]
