"""Every (system, code) pair a generated record may carry, gathered from the code tables."""

from __future__ import annotations

from sandbox.data import care_codes as cc
from sandbox.data import codes as c
from sandbox.data import lab_codes as lc


def _known() -> frozenset[tuple[str, str]]:
    known: set[tuple[str, str]] = set()
    for cond in c.CONDITIONS.values():
        known |= {(c.SNOMED, cond.snomed), (c.ICD10CM, cond.icd10)}
    known |= {(c.RXNORM, rx) for rx in c.MEDICATIONS}
    known |= {(a.system, a.code) for a in c.ALLERGENS.values()}
    known |= {(c.SNOMED, snomed) for snomed, _ in c.REACTIONS.values()}
    known |= {(c.SNOMED, c.NO_KNOWN_ALLERGY[0]), (c.SNOMED, c.NO_KNOWN_DRUG_ALLERGY[0])}
    for lab in lc.LABS.values():
        known |= {(c.LOINC, lab.loinc), (c.LOCAL_LAB, lab.local_code)}
    known |= {(c.LOINC, p.loinc) for p in lc.PANELS.values()}
    known |= {(c.LOINC, v.loinc) for v in lc.VITALS.values()}
    known |= {(c.CVX, cvx) for cvx in cc.VACCINES}
    for proc in cc.PROCEDURES.values():
        known.add((c.SNOMED, proc.snomed))
        if proc.cpt:
            known.add((c.CPT, proc.cpt))
    known.add((c.CPT, cc.VENIPUNCTURE_CPT[0]))
    for _cls, snomed, _d, cpt, _cd in cc.ENCOUNTER_TYPES.values():
        known.add((c.SNOMED, snomed))
        if cpt:
            known.add((c.CPT, cpt))
    known |= {(c.CPT, cpt) for _age, cpt, _d in cc.PREVENTIVE_CPT}
    known |= {(c.ACT_CODE, cls) for cls in cc.ENCOUNTER_CLASSES}
    known |= {(c.LOINC, note) for note in cc.NOTE_TYPES}
    known |= {(c.NUCC, nucc) for nucc, _ in cc.SPECIALTIES.values()}
    known |= {(c.SOPT, p) for p in cc.PAYER_TYPES}
    known |= {(c.RACE_ETHNICITY, r) for r in (*cc.RACES, *cc.ETHNICITIES)}
    return frozenset(known)


KNOWN_CODES: frozenset[tuple[str, str]] = _known()
