from fanfold.accounts import services
from fanfold.accounts.models import User
from fanfold.core.tasks import retrying_task


@retrying_task(max_attempts=5)
def email_verification_send_task(user_id: int, request: str = "") -> None:
    """Send the email-verification link (nothing if the user is gone or already verified).

    ``request`` names this asking for a link: run again (a retry, a requeued job), the same
    request sends nothing more."""
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        services.email_verification_send(user=user, request=request or "legacy")
