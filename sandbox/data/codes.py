"""Code tables, transcribed from shared/reference/clinical-codes.md (the only source of codes).

Every code a generated record carries comes from one of these tables; `KNOWN_CODES` is the
set the tests check against. Displays are those of the reference; ICD-10-CM displays are
the official short titles of the listed codes.
"""

from __future__ import annotations

from dataclasses import dataclass

Code = dict[str, str]

# §3.2 coding-system URIs
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
CVX = "http://hl7.org/fhir/sid/cvx"
CPT = "http://www.ama-assn.org/go/cpt"
UCUM = "http://unitsofmeasure.org"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
NUCC = "http://nucc.org/provider-taxonomy"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
RACE_ETHNICITY = "urn:oid:2.16.840.1.113883.6.238"
# Payer type (PHDSC Source of Payment Typology), the system US Core Coverage.type uses.
SOPT = "https://nahdo.org/sopt"
# A lab's own mnemonic codes: what a result looks like when the source sends no LOINC.
LOCAL_LAB = "http://example.org/fhir/CodeSystem/local-lab-codes"


def code(system: str, value: str, display: str) -> Code:
    return {"system": system, "code": value, "display": display}


@dataclass(frozen=True)
class ConditionDef:
    snomed: str
    display: str
    icd10: str
    icd10_display: str
    chronic: bool = True

    @property
    def name(self) -> str:
        return self.display.split(" (")[0]


# §3.4 (key -> definition); keys are what personas and the story use.
CONDITIONS: dict[str, ConditionDef] = {
    "hypertension": ConditionDef("59621000", "Essential hypertension (disorder)", "I10",
                                 "Essential (primary) hypertension"),
    "diabetes": ConditionDef("44054006", "Diabetes mellitus type 2 (disorder)", "E11.9",
                             "Type 2 diabetes mellitus without complications"),
    "prediabetes": ConditionDef("714628002", "Prediabetes (finding)", "R73.03", "Prediabetes"),
    "hyperlipidemia": ConditionDef("55822004", "Hyperlipidemia (disorder)", "E78.5",
                                   "Hyperlipidemia, unspecified"),
    "obesity": ConditionDef("162864005", "Body mass index 30+ - obesity (finding)", "E66.9",
                            "Obesity, unspecified"),
    "asthma": ConditionDef("195967001", "Asthma (disorder)", "J45.909",
                           "Unspecified asthma, uncomplicated"),
    "copd": ConditionDef("185086009", "Chronic obstructive bronchitis (disorder)", "J44.9",
                         "Chronic obstructive pulmonary disease, unspecified"),
    "atrial_fibrillation": ConditionDef("49436004", "Atrial fibrillation (disorder)", "I48.91",
                                        "Unspecified atrial fibrillation"),
    "heart_failure": ConditionDef("88805009", "Chronic congestive heart failure (disorder)",
                                  "I50.9", "Heart failure, unspecified"),
    "ckd3": ConditionDef("433144002", "Chronic kidney disease stage 3 (disorder)", "N18.30",
                         "Chronic kidney disease, stage 3 unspecified"),
    "ischemic_heart_disease": ConditionDef("414545008", "Ischemic heart disease (disorder)",
                                           "I25.9", "Chronic ischemic heart disease, unspecified"),
    "hypothyroidism": ConditionDef("40930008", "Hypothyroidism (disorder)", "E03.9",
                                   "Hypothyroidism, unspecified"),
    "depression": ConditionDef("370143000", "Major depressive disorder (disorder)", "F32.9",
                               "Major depressive disorder, single episode, unspecified"),
    "anxiety": ConditionDef("197480006", "Anxiety disorder (disorder)", "F41.9",
                            "Anxiety disorder, unspecified"),
    "gerd": ConditionDef("235595009", "Gastroesophageal reflux disease (disorder)", "K21.9",
                         "Gastro-esophageal reflux disease without esophagitis"),
    "osteoarthritis_knee": ConditionDef("239873007", "Osteoarthritis of knee (disorder)", "M17.9",
                                        "Osteoarthritis of knee, unspecified"),
    "osteoporosis": ConditionDef("64859006", "Osteoporosis (disorder)", "M81.0",
                                 "Age-related osteoporosis without current pathological fracture"),
    "low_back_pain": ConditionDef("278860009", "Chronic low back pain (finding)", "M54.50",
                                  "Low back pain, unspecified"),
    "seasonal_allergic_rhinitis": ConditionDef("367498001",
                                               "Seasonal allergic rhinitis (disorder)", "J30.2",
                                               "Other seasonal allergic rhinitis"),
    "atopic_dermatitis": ConditionDef("24079001", "Atopic dermatitis (disorder)", "L20.9",
                                      "Atopic dermatitis, unspecified"),
    "anemia": ConditionDef("271737000", "Anemia (disorder)", "D64.9", "Anemia, unspecified"),
    "sleep_apnea": ConditionDef("78275009", "Obstructive sleep apnea syndrome (disorder)",
                                "G47.33", "Obstructive sleep apnea (adult) (pediatric)"),
    "migraine": ConditionDef("124171000119105",
                             "Chronic intractable migraine without aura (disorder)", "G43.719",
                             "Chronic migraine without aura, intractable, without status "
                             "migrainosus"),
    # acute, resolved problems
    "viral_sinusitis": ConditionDef("444814009", "Viral sinusitis (disorder)", "J01.90",
                                    "Acute sinusitis, unspecified", chronic=False),
    "viral_pharyngitis": ConditionDef("195662009", "Acute viral pharyngitis (disorder)", "J02.9",
                                      "Acute pharyngitis, unspecified", chronic=False),
    "strep_throat": ConditionDef("43878008", "Streptococcal sore throat (disorder)", "J02.0",
                                 "Streptococcal pharyngitis", chronic=False),
    "acute_bronchitis": ConditionDef("10509002", "Acute bronchitis (disorder)", "J20.9",
                                     "Acute bronchitis, unspecified", chronic=False),
    "otitis_media": ConditionDef("65363002", "Otitis media (disorder)", "H66.90",
                                 "Otitis media, unspecified, unspecified ear", chronic=False),
    "cystitis": ConditionDef("307426000", "Acute infective cystitis (disorder)", "N30.00",
                             "Acute cystitis without hematuria", chronic=False),
    "covid19": ConditionDef("840539006", "Disease caused by SARS-CoV-2 (COVID-19)", "U07.1",
                            "COVID-19", chronic=False),
    "pneumonia": ConditionDef("233604007", "Pneumonia (disorder)", "J18.9",
                              "Pneumonia, unspecified organism", chronic=False),
}


CONDITIONS_BY_SNOMED: dict[str, ConditionDef] = {d.snomed: d for d in CONDITIONS.values()} | {
    d.icd10: d for d in CONDITIONS.values()}


@dataclass(frozen=True)
class MedDef:
    rxnorm: str
    name: str
    route: str
    sig: str
    as_needed: bool = False


def _med(rx: str, name: str, route: str = "oral", sig: str = "Take 1 tablet by mouth daily.",
         prn: bool = False) -> tuple[str, MedDef]:
    return rx, MedDef(rx, name, route, sig, prn)


# §3.3 RxNorm clinical drugs (the subset the story prescribes)
MEDICATIONS: dict[str, MedDef] = dict([
    _med("314076", "lisinopril 10 MG Oral Tablet"),
    _med("314077", "lisinopril 20 MG Oral Tablet"),
    _med("310798", "Hydrochlorothiazide 25 MG Oral Tablet"),
    _med("197361", "amlodipine 5 MG Oral Tablet"),
    _med("308136", "amLODIPine 2.5 MG Oral Tablet"),
    _med("979492", "losartan potassium 50 MG Oral Tablet"),
    _med("979485", "losartan potassium 25 MG Oral Tablet"),
    _med("866412", "24 HR metoprolol succinate 100 MG Extended Release Oral Tablet"),
    _med("200033", "carvedilol 25 MG Oral Tablet",
         sig="Take 1 tablet by mouth every 12 hours."),
    _med("860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet",
         sig="Take 1 tablet by mouth daily with the evening meal."),
    _med("106892", "insulin isophane, human 70 UNT/ML / insulin, regular, human 30 UNT/ML "
         "Injectable Suspension [Humulin]", "subcutaneous",
         "Inject 20 units under the skin twice daily before meals."),
    _med("897122", "3 ML liraglutide 6 MG/ML Pen Injector", "subcutaneous",
         "Inject 1.2 mg under the skin once daily."),
    _med("617310", "atorvastatin 20 MG Oral Tablet", sig="Take 1 tablet by mouth at bedtime."),
    _med("617311", "atorvastatin 40 MG Oral Tablet", sig="Take 1 tablet by mouth at bedtime."),
    _med("314231", "Simvastatin 10 MG Oral Tablet", sig="Take 1 tablet by mouth at bedtime."),
    _med("312961", "Simvastatin 20 MG Oral Tablet", sig="Take 1 tablet by mouth at bedtime."),
    _med("859747", "rosuvastatin calcium 10 MG Oral Tablet"),
    _med("966222", "Levothyroxine Sodium 0.075 MG Oral Tablet",
         sig="Take 1 tablet by mouth daily before breakfast."),
    _med("312938", "Sertraline 100 MG Oral Tablet"),
    _med("310385", "FLUoxetine 20 MG Oral Capsule", sig="Take 1 capsule by mouth daily."),
    _med("596926", "duloxetine 20 MG Delayed Release Oral Capsule",
         sig="Take 1 capsule by mouth daily."),
    _med("311277", "lansoprazole 30 MG Delayed Release Oral Capsule",
         sig="Take 1 capsule by mouth daily before breakfast."),
    _med("313988", "Furosemide 40 MG Oral Tablet", sig="Take 1 tablet by mouth every morning."),
    _med("309362", "Clopidogrel 75 MG Oral Tablet"),
    _med("855332", "Warfarin Sodium 5 MG Oral Tablet",
         sig="Take 1 tablet by mouth daily in the evening, or as directed by the "
         "anticoagulation clinic."),
    _med("197604", "Digoxin 0.125 MG Oral Tablet"),
    _med("705129", "Nitroglycerin 0.4 MG/ACTUAT Mucosal Spray", "sublingual",
         "1 spray under the tongue every 5 minutes as needed for chest pain, up to 3 doses.",
         True),
    _med("243670", "aspirin 81 MG Oral Tablet"),
    _med("313782", "Acetaminophen 325 MG Oral Tablet",
         sig="Take 2 tablets by mouth every 6 hours as needed for pain.", prn=True),
    _med("198440", "Acetaminophen 500 MG Oral Tablet",
         sig="Take 1 tablet by mouth every 6 hours as needed for pain.", prn=True),
    _med("310965", "Ibuprofen 200 MG Oral Tablet",
         sig="Take 2 tablets by mouth every 8 hours as needed for pain.", prn=True),
    _med("849574", "Naproxen sodium 220 MG Oral Tablet",
         sig="Take 1 tablet by mouth every 12 hours as needed for pain.", prn=True),
    _med("745752", "NDA021457 200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler "
         "[ProAir]", "inhalation", "Inhale 2 puffs every 4 to 6 hours as needed for wheezing.",
         True),
    _med("895994", "120 ACTUAT Fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler",
         "inhalation", "Inhale 2 puffs twice daily. Rinse mouth after use."),
    _med("896209", "60 ACTUAT Fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT "
         "Dry Powder Inhaler", "inhalation", "Inhale 1 puff twice daily."),
    _med("311372", "Loratadine 10 MG Oral Tablet"),
    _med("1014678", "cetirizine hydrochloride 10 MG Oral Tablet"),
    _med("308192", "Amoxicillin 500 MG Oral Tablet",
         sig="Take 1 tablet by mouth every 8 hours for 10 days."),
    _med("562251", "Amoxicillin 250 MG / Clavulanate 125 MG Oral Tablet",
         sig="Take 1 tablet by mouth every 12 hours for 7 days."),
    _med("309309", "ciprofloxacin 500 MG Oral Tablet",
         sig="Take 1 tablet by mouth every 12 hours for 5 days."),
    _med("198335", "sulfamethoxazole 800 MG / trimethoprim 160 MG Oral Tablet",
         sig="Take 1 tablet by mouth every 12 hours for 5 days."),
    _med("312615", "predniSONE 20 MG Oral Tablet",
         sig="Take 2 tablets by mouth daily for 5 days."),
    _med("1870230", "NDA020800 0.3 ML Epinephrine 1 MG/ML Auto-Injector", "intramuscular",
         "Inject into the outer thigh once for severe allergic reaction; call 911.", True),
    _med("310325", "ferrous sulfate 325 MG Oral Tablet"),
    _med("904419", "Alendronic acid 10 MG Oral Tablet",
         sig="Take 1 tablet by mouth daily with a full glass of water, 30 minutes before "
         "breakfast."),
    _med("310431", "gabapentin 300 MG Oral Capsule",
         sig="Take 1 capsule by mouth three times daily."),
])

# Which drugs treat which condition (first choice first); acute courses in ANTIBIOTICS.
TREATMENTS: dict[str, tuple[str, ...]] = {
    "hypertension": ("314076", "197361", "979492"),
    "diabetes": ("860975",),
    "hyperlipidemia": ("617310", "312961", "859747"),
    "asthma": ("745752", "895994"),
    "copd": ("896209", "745752"),
    "atrial_fibrillation": ("855332", "866412"),
    "heart_failure": ("313988", "200033"),
    "ischemic_heart_disease": ("243670", "309362", "705129"),
    "hypothyroidism": ("966222",),
    "depression": ("312938", "310385"),
    "anxiety": ("312938",),
    "gerd": ("311277",),
    "osteoarthritis_knee": ("198440",),
    "osteoporosis": ("904419",),
    "low_back_pain": ("310965",),
    "seasonal_allergic_rhinitis": ("311372", "1014678"),
    "anemia": ("310325",),
    "migraine": ("849574",),
}
# A dose step-up after a year or two: (old, new)
ESCALATIONS: dict[str, str] = {"314076": "314077", "617310": "617311", "314231": "312961",
                               "308136": "197361", "979485": "979492"}
ANTIBIOTICS: dict[str, tuple[str, ...]] = {
    "viral_sinusitis": ("562251",), "strep_throat": ("308192",), "otitis_media": ("562251",),
    "cystitis": ("198335", "309309"), "pneumonia": ("308192",), "acute_bronchitis": ("312615",),
}
OTC_MEDS: tuple[str, ...] = ("243670", "313782", "310965", "849574")
# drugs a patient allergic to the substance must not get
CONTRAINDICATED: dict[str, frozenset[str]] = {
    "penicillin": frozenset({"308192", "562251"}), "sulfa": frozenset({"198335"}),
    "lisinopril": frozenset({"314076", "314077"}), "aspirin": frozenset({"243670"}),
    "ibuprofen": frozenset({"310965", "849574"}),
}


@dataclass(frozen=True)
class AllergenDef:
    system: str
    code: str
    display: str
    category: str  # food | medication | environment | biologic


# §3.5 substances
ALLERGENS: dict[str, AllergenDef] = {
    "peanut": AllergenDef(SNOMED, "762952008", "Peanut (substance)", "food"),
    "tree_nut": AllergenDef(SNOMED, "442571000124108", "Tree nut (substance)", "food"),
    "shellfish": AllergenDef(SNOMED, "735029006", "Shellfish (substance)", "food"),
    "fish": AllergenDef(SNOMED, "735971005", "Fish (substance)", "food"),
    "egg": AllergenDef(SNOMED, "102263004", "Eggs (edible) (substance)", "food"),
    "milk": AllergenDef(SNOMED, "3718001", "Cow's milk (substance)", "food"),
    "wheat": AllergenDef(SNOMED, "412071004", "Wheat (substance)", "food"),
    "soy": AllergenDef(SNOMED, "256355007", "Glycine max (soy) (substance)", "food"),
    "latex": AllergenDef(SNOMED, "111088007", "Latex (substance)", "environment"),
    "bee_venom": AllergenDef(SNOMED, "288328004", "Bee venom (substance)", "environment"),
    "mold": AllergenDef(SNOMED, "84489001", "Mold (organism)", "environment"),
    "animal_dander": AllergenDef(SNOMED, "264287008", "Animal dander (substance)",
                                 "environment"),
    "dust_mite": AllergenDef(SNOMED, "260147004", "House dust mite (organism)", "environment"),
    "tree_pollen": AllergenDef(SNOMED, "782576004", "Tree pollen (substance)", "environment"),
    "grass_pollen": AllergenDef(SNOMED, "256277009", "Grass pollen (substance)", "environment"),
    "penicillin": AllergenDef(RXNORM, "7984", "Penicillin V", "medication"),
    "sulfa": AllergenDef(RXNORM, "10831", "Sulfamethoxazole / Trimethoprim", "medication"),
    "aspirin": AllergenDef(RXNORM, "1191", "Aspirin", "medication"),
    "ibuprofen": AllergenDef(RXNORM, "5640", "Ibuprofen", "medication"),
    "lisinopril": AllergenDef(RXNORM, "29046", "Lisinopril", "medication"),
    "cefdinir": AllergenDef(RXNORM, "25037", "cefdinir", "medication"),
}
# reaction manifestations (SNOMED)
REACTIONS: dict[str, tuple[str, str]] = {
    "hives": ("247472004", "Wheal (hives)"),
    "rash": ("271807003", "Eruption of skin (rash)"),
    "anaphylaxis": ("39579001", "Anaphylaxis"),
    "angioedema": ("402387002", "Allergic angioedema"),
    "dyspnea": ("267036007", "Dyspnea"),
    "wheezing": ("56018004", "Wheezing"),
    "cough": ("49727002", "Cough"),
    "vomiting": ("300359004", "Finding of vomiting"),
    "diarrhea": ("62315008", "Diarrhea"),
    "rhinoconjunctivitis": ("878820003", "Rhinoconjunctivitis"),
    "itching": ("418290006", "Itching"),
}
NO_KNOWN_ALLERGY = ("716186003", "No known allergy (situation)")
NO_KNOWN_DRUG_ALLERGY = ("409137002", "No known drug allergy (situation)")
