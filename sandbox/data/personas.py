"""Hand-designed personas, one YAML file each in fixtures/personas/.

A persona is a Profile with chosen facts (plus the title and "good for" text shown to
developers); it runs through the same story model as any generated patient.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from sandbox.data import care_codes as cc
from sandbox.data import codes as c
from sandbox.data.profile import (
    AdmissionSpec,
    AllergySpec,
    ConditionSpec,
    ConnectionSpec,
    MedSpec,
    Profile,
)
from sandbox.identity import normalize_email


@dataclass(frozen=True)
class Persona:
    slug: str
    email: str
    title: str
    good_for: str
    profile: Profile

    @property
    def first_name(self) -> str:
        return self.profile.first_name

    @property
    def last_name(self) -> str:
        return self.profile.last_name


class PersonaError(ValueError):
    pass


def _check(ok: bool, slug: str, what: str) -> None:
    if not ok:
        raise PersonaError(f"persona {slug}: {what}")


def parse_persona(slug: str, doc: dict[str, Any]) -> Persona:
    conns = tuple(ConnectionSpec(**spec) for spec in doc.get("connections", []))
    for cn in conns:
        _check(cn.vendor in cc.EHR_VENDORS, slug, f"unknown vendor {cn.vendor}")
        _check(cn.status in cc.CONNECTION_STATUSES, slug, f"unknown status {cn.status}")
    conds = tuple(ConditionSpec(**spec) for spec in doc.get("conditions", []))
    for cond in conds:
        _check(cond.key in c.CONDITIONS, slug, f"unknown condition {cond.key}")
    meds = doc.get("medications")
    med_specs = None if meds is None else tuple(MedSpec(**{**m, "rxnorm": str(m["rxnorm"])})
                                                for m in meds)
    for med in med_specs or ():
        _check(med.rxnorm in c.MEDICATIONS, slug, f"unknown RxNorm {med.rxnorm}")
        _check(med.for_condition is None or med.for_condition in {x.key for x in conds}, slug,
               f"medication {med.rxnorm} treats a condition the persona does not have")
    allergies = []
    for a in doc.get("allergies", []):
        reactions = tuple((r["manifestation"], r["severity"]) for r in a.get("reactions", []))
        _check(a["substance"] in c.ALLERGENS, slug, f"unknown allergen {a['substance']}")
        _check(all(m in c.REACTIONS for m, _ in reactions), slug, "unknown reaction")
        allergies.append(AllergySpec(a["substance"], reactions, a.get("criticality", "low"),
                                     a.get("onset_years_ago")))
    admissions = tuple(AdmissionSpec(**a) for a in doc.get("admissions", []))
    body = {k: doc[k] for k in ("language", "race", "ethnicity", "height_cm", "weight_kg",
                                "weight_trend", "history_years", "nkda", "acute_per_year",
                                "visit_intensity", "immunizations", "max_encounters",
                                "duplicate_share") if k in doc}
    birth = doc["birth_date"]
    profile = Profile(
        first_name=doc["first_name"], last_name=doc["last_name"],
        birth_date=birth if isinstance(birth, date) else date.fromisoformat(birth),
        sex=doc["sex"], email=normalize_email(doc["email"]), connections=conns,
        conditions=conds, medications=med_specs, allergies=tuple(allergies),
        admissions=admissions, **body)
    return Persona(slug, normalize_email(doc["email"]), doc["title"], doc["good_for"].strip(),
                   profile)


def load_personas(fixtures_dir: Path) -> list[Persona]:
    """Every fixtures_dir/personas/*.yaml, sorted by file name."""
    folder = fixtures_dir / "personas"
    out = []
    for path in sorted(folder.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            out.append(parse_persona(path.stem, yaml.safe_load(fh)))
    return out
