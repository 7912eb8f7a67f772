"""A patient's chart: every resource list, built once from the story and cached.

`Charts` is what the server holds: it loads the personas, builds a chart on first use for
any PatientRef and keeps the most recent ones in an LRU, so serving a deep page costs the
same as the first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sandbox.data import (
    gen_immunizations,
    gen_labs,
    gen_meds,
    gen_people,
    gen_problems,
    gen_visits,
    gen_vitals,
)
from sandbox.data.personas import Persona, load_personas
from sandbox.data.profile import Profile, draw_profile
from sandbox.data.resources import RESOURCES, sort_key
from sandbox.data.schedule import build_schedule
from sandbox.data.seeds import as_utc
from sandbox.data.story import (
    Story,
    choose_primary,
    resolve_conditions,
    resolve_connections,
    resolve_medications,
)
from sandbox.identity import PatientRef, normalize_email

GENERATORS: dict[str, Callable[[Story], list[dict]]] = {
    "connections": gen_people.connections,
    "medications": gen_meds.medications,
    "conditions": gen_problems.conditions,
    "allergies": gen_problems.allergies,
    "immunizations": gen_immunizations.immunizations,
    "labs": gen_labs.labs,
    "vitals": gen_vitals.vitals,
    "procedures": gen_visits.procedures,
    "encounters": gen_visits.encounters,
    "documents": gen_visits.documents,
    "practitioners": gen_people.practitioners,
    "coverage": gen_people.coverage,
}
assert set(GENERATORS) == set(RESOURCES), "every resource in the table has a generator"


@dataclass(frozen=True)
class Chart:
    patient: dict
    records: Mapping[str, Sequence[dict]]
    _index: dict[tuple[str, str], dict] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {(name, rec["id"]): rec for name, recs in self.records.items() for rec in recs}
        object.__setattr__(self, "_index", index)

    def get(self, resource: str, record_id: str) -> dict | None:
        return self._index.get((resource, record_id))


def build_story(seed: int, ref: PatientRef, as_of: datetime, profile: Profile) -> Story:
    as_of = as_utc(as_of)
    conns = resolve_connections(seed, ref.patient_id, profile, as_of)
    story = Story(seed, ref.patient_id, as_of, profile, conns, choose_primary(conns))
    resolve_conditions(story)
    resolve_medications(story)
    build_schedule(story)
    return story


def build_chart(story: Story) -> Chart:
    records: dict[str, tuple[dict, ...]] = {}
    for name, spec in RESOURCES.items():
        recs = sorted(GENERATORS[name](story), key=lambda r: r["id"])
        recs.sort(key=lambda r: sort_key(spec, r), reverse=True)
        records[name] = tuple(recs)
    return Chart(gen_people.patient(story), records)


class Charts:
    """Personas plus an LRU of built charts; safe to share between threads."""

    def __init__(self, seed: int, fixtures_dir: Path, as_of: datetime,
                 cache_size: int = 256) -> None:
        self.seed = seed
        self.as_of = as_utc(as_of)
        self.cache_size = cache_size
        self.personas: list[Persona] = load_personas(Path(fixtures_dir))
        self._by_email = {p.email: p for p in self.personas}
        self._by_id = {PatientRef.from_email(seed, p.email).patient_id: p for p in self.personas}
        self._cache: OrderedDict[PatientRef, Chart] = OrderedDict()
        self._lock = threading.Lock()

    def persona_for_email(self, email: str) -> Persona | None:
        return self._by_email.get(normalize_email(email))

    def profile_for(self, ref: PatientRef) -> Profile:
        persona = self._by_id.get(ref.patient_id)
        if persona is not None:
            return persona.profile
        return draw_profile(self.seed, ref, self.as_of)

    def story(self, ref: PatientRef) -> Story:
        return build_story(self.seed, ref, self.as_of, self.profile_for(ref))

    def chart(self, patient: PatientRef) -> Chart:
        with self._lock:
            hit = self._cache.get(patient)
            if hit is not None:
                self._cache.move_to_end(patient)
                return hit
        built = build_chart(self.story(patient))
        with self._lock:
            self._cache[patient] = built
            self._cache.move_to_end(patient)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return built
