from django.conf import settings
from django.http import HttpRequest

THEMES = ("auto", "light", "dark")
SIZES = ("small", "medium", "large", "xlarge")


def display_prefs(request: HttpRequest) -> dict[str, str]:
    """The reader's theme and text size: their profile, else a cookie, else the system's."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"theme": user.theme, "size": user.text_size}
    theme = request.COOKIES.get("ff_theme", "auto")
    size = request.COOKIES.get("ff_size", "medium")
    return {
        "theme": theme if theme in THEMES else "auto",
        "size": size if size in SIZES else "medium",
    }


def site(request: HttpRequest) -> dict:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "display": display_prefs(request),
    }
