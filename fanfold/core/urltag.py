"""``{% url %}`` as Django's, with each URL remembered once reversed.

A reading page names some thirty URLs, and reversing one costs more than rendering most
tags. URLs depend only on the view, its arguments and the URL configuration, so this tag
(a template builtin, in place of Django's) keeps the last few thousand it made, for
arguments that are plain numbers and strings; any other argument reverses each time.
"""

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import Parser, Token
from django.template.context import Context
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@lru_cache(maxsize=8192)
def _reverse(
    view_name: str,
    args: tuple,
    kwargs: tuple,
    current_app: str | None,
    prefix: str,
    urlconf: str | None,
) -> str:
    return reverse(
        view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def _plain(values: object) -> bool:
    return all(type(v) in (int, str) for v in values)  # type: ignore[attr-defined]


class RememberedURLNode(URLNode):
    def render(self, context: Context) -> str:
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:  # as Django's own tag
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        url = ""
        try:
            if isinstance(view_name, str) and _plain(args) and _plain(kwargs.values()):
                url = _reverse(
                    view_name,
                    args,
                    tuple(sorted(kwargs.items())),
                    current_app,
                    get_script_prefix(),
                    get_urlconf(),
                )
            else:
                url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: object) -> None:
    if setting == "ROOT_URLCONF":  # tests that swap the URLs
        _reverse.cache_clear()


@register.tag
def url(parser: Parser, token: Token) -> RememberedURLNode:
    node = django_url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
