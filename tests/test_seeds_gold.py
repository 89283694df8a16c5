"""The seed articles against their gold (needs ../shared; skipped without it)."""

import json

import pytest

from newsdedup.clean import clean_document
from newsdedup.clean.rules import phrase_key
from newsdedup.read import read_document
from tests.conftest import SAMPLES, shared_path


def gold_files():
    return sorted(shared_path("seeds", "gold").glob("*.json"))


@pytest.mark.shared
def test_every_gold_paragraph_kept_and_every_boilerplate_line_gone():
    for gold_file in gold_files():
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        doc = clean_document(read_document(str(SAMPLES / gold["file"])))
        kept = {phrase_key(p) for p in doc.text.split("\n\n")}
        assert doc.title == gold["title"], gold["file"]
        assert [p for p in gold["paragraphs"] if phrase_key(p) not in kept] == [], gold["file"]
        assert [b for b in gold["boilerplate"] if phrase_key(b) in kept] == [], gold["file"]
