"""The resource table: the one place that lists the patient-record resources the API serves.

The API routes, the OpenAPI components and the chart builder all read this table; adding
a resource means one row here, one schema in openapi/components/records.yaml and one
generator in `chart.GENERATORS`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResourceSpec:
    name: str  # URL segment, e.g. "medications"
    schema: str  # component schema name in openapi/components/records.yaml
    id_prefix: str  # e.g. "med_"
    date_fields: tuple[str, ...] = ("created_at",)  # clinical date for the stable order


def _spec(name: str, schema: str, prefix: str, *dates: str) -> tuple[str, ResourceSpec]:
    return name, ResourceSpec(name, schema, prefix, (*dates, "created_at"))


RESOURCES: dict[str, ResourceSpec] = dict([
    _spec("connections", "Connection", "conn_"),
    _spec("medications", "Medication", "med_", "start_date", "authored_on"),
    _spec("conditions", "Condition", "cond_", "onset_date", "recorded_date"),
    _spec("allergies", "Allergy", "alg_", "recorded_date", "onset_date"),
    _spec("immunizations", "Immunization", "imm_", "occurrence_date"),
    _spec("labs", "Lab", "lab_", "effective_at"),
    _spec("vitals", "Vital", "vit_", "effective_at"),
    _spec("procedures", "Procedure", "proc_", "performed_date"),
    _spec("encounters", "Encounter", "enc_", "start"),
    _spec("documents", "Document", "doc_", "date"),
    _spec("practitioners", "Practitioner", "prac_"),
    _spec("coverage", "Coverage", "cov_", "period_start"),
])
PATIENT_SCHEMA = "Patient"


def sort_key(spec: ResourceSpec, record: dict) -> str:
    """The record's clinical date (ISO string): the first non-null of spec.date_fields."""
    for field in spec.date_fields:
        value = record.get(field)
        if value:
            return str(value)
    return ""
