"""Writes for reports, which staff work through in the admin."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction

from fanfold.accounts.models import User
from fanfold.core.permissions import moderates
from fanfold.feedback.models import Comment, Report
from fanfold.feedback.services._common import acting_user, ip_hash, require_visible
from fanfold.works.models import Work

REPORT_DETAILS_MAX = 5_000


@transaction.atomic
def report_file(
    *,
    by: User | None,
    reason: str,
    details: str = "",
    work: Work | None = None,
    comment: Comment | None = None,
    email: str = "",
    ip: str = "",
) -> Report:
    """File a report about a work or a comment for the admins."""
    user = acting_user(by)
    if comment is not None and work is None:
        target_work = comment.work
    elif work is not None and comment is None:
        target_work = work
    else:
        raise ValidationError("Report either a work or a comment.")
    require_visible(target_work, user)
    errors: dict[str, list[str]] = {}
    if reason not in Report.Reason.values:
        errors["reason"] = ["Choose a reason."]
    if len(details) > REPORT_DETAILS_MAX:
        errors["details"] = [f"Please keep it under {REPORT_DETAILS_MAX:,} characters."]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ["Enter a valid email address, or leave it empty."]
    if errors:
        raise ValidationError(errors)
    return Report.objects.create(
        work=work,
        comment=comment,
        reporter=user,
        reporter_email=email if user is None else "",
        reason=reason,
        details=details,
        ip_hash=ip_hash(ip) if ip else "",
    )


@transaction.atomic
def report_set_state(*, report: Report, by: User, state: str, notes: str = "") -> Report:
    """Mark a report resolved, dismissed or open again (staff working through reports)."""
    if not moderates(by, "feedback.change_report"):
        raise PermissionDenied("Only staff may work through reports.")
    if state not in Report.State.values:
        raise ValidationError({"state": ["Choose open, resolved or dismissed."]})
    report.state = state
    if notes:
        report.admin_notes = f"{report.admin_notes}\n{notes}".strip()
    report.save(update_fields=["state", "admin_notes"])
    return report
