"""DKR019 eol-base-image on Windows Server's container base images: Semi-Annual Channel
releases (1709 to 20H2) and Nano Server 2016 have ended; the Long-Term releases (2016, 2019
and the same build's 1809, 2022) end with their extended support. A tag names a release by
its channel's name (`ltsc2019`, `20H2`) or its OS build (`10.0.17763.5458`), never a cycle
"10"."""

from __future__ import annotations

import pytest

from tests.checks.dockerfile import eol_hits

DAY = "2026-12-05"
SERVERCORE = "mcr.microsoft.com/windows/servercore"
NANOSERVER = "mcr.microsoft.com/windows/nanoserver"


def _first(image: str, day: str = DAY) -> tuple[str, str, str] | None:
    hits = eol_hits(image, day)
    found = hits[0].properties if hits else None
    return (found["product"], found["cycle"], found["eol"]) if found else None


@pytest.mark.parametrize(
    ("image", "found"),
    [
        (f"{SERVERCORE}:1709", (SERVERCORE, "10.0.16299", "2019-04-09")),
        (f"{SERVERCORE}:1803", (SERVERCORE, "10.0.17134", "2019-11-12")),
        (f"{SERVERCORE}:1903", (SERVERCORE, "10.0.18362", "2020-12-08")),
        (f"{SERVERCORE}:1909-amd64", (SERVERCORE, "10.0.18363", "2021-05-11")),
        (f"{SERVERCORE}:2004", (SERVERCORE, "10.0.19041", "2021-12-14")),
        (f"{SERVERCORE}:20H2", (SERVERCORE, "10.0.19042", "2022-08-09")),
        (f"{SERVERCORE}:10.0.19042.1889", (SERVERCORE, "10.0.19042", "2022-08-09")),
        (f"{SERVERCORE}:10.0.16299.1087-amd64", (SERVERCORE, "10.0.16299", "2019-04-09")),
        (f"{NANOSERVER}:sac2016", (NANOSERVER, "10.0.14393", "2018-10-09")),
        (f"{NANOSERVER}:10.0.14393.2551", (NANOSERVER, "10.0.14393", "2018-10-09")),
        (f"{NANOSERVER}:20h2", (NANOSERVER, "10.0.19042", "2022-08-09")),
        ("mcr.microsoft.com/windows:1909",
         ("mcr.microsoft.com/windows", "10.0.18363", "2021-05-11")),
        ("microsoft/windowsservercore:1709", (SERVERCORE, "10.0.16299", "2019-04-09")),
        ("microsoft/nanoserver:sac2016", (NANOSERVER, "10.0.14393", "2018-10-09")),
        # Images whose tag names the Windows base they are built on
        ("mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-20H2",
         (SERVERCORE, "10.0.19042", "2022-08-09")),
        ("mcr.microsoft.com/dotnet/framework/sdk:4.8-20220809-windowsservercore-2004",
         (SERVERCORE, "10.0.19041", "2021-12-14")),
        ("mcr.microsoft.com/windows/servercore/iis:windowsservercore-1903",
         (SERVERCORE, "10.0.18362", "2020-12-08")),
        ("mcr.microsoft.com/powershell:lts-nanoserver-1909",
         (NANOSERVER, "10.0.18363", "2021-05-11")),
    ],
)  # fmt: skip
def test_windows_releases_past_their_end(image, found):
    assert _first(image) == found


@pytest.mark.parametrize(
    "image",
    [f"{SERVERCORE}:ltsc2019", f"{SERVERCORE}:ltsc2019-amd64", f"{SERVERCORE}:1809",
     f"{SERVERCORE}:1809-KB5034127", f"{SERVERCORE}:ltsc2022", f"{SERVERCORE}:ltsc2025",
     f"{SERVERCORE}:ltsc2016", f"{SERVERCORE}:10.0.14393.6709", f"{NANOSERVER}:1809",
     f"{NANOSERVER}:ltsc2022", f"{NANOSERVER}:10.0.17763.5458", SERVERCORE,
     f"{NANOSERVER}:latest", "mcr.microsoft.com/windows/server:ltsc2022",
     "mcr.microsoft.com/windows:1809", "mcr.microsoft.com/windows:ltsc2019",
     "mcr.microsoft.com/windows:10.0.17763.5458", "microsoft/windowsservercore:ltsc2016",
     "mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2019",
     "mcr.microsoft.com/dotnet/framework/runtime:4.8-20240213-windowsservercore-ltsc2022",
     "mcr.microsoft.com/dotnet/framework/sdk:4.8", "mcr.microsoft.com/windows/servercore/iis",
     "mcr.microsoft.com/dotnet/aspnet:10.0-nanoserver-ltsc2022",
     "python:3.13-windowsservercore-ltsc2022", "golang:1.26-nanoserver-1809",
     "mcr.microsoft.com/powershell:lts-windowsserver-ltsc2022"],
)  # fmt: skip
def test_windows_releases_still_supported(image):
    assert eol_hits(image, DAY) == []


@pytest.mark.parametrize(
    "tag", ["10.0.17763.5458", "10.0.20348.2340-amd64", "10.0.26100.1742", "10", "10.0", "4", "20"]
)
def test_a_build_number_is_never_read_as_a_cycle_10(tag):
    for image in (SERVERCORE, NANOSERVER, "mcr.microsoft.com/windows"):
        assert eol_hits(f"{image}:{tag}", DAY) == []


def test_long_term_releases_end_with_their_extended_support():
    assert _first(f"{SERVERCORE}:ltsc2016", "2027-01-11") is None
    assert _first(f"{SERVERCORE}:ltsc2016", "2027-01-12") == (
        SERVERCORE,
        "10.0.14393",
        "2027-01-12",
    )
    assert _first(f"{SERVERCORE}:1809", "2029-01-09") == (SERVERCORE, "10.0.17763", "2029-01-09")
    assert _first(f"{NANOSERVER}:ltsc2022", "2031-10-14") == (
        NANOSERVER,
        "10.0.20348",
        "2031-10-14",
    )
