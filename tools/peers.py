"""The peer pipeline a user would write today, for ``make bench``: text-dedup's news setting.

    python -m tools.peers {datasketch,rensa} DIR > assignments.tsv

Every file under DIR, raw (no cleaning), lower-cased, split into ``\\w+`` words;
the set of word 2-grams goes into a 256-permutation MinHash; an LSH index with
threshold 0.45 (datasketch's bands and rows for it; for rensa, whose bands must
divide the permutations, the nearest such split) gives each document its
candidates among the earlier ones, and every candidate pair is linked (no
verification). One process, like the scripts it stands for. The output is one
``file<TAB>cluster`` line per document, so that runs can be compared.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from tools.evaluate import connected_components

NUM_PERM = 256
THRESHOLD = 0.45
_WORD = re.compile(r"\w+")


def bigrams(text: str) -> list[str]:
    """The distinct word 2-grams of a raw page (its only word when it has one)."""
    words = _WORD.findall(text.lower())
    return sorted({" ".join(words[i : i + 2]) for i in range(max(1, len(words) - 1))})


def datasketch_candidates(shingle_sets: list[list[str]]) -> list[tuple[int, int]]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    edges = []
    for i, shingles in enumerate(shingle_sets):
        minhash = MinHash(num_perm=NUM_PERM)
        minhash.update_batch([s.encode("utf-8") for s in shingles])
        edges.extend((other, i) for other in lsh.query(minhash))
        lsh.insert(i, minhash)
    return edges


def rensa_bands() -> int:
    """rensa's bands must divide the permutations: the split whose S-curve threshold is nearest 0.45
    (64 bands of 4 rows: 0.35; datasketch's 47 of 5: 0.46)."""
    splits = [b for b in range(1, NUM_PERM + 1) if NUM_PERM % b == 0]
    return min(splits, key=lambda b: abs((1 / b) ** (b / NUM_PERM) - THRESHOLD))


def rensa_candidates(shingle_sets: list[list[str]]) -> list[tuple[int, int]]:
    from rensa import RMinHash, RMinHashLSH

    bands = rensa_bands()
    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=bands)
    edges = []
    for i, shingles in enumerate(shingle_sets):
        minhash = RMinHash(num_perm=NUM_PERM, seed=1)
        minhash.update(shingles)
        edges.extend((other, i) for other in lsh.query(minhash))
        lsh.insert(i, minhash)
    return edges


ENGINES = {"datasketch": datasketch_candidates, "rensa": rensa_candidates}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engine", choices=sorted(ENGINES))
    parser.add_argument("directory")
    args = parser.parse_args(argv)
    paths = sorted(p for p in Path(args.directory).rglob("*") if p.is_file())
    shingle_sets = [bigrams(p.read_text(encoding="utf-8", errors="replace")) for p in paths]
    groups = connected_components(len(paths), ENGINES[args.engine](shingle_sets))
    sys.stdout.writelines(
        f"{paths[i].name}\t{number}\n" for number, group in enumerate(groups) for i in group
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
