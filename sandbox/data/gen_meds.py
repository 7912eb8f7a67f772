"""Medications: prescriptions driven by the conditions, plus patient-reported OTC drugs."""

from __future__ import annotations

from sandbox.data import codes as c
from sandbox.data import mess
from sandbox.data.gen_common import echoes, record, variant_name
from sandbox.data.seeds import at, iso_d
from sandbox.data.story import ConnFact, MedFact, Story


def _reason_text(story: Story, fact: MedFact) -> str | None:
    if fact.condition is not None:
        return c.CONDITIONS[fact.condition.key].name
    if fact.rxnorm == "1870230":  # epinephrine: for the patient's severe allergy
        severe = [a for a in story.profile.allergies if a.criticality == "high"]
        if severe:
            return f"{c.ALLERGENS[severe[0].substance].display.split(' (')[0]} allergy"
    return None


def _status(story: Story, fact: MedFact) -> str:
    if fact.end is None or fact.end >= story.today:
        return "active"
    if fact.condition is not None and not fact.condition.chronic:
        return "completed"
    return "stopped"


def _medication(story: Story, fact: MedFact, conn: ConnFact, echo: bool) -> dict:
    d = c.MEDICATIONS[fact.rxnorm]
    key = f"{fact.rxnorm}:{fact.start}:{conn.id}"
    rng = story.rng(f"medication:{key}")
    pid = story.patient_id
    codes = [c.code(c.RXNORM, d.rxnorm, d.name)]
    if echo and rng.random() < 0.4:
        codes = []  # the other source sends the drug as text only
    indication = None
    if fact.condition is not None:
        same = echo and conn.id in {e.id for e in echoes(
            story, fact.condition.conn, "conditions", fact.condition.key, fact.condition.onset)}
        indication = story.condition_id(fact.condition, conn if same else None)
    prescribed = not fact.reported
    no_sig = mess.chosen(mess.NULL_FIELD_SHARE, pid, "sig", key)
    return record(story, "medications", key, conn, rng, at(fact.start, 18), {
        "name": variant_name(d.name, rng) if echo else d.name,
        "codes": codes,
        "status": _status(story, fact),
        "intent": "order" if prescribed else "plan",
        "reported": fact.reported,
        "as_needed": d.as_needed,
        "dosage_text": None if no_sig else d.sig,
        "route": d.route,
        "authored_on": iso_d(fact.start) if prescribed else None,
        "start_date": iso_d(fact.start),
        "end_date": iso_d(fact.end) if fact.end and fact.end < story.today else None,
        "prescriber_id": story.practitioner_id(conn if echo else fact.conn, "pcp" if echo
                                               else fact.role) if prescribed else None,
        "indication_condition_id": indication,
        "reason_text": _reason_text(story, fact),
        "encounter_id": None if echo else story.visit_id(fact.visit_key),
    })


def medications(story: Story) -> list[dict]:
    out = []
    for fact in story.meds:
        out.append(_medication(story, fact, fact.conn, False))
        if fact.condition is None or fact.condition.chronic:
            for other in echoes(story, fact.conn, "medications", fact.rxnorm, fact.start):
                out.append(_medication(story, fact, other, True))
    return out
