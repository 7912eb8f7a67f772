"""Every generated record validates against openapi/components/records.yaml."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.data.chart import Chart, Charts
from sandbox.data.resources import PATIENT_SCHEMA, RESOURCES
from sandbox.identity import PatientRef
from tests.data.data_helpers import AS_OF, FIXTURES, all_records, records_doc, shared_charts, validator

SCHEMAS = records_doc()["components"]["schemas"]
RECORD_SCHEMAS = [PATIENT_SCHEMA, *(spec.schema for spec in RESOURCES.values())]


def assert_valid(chart: Chart) -> None:
    errors = list(validator(PATIENT_SCHEMA).iter_errors(chart.patient))
    assert not errors, errors[0]
    for name, rec in all_records(chart):
        errors = list(validator(RESOURCES[name].schema).iter_errors(rec))
        assert not errors, f"{name} {rec['id']}: {errors[0].message} at {list(errors[0].path)}"


def test_the_resource_table_names_a_schema_for_every_resource() -> None:
    for spec in RESOURCES.values():
        assert spec.schema in SCHEMAS
        assert spec.name.isidentifier() and spec.id_prefix.endswith("_")


@pytest.mark.parametrize("schema", RECORD_SCHEMAS)
def test_record_schemas_are_closed_and_require_every_property(schema: str) -> None:
    body = SCHEMAS[schema]
    assert body["type"] == "object"
    assert body["additionalProperties"] is False
    assert set(body["required"]) == set(body["properties"])
    assert body["description"]
    assert len(body["examples"]) == 1


@pytest.mark.parametrize("schema", RECORD_SCHEMAS)
def test_schema_examples_validate(schema: str) -> None:
    errors = list(validator(schema).iter_errors(SCHEMAS[schema]["examples"][0]))
    assert not errors, errors[0]


def test_every_record_of_every_persona_validates() -> None:
    charts = shared_charts()
    for persona in charts.personas:
        assert_valid(charts.chart(PatientRef.from_email(charts.seed, persona.email)))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), local=st.from_regex(r"[a-z][a-z0-9.]{0,15}", fullmatch=True),
       named=st.booleans())
def test_every_record_of_any_generated_patient_validates(seed: int, local: str,
                                                         named: bool) -> None:
    charts = Charts(seed, FIXTURES, AS_OF, cache_size=2)
    ref = PatientRef.from_email(seed, f"{local}@example.org", "Ana" if named else "",
                                "Lee" if named else "")
    chart = charts.chart(ref)
    assert_valid(chart)
    if named:
        assert (chart.patient["first_name"], chart.patient["last_name"]) == ("Ana", "Lee")


def test_a_patient_known_only_by_id_gets_a_faker_name_and_no_email() -> None:
    charts = Charts(3, FIXTURES, datetime(2024, 1, 1, tzinfo=UTC))
    chart = charts.chart(PatientRef("pat_abcdefghijklmnopqrstuvwx"))
    assert chart.patient["first_name"] and chart.patient["last_name"]
    assert chart.patient["email"] is None
    assert_valid(chart)
