from django import template
from django.template.defaultfilters import stringfilter
from django.utils import timezone

register = template.Library()


@register.filter
@stringfilter
def make_list_words(value: str) -> list[str]:
    return value.split()


@register.simple_tag(takes_context=True)
def page_url(context, page_number: int) -> str:
    """The current URL with another page number, keeping other query parameters."""
    query = context["request"].GET.copy()
    query["page"] = page_number
    return "?" + query.urlencode()


@register.filter
def date_short(value) -> str:
    if not value:
        return ""
    return timezone.localtime(value).strftime("%d %b %Y")
