"""Problems and allergies."""

from __future__ import annotations

from datetime import date

from sandbox.data import codes as c
from sandbox.data import mess
from sandbox.data.gen_common import echoes, record, snomed_icd, variant_name
from sandbox.data.seeds import at, iso_d, years_before
from sandbox.data.story import ConditionFact, ConnFact, Story


def _condition(story: Story, fact: ConditionFact, conn: ConnFact, echo: bool,
               rng_name: str) -> dict:
    rng = story.rng(f"{rng_name}:{fact.key}:{fact.onset}:{conn.id}")
    d = c.CONDITIONS[fact.key]
    pid = story.patient_id
    icd_only = mess.chosen(mess.ICD_ONLY_CONDITION_SHARE, pid, "icd-only", fact.key, fact.onset,
                           conn.id)
    name = d.icd10_display if icd_only else d.name
    if echo:
        name = variant_name(name, rng)
    resolved = fact.abatement is not None and fact.abatement <= story.today
    recorded = fact.onset if fact.visit_key else max(fact.onset, conn.start)
    no_onset = mess.chosen(mess.NULL_FIELD_SHARE, pid, "onset", fact.key, conn.id)
    return record(story, "conditions", f"{fact.key}:{fact.onset}:{conn.id}", conn, rng,
                  at(recorded, 17), {
        "name": name, "codes": snomed_icd(fact.key, snomed=not icd_only),
        "clinical_status": "resolved" if resolved else "active",
        "verification_status": "confirmed",
        "category": "problem-list-item" if fact.chronic else "encounter-diagnosis",
        "onset_date": None if no_onset else iso_d(fact.onset),
        "abatement_date": iso_d(fact.abatement) if resolved and fact.abatement else None,
        "recorded_date": iso_d(recorded),
        "encounter_id": story.visit_id(fact.visit_key) if conn.id == fact.conn.id else None,
    })


def conditions(story: Story) -> list[dict]:
    out = []
    for fact in story.conditions:
        out.append(_condition(story, fact, fact.conn, False, "condition"))
        if fact.chronic:
            for other in echoes(story, fact.conn, "conditions", fact.key, fact.onset):
                out.append(_condition(story, fact, other, True, "condition-echo"))
    return out


def _reactions(reactions: tuple[tuple[str, str], ...], text_only: bool) -> list[dict]:
    out: list[dict] = []
    for key, severity in reactions:
        snomed, display = c.REACTIONS[key]
        if text_only:  # "Rash-Mild": how some sources send reactions
            out.append({"manifestation": f"{display.split(' (')[0]}-{severity.capitalize()}",
                        "codes": [], "severity": None})
        else:
            out.append({"manifestation": display, "codes": [c.code(c.SNOMED, snomed, display)],
                        "severity": severity})
    return out


def allergies(story: Story) -> list[dict]:
    conn = story.primary
    if conn is None:
        return []
    p = story.profile
    out: list[dict] = []
    if not p.allergies and p.nkda:
        rng = story.rng("allergy:nkda")
        day = max(conn.start, story.data_start)
        out.append(record(story, "allergies", "nkda", conn, rng, at(day, 16), {
            "substance": "NKDA", "codes": [], "type": None, "category": None,
            "criticality": None, "clinical_status": "active",
            "verification_status": "unconfirmed", "reactions": [], "onset_date": None,
            "recorded_date": iso_d(day)}))
    for spec in p.allergies:
        a = c.ALLERGENS[spec.substance]
        onset: date | None = None
        if spec.onset_years_ago is not None:
            onset = max(p.birth_date, years_before(story.today, spec.onset_years_ago))
        sources = [conn, *echoes(story, conn, "allergies", spec.substance)]
        for i, src in enumerate(sources):
            rng = story.rng(f"allergy:{spec.substance}:{src.id}")
            recorded = max(onset or src.start, src.start)
            echo = i > 0
            out.append(record(story, "allergies", f"{spec.substance}:{src.id}", src, rng,
                              at(recorded, 16), {
                "substance": variant_name(a.display.split(" (")[0], rng) if echo else a.display,
                "codes": [] if echo and rng.random() < 0.5 else [c.code(a.system, a.code,
                                                                       a.display)],
                "type": "allergy", "category": a.category, "criticality": spec.criticality,
                "clinical_status": "active", "verification_status": "confirmed",
                "reactions": _reactions(spec.reactions, text_only=echo),
                "onset_date": iso_d(onset) if onset and not echo else None,
                "recorded_date": iso_d(recorded)}))
    return out
