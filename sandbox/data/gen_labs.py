"""Lab results, one record per analyte, values following the patient's conditions."""

from __future__ import annotations

import math
import random
import re
from datetime import date, timedelta

from sandbox.data import codes as c
from sandbox.data import lab_codes as lc
from sandbox.data import mess
from sandbox.data.gen_common import record
from sandbox.data.seeds import iso_dt
from sandbox.data.story import Story, Visit

WARFARIN = "855332"
STATINS = {"617310", "617311", "314231", "312961", "859747"}


def interpret(value: float | None, value_string: str | None, low: float | None,
              high: float | None, critical_low: float | None = None,
              critical_high: float | None = None) -> str | None:
    """The flag a lab prints: from the value and the range, as real labs do."""
    if value is None:
        if value_string is None:
            return None
        return "N" if value_string in lc.NORMAL_QUALITATIVE else "A"
    if critical_low is not None and value < critical_low:
        return "LL"
    if critical_high is not None and value > critical_high:
        return "HH"
    if low is None and high is None:
        return None
    if low is not None and value < low:
        return "L"
    if high is not None and value > high:
        return "H"
    return "N"


def range_text(low: float | None, high: float | None, unit: str) -> str:
    if low is not None and high is not None:
        return f"{low:g}-{high:g} {unit}".strip()
    if high is not None:
        return f"<={high:g} {unit}".strip()
    return f">={low:g} {unit}".strip()


def parse_range_text(text: str) -> tuple[float | None, float | None]:
    """The numeric limits a free-text range states (the inverse of `range_text`)."""
    if m := re.match(r"^([\d.]+)-([\d.]+)", text):
        return float(m[1]), float(m[2])
    if m := re.match(r"^<=([\d.]+)", text):
        return None, float(m[1])
    if m := re.match(r"^>=([\d.]+)", text):
        return float(m[1]), None
    return None, None


class _Values:
    """Analyte values for one patient, trending with the conditions and treatment."""

    def __init__(self, story: Story) -> None:
        self.s = story
        self.sex = story.profile.sex
        r = story.rng("lab-baseline")
        self.a1c_start, self.a1c_goal = r.uniform(7.6, 9.8), r.uniform(6.5, 7.5)
        self.ldl_untreated, self.ldl_treated = r.uniform(150, 195), r.uniform(75, 112)
        self.hdl = r.uniform(38, 62) + (8 if self.sex == "female" else 0)
        self.egfr_base = r.uniform(52, 58)

    def years_since(self, key: str, day: date) -> float | None:
        fact = self.s.active(key, day)
        return (day - fact.onset).days / 365.25 if fact else None

    def on(self, rx: set[str], day: date) -> bool:
        return any(m.rxnorm in rx and m.start <= day and (m.end is None or m.end >= day)
                   for m in self.s.meds)

    def egfr(self, day: date, r: random.Random) -> float:
        ckd = self.years_since("ckd3", day)
        if ckd is not None:
            return max(22.0, min(59.0, self.egfr_base - 1.8 * ckd + r.gauss(0, 2.5)))
        return r.uniform(64, 110) if self.s.age_on(day) < 70 else r.uniform(60, 80)

    def creatinine_for(self, egfr: float, day: date) -> float:  # MDRD, inverted
        age = max(18.0, self.s.age_on(day))
        sex = 0.742 if self.sex == "female" else 1.0
        return (egfr / (175 * age ** -0.203 * sex)) ** (-1 / 1.154)

    def panel(self, keys: tuple[str, ...], day: date, r: random.Random) -> dict[str, float]:
        s, v = self.s, {}
        dm, pre = self.years_since("diabetes", day), self.years_since("prediabetes", day)
        if dm is not None:
            a1c = self.a1c_goal + (self.a1c_start - self.a1c_goal) * math.exp(-dm / 1.2)
            v["HGBA1C"], v["GLU"] = a1c + r.gauss(0, 0.25), r.uniform(115, 185)
        elif pre is not None:
            v["HGBA1C"], v["GLU"] = r.uniform(5.7, 6.4), r.uniform(96, 124)
        else:
            v["HGBA1C"], v["GLU"] = r.uniform(4.8, 5.6), r.uniform(72, 99)
        egfr = self.egfr(day, r)
        v["EGFR"], v["CREAT"] = egfr, self.creatinine_for(egfr, day)
        v["BUN"] = r.uniform(18, 34) if egfr < 60 else r.uniform(8, 20)
        hf_diuretic = self.on({"313988"}, day)
        v["K"] = r.uniform(4.3, 5.4) if egfr < 45 else (
            r.uniform(3.3, 4.6) if hf_diuretic else r.uniform(3.6, 4.9))
        if s.active("hyperlipidemia", day):
            ldl = self.ldl_treated if self.on(STATINS, day) else self.ldl_untreated
            v["LDLD"], v["TRIG"] = ldl + r.gauss(0, 8), r.uniform(110, 240)
        else:
            v["LDLD"], v["TRIG"] = r.uniform(70, 128), r.uniform(60, 160)
        v["HDL"] = self.hdl + r.gauss(0, 3)
        v["CHOL"] = v["LDLD"] + v["HDL"] + v["TRIG"] / 5
        anemia = s.active("anemia", day)
        hgb = (r.uniform(9.4, 11.4) if self.sex == "female" else r.uniform(10.4, 12.6)) \
            if anemia else (r.uniform(12.4, 15.0) if self.sex == "female" else
                            r.uniform(13.8, 16.8))
        v["HGB"], v["HCT"] = hgb, hgb * r.uniform(2.9, 3.1)
        v["MCV"] = r.uniform(70, 79) if anemia else r.uniform(82, 97)
        v["RBC"] = v["HCT"] / v["MCV"] * 10
        v["MCH"], v["MCHC"] = hgb / v["RBC"] * 10, hgb / v["HCT"] * 100
        if self.on({WARFARIN}, day):
            inr = min(5.6, max(1.3, r.gauss(2.5, 0.45) if r.random() > 0.03 else 5.3))
            v["INR"], v["PT"] = inr, inr * r.uniform(12.6, 13.4)
        else:
            v["INR"], v["PT"] = r.uniform(0.9, 1.1), r.uniform(12.3, 14.1)
        hypo = s.active("hypothyroidism", day)
        v["TSH"] = r.uniform(0.8, 5.6) if hypo else r.uniform(0.5, 3.8)
        v["UMALB"] = r.uniform(35, 240) if egfr < 60 else (
            r.uniform(8, 60) if dm is not None else r.uniform(3, 24))
        v["PSA"], v["VITD"] = r.uniform(0.4, 4.6), r.uniform(17, 62)
        for key in keys:
            if key not in v:
                lab = lc.LABS[key]
                low, high = lab.range_for(self.sex)
                lo = low if low is not None else (high or 1) * 0.5
                hi = high if high is not None else (low or 1) * 1.6
                v[key] = r.uniform(lo - (hi - lo) * 0.05, hi + (hi - lo) * 0.05)
        return v


def _qualitative(key: str, problems: tuple[str, ...], r: random.Random) -> str:
    if "cystitis" in problems and key in ("UNIT", "ULEUK"):
        return "Positive" if key == "ULEUK" or r.random() < 0.7 else "Negative"
    if key == "UPROT" and r.random() < 0.1:
        return "Trace"
    return "Negative"


def _result(story: Story, visit: Visit, order: str, key: str, value: float | None,
            text: str | None, r: random.Random) -> dict:
    lab, pid = lc.LABS[key], story.patient_id
    rkey = f"{visit.key}:{order}:{key}"
    low, high = lab.range_for(story.profile.sex)
    crit_low, crit_high, unit, decimals = lab.critical_low, lab.critical_high, lab.unit, lab.decimals
    range_note = None
    if key == "INR" and value is not None and value > 1.3:
        low, high, range_note = 2.0, 3.0, "2.0-3.0 (therapeutic range on warfarin)"
    if value is not None and lab.alt and mess.chosen(mess.SI_UNIT_SHARE, pid, "si", rkey):
        f, unit, decimals = lab.alt.factor, lab.alt.unit, lab.alt.decimals
        value = value * f
        low, high = (None if x is None else round(x * f, decimals) for x in (low, high))
        crit_low, crit_high = (None if x is None else x * f for x in (crit_low, crit_high))
    if value is not None:
        value = round(value, decimals) if decimals else float(round(value))
    flag = interpret(value, text, low, high, crit_low, crit_high)
    ref: dict = {"low": low, "high": high, "text": range_note}
    if lab.qualitative:
        ref = {"low": None, "high": None, "text": "Negative"}
    elif (low is not None or high is not None) and mess.chosen(mess.TEXT_RANGE_SHARE, pid,
                                                              "range", rkey):
        ref = {"low": None, "high": None, "text": range_text(low, high, unit)}
    local = mess.chosen(mess.LOCAL_LAB_CODE_SHARE, pid, "local", rkey)
    codes = [c.code(c.LOCAL_LAB, lab.local_code, lab.display.split(" [")[0])] if local else [
        c.code(c.LOINC, lab.loinc, lab.display)]
    panel = lc.PANELS.get(order)
    effective = visit.start + timedelta(minutes=20)
    issued = min(effective + timedelta(hours=r.uniform(1, 30)), story.as_of)
    no_issued = mess.chosen(mess.NULL_FIELD_SHARE, pid, "issued", rkey)
    return record(story, "labs", rkey, visit.conn, r, issued, {
        "name": lab.display, "codes": codes,
        "panel": {"name": panel.display, "codes": [c.code(c.LOINC, panel.loinc, panel.display)]}
        if panel else None,
        "value": value, "value_string": text, "unit": unit or None, "reference_range": ref,
        "interpretation": flag, "status": "final", "effective_at": iso_dt(effective),
        "issued_at": None if no_issued else iso_dt(issued),
        "encounter_id": story.visit_id(visit.key),
    })


def labs(story: Story) -> list[dict]:
    values = _Values(story)
    out = []
    for visit in story.visits:
        if not visit.orders:
            continue
        r = story.rng(f"labs:{visit.key}")
        for order in visit.orders:
            keys = lc.PANELS[order].members if order in lc.PANELS else (order,)
            v = values.panel(keys, visit.day, r)
            for key in keys:
                if lc.LABS[key].qualitative:
                    out.append(_result(story, visit, order, key, None,
                                       _qualitative(key, visit.problems, r), r))
                else:
                    out.append(_result(story, visit, order, key, v[key], None, r))
    return out
