"""The story of one patient: a Profile resolved against `as_of` into dated facts.

Conditions drive everything downstream: the medications that treat them, the visits that
follow them up, the labs and procedures those visits order. The generators only render
these facts as records; every cross-reference (encounter, prescriber, indication) is an id
computed from a fact's key, so each generator can name records another one produces.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sandbox.data import care_codes as cc
from sandbox.data import codes as c
from sandbox.data.profile import MedSpec, Profile
from sandbox.data.resources import RESOURCES
from sandbox.data.seeds import age_years, as_utc, at, record_id, stream, years_before


@dataclass(frozen=True)
class ConnFact:
    index: int
    id: str
    vendor: str
    organization: str
    portal: str
    status: str
    kind: str
    start: date
    end: date
    created_at: datetime
    last_synced_at: datetime | None

    @property
    def has_data(self) -> bool:
        return self.status != "syncing" and self.start <= self.end

    def covers(self, day: date) -> bool:
        return self.has_data and self.start <= day <= self.end

    def source(self) -> dict:
        return {"connection_id": self.id, "organization": self.organization,
                "ehr_vendor": self.vendor}


@dataclass(frozen=True)
class ConditionFact:
    key: str
    onset: date
    abatement: date | None
    conn: ConnFact
    visit_key: str | None = None  # the visit where it was diagnosed, if the source has it

    @property
    def chronic(self) -> bool:
        return c.CONDITIONS[self.key].chronic

    def active_on(self, day: date) -> bool:
        return self.onset <= day and (self.abatement is None or day <= self.abatement)


@dataclass(frozen=True)
class MedFact:
    rxnorm: str
    condition: ConditionFact | None
    start: date
    end: date | None
    conn: ConnFact
    reported: bool = False
    visit_key: str | None = None
    role: str = "pcp"


@dataclass(frozen=True)
class Visit:
    key: str
    kind: str
    start: datetime
    end: datetime
    conn: ConnFact
    role: str
    problems: tuple[str, ...] = ()
    orders: tuple[str, ...] = ()
    procedures: tuple[str, ...] = ()
    vaccines: tuple[tuple[str, int], ...] = ()

    @property
    def day(self) -> date:
        return self.start.date()


@dataclass
class Story:
    seed: int
    patient_id: str
    as_of: datetime
    profile: Profile
    connections: list[ConnFact]
    primary: ConnFact | None
    conditions: list[ConditionFact] = field(default_factory=list)
    meds: list[MedFact] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)  # conn id -> care team
    memo: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    @property
    def today(self) -> date:
        return self.as_of.date()

    @property
    def data_start(self) -> date:
        return max(self.profile.birth_date, years_before(self.today, self.profile.history_years))

    def rid(self, resource: str, key: str) -> str:
        found = self.memo.get((resource, key))
        if found is None:
            found = record_id(RESOURCES[resource].id_prefix, self.seed, self.patient_id,
                              resource, key)
            self.memo[(resource, key)] = found
        return found

    def rng(self, name: str) -> random.Random:
        return stream(self.seed, self.patient_id, name)

    def age_on(self, day: date) -> float:
        return age_years(self.profile.birth_date, day)

    def visit_id(self, visit_key: str | None) -> str | None:
        return self.rid("encounters", visit_key) if visit_key else None

    def condition_id(self, fact: ConditionFact, conn: ConnFact | None = None) -> str:
        return self.rid("conditions", f"{fact.key}:{fact.onset}:{(conn or fact.conn).id}")

    def practitioner_id(self, conn: ConnFact, role: str) -> str:
        return self.rid("practitioners", f"{conn.id}:{role}")

    @property
    def contraindicated(self) -> frozenset[str]:
        out: frozenset[str] = frozenset()
        for allergy in self.profile.allergies:
            out |= c.CONTRAINDICATED.get(allergy.substance, frozenset())
        return out

    def active(self, key: str, day: date) -> ConditionFact | None:
        return next((f for f in self.conditions if f.key == key and f.active_on(day)), None)


def pcp_specialty(story: Story) -> str:
    return "pediatrics" if story.age_on(story.today) < 18 else (
        "internal" if story.age_on(story.today) >= 50 else "family")


def role_specialty(story: Story, role: str) -> str:
    return {"pcp": pcp_specialty(story), "hospitalist": "internal",
            "np": "nurse_practitioner"}.get(role, role)


def resolve_connections(seed: int, patient_id: str, profile: Profile,
                        as_of: datetime) -> list[ConnFact]:
    rng = stream(seed, patient_id, "connections")
    today = as_of.date()
    out = []
    for i, spec in enumerate(profile.connections):
        start = max(profile.birth_date, years_before(today, spec.since_years))
        created = as_utc(as_of) - timedelta(days=rng.uniform(1, 400), seconds=rng.randint(0, 86399))
        if spec.status == "syncing":
            created = as_utc(as_of) - timedelta(minutes=rng.uniform(2, 50))
            synced: datetime | None = None
        elif spec.status == "connected":
            synced = as_utc(as_of) - timedelta(minutes=rng.uniform(5, 60 * 20))
        else:  # needs_reauth / error: the last good sync was a while ago
            synced = as_utc(as_of) - timedelta(days=rng.uniform(20, 90))
        synced = max(synced, created) if synced else None
        end = years_before(today, spec.until_years) - timedelta(days=1)
        if synced is not None:
            end = min(end, synced.date() - timedelta(days=1))
        portal = cc.EHR_VENDORS[spec.vendor][1]
        conn_id = record_id("conn_", seed, patient_id, "connections", f"{i}:{spec.organization}")
        out.append(ConnFact(i, conn_id, spec.vendor, spec.organization, spec.portal or portal,
                            spec.status, spec.kind, start, end, created, synced))
    return out


def choose_primary(conns: list[ConnFact]) -> ConnFact | None:
    with_data = [cn for cn in conns if cn.has_data]
    if not with_data:
        return None
    return max(with_data, key=lambda cn: (cn.end, -cn.start.toordinal(), -cn.index))


def resolve_conditions(story: Story) -> None:
    primary = story.primary
    if primary is None:
        return
    for spec in story.profile.conditions:
        onset = max(story.profile.birth_date + timedelta(days=60),
                    years_before(story.today, spec.onset_years_ago))
        abatement = (years_before(story.today, spec.resolved_years_ago)
                     if spec.resolved_years_ago is not None else None)
        visit_key = (f"dx:{spec.key}:{onset}"
                     if primary.covers(onset) and onset < story.today else None)
        story.conditions.append(ConditionFact(spec.key, onset, abatement, primary, visit_key))


def resolve_medications(story: Story) -> None:
    primary = story.primary
    if primary is None:
        return
    rng = story.rng("med-plan")
    specs = story.profile.medications
    chosen: list[tuple[str, ConditionFact | None]] = []
    if specs is None:  # the model: first-line drugs for each treated condition
        for cond in story.conditions:
            options = tuple(rx for rx in c.TREATMENTS.get(cond.key, ())
                            if rx not in story.contraindicated)
            if not options:
                continue
            if cond.key in ("asthma", "atrial_fibrillation", "heart_failure", "copd",
                            "ischemic_heart_disease"):
                picks = list(options[:2])
            else:
                picks = [rng.choice(options)]
            chosen += [(rx, cond) for rx in picks]
        if story.age_on(story.today) >= 40 and rng.random() < 0.3:
            otc = [rx for rx in c.OTC_MEDS if rx not in story.contraindicated]
            chosen.append((rng.choice(otc), None))
    else:
        for med_spec in specs:
            treats = next((f for f in story.conditions if f.key == med_spec.for_condition), None)
            chosen.append((med_spec.rxnorm, treats))
    explicit = {s.rxnorm: s for s in specs or ()}
    for rx, fact in chosen:
        spec: MedSpec | None = explicit.get(rx)
        reported = spec.reported if spec is not None else fact is None
        if spec is not None and spec.years_ago is not None:
            start = years_before(story.today, spec.years_ago)
        elif fact is not None:
            start = fact.onset + timedelta(days=rng.randint(0, 20))
        else:
            start = years_before(story.today, rng.uniform(0.3, 4))
        start = min(start, story.today - timedelta(days=1))
        specialist = cc.SPECIALIST_FOR.get(fact.key) if fact else None
        role = specialist if specialist and rng.random() < 0.5 else "pcp"
        visit_key = fact.visit_key if fact and start - fact.onset < timedelta(days=21) else None
        start = fact.onset if visit_key and fact else start
        end = fact.abatement if fact and fact.abatement else None
        step_up = c.ESCALATIONS.get(rx)
        if step_up and not reported and rng.random() < 0.5 and story.today - start > timedelta(
                days=500):
            switch = start + timedelta(days=rng.randint(200, 480))
            story.meds.append(MedFact(rx, fact, start, switch, primary, reported, visit_key, role))
            story.meds.append(MedFact(step_up, fact, switch, end, primary, reported, None, role))
            continue
        story.meds.append(MedFact(rx, fact, start, end, primary, reported, visit_key, role))


def visit_time(rng: random.Random, day: date, kind: str) -> datetime:
    if kind in ("emergency",):
        return at(day, rng.randint(0, 23), rng.choice([0, 10, 20, 30, 40, 50]))
    return at(day, rng.randint(13, 22), rng.choice([0, 15, 30, 45]))  # 8:00-17:45 US time
