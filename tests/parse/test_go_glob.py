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
