"""The language model's tables: unpacked once into the cache directory, mapped from there after."""

import os
import subprocess
import sys

import numpy as np
import py3langid
import pytest
from py3langid import langid

from newsdedup import native
from newsdedup.clean import langid_tables, language
from newsdedup.clean.langid_tables import ModelTables, load_tables, store_tables
from tests.conftest import SAMPLES

SAMPLE_TEXTS = [
    "Pemerintah menyatakan bahwa harga beras akan turun pada bulan depan.",
    "The ministers said on Tuesday that the talks would go on for another week.",
    "Die Regierung hat am Dienstag neue Regeln für den Verkehr beschlossen.",
    "Правительство заявило, что переговоры продолжатся на следующей неделе.",
    "政府は来週、新しい交通規則を発表すると述べた。",
    "1234 5678 !!!",
]


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty cache directory, and the model loaded again on its next use."""
    monkeypatch.setenv(langid_tables.CACHE_VARIABLE, str(tmp_path))
    language._compiled_model.cache_clear()
    yield tmp_path
    language._compiled_model.cache_clear()


def _entries(directory):
    return sorted(path.name for path in directory.iterdir())


def _default_tables() -> ModelTables:
    return ModelTables.of(langid._get_identifier())


def test_the_first_use_writes_an_entry_and_the_next_maps_the_same_tables(fresh_cache):
    built = language._compiled_model()
    [name] = _entries(fresh_cache)
    assert name.startswith(f"py3langid-{py3langid.__version__}-")
    language._compiled_model.cache_clear()
    mapped = language._compiled_model()
    assert isinstance(mapped.tables.nextmove, np.memmap)
    expected = _default_tables()
    for field in ("nextmove", "rows", "output", "ptc", "pc"):
        assert np.array_equal(getattr(mapped.tables, field), getattr(expected, field))
        assert getattr(mapped.tables, field).dtype == getattr(expected, field).dtype
    assert mapped.tables.classes == built.tables.classes == expected.classes
    assert mapped.tables.alias_pairs == expected.alias_pairs


def test_answers_from_mapped_tables_are_py3langids(fresh_cache):
    if native.speedups is None:
        pytest.skip("the compiled classifier is not in use")
    language._compiled_model()
    language._compiled_model.cache_clear()
    mapped = language._compiled_model()
    for sample in SAMPLE_TEXTS:
        assert mapped.classify(sample) == py3langid.classify(sample)


@pytest.mark.parametrize("damage", ["truncated", "wrong shape", "no meta"])
def test_a_damaged_entry_is_not_read_and_is_written_again(fresh_cache, damage):
    language._compiled_model()
    [entry] = fresh_cache.iterdir()
    if damage == "truncated":
        with open(entry / "nextmove.npy", "r+b") as handle:
            handle.truncate(1000)
    elif damage == "wrong shape":
        np.save(entry / "rows.npy", np.zeros(3, dtype=np.uint16))
    else:
        (entry / "meta.json").unlink()
    assert load_tables(entry) is None
    language._compiled_model.cache_clear()
    assert language._compiled_model().tables.classes == _default_tables().classes
    assert load_tables(entry) is not None and _entries(fresh_cache) == [entry.name]


def test_tables_that_do_not_fit_together_are_refused():
    tables = _default_tables()
    broken = ModelTables(**{**tables.__dict__, "output": np.full(len(tables.rows), 1 << 30, dtype=np.int32)})
    with pytest.raises(ValueError, match="feature"):
        broken.check()
    with pytest.raises(ValueError, match="float16"):
        ModelTables(**{**tables.__dict__, "ptc": tables.ptc.astype(np.float32)}).check()


def test_without_a_usable_cache_directory_the_model_is_unpacked_in_memory(tmp_path, monkeypatch):
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("x")
    for setting in (str(not_a_directory / "cache"), "none", "NONE"):
        monkeypatch.setenv(langid_tables.CACHE_VARIABLE, setting)
        language._compiled_model.cache_clear()
        assert language._compiled_model().tables.classes == _default_tables().classes
    language._compiled_model.cache_clear()
    assert _entries(tmp_path) == ["file"]
    store_tables(not_a_directory / "entry", _default_tables())  # gives up quietly
    assert _entries(tmp_path) == ["file"]


def test_the_default_directory_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv(langid_tables.CACHE_VARIABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert langid_tables.cache_dir() == tmp_path / "newsdedup"
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert langid_tables.cache_dir() == tmp_path / "home" / ".cache" / "newsdedup"


def test_without_a_home_directory_there_is_no_cache_and_the_model_still_loads(monkeypatch):
    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv(langid_tables.CACHE_VARIABLE)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(langid_tables.Path, "home", staticmethod(no_home))
    assert langid_tables.cache_dir() is None
    language._compiled_model.cache_clear()
    try:
        assert language._compiled_model().tables.classes == _default_tables().classes
    finally:
        language._compiled_model.cache_clear()


def test_two_runs_at_once_on_an_empty_cache_both_answer_and_leave_one_entry(tmp_path):
    """Real processes: each unpacks the model, both rename an entry into place, one copy stays."""
    if native.speedups is None:
        pytest.skip("the compiled classifier is not in use")
    env = {**os.environ, langid_tables.CACHE_VARIABLE: str(tmp_path), native.PURE_PYTHON_VARIABLE: "0"}
    command = [sys.executable, "-m", "newsdedup", "clean", "-j", "1", str(SAMPLES)]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err.decode() for _, err in outputs]
    assert outputs[0][0] == outputs[1][0] and outputs[0][0].count(b'"language": "id"') == 5
    [entry] = tmp_path.iterdir()  # no staging directory left behind
    assert load_tables(entry) is not None
