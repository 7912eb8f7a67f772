"""People and paperwork: the patient, the EHR connections, the care team, the coverage."""

from __future__ import annotations

from datetime import date, timedelta

from sandbox.data import care_codes as cc
from sandbox.data import codes as c
from sandbox.data import mess
from sandbox.data.gen_common import record, stamps
from sandbox.data.npi import make_npi
from sandbox.data.seeds import as_utc, at, faker_for, iso_d, iso_dt
from sandbox.data.story import ConnFact, Story, role_specialty

ROLE_LABEL = {"pcp": "Primary care provider", "hospitalist": "Hospitalist",
              "emergency": "Emergency physician", "np": "Nurse practitioner"}


def patient(story: Story) -> dict:
    p, pid = story.profile, story.patient_id
    rng = story.rng("patient")
    fake = faker_for(story.seed, pid, "patient")
    street = fake.street_address()
    line = [street] + ([fake.secondary_address()] if rng.random() < 0.2 else [])
    identifiers = [{"type": "MR", "value": f"{cn.vendor[:1].upper()}{rng.randint(10**6, 10**8)}",
                    "assigner": cn.organization, "connection_id": cn.id}
                   for cn in story.connections if cn.has_data]
    first_conn = min((cn.created_at for cn in story.connections), default=story.as_of)
    created, updated = stamps(story, rng, first_conn)
    return {
        "id": pid, "patient_id": pid, "first_name": p.first_name, "last_name": p.last_name,
        "birth_date": iso_d(p.birth_date), "sex": p.sex, "email": p.email or None,
        "phone": None if mess.chosen(mess.NULL_FIELD_SHARE, pid, "phone") else fake.numerify(
            "(###) 555-01##"),
        "address": {"line": line, "city": fake.city(), "state": fake.state_abbr(
            include_territories=False), "postal_code": fake.postcode(), "country": "US"},
        "language": p.language,
        "race": c.code(c.RACE_ETHNICITY, p.race, cc.RACES[p.race]) if p.race else None,
        "ethnicity": (c.code(c.RACE_ETHNICITY, p.ethnicity, cc.ETHNICITIES[p.ethnicity])
                      if p.ethnicity else None),
        "identifiers": identifiers,
        "source": story.primary.source() if story.primary else None,
        "created_at": created, "updated_at": updated,
    }


STATUS_DETAIL = {"syncing": "Initial sync in progress: records will appear when it finishes.",
                 "needs_reauth": "The patient portal session expired: the patient must sign in "
                                 "to the portal again.",
                 "error": "The portal returned an error during the last sync."}


def connections(story: Story) -> list[dict]:
    out = []
    for cn in story.connections:
        updated = cn.last_synced_at or cn.created_at
        out.append({
            "id": cn.id, "patient_id": story.patient_id, "ehr_vendor": cn.vendor,
            "vendor_name": cc.EHR_VENDORS[cn.vendor][0], "organization": cn.organization,
            "portal_name": cn.portal, "status": cn.status,
            "status_detail": STATUS_DETAIL.get(cn.status),
            "last_synced_at": iso_dt(cn.last_synced_at) if cn.last_synced_at else None,
            "created_at": iso_dt(cn.created_at), "updated_at": iso_dt(max(updated, cn.created_at)),
        })
    return out


def practitioner_name(story: Story, conn: ConnFact, role: str) -> tuple[str, str, str]:
    key = ("practitioner-name", f"{conn.id}:{role}")
    if key not in story.memo:
        fake = faker_for(story.seed, story.patient_id, f"practitioner:{conn.id}:{role}")
        first, last = fake.first_name(), fake.last_name()
        suffix = "NP" if role == "np" else ("DO" if fake.random_int(0, 3) == 0 else "MD")
        story.memo[key] = f"{first}|{last}|{suffix}"
    first, last, suffix = story.memo[key].split("|")
    return first, last, suffix


def practitioners(story: Story) -> list[dict]:
    rng = story.rng("practitioners")
    out = []
    for conn in story.connections:
        for role in story.roles.get(conn.id, ()):
            first, last, suffix = practitioner_name(story, conn, role)
            nucc, display = cc.SPECIALTIES[role_specialty(story, role)]
            npi = make_npi("1" + "".join(str(rng.randint(0, 9)) for _ in range(8)))
            fake = faker_for(story.seed, story.patient_id, f"practitioner:{conn.id}:{role}")
            out.append(record(story, "practitioners", f"{conn.id}:{role}", conn, rng,
                              as_utc(at(conn.start, 12)), {
                "first_name": first, "last_name": last, "prefix": None if suffix == "NP"
                else "Dr.", "suffix": suffix, "npi": npi,
                "specialty": {"name": display, "codes": [c.code(c.NUCC, nucc, display)]},
                "role": ROLE_LABEL.get(role, "Specialist"), "organization": conn.organization,
                "phone": None if mess.chosen(mess.NULL_FIELD_SHARE, story.patient_id, conn.id,
                                             role) else fake.numerify("(###) 555-01##"),
            }))
    return out


def coverage(story: Story) -> list[dict]:
    conn = story.primary
    if conn is None:
        return []
    rng = story.rng("coverage")
    age = story.age_on(story.today)
    plans: list[tuple[str, str, str, str, date, date | None]] = []
    if age >= 65:
        start = story.profile.birth_date.replace(day=1) + timedelta(days=round(65 * 365.25))
        plans.append(("1", "Medicare", "Medicare Part B", "self", start, None))
        if rng.random() < 0.5:
            payer = rng.choice(cc.COMMERCIAL_PAYERS)
            plans.append(("5", payer, f"{payer} Medicare Supplement Plan G", "self", start, None))
    else:
        relationship = "child" if age < 18 else rng.choice(["self", "self", "self", "spouse"])
        if age < 18 and rng.random() < 0.4:
            plans.append(("2", "Medicaid", "Medicaid", "self",
                          max(story.profile.birth_date, story.data_start), None))
        else:
            payer = rng.choice(cc.COMMERCIAL_PAYERS)
            sopt = rng.choice(["511", "512"])
            kind = "HMO" if sopt == "511" else "PPO"
            start = date(story.today.year - rng.randint(0, 3), 1, 1)
            plans.append((sopt, payer, f"{payer} {kind}", relationship, start, None))
            if rng.random() < 0.4:
                old = rng.choice(cc.COMMERCIAL_PAYERS)
                plans.append(("512", old, f"{old} PPO", relationship,
                              date(start.year - rng.randint(2, 5), 1, 1),
                              start - timedelta(days=1)))
    out = []
    for i, (sopt, payer, plan, rel, start, end) in enumerate(plans):
        start = max(start, story.profile.birth_date)
        digits = f"{rng.randint(0, 9999):04d}"
        group = None if sopt in ("1", "2") or mess.chosen(
            mess.NULL_FIELD_SHARE, story.patient_id, "group", i) else f"GRP{rng.randint(10**5, 10**6)}"
        out.append(record(story, "coverage", f"{i}:{payer}:{start}", conn, rng,
                          as_utc(at(max(start, conn.start), 15)), {
            "status": "active" if end is None else "cancelled",
            "type": c.code(c.SOPT, sopt, cc.PAYER_TYPES[sopt]), "payer": payer,
            "plan_name": plan, "member_id": "XXXXX" + digits, "group_number": group,
            "relationship": rel, "period_start": iso_d(start),
            "period_end": iso_d(end) if end else None,
        }))
    return out
