from django import template
from django.template.defaultfilters import stringfilter
from django.utils import timezone
from django.utils.safestring import mark_safe

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


class CaptureNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str):
        self.nodelist = nodelist
        self.name = name

    def render(self, context) -> str:
        context[self.name] = mark_safe(self.nodelist.render(context))
        return ""


@register.tag
def capture(parser, token) -> CaptureNode:
    """``{% capture name %}...{% endcapture %}``: render once, show as often as needed."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("'capture' takes one name: {% capture name %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1])
