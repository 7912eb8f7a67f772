"""The visit schedule: which encounters happened, and what each one ordered.

Preventive visits follow age; chronic conditions bring follow-ups at their own interval;
warfarin brings monthly INR checks; acute episodes and hospital stays come at a seeded
rate. Each visit then gets its lab orders, procedures and vaccines from the problems it
addressed, so labs, procedures and notes always sit on an encounter of the same date.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sandbox.data import care_codes as cc
from sandbox.data.seeds import add_months, at
from sandbox.data.story import ConditionFact, ConnFact, MedFact, Story, Visit, visit_time

FOLLOW_UP_MONTHS = {"diabetes": 3, "heart_failure": 3, "hypertension": 6, "ckd3": 6,
                    "atrial_fibrillation": 6, "copd": 6, "asthma": 6, "depression": 4,
                    "ischemic_heart_disease": 6, "anemia": 6, "anxiety": 6}
WARFARIN = "855332"
WELL_CHILD_MONTHS = (0, 1, 2, 4, 6, 9, 12, 15, 18, 24, 30, 36, *range(48, 216, 12))
ACUTE_CHILD = ("otitis_media", "viral_pharyngitis", "strep_throat", "acute_bronchitis")
ACUTE_ADULT = ("viral_sinusitis", "viral_pharyngitis", "acute_bronchitis", "strep_throat",
               "cystitis", "covid19", "pneumonia")
ANTIBIOTIC_DAYS = {"562251": 7, "308192": 10, "198335": 5, "309309": 5, "312615": 5}
SPECIALIST_KIND = {"cardiology", "endocrinology", "orthopedics", "neurology", "dermatology",
                   "psychiatry"}


class _Plan:
    """Collects visits, then assigns connections and orders."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.rng = story.rng("schedule")
        self.raw: list[tuple[str, str, date, tuple[str, ...]]] = []  # key, kind, day, problems

    def add(self, kind: str, day: date, problems: tuple[str, ...] = (), key: str = "") -> None:
        s = self.story
        if s.data_start <= day < s.today:
            self.raw.append((key or f"{kind}:{day}", kind, day, problems))

    def chronic_on(self, day: date) -> tuple[str, ...]:
        return tuple(f.key for f in self.story.conditions if f.chronic and f.active_on(day))

    def pick_conn(self, day: date, kind: str) -> ConnFact | None:
        covering = [cn for cn in self.story.connections if cn.covers(day)]
        if not covering:
            return None
        wanted = "hospital" if kind in ("emergency", "inpatient") else "clinic"
        preferred = [cn for cn in covering if cn.kind == wanted] or covering
        return preferred[0] if len(preferred) == 1 else self.rng.choice(preferred)


def _preventive(plan: _Plan) -> None:
    s = plan.story
    birth = s.profile.birth_date
    for months in WELL_CHILD_MONTHS:
        day = add_months(birth, months) + timedelta(days=plan.rng.randint(3, 12))
        plan.add("well_child", day, plan.chronic_on(day))
    for months in (134, 138):  # HPV doses 2 and 3: a nurse visit
        plan.add("follow_up", add_months(birth, months) + timedelta(days=plan.rng.randint(0, 9)))
    anniversary = plan.rng.randint(20, 340)
    year = s.data_start.year
    while year <= s.today.year:
        day = date(year, 1, 1) + timedelta(days=anniversary + plan.rng.randint(-15, 15))
        if s.age_on(day) >= 18:
            plan.add("checkup", day, plan.chronic_on(day))
        year += 1


def _chronic(plan: _Plan) -> None:
    s = plan.story
    intensity = max(0.2, s.profile.visit_intensity)
    for fact in s.conditions:
        if fact.visit_key:
            plan.add("problem", fact.onset, (fact.key,), key=fact.visit_key)
    keys = {f.key for f in s.conditions if f.chronic}
    months = [FOLLOW_UP_MONTHS[k] for k in keys if k in FOLLOW_UP_MONTHS]
    if months:
        step = max(1, round(min(months) / intensity))
        first = min(f.onset for f in s.conditions if f.key in FOLLOW_UP_MONTHS)
        day = max(first, s.data_start) + timedelta(days=plan.rng.randint(20, 60))
        while day < s.today:
            kind = "telehealth" if plan.rng.random() < 0.12 else "follow_up"
            plan.add(kind, day, plan.chronic_on(day))
            day = add_months(day, step) + timedelta(days=plan.rng.randint(-10, 10))
    for med in s.meds:
        if med.rxnorm == WARFARIN:
            day = max(med.start, s.data_start) + timedelta(days=7)
            while day < (med.end or s.today):
                plan.add("follow_up", day, ("atrial_fibrillation",), key=f"inr:{day}")
                day += timedelta(days=plan.rng.randint(21, 42))
    for key in sorted(keys):
        specialty = cc.SPECIALIST_FOR.get(key)
        current = s.active(key, s.today)
        if specialty and current:
            day = max(current.onset, s.data_start) + timedelta(days=plan.rng.randint(14, 90))
            while day < s.today:
                plan.add("consult", day, (key,), key=f"consult:{specialty}:{day}")
                day = add_months(day, 12) + timedelta(days=plan.rng.randint(-20, 20))


def _acute(plan: _Plan) -> list[tuple[str, date]]:
    s = plan.story
    rate = s.profile.acute_per_year
    episodes = []
    day = s.data_start
    while rate > 0:
        day += timedelta(days=round(plan.rng.expovariate(rate) * 365.25) + 1)
        if day >= s.today:
            break
        pool = ACUTE_CHILD if s.age_on(day) < 12 else ACUTE_ADULT
        key = plan.rng.choice(pool)
        if key == "covid19" and day < date(2020, 3, 1):
            key = "viral_pharyngitis"
        if key == "cystitis" and s.profile.sex != "female":
            key = "viral_sinusitis"
        kind = plan.rng.choices(["problem", "urgent_care", "telehealth"], weights=[5, 3, 2])[0]
        plan.add(kind, day, (key,), key=f"acute:{key}:{day}")
        episodes.append((key, day))
    return episodes


def _admissions(plan: _Plan) -> None:
    for adm in plan.story.profile.admissions:
        day = plan.story.today - timedelta(days=round(adm.years_ago * 365.25))
        problems = (adm.reason, *plan.chronic_on(day))
        plan.add("emergency", day, problems, key=f"ed:{day}")
        plan.add("inpatient", day, problems, key=f"ip:{day}:{adm.days}")


def build_schedule(story: Story) -> None:
    """Fill story.visits (and the acute conditions and courses they bring)."""
    if story.primary is None:
        return
    plan = _Plan(story)
    _preventive(plan)
    _chronic(plan)
    episodes = _acute(plan)
    _admissions(plan)
    seen: set[str] = set()
    orders = _Orders(story)
    visits: list[Visit] = []
    for key, kind, day, problems in sorted(plan.raw, key=lambda r: (r[2], r[0])):
        if key in seen:
            continue
        seen.add(key)
        conn = plan.pick_conn(day, kind)
        if conn is None:
            continue
        start = visit_time(plan.rng, day, kind)
        if kind == "inpatient":
            days = int(key.rsplit(":", 1)[1])
            start += timedelta(hours=5)
            end = at(day + timedelta(days=days), plan.rng.randint(16, 22))
        elif kind == "emergency":
            end = start + timedelta(hours=plan.rng.randint(3, 5))
        else:
            end = start + timedelta(minutes=plan.rng.choice([15, 20, 30, 40]))
        end = min(end, story.as_of - timedelta(hours=1))
        visits.append(orders.visit(key, kind, start, end, conn, problems))
    if story.profile.max_encounters is not None:
        visits = visits[-story.profile.max_encounters:]
    story.visits = visits
    kept = {v.key for v in visits}
    story.conditions[:] = [f for f in story.conditions if f.visit_key is None
                           or f.visit_key in kept]
    _acute_facts(story, episodes, {v.key: v for v in visits})
    _care_team(story)


def _acute_facts(story: Story, episodes: list[tuple[str, date]],
                 by_key: dict[str, Visit]) -> None:
    rng = story.rng("acute")
    from sandbox.data import codes as c

    for key, day in episodes:
        visit = by_key.get(f"acute:{key}:{day}")
        if visit is None:
            continue
        fact = ConditionFact(key, day, day + timedelta(days=rng.randint(7, 21)), visit.conn,
                             visit.key)
        story.conditions.append(fact)
        drugs = [rx for rx in c.ANTIBIOTICS.get(key, ()) if rx not in story.contraindicated]
        if not drugs and key == "cystitis":
            drugs = ["309309"]  # ciprofloxacin when sulfa is out
        if drugs and (key != "acute_bronchitis" or rng.random() < 0.3):
            rx = rng.choice(drugs)
            end = day + timedelta(days=ANTIBIOTIC_DAYS.get(rx, 7))
            story.meds.append(MedFact(rx, fact, day, min(end, story.today), visit.conn, False,
                                      visit.key, visit.role))


def _care_team(story: Story) -> None:
    for conn in story.connections:
        if not conn.has_data:
            continue
        roles = {"pcp"} | {v.role for v in story.visits if v.conn.id == conn.id}
        roles |= {m.role for m in story.meds if m.conn.id == conn.id and not m.reported}
        story.roles[conn.id] = tuple(sorted(roles))


class _Orders:
    """What each visit ordered: labs (panel or standalone keys), procedures, vaccines."""

    def __init__(self, story: Story) -> None:
        self.s = story
        self.rng: random.Random = story.rng("orders")
        self.last: dict[str, date] = {}
        self.given: dict[str, int] = {}

    def due(self, what: str, day: date, days: int) -> bool:
        last = self.last.get(what)
        if last is None or (day - last).days >= days:
            self.last[what] = day
            return True
        return False

    def visit(self, key: str, kind: str, start: datetime, end: datetime, conn: ConnFact,
              problems: tuple[str, ...]) -> Visit:
        s, day = self.s, start.date()
        age = s.age_on(day)
        labs: list[str] = []
        procs: list[str] = []
        has = set(problems)
        role = "pcp"
        if kind == "checkup":
            labs += ["cmp", "cbc"]
            if (age >= 40 or "hyperlipidemia" in has) and self.due("lipid", day, 300):
                labs.append("lipid")
            if has & {"diabetes", "prediabetes", "obesity"}:
                labs.append("HGBA1C")
            if "diabetes" in has:
                labs.append("UMALB")
            if "hypothyroidism" in has:
                labs.append("TSH")
            if s.profile.sex == "male" and 55 <= age <= 70:
                labs.append("PSA")
            if self.rng.random() < 0.1:
                labs.append("VITD")
            procs.append("depression_screening")
            if s.profile.sex == "female" and age >= 40 and self.due("mammo", day, 700):
                procs.append("mammography")
            if age >= 50 and self.due("colonoscopy", day, 3650):
                procs.append("colonoscopy")
            if s.profile.sex == "female" and age >= 65 and self.due("dexa", day, 3650):
                procs.append("bone_density")
        elif kind == "well_child":
            role = "pcp"
            if 11 <= age * 12 <= 14 and self.due("cbc-child", day, 3650):
                labs.append("cbc")
        elif key.startswith("inr:"):
            labs.append("pt")
            role = "cardiology" if "cardiology" in self._specialists() else "pcp"
        elif key.startswith("consult:"):
            role = key.split(":")[1]
            if role == "cardiology":
                procs.append("ecg")
        elif kind in ("follow_up", "telehealth", "problem") and not key.startswith("acute:"):
            in_person = kind != "telehealth"
            if "diabetes" in has and in_person:
                labs.append("HGBA1C")
                if self.due("bmp", day, 170):
                    labs.append("bmp")
                if self.due("retina", day, 330):
                    procs.append("retinal_exam")
            if has & {"ckd3", "heart_failure"} and in_person and self.due("bmp", day, 80):
                labs.append("bmp")
            if "hyperlipidemia" in has and in_person and self.due("lipid", day, 300):
                labs.append("lipid")
            if "hypothyroidism" in has and in_person and self.due("tsh", day, 300):
                labs.append("TSH")
            if "anemia" in has and in_person and self.due("cbc", day, 150):
                labs.append("cbc")
            if "prediabetes" in has and in_person and self.due("a1c", day, 330):
                labs.append("HGBA1C")
            if key.startswith("dx:"):
                dx = problems[0]
                labs += {"atrial_fibrillation": ["bmp", "cbc", "TSH"], "ckd3": ["UMALB"],
                         "heart_failure": ["bmp"]}.get(dx, [])
                procs += {"asthma": ["spirometry"], "copd": ["spirometry"],
                          "osteoporosis": ["bone_density"], "atrial_fibrillation": ["ecg"],
                          "ischemic_heart_disease": ["ecg"],
                          "heart_failure": ["echo", "ecg"]}.get(dx, [])
        elif key.startswith("acute:"):
            role = "np" if kind in ("urgent_care", "telehealth") else "pcp"
            acute = problems[0]
            if kind != "telehealth":
                labs += {"cystitis": ["ua"], "pneumonia": ["cbc"]}.get(acute, [])
                procs += {"strep_throat": ["throat_culture"], "viral_pharyngitis":
                          ["throat_culture"], "pneumonia": ["chest_xray"]}.get(acute, [])
        elif kind == "emergency":
            role = "emergency"
            labs += ["cbc", "bmp"]
            if any(m.rxnorm == WARFARIN and m.start <= day for m in s.meds):
                labs.append("pt")
            procs += ["ecg", "chest_xray"] if problems[0] in (
                "heart_failure", "pneumonia", "atrial_fibrillation") else []
        elif kind == "inpatient":
            role = "hospitalist"
            labs.append("bmp")
            procs.append("med_reconciliation")
            if problems[0] == "heart_failure":
                procs.append("echo")
        vaccines = self._vaccines(kind, day, age)
        return Visit(key, kind, start, end, conn, role, problems, tuple(dict.fromkeys(labs)),
                     tuple(dict.fromkeys(procs)), vaccines)

    def _specialists(self) -> set[str]:
        return {cc.SPECIALIST_FOR[f.key] for f in self.s.conditions
                if f.key in cc.SPECIALIST_FOR}

    def _vaccines(self, kind: str, day: date, age: float) -> tuple[tuple[str, int], ...]:
        if not self.s.profile.immunizations:
            return ()
        out: list[tuple[str, int]] = []
        birth = self.s.profile.birth_date
        if kind in ("well_child", "follow_up") and age < 18:
            for cvx, ages in cc.CHILD_SCHEDULE.items():
                for dose, months in enumerate(ages, start=1):
                    target = add_months(birth, months)
                    if abs((day - target).days) <= 20:
                        out.append((cvx, dose))
        elif kind == "checkup":
            if age >= 21 and "113" not in self.given and self.rng.random() < 0.3:
                self.given["113"] = day.toordinal()
                out.append(("113", 1))
            if age >= 65 and "133" not in self.given:
                self.given["133"] = day.toordinal()
                out.append(("133", 1))
            elif age >= 66 and "133" in self.given and "33" not in self.given:
                self.given["33"] = day.toordinal()
                out.append(("33", 1))
        return tuple(out)
