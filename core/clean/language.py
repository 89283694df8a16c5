"""Language of a document (py3langid) and its stopword list (jusText's lists)."""

from __future__ import annotations

import re
from functools import cache, lru_cache

_NOT_LETTERS = re.compile(r"[\W\d_]+")

SAMPLE_CHARS = 400  # language ID cost grows with length; a paragraph decides it

# ISO 639-1 code (as py3langid reports it) -> jusText stoplist name
_STOPLIST_NAMES = {
    "af": "Afrikaans",
    "an": "Aragonese",
    "ar": "Arabic",
    "az": "Azerbaijani",
    "be": "Belarusian",
    "bg": "Bulgarian",
    "bn": "Bengali",
    "br": "Breton",
    "bs": "Bosnian",
    "ca": "Catalan",
    "cs": "Czech",
    "cy": "Welsh",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "eo": "Esperanto",
    "es": "Spanish",
    "et": "Estonian",
    "eu": "Basque",
    "fa": "Persian",
    "fi": "Finnish",
    "fr": "French",
    "fy": "West_Frisian",
    "ga": "Irish",
    "gl": "Galician",
    "gu": "Gujarati",
    "he": "Hebrew",
    "hi": "Hindi",
    "hr": "Croatian",
    "ht": "Haitian",
    "hu": "Hungarian",
    "hy": "Armenian",
    "id": "Indonesian",
    "ig": "Igbo",
    "is": "Icelandic",
    "it": "Italian",
    "jv": "Javanese",
    "ka": "Georgian",
    "kk": "Kazakh",
    "kn": "Kannada",
    "ko": "Korean",
    "ku": "Kurdish",
    "ky": "Kyrgyz",
    "la": "Latin",
    "lb": "Luxembourgish",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "mk": "Macedonian",
    "ml": "Malayalam",
    "mr": "Marathi",
    "ms": "Malay",
    "mt": "Maltese",
    "ne": "Nepali",
    "nl": "Dutch",
    "nn": "Norwegian_Nynorsk",
    "no": "Norwegian_Bokmal",
    "oc": "Occitan",
    "pa": "Western_Panjabi",
    "pl": "Polish",
    "pt": "Portuguese",
    "qu": "Quechua",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sr": "Serbian",
    "sv": "Swedish",
    "sw": "Swahili",
    "ta": "Tamil",
    "te": "Telugu",
    "tk": "Turkmen",
    "tl": "Tagalog",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "uz": "Uzbek",
    "vi": "Vietnamese",
    "vo": "Volapuk",
    "wa": "Walloon",
    "yo": "Yoruba",
}


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little text."""
    return sample_language(text[:SAMPLE_CHARS])


@lru_cache(maxsize=1 << 12)  # a story reprinted as is (wire copy) has the same sample
def sample_language(sample: str) -> str | None:
    """The language of a sample of at most ``SAMPLE_CHARS`` characters (remembered)."""
    if len(_NOT_LETTERS.sub("", sample)) < 20:
        return None
    import py3langid  # loads its model on first use; imported here to keep start-up fast

    code, _score = py3langid.classify(sample)
    return code


@cache
def stoplist(code: str | None) -> frozenset[str]:
    """Lower-case stopwords of a language; empty when none is known."""
    name = _STOPLIST_NAMES.get(code or "")
    if name is None:
        return frozenset()
    import justext

    return frozenset(justext.get_stoplist(name))
