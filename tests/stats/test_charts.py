"""The charts of the stats pages draw days and weeks without hits as a flat line at zero."""

import xml.etree.ElementTree as ET

import pytest

from fanfold.stats import charts

SVG = "{http://www.w3.org/2000/svg}"
ZERO = charts.HEIGHT - charts.BOTTOM


def _ys(element: ET.Element) -> list[float]:
    if element.tag == f"{SVG}line":
        return [float(element.get("y1", "nan")), float(element.get("y2", "nan"))]
    return [float(p.split(",")[1]) for p in element.get("points", "").split()]


def _xs(element: ET.Element) -> list[float]:
    if element.tag == f"{SVG}line":
        return [float(element.get("x1", "nan")), float(element.get("x2", "nan"))]
    return [float(p.split(",")[0]) for p in element.get("points", "").split()]


@pytest.mark.parametrize(
    ("chart", "count"), [(charts.bar_chart, 30), (charts.line_chart, 26)], ids=["daily", "weekly"]
)
def test_an_all_zero_chart_draws_a_flat_line_at_zero(chart, count):
    svg = chart("c", title="t", summary="s", points=[(f"{i:02d} Jan", 0) for i in range(count)])
    root = ET.fromstring(str(svg))
    lines = [e for e in root.iter() if "line" in e.get("class", "").split()]
    assert lines, svg
    flat = [e for e in lines if set(_ys(e)) == {ZERO}]
    assert flat
    xs = [x for e in flat for x in _xs(e)]
    assert min(xs) <= charts.LEFT + 1 and max(xs) >= charts.WIDTH - charts.RIGHT - 1


def test_the_bars_still_rise_from_the_zero_line():
    svg = str(charts.bar_chart("c", title="t", summary="s", points=[("a", 0), ("b", 4)]))
    root = ET.fromstring(svg)
    bars = [e for e in root.iter(f"{SVG}rect") if e.get("class") == "bar"]
    assert [float(b.get("height", "0")) > 0 for b in bars] == [False, True]
    assert all(float(b.get("y", "0")) + float(b.get("height", "0")) == ZERO for b in bars)
