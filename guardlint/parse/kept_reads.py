"""The bytes of the files a scan read last, kept so that another read of one of them in the
same scan takes them from memory (guardlint.parse.inputs).

A Kubernetes manifest is read by its own scan and by the look-ups of the pods around it: the
ServiceAccounts its directory declares (guardlint.documents.service_accounts, which reads a
pod's siblings, most of them before their own scan) and the LimitRanges of a pod's own file
(guardlint.documents.limit_ranges): 469 reads besides the 333 of the corpus's manifests. A scan
is one snapshot of the file system (guardlint.parse.recorder), so what a read gave is what
reading again would give, within a bound at least as large: a read within a smaller bound
than the bytes reads again, to fail as it fails. The oldest bytes are dropped first once more
than MAX_KEPT_BYTES are kept."""

from __future__ import annotations

MAX_KEPT_BYTES = 2 * 1024 * 1024

ReadKey = tuple[str, "str | None"]  # (path, scan root it is confined to)


class KeptReads:
    """Bytes by (path, root), those read last, at most `max_bytes` of them in all."""

    def __init__(self, max_bytes: int = MAX_KEPT_BYTES) -> None:
        self.max_bytes = max_bytes
        self._bytes: dict[ReadKey, bytes] = {}
        self._total = 0

    def get(self, key: ReadKey, max_bytes: int) -> bytes | None:
        """The bytes read at `key`, if kept and within `max_bytes`."""
        data = self._bytes.get(key)
        return data if data is not None and len(data) <= max_bytes else None

    def keep(self, key: ReadKey, data: bytes) -> None:
        """Keep `data` as read last at `key`, dropping the oldest beyond the bound."""
        if len(data) > self.max_bytes:
            return
        self._total += len(data) - len(self._bytes.pop(key, b""))
        self._bytes[key] = data
        while self._total > self.max_bytes:
            self._total -= len(self._bytes.pop(next(iter(self._bytes))))
