"""Every reference in a chart points at a record of the same chart; every code is known."""

from __future__ import annotations

from collections.abc import Iterator

from sandbox.data.chart import Chart
from sandbox.data.vocabulary import KNOWN_CODES
from tests.data.data_helpers import all_records, generated_charts, persona_chart, shared_charts


def every_chart() -> Iterator[Chart]:
    charts = shared_charts()
    for persona in charts.personas:
        yield persona_chart(persona.email)
    yield from generated_charts(25)


def ids(chart: Chart, resource: str) -> set[str]:
    return {r["id"] for r in chart.records[resource]}


def codes_in(value: object) -> Iterator[dict]:
    if isinstance(value, dict):
        if set(value) == {"system", "code", "display"}:
            yield value
        for v in value.values():
            yield from codes_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from codes_in(v)


def test_labs_vitals_procedures_and_documents_sit_on_an_encounter_of_the_same_date() -> None:
    for chart in every_chart():
        encounters = {e["id"]: e for e in chart.records["encounters"]}
        for resource, field in (("labs", "effective_at"), ("vitals", "effective_at"),
                                ("procedures", "performed_date"), ("documents", "date")):
            for rec in chart.records[resource]:
                enc = encounters[rec["encounter_id"]]
                day = rec[field][:10]
                assert enc["start"][:10] <= day <= enc["end"][:10], (resource, rec["id"])


def test_every_optional_reference_points_at_an_existing_record() -> None:
    refs = {"encounter_id": "encounters", "indication_condition_id": "conditions",
            "prescriber_id": "practitioners", "performer_id": "practitioners",
            "author_id": "practitioners", "practitioner_id": "practitioners",
            "reason_condition_id": "conditions"}
    for chart in every_chart():
        for _name, rec in all_records(chart):
            for field, target in refs.items():
                if rec.get(field) is not None:
                    assert rec[field] in ids(chart, target), (field, rec["id"])
            for cond in rec.get("reason_condition_ids", []):
                assert cond in ids(chart, "conditions")


def test_each_chronic_prescription_treats_one_of_the_patients_conditions() -> None:
    for chart in every_chart():
        conditions = ids(chart, "conditions")
        for med in chart.records["medications"]:
            if not med["reported"] and not med["as_needed"]:
                assert med["indication_condition_id"] in conditions, med
            if med["intent"] == "order":  # US Core us-core-21: orders name their requester
                assert med["prescriber_id"] is not None


def test_every_record_names_a_connection_of_the_patient_that_has_synced() -> None:
    for chart in every_chart():
        conns = {c["id"]: c for c in chart.records["connections"]}
        for name, rec in all_records(chart):
            if name == "connections":
                continue
            conn = conns[rec["source"]["connection_id"]]
            assert conn["status"] != "syncing"
            assert rec["source"]["ehr_vendor"] == conn["ehr_vendor"]
            assert rec["source"]["organization"] == conn["organization"]
            assert rec["patient_id"] == chart.patient["id"]


def test_every_code_comes_from_the_code_tables() -> None:
    for chart in every_chart():
        for code in codes_in(chart.patient):
            assert (code["system"], code["code"]) in KNOWN_CODES, code
        for _name, rec in all_records(chart):
            for code in codes_in(rec):
                assert (code["system"], code["code"]) in KNOWN_CODES, code


def test_record_ids_are_unique_and_carry_the_resource_prefix() -> None:
    from sandbox.data.resources import RESOURCES

    for chart in every_chart():
        for name, recs in chart.records.items():
            assert len({r["id"] for r in recs}) == len(recs)
            assert all(r["id"].startswith(RESOURCES[name].id_prefix) for r in recs)
            assert all(chart.get(name, r["id"]) is r for r in recs)
