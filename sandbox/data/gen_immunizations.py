"""Immunizations: the childhood series on well-child visits, then the adult schedule;
seasonal and COVID-19 vaccines come from pharmacies (no encounter, not primary source)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sandbox.data import care_codes as cc
from sandbox.data import codes as c
from sandbox.data import mess
from sandbox.data.gen_common import record
from sandbox.data.seeds import at, faker_for, iso_d
from sandbox.data.story import ConnFact, Story

ROUTES = {"119": "oral", "03": "subcutaneous", "21": "subcutaneous", "10": "intramuscular"}


def _imm(story: Story, cvx: str, dose: int | None, day: date, conn: ConnFact, key: str,
         r: random.Random, encounter: str | None, performer: str | None) -> dict:
    lot_fake = faker_for(story.seed, story.patient_id, f"lot:{key}")
    no_lot = mess.chosen(mess.NULL_FIELD_SHARE, story.patient_id, "lot", key)
    return record(story, "immunizations", key, conn, r, at(day, 18), {
        "vaccine": cc.VACCINES[cvx], "codes": [c.code(c.CVX, cvx, cc.VACCINES[cvx])],
        "status": "completed", "occurrence_date": iso_d(day),
        "lot_number": None if no_lot else lot_fake.bothify("??####").upper(),
        "manufacturer": cc.MANUFACTURERS.get(cvx), "dose_number": dose,
        "route": ROUTES.get(cvx, "intramuscular"), "primary_source": encounter is not None,
        "performer_id": performer, "encounter_id": encounter,
    })


def _conn_on(story: Story, day: date) -> ConnFact | None:
    if story.primary and story.primary.covers(day):
        return story.primary
    return next((cn for cn in story.connections if cn.covers(day)), None)


def immunizations(story: Story) -> list[dict]:
    if not story.profile.immunizations:
        return []
    out = []
    for v in story.visits:
        for cvx, dose in v.vaccines:
            r = story.rng(f"imm:{v.key}:{cvx}")
            out.append(_imm(story, cvx, dose, v.day, v.conn, f"{v.key}:{cvx}:{dose}", r,
                            story.visit_id(v.key), story.practitioner_id(v.conn, v.role)))
    r = story.rng("imm:pharmacy")
    birth = story.profile.birth_date
    pharmacy: list[tuple[str, int | None, date]] = []
    for year in range(story.data_start.year, story.today.year + 1):
        day = date(year, 9, 20) + timedelta(days=r.randint(0, 60))
        age = story.age_on(day)
        if age >= 0.5 and r.random() < 0.75:
            pharmacy.append((cc.FLU_SENIOR if age >= cc.SENIOR_AGE else cc.FLU_CHILD_ADULT[0],
                             None, day))
    if r.random() < 0.75:
        cvx = r.choice(cc.COVID_MRNA)
        d1 = date(cc.COVID_FIRST_YEAR, 4, 1) + timedelta(days=r.randint(0, 60))
        d2 = d1 + timedelta(days=21 if cvx == "208" else 28)
        d3 = date(cc.COVID_FIRST_YEAR, 11, 1) + timedelta(days=r.randint(0, 60))
        for n, day in ((1, d1), (2, d2), (3, d3)):
            if story.age_on(day) >= 12:
                pharmacy.append((cvx, n, day))
    shingrix_cvx, shingrix_age = cc.SHINGRIX
    turn = date(birth.year + shingrix_age, birth.month, min(birth.day, 28))
    if r.random() < 0.5:
        d1 = max(turn, story.data_start) + timedelta(days=r.randint(30, 400))
        pharmacy += [(shingrix_cvx, 1, d1), (shingrix_cvx, 2, d1 + timedelta(
            days=r.randint(60, 180)))]
    for cvx, number, day in pharmacy:
        conn = _conn_on(story, day)
        if conn is None or not (story.data_start <= day < story.today):
            continue
        key = f"pharmacy:{cvx}:{number}:{day}"
        out.append(_imm(story, cvx, number, day, conn, key, story.rng(f"imm:{key}"), None, None))
    return out
