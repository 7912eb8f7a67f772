"""Vocabularies of care (clinical-codes.md §3.8-§3.12): vaccines and their schedule,
procedures, encounter types, note types, specialties, payers, race, EHR vendors."""

from __future__ import annotations

from dataclasses import dataclass

# §3.8 CVX
VACCINES: dict[str, str] = {
    "08": "Hep B, adolescent or pediatric",
    "43": "Hep B, adult",
    "119": "rotavirus, monovalent",
    "20": "DTaP",
    "49": "Hib (PRP-OMP)",
    "133": "Pneumococcal conjugate PCV 13",
    "10": "IPV",
    "140": "Influenza, split virus, trivalent, preservative free",
    "150": "Influenza, injectable, quadrivalent, preservative free",
    "197": "Influenza, high-dose, quadrivalent",
    "03": "MMR",
    "21": "varicella",
    "83": "Hep A, ped/adol, 2 dose",
    "52": "Hep A, adult",
    "114": "meningococcal MCV4P",
    "115": "Tdap",
    "62": "HPV, quadrivalent",
    "113": "Td (adult), preservative free",
    "187": "zoster vaccine recombinant",
    "33": "pneumococcal polysaccharide PPSV23",
    "208": "COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose",
    "207": "COVID-19, mRNA, LNP-S, PF, 100 mcg/0.5 mL dose",
}
# Scheduled ages in months, one entry per dose (Synthea immunization_schedule.json).
CHILD_SCHEDULE: dict[str, tuple[int, ...]] = {
    "08": (0, 1, 6),
    "119": (2, 4),
    "20": (2, 4, 6, 15, 48),
    "49": (2, 4, 12),
    "133": (2, 4, 6, 12),
    "10": (2, 4, 6, 48),
    "03": (12, 48),
    "21": (12, 48),
    "83": (12, 24),
    "114": (132, 192),
    "115": (132,),
    "62": (132, 134, 138),
}
# Adult rules: (cvx, minimum age in years)
FLU_CHILD_ADULT = ("150", "140")
FLU_SENIOR = "197"
SENIOR_AGE = 65
SHINGRIX = ("187", 50)
PCV13_SENIOR = ("133", 65)
PPSV23 = ("33", 66)
TD_BOOSTER = ("113", 21)
COVID_MRNA = ("208", "207")
COVID_FIRST_YEAR = 2021
MANUFACTURERS = {"08": "MSD", "119": "SKB", "20": "SKB", "49": "MSD", "133": "PFR", "10": "PMC",
                 "140": "SKB", "150": "PMC", "197": "PMC", "03": "MSD", "21": "MSD", "83": "SKB",
                 "52": "SKB", "114": "PMC", "115": "SKB", "62": "MSD", "113": "PMC",
                 "187": "SKB", "33": "MSD", "208": "PFR", "207": "MOD", "43": "MSD"}


@dataclass(frozen=True)
class ProcedureDef:
    snomed: str
    display: str
    cpt: str | None


# §3.9
PROCEDURES: dict[str, ProcedureDef] = {
    "colonoscopy": ProcedureDef("73761001", "Colonoscopy", "45378"),
    "mammography": ProcedureDef("71651007", "Mammography", "77067"),
    "chest_xray": ProcedureDef("399208008", "Plain X-ray of chest", "71046"),
    "ecg": ProcedureDef("29303009", "Electrocardiographic procedure", "93000"),
    "echo": ProcedureDef("40701008", "Echocardiography", "93306"),
    "spirometry": ProcedureDef("127783003", "Spirometry", "94010"),
    "bone_density": ProcedureDef("312681000", "Bone density scan", "77080"),
    "throat_culture": ProcedureDef("117015009", "Throat culture", "87070"),
    "depression_screening": ProcedureDef("171207006", "Depression screening", "96127"),
    "med_reconciliation": ProcedureDef("430193006", "Medication reconciliation", None),
    "retinal_exam": ProcedureDef("722161008", "Diabetic retinal eye exam", None),
    "im_injection": ProcedureDef("76601001", "Intramuscular injection", "96372"),
}
# §3.6: CPT for lab orders (routine venipuncture)
VENIPUNCTURE_CPT = ("36415", "Routine venipuncture")

ENCOUNTER_CLASSES = {"AMB": "ambulatory", "EMER": "emergency", "IMP": "inpatient encounter",
                     "VR": "virtual", "HH": "home health"}
# §3.10 encounter types: kind -> (class, SNOMED, display, CPT or None, CPT display)
ENCOUNTER_TYPES: dict[str, tuple[str, str, str, str | None, str]] = {
    "checkup": ("AMB", "185349003", "Encounter for check up", None, ""),
    "well_child": ("AMB", "410620009", "Well child visit", None, ""),
    "follow_up": ("AMB", "390906007", "Follow-up encounter", "99214",
                  "Office or other outpatient visit, established patient, level 4"),
    "problem": ("AMB", "185347001", "Encounter for problem", "99213",
                "Office or other outpatient visit, established patient, level 3"),
    "urgent_care": ("AMB", "702927004", "Urgent care clinic", None, ""),
    "consult": ("AMB", "698314001", "Consultation for treatment", "99203",
                "Office or other outpatient visit, new patient, level 3"),
    "telehealth": ("VR", "448337001", "Telemedicine consultation with patient", None, ""),
    "emergency": ("EMER", "50849002", "Emergency room admission", "99284",
                  "Emergency department visit, level 4"),
    "inpatient": ("IMP", "32485007", "Hospital admission", "99223",
                  "Initial hospital care, level 3"),
    "home_health": ("HH", "185345009", "Encounter for symptom", None, ""),
}
# preventive visit CPT by age band (§3.10)
PREVENTIVE_CPT = ((18, "99395", "Preventive visit, established patient, age 18-39"),
                  (40, "99396", "Preventive visit, established patient, age 40-64"),
                  (65, "99397", "Preventive visit, established patient, age 65 and over"))

# §3.11 LOINC note types
NOTE_TYPES: dict[str, str] = {
    "34117-2": "History and physical note",
    "11488-4": "Consult note",
    "18842-5": "Discharge summary",
    "11506-3": "Progress note",
    "28570-0": "Procedure note",
    "34111-5": "Emergency department note",
}
NOTE_FOR_KIND = {"checkup": "34117-2", "well_child": "34117-2", "follow_up": "11506-3",
                 "problem": "11506-3", "urgent_care": "11506-3", "consult": "11488-4",
                 "telehealth": "11506-3", "emergency": "34111-5", "inpatient": "18842-5",
                 "home_health": "11506-3"}

# §3.12 NUCC specialties
SPECIALTIES: dict[str, tuple[str, str]] = {
    "family": ("207Q00000X", "Family Medicine"),
    "internal": ("207R00000X", "Internal Medicine"),
    "pediatrics": ("208000000X", "Pediatrics"),
    "cardiology": ("207RC0000X", "Cardiovascular Disease"),
    "endocrinology": ("207RE0101X", "Endocrinology, Diabetes & Metabolism"),
    "obgyn": ("207V00000X", "Obstetrics & Gynecology"),
    "orthopedics": ("207X00000X", "Orthopaedic Surgery"),
    "neurology": ("2084N0400X", "Neurology"),
    "dermatology": ("207N00000X", "Dermatology"),
    "psychiatry": ("2084P0800X", "Psychiatry"),
    "emergency": ("207P00000X", "Emergency Medicine"),
    "nurse_practitioner": ("363LF0000X", "Nurse Practitioner, Family"),
}
# condition -> the specialist who co-manages it
SPECIALIST_FOR: dict[str, str] = {
    "atrial_fibrillation": "cardiology", "heart_failure": "cardiology",
    "ischemic_heart_disease": "cardiology", "diabetes": "endocrinology",
    "osteoarthritis_knee": "orthopedics", "migraine": "neurology",
    "atopic_dermatitis": "dermatology", "depression": "psychiatry",
}

# §3.12 payer types (SOPT) and realistic payer names
PAYER_TYPES: dict[str, str] = {"1": "Medicare", "2": "Medicaid", "5": "Private health insurance",
                               "511": "Commercial HMO", "512": "Commercial PPO", "81": "Self-pay"}
COMMERCIAL_PAYERS = ("Blue Cross Blue Shield", "UnitedHealthcare", "Aetna", "Cigna", "Humana",
                     "Kaiser Permanente")

RACES: dict[str, str] = {"2106-3": "White", "2054-5": "Black or African American",
                         "2028-9": "Asian", "1002-5": "American Indian or Alaska Native",
                         "2076-8": "Native Hawaiian or Other Pacific Islander",
                         "2131-1": "Other Race"}
ETHNICITIES: dict[str, str] = {"2135-2": "Hispanic or Latino",
                               "2186-5": "Not Hispanic or Latino"}

# §3.12 EHR vendors: enum value -> (display, patient portal)
EHR_VENDORS: dict[str, tuple[str, str]] = {
    "epic": ("Epic", "MyChart"),
    "cerner": ("Oracle Health (Cerner)", "Oracle Health Patient Portal"),
    "athenahealth": ("athenahealth", "athenaPatient"),
    "eclinicalworks": ("eClinicalWorks", "healow"),
    "nextgen": ("NextGen", "NextGen Patient Portal"),
    "meditech": ("MEDITECH", "MEDITECH MHealth"),
    "allscripts": ("Veradigm/Allscripts", "FollowMyHealth"),
    "other": ("Other", "Patient portal"),
}
CONNECTION_STATUSES = ("connected", "syncing", "needs_reauth", "error")
