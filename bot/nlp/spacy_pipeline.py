"""Builds the project's own spaCy pipeline, since no pretrained model can be downloaded.

Tokenizer and lookup lemmatizer come from spaCy's English language data (spacy-lookups-data); an entity ruler
recognises treatment areas, sides of the face, and the clinic's locations and providers from `data/clinic.yml`.
Run `python -m bot build-spacy` (the Makefile does); Rasa's SpacyNLP loads the saved folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import spacy

from bot.clinic import PROJECT_ROOT, Clinic, clinic

SPACY_PIPELINE_DIR = PROJECT_ROOT / "build" / "spacy-clinic"

# Treatment area -> the ways patients name it. The key is the canonical value the entity carries.
TREATMENT_AREAS: Dict[str, List[str]] = {  # English, then Spanish
    "gummy smile": ["gummy smile", "gummy", "gums show", "gum line", "gums", "upper lip",
                    "sonrisa gingival", "encía", "encias", "encías", "encia"],
    "brows": ["brow", "brows", "eyebrow", "eyebrows", "brow lift", "uneven brows", "eye brows", "ceja", "cejas"],
    "mouth corners": ["mouth corner", "mouth corners", "corner of my mouth", "lip corners", "droopy mouth",
                      "crooked smile", "lopsided smile", "smile", "comisura", "comisuras", "sonrisa chueca",
                      "sonrisa torcida", "sonrisa desigual", "boca caída", "boca caida"],
    "eyes": ["eye", "eyes", "eyelid", "eyelids", "crows feet", "crow's feet", "under eye", "ojo", "ojos", "párpado",
             "párpados", "parpado", "parpados", "patas de gallo"],
    "nose": ["nose", "nostril", "nostrils", "bunny lines", "nariz"],
    "chin": ["chin", "dimpled chin", "orange peel chin", "mentón", "menton", "barbilla"],
    "jawline": ["jaw", "jawline", "jowls", "jowl", "neck bands", "platysma", "masseter", "neck", "mandíbula",
                "mandibula", "quijada", "bandas del cuello", "cuello"],
    "forehead": ["forehead", "forehead lines", "11s", "elevens", "frown lines", "glabella", "frente", "entrecejo"],
    "lips": ["lip", "lips", "lip flip", "labio", "labios"],
}
FACE_SIDES: Dict[str, List[str]] = {
    "left": ["left", "left side", "my left"],
    "right": ["right", "right side", "my right"],
    "one side": ["one side", "one-sided", "on one side"],
}


def _patterns(label: str, names: Dict[str, List[str]]) -> List[dict]:
    return [
        {"label": label, "pattern": [{"LOWER": word} for word in phrase.lower().split()], "id": value}
        for value, phrases in names.items()
        for phrase in phrases
    ]


def entity_patterns(the_clinic: Clinic) -> List[dict]:
    locations = {loc.id: [loc.name, loc.name.split()[0]] if " " in loc.name else [loc.name]
                 for loc in the_clinic.locations}
    providers = {}
    for provider in the_clinic.providers:
        words = provider.name.replace("Dr. ", "").split()
        providers[provider.id] = [provider.name, " ".join(words), words[-1], provider.name.replace("Dr.", "dr")]
    return (
        _patterns("area", TREATMENT_AREAS)
        + _patterns("side", FACE_SIDES)
        + _patterns("location", locations)
        + _patterns("provider", providers)
    )


def build_pipeline(the_clinic: Clinic | None = None) -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    nlp.initialize()  # loads the lemma tables; it also empties the ruler, so patterns come after
    ruler.add_patterns(entity_patterns(the_clinic or clinic()))
    return nlp


def save_pipeline(target: Path = SPACY_PIPELINE_DIR) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    build_pipeline().to_disk(target)
    return target
