"""Linear-time cases of values that stand in for a secret or name no secret (a placeholder's
ending, a program's name in a path, a public key gpg fetches), each read once however many
near misses a line holds (tests/hostile/test_linear_time.py)."""

from __future__ import annotations

_LONG = 99_000  # a line may hold 100,000 characters (linear_time_cases.LONG)

STAND_IN_CASES = {
    # A program's name is a word of its own: the paths, users and packages named after it
    # that fill a command are each looked at once, not read to the command's end from each.
    "dockerfile-program-names-in-paths": (
        "Dockerfile",
        "FROM alpine:3.22\nRUN find "
        + "/etc/mysql/ mysql:mysql mysql.exe/ " * (_LONG // 36)
        + "-print0; mysql -uroot -pR00tPw9x\n",
        "DKR004",
    ),
    # The keys gpg is handed are read from each gpg command's words once, and each ARG is
    # looked up in them once.
    "dockerfile-gpg-key-variables": (
        "Dockerfile",
        "FROM alpine:3.22\n"
        + "".join(f"ARG SIGNING_KEY_{i}=0x{i:016X}\n" for i in range(2_000))
        + "RUN gpg --passphrase x --recv-keys "
        + " ".join(f'"$SIGNING_KEY_{i}" --batch' for i in range(2_000))
        + " -r " * 5_000
        + "\nENV API_TOKEN=Zx9pQ2wLk7Vb3Nm8Rt4Yh6Gf\n",
        "DKR004",
    ),
    # A value is asked once whether it ends by telling the reader to change it: a run of
    # near misses (`changechange...`) does not make it read again from each of them.
    "compose-placeholder-endings": (
        "compose.yaml",
        "services:\n  app:\n    image: nginx:1.27\n    environment:\n"
        + f"      ADMIN_PASSWORD: '{'change-' * (_LONG // 7)}mx'\n"
        + f"      DB_PASSWORD: '{'c' * (_LONG // 2)}hange_m'\n",
        "CMP007",
    ),
    # A single-quoted value with `$` is looked back over for its quote a bounded way, and each
    # `$` of it read for a variable's name once: a line of quoted options whose values are runs
    # of `$A$A...` (and one quote left open) is read once.
    "dockerfile-single-quoted-dollar-values": (
        "Dockerfile",
        "FROM alpine:3.22\nRUN mysql "
        + f"-p'{'$A' * 200}x' --from-literal=password='{'$A' * 200}' " * (_LONG // 820)
        + "-p'$A$A\nRUN mysql -uroot -p'R00t$pw9x'\n",
        "DKR004",
    ),
    # A value with an ellipsis is matched once from its start as a token cut short: a line-long
    # run of `a...` and spaces that fails only at its last character is read once.
    "compose-cut-short-value-near-misses": (
        "compose.yaml",
        "services:\n  app:\n    image: nginx:1.27\n    environment:\n"
        + f"      API_TOKEN: 'Zx9pQ2{'a... ' * (_LONG // 5)}!'\n",
        "CMP007",
    ),
    # A PEM block's or a scheme's placeholder is looked for once, from the value's start: a
    # line-long run of footers that each miss by one character is read once.
    "compose-pem-block-near-misses": (
        "compose.yaml",
        "services:\n  app:\n    image: nginx:1.27\n    environment:\n"
        + f"      API_TOKEN: '-----BEGIN X-----{'-----END X----' * (_LONG // 14)}Zx9pQ2'\n"
        + f"      AUTH_TOKEN: 'Bearer {'Bearer ' * (_LONG // 7)}Zx9pQ2'\n",
        "CMP007",
    ),
    # A token's words are searched for `not-a-real` once: a run of near misses
    # (`not-a-rea` over and over) is not read again from each of them.
    "compose-not-a-real-token-near-misses": (
        "compose.yaml",
        "services:\n  app:\n    image: nginx:1.27\n    environment:\n"
        + f"      API_TOKEN: 'xoxb-{'not-a-rea' * (_LONG // 9)}Zx9pQ2'\n",
        "CMP007",
    ),
}
