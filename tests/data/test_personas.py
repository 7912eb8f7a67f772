"""Each persona shows what its title promises."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sandbox.data import care_codes as cc
from sandbox.data import codes as c
from sandbox.data.personas import parse_persona
from sandbox.identity import patient_id_for_email
from tests.data.data_helpers import SEED, persona_chart, shared_charts


def codes_of(records: list[dict] | tuple[dict, ...]) -> list[str]:
    return [r["codes"][0]["code"] for r in records if r["codes"]]


def conditions_of(chart_records: tuple[dict, ...]) -> set[str]:
    """SNOMED codes of the conditions, whichever code the source sent."""
    return {c.CONDITIONS_BY_SNOMED[r["codes"][0]["code"]].snomed for r in chart_records}


def test_there_are_at_least_eight_personas_with_unique_reserved_domain_emails() -> None:
    personas = shared_charts().personas
    assert len(personas) >= 8
    assert len({p.email for p in personas}) == len(personas)
    assert all(p.email.endswith(("@example.com", "@example.org")) for p in personas)
    assert all(p.title and p.good_for for p in personas)


def test_a_persona_keeps_the_patient_id_derived_from_its_email() -> None:
    charts = shared_charts()
    persona = charts.persona_for_email(" Linda.Diabetes@Example.com ")
    assert persona is not None and persona.first_name == "Linda"
    chart = persona_chart("linda.diabetes@example.com")
    assert chart.patient["id"] == patient_id_for_email(SEED, "linda.diabetes@example.com")
    assert charts.persona_for_email("nobody@example.com") is None


def test_the_diabetes_persona_has_falling_hba1c_and_treated_conditions() -> None:
    chart = persona_chart("linda.diabetes@example.com")
    conditions = conditions_of(chart.records["conditions"])
    assert {"44054006", "59621000", "55822004"} <= conditions
    a1c = [lab["value"] for lab in reversed(chart.records["labs"])
           if lab["codes"][0]["code"] in ("4548-4", "HGBA1C")]
    assert len(a1c) >= 12 and a1c[0] > 8.5 and max(a1c[-4:]) < 7.6
    assert any(lab["codes"][0]["code"] == "57698-3" for lab in [
        {"codes": r["panel"]["codes"]} for r in chart.records["labs"] if r["panel"]])


def test_the_child_has_asthma_a_peanut_allergy_and_the_full_vaccine_series() -> None:
    chart = persona_chart("leo.asthma@example.com")
    assert "195967001" in conditions_of(chart.records["conditions"])
    (peanut,) = chart.records["allergies"]
    assert peanut["codes"][0]["code"] == "762952008" and peanut["criticality"] == "high"
    assert any(r["severity"] == "severe" for r in peanut["reactions"])
    given = Counter(codes_of(chart.records["immunizations"]))
    age_months = (date(2025, 6, 1) - date.fromisoformat(chart.patient["birth_date"])).days / 30.44
    for cvx, ages in cc.CHILD_SCHEDULE.items():
        assert given[cvx] == sum(a + 1 <= age_months for a in ages), cvx
    assert "1870230" in codes_of(chart.records["medications"])


def test_the_healthy_young_adult_has_an_empty_allergy_list() -> None:
    chart = persona_chart("sam.healthy@example.com")
    assert chart.records["allergies"] == ()
    assert all(c.CONDITIONS_BY_SNOMED[code].chronic is False
               for code in codes_of(chart.records["conditions"]))


def test_the_elderly_persona_has_inr_on_warfarin_and_a_hospital_stay() -> None:
    chart = persona_chart("walter.cardiac@example.com")
    assert {"49436004", "88805009", "433144002"} <= conditions_of(chart.records["conditions"])
    assert "855332" in codes_of(chart.records["medications"])
    inr = [lab for lab in chart.records["labs"] if lab["codes"][0]["code"] in ("6301-6", "INR")]
    assert len(inr) >= 20
    assert sum(2.0 <= lab["value"] <= 3.0 for lab in inr) > len(inr) / 2
    classes = Counter(e["class"] for e in chart.records["encounters"])
    assert classes["IMP"] == 1 and classes["EMER"] == 1
    inpatient = next(e for e in chart.records["encounters"] if e["class"] == "IMP")
    assert inpatient["discharge_disposition"]
    assert any(d["codes"][0]["code"] == "18842-5" for d in chart.records["documents"])


def test_the_two_ehr_persona_has_the_same_drugs_from_both_connections() -> None:
    chart = persona_chart("jose.twoehrs@example.com")
    assert len(chart.records["connections"]) == 2
    vendors = Counter(m["source"]["ehr_vendor"] for m in chart.records["medications"])
    assert vendors["epic"] >= 3 and vendors["cerner"] >= 3
    names = {m["name"] for m in chart.records["medications"]}
    assert len(names) == len(chart.records["medications"])  # spelled differently
    assert chart.patient["first_name"] == "José" and chart.patient["last_name"] == "Núñez-Ibáñez"


def test_the_syncing_persona_has_only_a_syncing_connection() -> None:
    chart = persona_chart("zoe.syncing@example.com")
    (conn,) = chart.records["connections"]
    assert conn["status"] == "syncing" and conn["last_synced_at"] is None
    assert all(not recs for name, recs in chart.records.items() if name != "connections")
    assert chart.patient["first_name"] == "Zoë" and chart.patient["source"] is None


def test_the_sparse_persona_has_one_encounter_and_nothing_else_clinical() -> None:
    chart = persona_chart("quinn.sparse@example.com")
    assert len(chart.records["encounters"]) == 1
    for empty in ("medications", "conditions", "allergies", "immunizations"):
        assert chart.records[empty] == ()


def test_the_large_persona_spans_many_pages() -> None:
    chart = persona_chart("ruth.large@example.com")
    assert len(chart.records["encounters"]) >= 200
    assert len(chart.records["labs"]) >= 1000
    statuses = {cn["status"] for cn in chart.records["connections"]}
    assert statuses == {"connected", "needs_reauth"}


def test_no_patient_gets_a_drug_they_are_allergic_to() -> None:
    charts = shared_charts()
    for persona in charts.personas:
        chart = persona_chart(persona.email)
        blocked: set[str] = set()
        for allergy in persona.profile.allergies:
            blocked |= c.CONTRAINDICATED.get(allergy.substance, frozenset())
        assert not blocked & set(codes_of(chart.records["medications"])), persona.slug


def test_a_persona_with_an_unknown_code_is_rejected() -> None:
    import pytest

    from sandbox.data.personas import PersonaError

    doc = {"email": "x@example.com", "first_name": "X", "last_name": "Y",
           "birth_date": "1990-01-01", "sex": "female", "title": "t", "good_for": "g",
           "conditions": [{"key": "not_a_condition", "onset_years_ago": 1}]}
    with pytest.raises(PersonaError):
        parse_persona("bad", doc)
