"""Linear-time cases of COPY instructions (tests/hostile/test_linear_time.py): thousands of
sources copied into one long destination, which each source's landing would read again; and
the Windows RUNs that delete what they copied."""

from __future__ import annotations

_LONG = 99_000  # a line may hold 100,000 characters (linear_time_cases.LONG)

_WINDOWS = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY id_rsa C:/b/id_rsa\n"
_POWERSHELL = 'SHELL ["powershell", "-Command"]\n'

# A Windows RUN's command line is read once into words (guardlint.knowledge.windows_commands):
# a word of thousands of quoted pieces, an unclosed quote, thousands of `cd` and of paths,
# `cmd /c` and `powershell -Command` nested past what is followed.
WINDOWS_REMOVAL_CASES = {
    "dockerfile-windows-removal-quoted-pieces": (
        "Dockerfile",
        _WINDOWS + _POWERSHELL + "RUN Remove-Item " + "'a'\"b\"" * (_LONG // 6) + " C:/b\n",
        "DKR018",
    ),
    "dockerfile-windows-removal-unclosed-quotes": (
        "Dockerfile",
        _WINDOWS
        + "RUN del "
        + '"'
        + "a " * (_LONG // 2)
        + "\nRUN del C:/b\nRUN del '"
        + "a " * (_LONG // 2)
        + "\n",
        "DKR018",
    ),
    "dockerfile-windows-removal-many-cd-and-paths": (
        "Dockerfile",
        _WINDOWS + _POWERSHELL + "RUN " + "cd a; " * (_LONG // 6) + "Remove-Item id_rsa\n"
        "RUN Remove-Item -Path " + "a," * (_LONG // 2) + "C:/b\n",
        "DKR018",
    ),
    "dockerfile-windows-removal-nested-shells": (
        "Dockerfile",
        _WINDOWS
        + "RUN "
        + "cmd /c powershell -Command " * (_LONG // 28)
        + "del C:/b\nRUN del C:/b\n",
        "DKR018",
    ),
    # a pipeline of thousands of listings, and one listing of thousands of switches
    "dockerfile-windows-removal-piped-listings": (
        "Dockerfile",
        _WINDOWS
        + _POWERSHELL
        + "RUN "
        + "gci C:/b | " * (_LONG // 11)
        + "Remove-Item\nRUN gci C:/b "
        + "-Recurse -Force " * (_LONG // 16)
        + "| rm -Force\n",
        "DKR018",
    ),
}

COPY_CASES = {
    "dockerfile-many-sources-into-a-long-destination": (
        "Dockerfile",
        "FROM alpine:3.22\nCOPY "
        + " \\\n".join(["a " * (_LONG // 2)] * 4)
        + " config \\\n /"
        + "d/" * (_LONG // 2)
        + ".kube/\n",
        "DKR015",
    ),
    **WINDOWS_REMOVAL_CASES,
}
