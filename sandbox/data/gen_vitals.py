"""Vital signs at every in-person visit: growth for children, slow weight drift for adults,
blood pressure that answers to treatment, BMI computed from the weight and height shown."""

from __future__ import annotations

import random
from datetime import date, timedelta
from itertools import pairwise

from sandbox.data import codes as c
from sandbox.data import lab_codes as lc
from sandbox.data import mess
from sandbox.data.gen_common import record
from sandbox.data.seeds import iso_dt
from sandbox.data.story import Story, Visit

# (age in years, height cm, BMI) for a median child; heights are scaled to the adult height
GROWTH = ((0.0, 50.0, 13.4), (0.25, 61.0, 16.5), (0.5, 67.0, 17.2), (1.0, 75.0, 17.2),
          (2.0, 87.0, 16.4), (3.0, 95.0, 15.9), (4.0, 102.0, 15.6), (6.0, 115.0, 15.4),
          (8.0, 127.0, 15.9), (10.0, 138.0, 16.9), (12.0, 149.0, 18.0), (14.0, 160.0, 19.4),
          (16.0, 168.0, 20.6), (18.0, 172.0, 21.6))
ANTIHYPERTENSIVES = {"314076", "314077", "310798", "197361", "308136", "979492", "979485",
                     "866412", "200033"}
BETA_BLOCKERS = {"866412", "200033"}


def _interp(age: float, col: int) -> float:
    for (a0, *r0), (a1, *r1) in pairwise(GROWTH):
        if age <= a1:
            t = (age - a0) / (a1 - a0)
            return r0[col] + (r1[col] - r0[col]) * max(0.0, t)
    return GROWTH[-1][col + 1]


def body(story: Story, day: date, r: random.Random) -> tuple[float, float]:
    """(weight kg, height cm) on `day`."""
    p = story.profile
    adult_height = p.height_cm or (163.0 if p.sex == "female" else 177.0)
    age = story.age_on(day)
    if age < 18:
        height = _interp(age, 0) * adult_height / 172.0
        weight = _interp(age, 1) * (height / 100) ** 2 * r.uniform(0.96, 1.04)
        return round(weight, 1), round(height, 1)
    years_back = (story.today - day).days / 365.25
    base = p.weight_kg or 22.5 * (adult_height / 100) ** 2
    return round(base - p.weight_trend * years_back + r.gauss(0, 0.7), 1), round(adult_height, 1)


def _on(story: Story, rx: set[str], day: date) -> bool:
    return any(m.rxnorm in rx and m.start <= day and (m.end is None or m.end >= day)
               for m in story.meds)


def _vital(story: Story, v: Visit, key: str, r: random.Random, value: float | None,
           unit: str | None = None, display: str | None = None,
           components: list[dict] | None = None) -> dict:
    d = lc.VITALS[key]
    at = v.start + timedelta(minutes=5)
    return record(story, "vitals", f"{v.key}:{key}", v.conn, r, at, {
        "name": d.display, "codes": [c.code(c.LOINC, d.loinc, d.display)], "value": value,
        "unit": unit if unit is not None else (d.unit if value is not None else None),
        "display_value": display, "components": components or [], "status": "final",
        "effective_at": iso_dt(at), "encounter_id": story.visit_id(v.key),
    })


def _component(key: str, value: float) -> dict:
    d = lc.VITALS[key]
    return {"name": d.display, "codes": [c.code(c.LOINC, d.loinc, d.display)], "value": value,
            "unit": d.unit}


def vitals(story: Story) -> list[dict]:
    out = []
    for v in story.visits:
        if v.kind == "telehealth":
            continue
        r = story.rng(f"vitals:{v.key}")
        day, age = v.day, story.age_on(v.day)
        fever = any(not c.CONDITIONS[k].chronic for k in v.problems)
        if age >= 3:
            if story.active("hypertension", day):
                sys_, dia = ((r.uniform(120, 139), r.uniform(70, 86))
                             if _on(story, ANTIHYPERTENSIVES, day)
                             else (r.uniform(138, 158), r.uniform(84, 98)))
            elif age >= 18:
                sys_, dia = r.uniform(104, 126), r.uniform(64, 81)
            else:
                sys_, dia = r.uniform(92, 112), r.uniform(54, 72)
            s, d = round(sys_), round(dia)
            out.append(_vital(story, v, "bp", r, None, None, f"{s}/{d} mmHg",
                              [_component("systolic", s), _component("diastolic", d)]))
        if story.active("atrial_fibrillation", day):
            hr = r.uniform(62, 82) if _on(story, BETA_BLOCKERS, day) else r.uniform(78, 112)
        else:
            hr = r.uniform(90, 130) if age < 3 else r.uniform(70, 105) if age < 12 else \
                r.uniform(58, 92)
        out.append(_vital(story, v, "heart_rate", r, float(round(hr))))
        rr = r.uniform(22, 34) if age < 3 else r.uniform(16, 24) if age < 12 else r.uniform(12, 19)
        out.append(_vital(story, v, "respiratory_rate", r, float(round(rr))))
        temp = r.uniform(37.6, 38.7) if fever and r.random() < 0.6 else r.uniform(36.3, 37.2)
        out.append(_vital(story, v, "temperature", r, round(temp, 1)))
        low_o2 = story.active("copd", day) or "pneumonia" in v.problems
        out.append(_vital(story, v, "spo2", r, float(round(r.uniform(89, 95) if low_o2
                                                           else r.uniform(95, 100)))))
        weight, height = body(story, day, r)
        if mess.chosen(mess.IMPERIAL_VITAL_SHARE, story.patient_id, "imperial", v.key):
            lb, inch = round(weight * lc.LB_PER_KG, 1), round(height / lc.CM_PER_IN, 1)
            out.append(_vital(story, v, "weight", r, lb, "[lb_av]", f"{lb:g} lb"))
            out.append(_vital(story, v, "height", r, inch, "[in_i]", f"{inch:g} in"))
        else:
            out.append(_vital(story, v, "weight", r, weight))
            out.append(_vital(story, v, "height", r, height))
        if age >= 2:
            out.append(_vital(story, v, "bmi", r, round(weight / (height / 100) ** 2, 1)))
        else:
            head = 35 + 12 * min(age, 2) ** 0.5 * 0.85
            out.append(_vital(story, v, "head_circumference", r, round(head, 1)))
    return out
