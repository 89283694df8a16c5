"""Language of a document (py3langid) and its stopword list (jusText's lists).

py3langid walks a sample's bytes through its model's automaton in a Python
loop, and reads its float16 model rows through numpy's slow half-precision
cast; with the compiled twins of the walk and of the cast
(:mod:`newsdedup.native`), the same float32 numbers meet in the same numpy
product, so the answer is py3langid's to the last bit. The compiled path reads
the model's tables from the cache directory (:mod:`newsdedup.clean.langid_tables`)
instead of unpacking py3langid's compressed model at every start.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import numpy as np

from .. import native
from . import langid_tables
from .langid_tables import ModelTables

MIN_LETTERS = 20  # a sample with fewer letters has no language to tell
# matches where a sample holds MIN_LETTERS letters, and stops reading there
_ENOUGH_LETTERS = re.compile(rf"(?:[\W\d_]*[^\W\d_]){{{MIN_LETTERS}}}")

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
    if not _ENOUGH_LETTERS.match(sample):
        return None
    return classify(sample)[0]


def load_model() -> None:
    """Load py3langid's model now rather than on the first page (see newsdedup.preload)."""
    classify("the model is loaded by its first use")


def classify(sample: str) -> tuple[str, float]:
    """``py3langid.classify``: the language code and its score."""
    import py3langid  # loads its model on first use; imported here to keep start-up fast

    model = _compiled_model() if native.speedups is not None else None
    if model is None:
        return py3langid.classify(sample)
    return model.classify(sample)


class _CompiledModel:
    """py3langid's default identifier with its automaton walk compiled, over its model's tables.

    This mirrors ``LanguageIdentifier._decide`` and ``classify`` of py3langid 0.4
    (raw scores, no restricted languages); :func:`_compiled_model` uses it only for
    an identifier of that shape, and the parity tests compare the two answers.
    """

    def __init__(self, tables: ModelTables):
        from py3langid.langid import LanguageIdentifier

        self.tables = tables
        self.encode = LanguageIdentifier._encode  # NFC, lower case when all upper, UTF-8

    def classify(self, sample: str) -> tuple[str, float]:
        tables = self.tables
        text = self.encode(sample)
        features, counts = native.speedups.langid_visits(tables.nextmove, tables.rows, tables.output, text)
        if not features:
            scores = np.full(len(tables.classes), _RAW_FLOOR, dtype=np.float32)
        else:
            counts = np.frombuffer(counts, dtype=np.float32)
            scores = np.log1p(counts) @ self.model_rows(np.frombuffer(features, dtype=np.intp))
            scores += tables.pc
        for first, alias in tables.alias_pairs:
            scores[first] = max(scores[first], scores[alias])
            scores[alias] = _RAW_FLOOR
        best = int(scores.argmax())
        return tables.classes[best], float(scores[best])

    def model_rows(self, features: np.ndarray) -> np.ndarray:
        """``nb_ptc[features]`` as float32, as numpy's product casts it."""
        table = self.tables.ptc
        rows = np.empty((len(features), table.shape[1]), dtype=np.float32)
        native.speedups.half_rows(table, table.shape[1], features, rows)
        return rows


_RAW_FLOOR = float(np.finfo(np.float32).min)  # py3langid's score of a sample without features


@cache
def _compiled_model() -> _CompiledModel | None:
    """The compiled walk over py3langid's default model, when the model has the known shape: its tables
    from the cache directory (see :mod:`newsdedup.clean.langid_tables`), unpacked there on first use."""
    import py3langid
    from py3langid import langid

    if getattr(langid, "RAW_FLOOR", None) != _RAW_FLOOR:
        return None
    model_file = langid.MODEL_DIR / langid.MODEL_FILE
    directory = langid_tables.cache_dir()
    entry = directory / langid_tables.entry_name(model_file, py3langid.__version__) if directory else None
    tables = langid_tables.load_tables(entry) if entry else None
    if tables is None:
        tables = _tables_of_default_identifier(langid._get_identifier())
        if tables is not None and entry is not None:
            langid_tables.store_tables(entry, tables)
    return _CompiledModel(tables) if tables is not None else None


def _tables_of_default_identifier(identifier) -> ModelTables | None:
    """The identifier's tables, when it is py3langid's default one of the known shape."""
    known_shape = all(
        hasattr(identifier, name)
        for name in ("tk_nextmove", "tk_row", "tk_output", "nb_ptc", "nb_pc", "nb_classes", "_alias_pairs")
    )
    usable = (
        known_shape
        and getattr(identifier, "_norm_probs", True) is False
        and getattr(identifier, "min_confidence", 0) is None
        and getattr(identifier.tk_nextmove, "typecode", "") == "I"
        and getattr(identifier.tk_row, "typecode", "") == "H"
        and getattr(identifier.nb_ptc, "dtype", None) == np.float16
    )
    if not usable:
        return None
    tables = ModelTables.of(identifier)
    tables.check()
    return tables


@cache
def stoplist(code: str | None) -> frozenset[str]:
    """Lower-case stopwords of a language; empty when none is known."""
    name = _STOPLIST_NAMES.get(code or "")
    if name is None:
        return frozenset()
    import justext

    return frozenset(justext.get_stoplist(name))
