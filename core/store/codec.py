"""What both index backends store the same way: shingle sets, LSH buckets, cluster representatives.

Shingle sets are the bulk of an index (verification needs them exact), so they
are packed close to the information-theoretic minimum for a random set: the
gaps between the sorted hashes are Rice-coded, with the low ``k`` bits of every
gap in one fixed-width bit array and the high parts in unary in a second one,
so that both directions are a handful of numpy calls. A CRC-32 of the values
makes a damaged blob an error instead of a silently different set.

A document's stored fingerprint holds three such sets (:func:`encode_fingerprint`): its shingles,
and the figures and dates its text states.

Layout of a set (little-endian)::

    count: u32 | k: u8 | crc32 of the values as <u4: u32 | low bits: ceil(count*k/8) bytes | unary bits
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Sequence
from itertools import pairwise

import numpy as np

from ..cluster import REPRESENTATIVES
from ..shingles import fmix32
from ..templates import lines_key

_HEADER = struct.Struct("<IBI")
_MAX_K = 32


class CorruptData(ValueError):
    """A stored value does not decode; the store turns it into a StoreError naming the index."""


def encode_shingles(shingles: np.ndarray) -> bytes:
    """Pack a sorted array of unique uint32 shingle hashes."""
    values = np.asarray(shingles)
    if values.dtype != np.uint32 or values.ndim != 1:
        raise ValueError(f"shingles must be a 1-d uint32 array, got {values.dtype} with shape {values.shape}")
    if len(values) > 1 and not np.all(values[1:] > values[:-1]):
        raise ValueError("shingles must be sorted and unique")
    crc = zlib.crc32(values.astype("<u4").tobytes())
    if len(values) == 0:
        return _HEADER.pack(0, 0, crc)
    gaps = np.diff(values.astype(np.uint64), prepend=np.uint64(0))
    k = _best_rice_parameter(gaps)
    low = gaps & np.uint64((1 << k) - 1)
    low_bits = (low[:, None] >> np.arange(k, dtype=np.uint64)) & np.uint64(1)
    high = gaps >> np.uint64(k)
    # unary: high[i] zeros, then a one that ends value i
    unary = np.zeros(int(high.sum()) + len(gaps), dtype=np.uint8)
    unary[np.cumsum(high + np.uint64(1)) - np.uint64(1)] = 1
    return b"".join(
        (
            _HEADER.pack(len(values), k, crc),
            np.packbits(low_bits.astype(np.uint8).ravel(), bitorder="little").tobytes(),
            np.packbits(unary, bitorder="little").tobytes(),
        )
    )


def decode_shingles(blob: bytes) -> np.ndarray:
    """The uint32 array :func:`encode_shingles` packed; :class:`CorruptData` if the blob is damaged."""
    if len(blob) < _HEADER.size:
        raise CorruptData("shingle data is truncated")
    count, k, crc = _HEADER.unpack_from(blob)
    if k > _MAX_K:
        raise CorruptData("shingle data has an invalid header")
    data = np.frombuffer(blob, dtype=np.uint8, offset=_HEADER.size)
    if count == 0 and len(data):
        raise CorruptData("shingle data is damaged")
    low_size = (count * k + 7) // 8
    if len(data) < low_size:
        raise CorruptData("shingle data is truncated")
    low = np.zeros(count, dtype=np.uint64)
    if k:
        bits = np.unpackbits(data[:low_size], bitorder="little")[: count * k].reshape(count, k)
        low = bits.astype(np.uint64) @ (np.uint64(1) << np.arange(k, dtype=np.uint64))
    ends = np.flatnonzero(np.unpackbits(data[low_size:], bitorder="little"))
    if len(ends) != count or (count and len(data) - low_size != int(ends[-1]) // 8 + 1):
        raise CorruptData("shingle data is damaged")
    high = np.diff(ends, prepend=-1).astype(np.uint64) - np.uint64(1)
    totals = np.cumsum((high << np.uint64(k)) | low)
    if count and totals[-1] > np.iinfo(np.uint32).max:
        raise CorruptData("shingle data is damaged")
    values = totals.astype(np.uint32)
    if zlib.crc32(values.astype("<u4").tobytes()) != crc:
        raise CorruptData("shingle data fails its checksum")
    return values


_PART = struct.Struct("<I")


def encode_fingerprint(shingles: np.ndarray, figures: np.ndarray, dates: np.ndarray) -> bytes:
    """A document's stored fingerprint: its shingles, then the figures and dates it states
    (:mod:`newsdedup.figures`), each packed as :func:`encode_shingles` packs a set, each part after the
    first two preceded by its length."""
    parts = [encode_shingles(np.asarray(values, dtype=np.uint32)) for values in (shingles, figures, dates)]
    return b"".join(_PART.pack(len(part)) + part for part in parts)


def decode_fingerprint(blob: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The shingles, figures and dates of :func:`encode_fingerprint`."""
    parts, offset = [], 0
    for _ in range(3):
        if offset + _PART.size > len(blob):
            raise CorruptData("fingerprint data is truncated")
        (length,) = _PART.unpack_from(blob, offset)
        offset += _PART.size
        parts.append(decode_shingles(blob[offset : offset + length]))
        offset += length
    if offset != len(blob):
        raise CorruptData("fingerprint data is damaged")
    return parts[0], parts[1], parts[2]


_COUNT = struct.Struct("<I")


SITE_PAGES_V2 = 0xFFFFFFFF  # marks a blob with title keys; a first blob held a page count here (at most 100)


def encode_site_pages(pages: Sequence[tuple[int, int, Iterable[int]]]) -> bytes:
    """A site's latest pages, oldest first, each the 64-bit digests of its document's id, its title key
    and its lines: a marker (``SITE_PAGES_V2``), the page count, the pages' ids and title keys (u64) and
    line counts (u32), every line digest (u64), then a CRC-32 of all before it (all little-endian)."""
    ids = np.array([page_id for page_id, _, _ in pages], dtype="<u8")
    titles = np.array([title for _, title, _ in pages], dtype="<u8")
    sorted_lines = [sorted(lines) for _, _, lines in pages]
    counts = np.array([len(lines) for lines in sorted_lines], dtype="<u4")
    digests = np.array([line for lines in sorted_lines for line in lines], dtype="<u8")
    header = _COUNT.pack(SITE_PAGES_V2) + _COUNT.pack(len(pages))
    body = b"".join((header, ids.tobytes(), titles.tobytes(), counts.tobytes(), digests.tobytes()))
    return body + _COUNT.pack(zlib.crc32(body))


def decode_site_pages(blob: bytes) -> list[tuple[int, int, frozenset[int]]]:
    """The pages of :func:`encode_site_pages`. A blob written before title keys were kept gives each page
    its lines key for one (:func:`newsdedup.templates.lines_key`: a page without a title)."""
    if (
        len(blob) < 2 * _COUNT.size
        or zlib.crc32(blob[: -_COUNT.size]) != _COUNT.unpack_from(blob, len(blob) - _COUNT.size)[0]
    ):
        raise CorruptData("site template data fails its checksum")
    titled = _COUNT.unpack_from(blob)[0] == SITE_PAGES_V2
    offset = 2 * _COUNT.size if titled else _COUNT.size  # where the pages' ids start
    if len(blob) < offset + _COUNT.size:
        raise CorruptData("site template data is damaged")
    (pages,) = _COUNT.unpack_from(blob, offset - _COUNT.size)
    start = offset + (20 if titled else 12) * pages  # bytes a page: id, title key (u64 each), line count
    if len(blob) < start + _COUNT.size:
        raise CorruptData("site template data is damaged")
    ids = np.frombuffer(blob, dtype="<u8", count=pages, offset=offset).tolist()
    counts = np.frombuffer(blob, dtype="<u4", count=pages, offset=start - 4 * pages).tolist()
    titles = (
        np.frombuffer(blob, dtype="<u8", count=pages, offset=offset + 8 * pages).tolist() if titled else []
    )
    if len(blob) - start - _COUNT.size != 8 * sum(counts):
        raise CorruptData("site template data is damaged")
    digests = np.frombuffer(blob, dtype="<u8", offset=start, count=sum(counts)).tolist()
    bounds = np.cumsum([0, *counts]).tolist()
    lines = [frozenset(digests[low:high]) for low, high in pairwise(bounds)]
    return [
        (page_id, titles[number] if titled else lines_key(lines[number]), lines[number])
        for number, page_id in enumerate(ids)
    ]


def _best_rice_parameter(gaps: np.ndarray) -> int:
    """The number of low bits that makes the coded gaps shortest (the smallest such, for determinism)."""
    ks = np.arange(_MAX_K + 1, dtype=np.uint64)
    sizes = len(gaps) * ks + (gaps[None, :] >> ks[:, None]).sum(axis=1)
    return int(np.argmin(sizes))


_BAND_SALT = np.uint32(0x7F4A7C15)


def band_buckets(signature: np.ndarray, bands: int) -> np.ndarray:
    """One 32-bit bucket per LSH band (``num_perm // bands`` rows each), as int32.

    The band number is mixed in, so one column of buckets serves every band. Two
    documents with equal rows in a band always share its bucket. A shared bucket
    without equal rows (a 32-bit collision, any band against any band) only adds
    a candidate, which verification on the exact shingles then drops: about
    ``bands**2 * documents / 2**32`` per query, 0.1 at 100,000 documents with
    64 bands. int32, because SQLite stores such integers in 4 bytes.
    """
    rows = np.asarray(signature, dtype=np.uint32).reshape(bands, -1)
    bucket = fmix32(np.arange(bands, dtype=np.uint32) * np.uint32(0x9E3779B1) + _BAND_SALT)
    for column in rows.T:
        bucket = fmix32((bucket ^ column) * np.uint32(0xCC9E2D51) + np.uint32(0xE6546B64))
    return bucket.view(np.int32)


def choose_representatives(members: Iterable) -> list[int]:
    """Keys of the longest members (most shingles; ties by document id), longest first."""
    ranked = sorted(members, key=lambda doc: (-doc.shingle_count, doc.id))
    return [doc.key for doc in ranked[:REPRESENTATIVES]]
