"""`--shard K/N`: which slice of a scan a path belongs to (guardlint merge joins the slices)."""

from __future__ import annotations

from dataclasses import dataclass

from guardlint.parse.digests import blake2b
from guardlint.parse.digits import ASCII_SPACE, digits_number


@dataclass(frozen=True)
class Shard:
    """Slice `index` (1-based) of `count` of a scan, for fleets of CI jobs (`--shard 2/3`).

    A path belongs to the slice its hash picks: the slices are balanced by number of paths, the
    same in every job and on every machine, and adding a file moves no other. Skipped files and
    directories belong to slices the same way, so the shards' counts add up to the whole scan's.
    """

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """`k/n`, 1 <= k <= n; ValueError otherwise."""
        index, slash, count = text.partition("/")
        # ASCII digits: int() also reads '٣', and isdigit() takes '²', which int() refuses.
        first, last = (
            digits_number(part.strip(ASCII_SPACE), MAX_SHARDS + 1) for part in (index, count)
        )
        if not slash or first is None or last is None:
            raise ValueError(f"expected k/n such as 1/3, not {text!r}")
        shard = cls(first, last)
        if not 1 <= shard.index <= shard.count or shard.count > MAX_SHARDS:
            raise ValueError(f"{text!r}: k must be from 1 to n, and n at most {MAX_SHARDS}")
        return shard

    def owns(self, rel_path: str) -> bool:
        digest = blake2b(rel_path.encode("utf-8", "surrogatepass"), digest_size=8)
        return int.from_bytes(digest.digest(), "big") % self.count == self.index - 1


MAX_SHARDS = 10_000
