"""sha256 and blake2b for the small texts every scan digests (findings' fingerprints, a
directory's names), without importing hashlib: hashlib loads OpenSSL's libcrypto to offer
every algorithm, 3 ms of every process that imports it. CPython builds both in (`_sha256`,
`_sha2` from 3.12, `_blake2`: hashlib's own fallbacks), and they give the same digests; where
a build has only OpenSSL's, hashlib's.

OpenSSL's sha256 reads a large text three times faster (the processor's SHA instructions), so
what digests whole files (the result cache) imports hashlib where it does."""

from __future__ import annotations

try:
    from _sha256 import sha256
except ImportError:  # pragma: no cover - CPython 3.12 and later, or no built-in sha256
    try:
        from _sha2 import sha256
    except ImportError:
        from hashlib import sha256  # noqa: F401 (a name of this module)
try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a build without the built-in blake2
    from hashlib import blake2b  # noqa: F401 (a name of this module)
