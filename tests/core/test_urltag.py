"""``{% url %}`` remembers what it reversed (fanfold.core.urltag) and still answers as
Django's own tag."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix
from django.utils.html import escape


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_same_urls_as_reverse_for_every_kind_of_argument():
    assert render("{% url 'work_detail' 5 %}") == reverse("work_detail", args=[5])
    assert render("{% url 'work_detail' work_id=n %}", n=7) == "/works/7/"
    assert render("{% url 'user_detail' name %}", name="a&b") == escape(
        reverse("user_detail", args=["a&b"])
    )
    # Not a plain number or string: reversed each time, as Django does.
    assert render("{% url 'user_detail' name %}", name=["x"]) == escape(
        reverse("user_detail", args=[["x"]])
    )
    assert render("{% url 'home' as home %}[{{ home }}]") == "[/]"
    assert render("{% url 'nope' as nothing %}[{{ nothing }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'nope' %}")


def test_a_script_prefix_is_part_of_what_is_remembered():
    assert render("{% url 'work_detail' 9 %}") == "/works/9/"
    try:
        set_script_prefix("/archive/")
        assert render("{% url 'work_detail' 9 %}") == "/archive/works/9/"
    finally:
        clear_script_prefix()
    assert render("{% url 'work_detail' 9 %}") == "/works/9/"
