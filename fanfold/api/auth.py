"""Who is calling the API: a personal token, or a guest for reads."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from fanfold.accounts.models import User
from fanfold.accounts.services import api_token_use
from fanfold.api.schemas import Error


class TokenAuth(HttpBearer):
    """A personal API token from the profile page, sent as `Authorization: Bearer ff_…`."""

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_use(raw=token)
        if user is None:
            raise AuthenticationError(401, "Invalid or revoked API token.")
        request.user = user
        return user


def anonymous(request: HttpRequest):
    """Reading needs no token; a request without an Authorization header reads as a guest."""
    if "Authorization" in request.headers:
        return None
    request.user = AnonymousUser()
    return request.user


token_auth = TokenAuth()
read_auth = [token_auth, anonymous]

AUTH_ERRORS = {401: Error}
READ_ERRORS = {401: Error, 404: Error, 422: Error}
WRITE_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


def token_user(request: HttpRequest) -> User:
    """The token's user on endpoints that require a token."""
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):
        raise AuthenticationError(401, "This needs a personal API token.")
    return user
