"""Word forms a query must read as the user means them: a possessive, a fuzzy word, a hyphenated compound."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def write(root: Path, texts: dict[str, str]) -> Path:
    root.mkdir()
    for name, text in texts.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def doc_ids(result) -> list[str]:
    return [json.loads(line)["doc_id"] for line in result.stdout.splitlines()]


@pytest.fixture
def forms(run, tmp_path):
    texts = {f"huawei{n}.txt": f"Huawei answered question {n} on its networks and trade.\n" for n in range(8)}
    texts.update({  # "Hubei" is rarer and more frequent in its passages: alone, it would score higher
        "hubei1.txt": "Hubei and Hubei again.\n", "hubei2.txt": "Hubei, Hubei.\n",
        "huawei.txt": "Huawei’s phones were discussed at the meeting.\n",
        "rights.txt": "The right of peoples to self-determination is a cornerstone of the Charter.\n",
        "joined.txt": "The struggle for selfdetermination continued for decades.\n",
        "ndc.txt": "Nationally determined contributions must rise; each of us must look after itself.\n",
        "letter.txt": "The letter s is a consonant, as in U.S. policy.\n",
    })
    assert run("index", str(write(tmp_path / "forms", texts))).exit_code == 0


def test_a_possessive_s_is_no_word_in_the_index_or_the_query(run, forms):
    assert len(doc_ids(run("search", "Huawei's", "--json", "-n", "20"))) == 9  # not every passage with an "s"
    assert run("search", "Huawei's", "--explain").stdout.startswith("query: huawei\n")
    assert doc_ids(run("search", '"Huawei phones"', "--json")) == ["huawei.txt"]  # no position left between  # no position left between


def test_an_exact_match_outranks_a_fuzzy_one(run, forms):
    found = doc_ids(run("search", "Huawei~2", "--json", "-n", "20"))
    assert len(found) == 11 and sorted(found[-2:]) == ["hubei1.txt", "hubei2.txt"]  # after every Huawei


def test_a_hyphenated_word_is_searched_as_the_compound(run, forms):
    found = doc_ids(run("search", "self-determination", "--json"))
    assert sorted(found) == ["joined.txt", "rights.txt"]  # the joined form too; never "itself ... determined"
