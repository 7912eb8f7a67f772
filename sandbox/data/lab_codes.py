"""Lab and vital-sign vocabularies (clinical-codes.md §3.6 and §3.7): LOINC, UCUM, ranges."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AltUnit:
    """The same analyte as some labs report it (SI units): value_si = value * factor."""

    unit: str
    factor: float
    decimals: int


@dataclass(frozen=True)
class LabDef:
    loinc: str
    display: str
    unit: str
    low: float | None
    high: float | None
    decimals: int
    local_code: str  # the lab's own mnemonic, sent instead of LOINC by some sources
    critical_low: float | None = None
    critical_high: float | None = None
    female_low: float | None = None
    female_high: float | None = None
    alt: AltUnit | None = None
    qualitative: bool = False

    def range_for(self, sex: str) -> tuple[float | None, float | None]:
        if sex == "female" and (self.female_low is not None or self.female_high is not None):
            return self.female_low, self.female_high
        return self.low, self.high


def _lab(loinc: str, display: str, unit: str, low: float | None, high: float | None,
         decimals: int, local: str, **kw: object) -> tuple[str, LabDef]:
    return local, LabDef(loinc, display, unit, low, high, decimals, local, **kw)  # type: ignore[arg-type]


MGDL_GLUCOSE = AltUnit("mmol/L", 0.0555, 1)
MGDL_CHOL = AltUnit("mmol/L", 0.02586, 2)

# key = local mnemonic
LABS: dict[str, LabDef] = dict([
    _lab("2345-7", "Glucose [Mass/volume] in Serum or Plasma", "mg/dL", 70, 99, 0, "GLU",
         critical_low=50, critical_high=400, alt=MGDL_GLUCOSE),
    _lab("3094-0", "Urea nitrogen [Mass/volume] in Serum or Plasma", "mg/dL", 7, 20, 0, "BUN"),
    _lab("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", 0.6, 1.3, 2, "CREAT",
         female_low=0.44, female_high=1.03, alt=AltUnit("umol/L", 88.4, 0)),
    _lab("17861-6", "Calcium [Mass/volume] in Serum or Plasma", "mg/dL", 8.6, 10.3, 1, "CA"),
    _lab("2951-2", "Sodium [Moles/volume] in Serum or Plasma", "mmol/L", 135, 145, 0, "NA",
         critical_low=120, critical_high=160),
    _lab("2823-3", "Potassium [Moles/volume] in Serum or Plasma", "mmol/L", 3.5, 5.1, 1, "K",
         critical_low=2.8, critical_high=6.2),
    _lab("2075-0", "Chloride [Moles/volume] in Serum or Plasma", "mmol/L", 98, 107, 0, "CL"),
    _lab("2028-9", "Carbon dioxide, total [Moles/volume] in Serum or Plasma", "mmol/L", 22, 32,
         0, "CO2"),
    _lab("33914-3", "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in "
         "Serum or Plasma by Creatinine-based formula (MDRD)", "mL/min/{1.73_m2}", 60, None, 0,
         "EGFR"),
    _lab("2885-2", "Protein [Mass/volume] in Serum or Plasma", "g/dL", 6.0, 8.3, 1, "TP"),
    _lab("1751-7", "Albumin [Mass/volume] in Serum or Plasma", "g/dL", 3.5, 5.1, 1, "ALB"),
    _lab("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma", "mg/dL", 0.3, 1.2, 1,
         "TBIL"),
    _lab("6768-6", "Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma", "U/L",
         44, 147, 0, "ALKP"),
    _lab("1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
         "U/L", 7, 56, 0, "ALT"),
    _lab("1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
         "U/L", 10, 40, 0, "AST"),
    _lab("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%", None, 5.6, 1, "HGBA1C"),
    _lab("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL", None, 199, 0,
         "CHOL", alt=MGDL_CHOL),
    _lab("2571-8", "Triglyceride [Mass/volume] in Serum or Plasma", "mg/dL", None, 149, 0,
         "TRIG"),
    _lab("2085-9", "Cholesterol in HDL [Mass/volume] in Serum or Plasma", "mg/dL", 40, None, 0,
         "HDL", female_low=50, alt=MGDL_CHOL),
    _lab("18262-6", "Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay",
         "mg/dL", None, 99, 0, "LDLD", alt=MGDL_CHOL),
    _lab("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*3/uL", 4.5, 11.0, 1,
         "WBC"),
    _lab("789-8", "Erythrocytes [#/volume] in Blood by Automated count", "10*6/uL", 4.2, 5.9, 2,
         "RBC"),
    _lab("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", 13.5, 17.5, 1, "HGB",
         female_low=12.0, female_high=15.5, critical_low=7.0, alt=AltUnit("g/L", 10, 0)),
    _lab("4544-3", "Hematocrit [Volume Fraction] of Blood by Automated count", "%", 38, 50, 1,
         "HCT", female_low=36, female_high=44),
    _lab("787-2", "MCV [Entitic volume] by Automated count", "fL", 80, 100, 0, "MCV"),
    _lab("785-6", "MCH [Entitic mass] by Automated count", "pg", 27, 33, 1, "MCH"),
    _lab("786-4", "MCHC [Mass/volume] by Automated count", "g/dL", 32, 36, 1, "MCHC"),
    _lab("777-3", "Platelets [#/volume] in Blood by Automated count", "10*3/uL", 150, 450, 0,
         "PLT", critical_low=20),
    _lab("3016-3", "Thyrotropin [Units/volume] in Serum or Plasma", "m[IU]/L", 0.4, 4.0, 2,
         "TSH"),
    _lab("5902-2", "Prothrombin time (PT)", "s", 12.2, 14.2, 1, "PT"),
    _lab("6301-6", "INR in Platelet poor plasma by Coagulation assay", "{INR}", 0.9, 1.1, 1,
         "INR", critical_high=5.0),
    _lab("5811-5", "Specific gravity of Urine by Test strip", "{SG}", 1.005, 1.030, 3, "USG"),
    _lab("5803-2", "pH of Urine by Test strip", "[pH]", 5.0, 8.0, 1, "UPH"),
    _lab("5802-4", "Nitrite [Presence] in Urine by Test strip", "", None, None, 0, "UNIT",
         qualitative=True),
    _lab("5799-2", "Leukocyte esterase [Presence] in Urine by Test strip", "", None, None, 0,
         "ULEUK", qualitative=True),
    _lab("20454-5", "Protein [Presence] in Urine by Test strip", "", None, None, 0, "UPROT",
         qualitative=True),
    _lab("25428-4", "Glucose [Presence] in Urine by Test strip", "", None, None, 0, "UGLU",
         qualitative=True),
    _lab("14959-1", "Microalbumin/Creatinine [Mass Ratio] in Urine", "mg/g", None, 29, 0,
         "UMALB"),
    _lab("2857-1", "Prostate specific Ag [Mass/volume] in Serum or Plasma", "ng/mL", None, 3.9,
         2, "PSA"),
    _lab("1989-3", "25-Hydroxyvitamin D3+25-Hydroxyvitamin D2 [Mass/volume] in Serum or Plasma",
         "ng/mL", 30, 100, 0, "VITD"),
])
NORMAL_QUALITATIVE = ("Negative",)


@dataclass(frozen=True)
class PanelDef:
    loinc: str
    display: str
    members: tuple[str, ...]  # LABS keys; an empty panel LOINC means a standalone test


PANELS: dict[str, PanelDef] = {
    "bmp": PanelDef("51990-0", "Basic metabolic panel - Blood",
                    ("GLU", "BUN", "CREAT", "CA", "NA", "K", "CL", "CO2", "EGFR")),
    "cmp": PanelDef("24323-8", "Comprehensive metabolic 2000 panel - Serum or Plasma",
                    ("GLU", "BUN", "CREAT", "CA", "NA", "K", "CL", "CO2", "EGFR", "TP", "ALB",
                     "TBIL", "ALKP", "ALT", "AST")),
    "cbc": PanelDef("58410-2", "CBC panel - Blood by Automated count",
                    ("WBC", "RBC", "HGB", "HCT", "MCV", "MCH", "MCHC", "PLT")),
    "lipid": PanelDef("57698-3", "Lipid panel with direct LDL - Serum or Plasma",
                      ("CHOL", "TRIG", "HDL", "LDLD")),
    "pt": PanelDef("34528-0", "PT panel - Platelet poor plasma by Coagulation assay",
                   ("PT", "INR")),
    "ua": PanelDef("24357-6", "Urinalysis macro (dipstick) panel - Urine",
                   ("USG", "UPH", "UNIT", "ULEUK", "UPROT", "UGLU")),
}
# standalone tests: no panel
STANDALONE = ("HGBA1C", "TSH", "UMALB", "PSA", "VITD")


@dataclass(frozen=True)
class VitalDef:
    loinc: str
    display: str
    unit: str


VITALS: dict[str, VitalDef] = {
    "bp": VitalDef("85354-9", "Blood pressure panel with all children optional", "mm[Hg]"),
    "systolic": VitalDef("8480-6", "Systolic blood pressure", "mm[Hg]"),
    "diastolic": VitalDef("8462-4", "Diastolic blood pressure", "mm[Hg]"),
    "heart_rate": VitalDef("8867-4", "Heart rate", "/min"),
    "respiratory_rate": VitalDef("9279-1", "Respiratory rate", "/min"),
    "temperature": VitalDef("8310-5", "Body temperature", "Cel"),
    "spo2": VitalDef("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%"),
    "weight": VitalDef("29463-7", "Body weight", "kg"),
    "height": VitalDef("8302-2", "Body height", "cm"),
    "bmi": VitalDef("39156-5", "Body mass index (BMI) [Ratio]", "kg/m2"),
    "head_circumference": VitalDef("9843-4", "Head Occipital-frontal circumference", "cm"),
    "pain": VitalDef("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
                     "{score}"),
}
LB_PER_KG = 2.20462
CM_PER_IN = 2.54
