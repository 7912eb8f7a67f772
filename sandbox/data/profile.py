"""The facts a chart is built from: hand-chosen by a persona, or drawn for any other email.

Times are relative ("years ago") so a persona stays coherent whatever `as_of` the server
runs at; the story resolves them against `as_of`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sandbox.data import care_codes as cc
from sandbox.data import codes as c
from sandbox.data import mess
from sandbox.data.seeds import faker_for, stream
from sandbox.identity import PatientRef


@dataclass(frozen=True)
class ConnectionSpec:
    vendor: str
    organization: str
    status: str = "connected"
    since_years: float = 5.0  # its records start this many years before as_of
    until_years: float = 0.0  # ... and stop this many years before as_of
    kind: str = "clinic"  # clinic | hospital: hospitals get the ED and inpatient stays
    portal: str | None = None


@dataclass(frozen=True)
class ConditionSpec:
    key: str
    onset_years_ago: float
    resolved_years_ago: float | None = None


@dataclass(frozen=True)
class MedSpec:
    rxnorm: str
    for_condition: str | None = None
    years_ago: float | None = None  # None: from the condition's onset
    reported: bool = False  # patient-reported (OTC), no prescriber


@dataclass(frozen=True)
class AllergySpec:
    substance: str
    reactions: tuple[tuple[str, str], ...] = ()  # (manifestation key, severity)
    criticality: str = "low"
    onset_years_ago: float | None = None


@dataclass(frozen=True)
class AdmissionSpec:
    years_ago: float
    reason: str  # a condition key
    days: int = 3


@dataclass(frozen=True)
class Profile:
    first_name: str
    last_name: str
    birth_date: date
    sex: str  # male | female | other | unknown
    email: str = ""
    language: str = "en"
    race: str | None = None
    ethnicity: str | None = None
    height_cm: float = 170.0
    weight_kg: float = 75.0
    weight_trend: float = 0.0  # kg per year
    history_years: float = 5.0
    connections: tuple[ConnectionSpec, ...] = ()
    conditions: tuple[ConditionSpec, ...] = ()
    medications: tuple[MedSpec, ...] | None = None  # None: chosen from the conditions
    allergies: tuple[AllergySpec, ...] = ()
    nkda: bool = False  # a text-only "NKDA" entry when there is no allergy
    admissions: tuple[AdmissionSpec, ...] = ()
    acute_per_year: float = 0.5
    visit_intensity: float = 1.0
    immunizations: bool = True
    max_encounters: int | None = None
    duplicate_share: float = mess.DUPLICATE_SHARE
    extra: dict[str, str] = field(default_factory=dict)


# (condition, probability given age, sex and the conditions already drawn)
def _condition_odds(age: float, sex: str, has: set[str]) -> list[tuple[str, float]]:
    female = sex == "female"
    odds = [
        ("hypertension", min(0.65, max(0.0, (age - 25) / 70))),
        ("hyperlipidemia", min(0.55, max(0.0, (age - 30) / 80))),
        ("diabetes", min(0.25, max(0.0, (age - 30) / 160))),
        ("obesity", 0.3 if age >= 18 else 0.12),
        ("asthma", 0.09),
        ("seasonal_allergic_rhinitis", 0.12),
        ("gerd", 0.1 if age >= 25 else 0.0),
        ("depression", 0.08 if age >= 15 else 0.0),
        ("anxiety", 0.09 if age >= 12 else 0.0),
        ("hypothyroidism", (0.1 if female else 0.03) if age >= 25 else 0.0),
        ("low_back_pain", 0.08 if age >= 25 else 0.0),
        ("migraine", (0.06 if female else 0.02) if age >= 15 else 0.0),
        ("atopic_dermatitis", 0.1 if age < 12 else 0.02),
        ("anemia", 0.04),
        ("copd", 0.08 if age >= 50 else 0.0),
        ("osteoarthritis_knee", 0.15 if age >= 50 else 0.0),
        ("osteoporosis", 0.18 if female and age >= 60 else 0.0),
        ("ischemic_heart_disease", 0.08 if age >= 50 else 0.0),
        ("atrial_fibrillation", 0.1 if age >= 65 else 0.0),
        ("heart_failure", (0.15 if "hypertension" in has else 0.04) if age >= 60 else 0.0),
        ("ckd3", (0.2 if "diabetes" in has else 0.06) if age >= 55 else 0.0),
        ("sleep_apnea", 0.2 if "obesity" in has else 0.0),
    ]
    if "diabetes" not in has:
        odds.append(("prediabetes", 0.12 if age >= 30 else 0.0))
    return odds


def _vendor(rng: random.Random) -> str:
    vendors = ["epic", "cerner", "athenahealth", "eclinicalworks", "nextgen", "meditech",
               "allscripts"]
    return rng.choices(vendors, weights=[40, 20, 12, 10, 6, 6, 6])[0]


def _allergies(rng: random.Random, age: float) -> tuple[AllergySpec, ...]:
    count = rng.choices([0, 1, 2], weights=[70, 20, 10])[0]
    keys = list(c.ALLERGENS)
    picked = rng.sample(keys, count)
    out = []
    for key in picked:
        cat = c.ALLERGENS[key].category
        if cat == "food":
            reaction = rng.choice(["hives", "anaphylaxis", "vomiting", "angioedema", "itching"])
        elif cat == "medication":
            reaction = rng.choice(["rash", "hives", "angioedema", "diarrhea"])
        else:
            reaction = rng.choice(["rhinoconjunctivitis", "wheezing", "itching", "cough"])
        severity = "severe" if reaction in ("anaphylaxis", "angioedema") else rng.choice(
            ["mild", "moderate"])
        out.append(AllergySpec(key, ((reaction, severity),),
                               "high" if severity == "severe" else "low",
                               round(rng.uniform(0.5, max(0.6, min(age, 30))), 1)))
    return tuple(out)


def _guess_sex(first_name: str, rng: random.Random) -> str:
    from faker.providers.person.en_US import Provider

    if first_name in Provider.first_names_female:
        return "female"
    if first_name in Provider.first_names_male:
        return "male"
    return rng.choice(["female", "male"])


def draw_profile(seed: int, ref: PatientRef, as_of: datetime) -> Profile:
    """A patient for any email: age, sex and conditions drawn with seeded probabilities."""
    rng = stream(seed, ref.patient_id, "profile")
    fake = faker_for(seed, ref.patient_id, "profile")
    age = rng.choices([rng.uniform(0.3, 17.9), rng.uniform(18, 64.9), rng.uniform(65, 92)],
                      weights=[15, 55, 30])[0]
    sex = _guess_sex(ref.first_name, rng) if ref.first_name else rng.choice(["female", "male"])
    first = ref.first_name or (fake.first_name_female() if sex == "female"
                               else fake.first_name_male())
    last = ref.last_name or fake.last_name()
    birth = as_of.date() - timedelta(days=round(age * 365.25))
    history = min(age, rng.uniform(2, 10))

    has: set[str] = set()
    done: set[str] = set()
    conditions = []
    while True:  # odds are re-read after each draw: some depend on what is already drawn
        todo = [(k, p) for k, p in _condition_odds(age, sex, has) if k not in done]
        if not todo:
            break
        key, p = todo[0]
        done.add(key)
        if rng.random() < p:
            has.add(key)
            span = max(0.3, min(age - 1, 15.0))
            conditions.append(ConditionSpec(key, round(rng.uniform(0.2, span), 2)))

    n_conn = rng.choices([1, 2, 3], weights=[78, 17, 5])[0]
    connections = []
    for i in range(n_conn):
        status = rng.choices(list(cc.CONNECTION_STATUSES), weights=[90, 3, 5, 2])[0]
        kind = "hospital" if i == 1 else "clinic"
        suffix = rng.choice(["Health", "Medical Group", "Family Medicine", "Clinic"]
                            if kind == "clinic" else ["Regional Medical Center", "Hospital"])
        since = history if i == 0 else round(rng.uniform(0.5, history), 2)
        connections.append(ConnectionSpec(_vendor(rng), f"{fake.city()} {suffix}",
                                          status if i else "connected", since, 0.0, kind))

    allergies = _allergies(rng, age)
    admissions: tuple[AdmissionSpec, ...] = ()
    if ("heart_failure" in has or "copd" in has or age > 75) and rng.random() < 0.35:
        reason = "heart_failure" if "heart_failure" in has else "pneumonia"
        admissions = (AdmissionSpec(round(rng.uniform(0.1, history), 2), reason,
                                    rng.randint(2, 6)),)
    if sex == "female":
        height = rng.gauss(163, 7) if age >= 18 else 0.0
    else:
        height = rng.gauss(177, 7) if age >= 18 else 0.0
    bmi = rng.gauss(32, 4) if "obesity" in has else rng.gauss(25, 3)
    weight = bmi * (height / 100) ** 2 if height else 0.0
    return Profile(
        first_name=first, last_name=last, birth_date=birth, sex=sex, email=ref.email,
        language=rng.choices(["en", "es", "zh", "vi"], weights=[85, 10, 3, 2])[0],
        race=rng.choices(list(cc.RACES), weights=[60, 13, 6, 1, 1, 19])[0],
        ethnicity=rng.choices(list(cc.ETHNICITIES), weights=[19, 81])[0],
        height_cm=round(height, 1), weight_kg=round(weight, 1),
        weight_trend=round(rng.uniform(-0.5, 0.8), 2), history_years=round(history, 2),
        connections=tuple(connections), conditions=tuple(conditions), allergies=allergies,
        nkda=not allergies and mess.chosen(mess.NKDA_TEXT_SHARE, seed, ref.patient_id, "nkda"),
        admissions=admissions, acute_per_year=round(rng.uniform(0.2, 1.0), 2),
    )
