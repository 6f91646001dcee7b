"""guardlint.parse.digests: CPython's own sha256 and blake2b, the same digests as hashlib's."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from guardlint.parse import digests


@given(st.binary(max_size=3000))
def test_the_built_in_digests_are_hashlib_s(data: bytes) -> None:
    assert digests.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    assert (
        digests.blake2b(data, digest_size=8).digest()
        == hashlib.blake2b(data, digest_size=8).digest()
    )
