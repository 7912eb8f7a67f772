"""Clinical plausibility: BMI, lab flags, vaccine ages, dates, NPIs, the stable order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import pairwise

from sandbox.data import care_codes as cc
from sandbox.data import codes as c
from sandbox.data import lab_codes as lc
from sandbox.data.chart import Chart
from sandbox.data.gen_labs import interpret, parse_range_text
from sandbox.data.npi import is_valid_npi
from sandbox.data.resources import RESOURCES, sort_key
from tests.data.data_helpers import AS_OF, all_records, generated_charts, persona_chart, shared_charts

LAB_BY_CODE = {(c.LOINC, d.loinc): d for d in lc.LABS.values()} | {
    (c.LOCAL_LAB, d.local_code): d for d in lc.LABS.values()}


def every_chart() -> Iterator[Chart]:
    for persona in shared_charts().personas:
        yield persona_chart(persona.email)
    yield from generated_charts(25)


def kg(vital: dict) -> float:
    return vital["value"] / lc.LB_PER_KG if vital["unit"] == "[lb_av]" else vital["value"]


def cm(vital: dict) -> float:
    return vital["value"] * lc.CM_PER_IN if vital["unit"] == "[in_i]" else vital["value"]


def test_bmi_is_weight_over_height_squared() -> None:
    checked = 0
    for chart in every_chart():
        by_encounter: dict[str, dict[str, dict]] = {}
        for v in chart.records["vitals"]:
            by_encounter.setdefault(v["encounter_id"], {})[v["codes"][0]["code"]] = v
        for vitals in by_encounter.values():
            if "39156-5" in vitals:
                w, h = kg(vitals["29463-7"]), cm(vitals["8302-2"])
                assert abs(vitals["39156-5"]["value"] - w / (h / 100) ** 2) < 0.1
                checked += 1
    assert checked > 100


def test_blood_pressure_has_systolic_above_diastolic_components() -> None:
    for chart in every_chart():
        for v in chart.records["vitals"]:
            if v["codes"][0]["code"] == "85354-9":
                sys_, dia = v["components"]
                assert [sys_["codes"][0]["code"], dia["codes"][0]["code"]] == ["8480-6", "8462-4"]
                assert sys_["value"] > dia["value"] > 0
                assert v["display_value"] == f"{sys_['value']}/{dia['value']} mmHg"


def test_lab_flags_agree_with_value_and_range() -> None:
    for chart in every_chart():
        for lab in chart.records["labs"]:
            d = LAB_BY_CODE[(lab["codes"][0]["system"], lab["codes"][0]["code"])]
            ref = lab["reference_range"]
            low, high = ref["low"], ref["high"]
            if low is None and high is None and ref["text"] and lab["value"] is not None:
                low, high = parse_range_text(ref["text"])
            factor = d.alt.factor if d.alt and lab["unit"] == d.alt.unit else 1.0
            crit = [None if x is None else x * factor for x in (d.critical_low, d.critical_high)]
            expected = interpret(lab["value"], lab["value_string"], low, high, *crit)
            assert lab["interpretation"] == expected, lab


def test_interpretation_covers_every_flag() -> None:
    assert interpret(5.0, None, 3.5, 5.1, 2.8, 6.2) == "N"
    assert interpret(5.5, None, 3.5, 5.1, 2.8, 6.2) == "H"
    assert interpret(3.0, None, 3.5, 5.1, 2.8, 6.2) == "L"
    assert interpret(6.5, None, 3.5, 5.1, 2.8, 6.2) == "HH"
    assert interpret(2.5, None, 3.5, 5.1, 2.8, 6.2) == "LL"
    assert interpret(None, "Positive", None, None) == "A"
    assert interpret(None, "Negative", None, None) == "N"
    assert interpret(None, None, 1, 2) is None


def test_immunizations_follow_the_schedule_for_the_patients_age() -> None:
    for chart in every_chart():
        birth = date.fromisoformat(chart.patient["birth_date"])
        for imm in chart.records["immunizations"]:
            cvx = imm["codes"][0]["code"]
            day = date.fromisoformat(imm["occurrence_date"])
            age_days = (day - birth).days
            if cvx in cc.CHILD_SCHEDULE and age_days < 18 * 365:
                months = cc.CHILD_SCHEDULE[cvx][imm["dose_number"] - 1]
                assert abs(age_days - months * 30.44) <= 35, (cvx, imm["dose_number"], age_days)
            elif cvx in ("140", "150"):
                assert age_days >= 182
            elif cvx == cc.FLU_SENIOR:
                assert age_days >= 65 * 365
            elif cvx == cc.SHINGRIX[0]:
                assert age_days >= 50 * 365
            elif cvx == "133":
                assert age_days >= 65 * 365
            elif cvx == "33":
                assert age_days >= 66 * 365
            elif cvx == "113":
                assert age_days >= 21 * 365
            elif cvx in cc.COVID_MRNA:
                assert day.year >= cc.COVID_FIRST_YEAR and age_days >= 12 * 365
            else:
                raise AssertionError(f"unexpected vaccine {cvx}")


def test_nothing_is_dated_after_as_of_and_updates_follow_creation() -> None:
    limit = AS_OF.strftime("%Y-%m-%dT%H:%M:%SZ")
    for chart in every_chart():
        for _name, rec in [("patient", chart.patient), *all_records(chart)]:
            assert rec["created_at"] <= rec["updated_at"] <= limit
            for key, value in rec.items():
                if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and (
                        key.endswith(("_at", "_date")) or key in ("start", "end", "date")):
                    assert value[:10] <= limit[:10], (key, value)
                    date.fromisoformat(value[:10])


def test_practitioners_have_valid_npis() -> None:
    for chart in every_chart():
        for prac in chart.records["practitioners"]:
            assert is_valid_npi(prac["npi"]), prac["npi"]
            assert prac["specialty"]["codes"][0]["system"] == c.NUCC


def test_the_npi_check_digit_is_luhn_over_the_80840_prefix() -> None:
    assert is_valid_npi("1234567893")  # the CMS worked example
    assert not is_valid_npi("1234567890")
    assert not is_valid_npi("123456789")


def test_coverage_member_ids_are_masked() -> None:
    for chart in every_chart():
        for cov in chart.records["coverage"]:
            assert cov["member_id"].startswith("XXXXX") and cov["member_id"][5:].isdigit()


def test_lists_are_newest_first_with_ties_broken_by_id() -> None:
    for chart in every_chart():
        for name, recs in chart.records.items():
            keys = [(sort_key(RESOURCES[name], r), r["id"]) for r in recs]
            for (d1, id1), (d2, id2) in pairwise(keys):
                assert d1 > d2 or (d1 == d2 and id1 < id2)
