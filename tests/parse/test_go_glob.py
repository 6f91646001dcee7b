"""Go's filepath.Match as guardlint.parse.go_glob compiles it: each case is what Go's own
match.go gives (its algorithm: a chunk after a star takes the first place it matches, never
another), for the rules of a Helm chart's .helmignore."""

from __future__ import annotations

import pytest

from guardlint.parse.go_glob import BadPattern, compile_glob


@pytest.mark.parametrize(
    ("pattern", "name", "matched"),
    [
        ("*.yaml", "pod.yaml", True),
        ("*.yaml", "sub/pod.yaml", False),  # a star skips no `/`
        ("templates/*", "templates/pod.yaml", True),
        ("templates/*", "templates/sub/pod.yaml", False),
        ("templates/.?*", "templates/.pod.yaml", True),  # Helm's default rule
        ("templates/.?*", "templates/.", False),
        ("?", "/", False),
        ("a[/]b", "a/b", True),  # a class matches `/`
        ("[^a-c]x", "dx", True),
        ("[^a-c]x", "bx", False),
        ("[z-a]", "m", False),  # a range backwards matches nothing
        ("[\\]]", "]", True),
        ("\\*", "*", True),
        ("\\*", "x", False),
        ("a*b*c", "axxbyyc", True),
        ("a*", "a/b", False),
        ("", "", True),
        ("*[^z][^z]*c", "ab/c", False),  # Go places the chunk at `ab`, and never at `b/`
        ("*[^z][^z]*c", "abxc", True),
        ("*b*", "abab", True),
        ("*ab", "aab", True),  # the last chunk must end the name: it is placed there
        ("pod.yaml", "pod.yaml\n", False),
    ],
)
def test_a_pattern_matches_what_go_s_match_matches(pattern, name, matched):
    assert (compile_glob(pattern).fullmatch(name) is not None) is matched


@pytest.mark.parametrize("pattern", ["[", "a\\", "[]", "[-a]", "[a-]", "[^]", "[a", "x*[b"])
def test_a_pattern_go_refuses_is_refused(pattern):
    with pytest.raises(BadPattern):
        compile_glob(pattern)


@pytest.mark.parametrize("pattern", ["[", "a\\", "[]", "[-a]", "[a-]", "[^]", "x*[b", "[\udc80]"])
def test_a_copy_source_pattern_reads_as_go_s_match_reads_it(pattern):
    """guardlint.parse.path_glob (COPY sources) reads patterns with this module: a byte that
    is no UTF-8 inside a class is refused there too, as Go refuses it."""
    from guardlint.parse.path_glob import matches, tokens

    assert tokens(pattern) is None and not matches(pattern, "a")


@pytest.mark.parametrize(
    ("pattern", "count"), [("a*b", 3), ("**.pem", 5), ("[z-a]\\*?", 3), ("*", 1)]
)
def test_a_copy_source_pattern_is_one_token_a_character(pattern, count):
    from guardlint.parse.path_glob import tokens

    assert len(tokens(pattern)) == count
