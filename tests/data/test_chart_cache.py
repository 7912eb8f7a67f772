"""The chart cache: built once per patient, LRU-bounded, safe across threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sandbox.data.chart import Charts
from sandbox.identity import PatientRef
from tests.data.data_helpers import AS_OF, FIXTURES


def test_a_chart_is_built_once_and_then_served_from_the_cache() -> None:
    charts = Charts(9, FIXTURES, AS_OF)
    ref = PatientRef.from_email(9, "cache.me@example.org")
    assert charts.chart(ref) is charts.chart(ref)


def test_the_cache_evicts_the_least_recently_used_chart() -> None:
    charts = Charts(9, FIXTURES, AS_OF, cache_size=2)
    a, b, c = (PatientRef.from_email(9, f"{x}@example.org") for x in "abc")
    first_a = charts.chart(a)
    charts.chart(b)
    charts.chart(a)  # a is now the most recent
    charts.chart(c)  # evicts b
    assert charts.chart(a) is first_a
    rebuilt_b = charts.chart(b)
    assert rebuilt_b == charts.chart(b)


def test_an_evicted_chart_is_rebuilt_identical() -> None:
    charts = Charts(9, FIXTURES, AS_OF, cache_size=1)
    a, b = (PatientRef.from_email(9, f"{x}@example.org") for x in "ab")
    before = charts.chart(a)
    charts.chart(b)
    after = charts.chart(a)
    assert after is not before and after.records == before.records and after.patient == before.patient


def test_threads_building_the_same_charts_agree() -> None:
    charts = Charts(9, FIXTURES, AS_OF, cache_size=4)
    refs = [PatientRef.from_email(9, f"thread.{i % 6}@example.org") for i in range(24)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        built = list(pool.map(charts.chart, refs))
    for ref, chart in zip(refs, built, strict=True):
        assert chart.records == charts.chart(ref).records


def test_get_finds_a_record_by_resource_and_id() -> None:
    charts = Charts(9, FIXTURES, AS_OF)
    chart = charts.chart(PatientRef.from_email(9, "linda.diabetes@example.com"))
    med = chart.records["medications"][0]
    assert chart.get("medications", med["id"]) is med
    assert chart.get("labs", med["id"]) is None
    assert chart.get("nothing", "x") is None
