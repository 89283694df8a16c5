"""How a run is cut on the cluster: partitions of the shuffles, rounds of bands, the client's share."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Documents a shuffle partition holds at least (fewer, larger partitions: each shuffle pays per partition).
DOCS_PER_PARTITION = 100_000
# Rows of (band, key, position) a worker takes in one round of bands: 24 bytes each, about 400 MB with
# pandas' copies during the shuffle. 100 million documents on 100 workers: 16 bands a round.
ROUND_ROWS_PER_WORKER = 16_000_000
# Edges of a graph the client labels itself: 16 bytes an edge, and as much again while labelling.
CLIENT_EDGES = 20_000_000
# Shingles of short texts the client gathers into the containment probe's table, which every worker then
# holds: 4 bytes each and 8 for its owner, about 240 MB at most; beyond, the probe is done by shuffles.
PROBE_VALUES = 20_000_000
# Distinct heads an LSH bucket holds before it gives only its representatives' pairs (see candidates.py):
# a bucket of k heads gives k(k-1)/2 pairs in full, at most 2,016 up to this size.
BUCKET_HEADS = 64


@dataclass(frozen=True)
class Layout:
    """``partitions`` of every shuffle and join after stage 1; bands cut ``bands_per_round`` at a time;
    graphs of up to ``client_edges`` labelled on the client; up to ``probe_values`` shingles of short
    texts probed from a table on every worker; buckets of more than ``bucket_heads`` heads give their
    representatives' pairs only."""

    partitions: int
    bands_per_round: int
    client_edges: int = CLIENT_EDGES
    probe_values: int = PROBE_VALUES
    bucket_heads: int = BUCKET_HEADS

    @classmethod
    def of(
        cls,
        documents: int,
        workers: int,
        bands: int,
        client_edges: int = CLIENT_EDGES,
        probe_values: int = PROBE_VALUES,
    ) -> Layout:
        partitions = max(2 * workers, math.ceil(documents / DOCS_PER_PARTITION))
        per_round = min(bands, max(1, ROUND_ROWS_PER_WORKER * workers // max(1, documents)))
        return cls(partitions, per_round, client_edges, probe_values)
