"""Helpers for the data tests: one Charts at a fixed clock, the record-schema validators."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import yaml
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sandbox.data.chart import Chart, Charts
from sandbox.identity import PatientRef

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
RECORDS_YAML = ROOT / "openapi" / "components" / "records.yaml"
SEED = 20240611
AS_OF = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
BASE = "urn:consolidate:records"


@cache
def records_doc() -> dict:
    with RECORDS_YAML.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@cache
def validator(schema_name: str) -> OAS31Validator:
    registry: Registry = Registry().with_resource(
        BASE, Resource.from_contents(records_doc(), default_specification=DRAFT202012))
    return OAS31Validator({"$ref": f"{BASE}#/components/schemas/{schema_name}"},
                          registry=registry, format_checker=OAS31Validator.FORMAT_CHECKER)


@cache
def shared_charts() -> Charts:
    return Charts(SEED, FIXTURES, AS_OF)


def persona_chart(email: str) -> Chart:
    return shared_charts().chart(PatientRef.from_email(SEED, email))


def all_records(chart: Chart) -> Iterator[tuple[str, dict]]:
    for name, recs in chart.records.items():
        for rec in recs:
            yield name, rec


def generated_charts(count: int, seed: int = SEED) -> list[Chart]:
    charts = Charts(seed, FIXTURES, AS_OF) if seed != SEED else shared_charts()
    return [charts.chart(PatientRef.from_email(seed, f"generated.{i}@example.org"))
            for i in range(count)]
