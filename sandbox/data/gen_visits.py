"""Encounters, and what sits on them: procedures and clinical notes."""

from __future__ import annotations

from sandbox.data import care_codes as cc
from sandbox.data import codes as c
from sandbox.data import lab_codes as lc
from sandbox.data import mess
from sandbox.data.gen_common import record
from sandbox.data.gen_people import practitioner_name
from sandbox.data.seeds import iso_d, iso_dt
from sandbox.data.story import Story, Visit, role_specialty

DISPOSITIONS = ("Home", "Home", "Home with home health services", "Skilled nursing facility")


def problem_ids(story: Story, visit: Visit) -> list[str]:
    out = []
    for key in visit.problems:
        fact = next((f for f in story.conditions if f.key == key and f.visit_key == visit.key),
                    None) or story.active(key, visit.day)
        if fact is not None:
            out.append(story.condition_id(fact))
    return list(dict.fromkeys(out))


def _type_codes(story: Story, visit: Visit) -> tuple[str, list[dict]]:
    _cls, snomed, display, cpt, cpt_display = cc.ENCOUNTER_TYPES[visit.kind]
    codes = [c.code(c.SNOMED, snomed, display)]
    if visit.kind == "checkup":
        age = story.age_on(visit.day)
        band = [b for b in cc.PREVENTIVE_CPT if age >= b[0]][-1]
        codes.append(c.code(c.CPT, band[1], band[2]))
    elif cpt:
        codes.append(c.code(c.CPT, cpt, cpt_display))
    return display, codes


def encounters(story: Story) -> list[dict]:
    out = []
    for v in story.visits:
        rng = story.rng(f"encounter:{v.key}")
        name, codes = _type_codes(story, v)
        reasons = [c.CONDITIONS[k].name for k in v.problems[:3]]
        reason = "; ".join(reasons) if v.kind not in ("checkup", "well_child") else (
            "Annual preventive visit" if v.kind == "checkup" else "Well child visit")
        no_location = mess.chosen(mess.NULL_FIELD_SHARE, story.patient_id, "loc", v.key)
        dept = {"emergency": "Emergency Department", "inpatient": "Inpatient Unit",
                "telehealth": "Virtual Care"}.get(v.kind, "Outpatient Clinic")
        out.append(record(story, "encounters", v.key, v.conn, rng, v.end, {
            "type": name, "codes": codes, "class": cc.ENCOUNTER_TYPES[v.kind][0],
            "status": "finished", "start": iso_dt(v.start), "end": iso_dt(v.end),
            "reason": reason or None, "reason_condition_ids": problem_ids(story, v),
            "practitioner_id": story.practitioner_id(v.conn, v.role),
            "location": None if no_location else f"{v.conn.organization} - {dept}",
            "discharge_disposition": rng.choice(DISPOSITIONS) if v.kind == "inpatient" else None,
        }))
    return out


def procedures(story: Story) -> list[dict]:
    out = []
    for v in story.visits:
        conds = problem_ids(story, v)
        for key in v.procedures:
            p = cc.PROCEDURES[key]
            rng = story.rng(f"procedure:{v.key}:{key}")
            day = v.end if key == "med_reconciliation" else v.start
            codes = [c.code(c.SNOMED, p.snomed, p.display)]
            if p.cpt:
                codes.append(c.code(c.CPT, p.cpt, p.display))
            reason = conds[0] if conds and v.kind not in ("checkup", "well_child") else None
            out.append(record(story, "procedures", f"{v.key}:{key}", v.conn, rng, day, {
                "name": p.display, "codes": codes, "status": "completed",
                "performed_date": iso_d(day.date()),
                "performer_id": story.practitioner_id(v.conn, v.role),
                "encounter_id": story.visit_id(v.key), "reason_condition_id": reason,
            }))
    return out


def _order_names(visit: Visit) -> list[str]:
    names = []
    for order in visit.orders:
        if order in lc.PANELS:
            names.append(lc.PANELS[order].display.split(" - ")[0])
        else:
            names.append(lc.LABS[order].display.split(" [")[0].split(" in ")[0])
    return names


def _note(story: Story, v: Visit, title: str) -> str:
    first, last, suffix = practitioner_name(story, v.conn, v.role)
    specialty = cc.SPECIALTIES[role_specialty(story, v.role)][1]
    problems = [c.CONDITIONS[k].name for k in v.problems]
    meds = sorted({c.MEDICATIONS[m.rxnorm].name for m in story.meds
                   if m.start <= v.day and (m.end is None or m.end >= v.day)})
    lines = [
        f"{title} - {v.day.strftime('%B %d, %Y')}",
        f"{cc.ENCOUNTER_TYPES[v.kind][2]} with {first} {last}, {suffix} ({specialty}), "
        f"{v.conn.organization}.",
        "Assessment: " + ("; ".join(problems) if problems else "healthy, no active problems")
        + ".",
    ]
    if v.orders:
        lines.append("Orders: " + ", ".join(_order_names(v)) + ".")
    if v.procedures:
        lines.append("Procedures: " + ", ".join(cc.PROCEDURES[p].display for p in v.procedures)
                     + ".")
    if v.vaccines:
        lines.append("Immunizations given: " + ", ".join(cc.VACCINES[x] for x, _ in v.vaccines)
                     + ".")
    if meds:
        lines.append("Current medications: " + "; ".join(meds[:5]) + ".")
    lines.append("Plan: " + ("discharged, follow up with primary care within 7 days."
                             if v.kind == "inpatient" else "follow up as scheduled."))
    return "\n".join(lines)


def documents(story: Story) -> list[dict]:
    out = []
    for v in story.visits:
        note = cc.NOTE_FOR_KIND[v.kind]
        title = cc.NOTE_TYPES[note]
        rng = story.rng(f"document:{v.key}")
        out.append(record(story, "documents", v.key, v.conn, rng, v.end, {
            "title": title, "codes": [c.code(c.LOINC, note, title)], "category": "clinical-note",
            "status": "current", "date": iso_dt(v.end),
            "author_id": story.practitioner_id(v.conn, v.role),
            "encounter_id": story.visit_id(v.key), "content_type": "text/plain",
            "text": _note(story, v, title),
        }))
    return out
