"""What every record shares: id, patient_id, source, created_at, updated_at."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sandbox.data import codes as c
from sandbox.data import mess
from sandbox.data.seeds import iso_dt
from sandbox.data.story import ConnFact, Story


def stamps(story: Story, rng: random.Random, clinical: datetime) -> tuple[str, str]:
    """created_at a little after the clinical moment; updated_at sometimes later; both <= as_of."""
    created = min(clinical + timedelta(minutes=rng.randint(5, 720)), story.as_of)
    updated = created
    if rng.random() < 0.25:
        updated = min(created + timedelta(days=rng.uniform(0.1, 60)), story.as_of)
    return iso_dt(created), iso_dt(updated)


def record(story: Story, resource: str, key: str, conn: ConnFact | None, rng: random.Random,
           clinical: datetime, fields: dict) -> dict:
    created, updated = stamps(story, rng, clinical)
    return {"id": story.rid(resource, key), "patient_id": story.patient_id, **fields,
            "source": conn.source() if conn else None, "created_at": created,
            "updated_at": updated}


def snomed_icd(key: str, snomed: bool = True, icd: bool = True) -> list[dict]:
    d = c.CONDITIONS[key]
    out = []
    if snomed:
        out.append(c.code(c.SNOMED, d.snomed, d.display))
    if icd:
        out.append(c.code(c.ICD10CM, d.icd10, d.icd10_display))
    return out


def echoes(story: Story, conn: ConnFact, *key: object) -> list[ConnFact]:
    """The other connected sources that also report this fact (aggregated-data duplication)."""
    return [other for other in story.connections
            if other.id != conn.id and other.has_data and other.status == "connected"
            and mess.chosen(story.profile.duplicate_share, story.patient_id, other.id, *key)]


def variant_name(name: str, rng: random.Random) -> str:
    """How another EHR spells the same thing."""
    style = rng.randrange(3)
    if style == 0:
        return name.upper()
    if style == 1:
        return name.replace(" Oral Tablet", " tablet").replace(" MG", " mg").replace(
            " (disorder)", "")
    return name[:1].upper() + name[1:].replace(" Oral", "")
