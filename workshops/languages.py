"""The language a card is written in, among the app's languages: chosen by its author,
or detected offline (py3langid, restricted to settings.LANGUAGES)."""

from functools import cache
from pathlib import Path

import py3langid.langid
from django.conf import settings

CODES = [code for code, _name in settings.LANGUAGES]


@cache
def _identifier() -> py3langid.langid.LanguageIdentifier:
    model = Path(py3langid.langid.__file__).parent / py3langid.langid.MODEL_FILE
    identifier = py3langid.langid.LanguageIdentifier.from_modelpath(model, norm_probs=True)
    identifier.set_languages(CODES)
    return identifier


def detect(text: str) -> str:
    """The most likely of the app's languages for `text`."""
    language, _probability = _identifier().classify(text)
    return language


def load() -> None:
    """Load the model now (a third of a second), rather than with the first card."""
    _identifier()
