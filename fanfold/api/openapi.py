"""What the API's OpenAPI document says about tokens, and HEAD answered like GET."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from fanfold.api.auth import anonymous


class _Schema(OpenAPISchema):
    def operation_security(self, operation: Operation) -> list[dict[str, Any]] | None:
        """Reads take a token but work without one: the empty requirement says so."""
        security = super().operation_security(operation)
        if security and anonymous in operation.auth_callbacks:
            return [{}, *security]
        return security


class FanfoldAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return _Schema(self, path_prefix)


API_PREFIX = "/api/"


class HeadAsGetMiddleware:
    """HEAD on an API endpoint answers as GET would, headers only (django-ninja routes GET
    alone and would answer 405). Outermost, so every other layer sees the GET it serves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD" or not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if not response.streaming:
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response
