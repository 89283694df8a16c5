import pytest

from newsdedup.clean.rules import compile_rules, load_rules, parse_rules, phrase_key


def test_every_shipped_language_file_parses_and_indonesian_and_english_exist():
    rules = load_rules()
    assert {"id", "en"} <= set(rules.languages)
    assert "baca berita tanpa iklan" in rules.drop
    assert "terkini lainnya" in rules.tail


def test_parse_rules_rejects_unknown_sections_with_file_and_line():
    with pytest.raises(ValueError, match=r"xx.txt:2: unknown section \[nope\]"):
        parse_rules("# c\n[nope]\nfoo\n", "xx.txt")


def test_adding_a_language_is_adding_phrases():
    phrases = {name: set() for name in ("related", "drop", "prefix", "byline", "tail", "copyright")}
    phrases.update(parse_rules("[related]\nles også\n[drop]\ndel\n[tail]\nmest lest\n", "no.txt"))
    rules = compile_rules({k: set(v) for k, v in phrases.items()}, ("no",))
    assert rules.related.match("Les også: Noe annet skjedde")
    assert "del" in rules.drop and "mest lest" in rules.tail


def test_phrase_key_ignores_case_spacing_and_edge_punctuation():
    assert phrase_key("  Baca  Berita Tanpa Iklan. ") == "baca berita tanpa iklan"
    assert phrase_key("— Terkini Lainnya —") == "terkini lainnya"
