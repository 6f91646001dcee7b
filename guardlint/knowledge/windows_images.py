"""Container images that run only on Windows: Microsoft's Windows base images, .NET Framework's,
and any image whose tag names a Windows Server base (`windowsservercore`, `nanoserver`,
`ltsc2022`). A task or pod that runs one runs on Windows, whatever else it declares."""

from __future__ import annotations

from guardlint.parse.image_ref import split_reference

_MICROSOFT_REGISTRY = "mcr.microsoft.com/"
# Repositories under mcr.microsoft.com (and Docker Hub's retired microsoft/ ones) that are
# Windows only.
_WINDOWS_REPOSITORIES = ("windows/", "dotnet/framework/")
_RETIRED_HUB_REPOSITORIES = frozenset(
    {
        "microsoft/windowsservercore", "microsoft/nanoserver", "microsoft/iis",
        "microsoft/dotnet-framework", "microsoft/aspnet", "microsoft/mssql-server-windows",
        "microsoft/mssql-server-windows-developer", "microsoft/mssql-server-windows-express",
    }
)  # fmt: skip
# Words of a tag that name a Windows Server base image (`8.0-nanoserver-ltsc2022`).
_WINDOWS_TAG_WORDS = ("windowsservercore", "servercore", "nanoserver", "ltsc20")


def is_windows_image(reference: str) -> bool:
    """Whether the image reference names an image that runs only on Windows."""
    name, tag, _ = split_reference(reference.strip().lower())
    if name.startswith(_MICROSOFT_REGISTRY):
        repository = name[len(_MICROSOFT_REGISTRY) :] + "/"
        if repository.startswith(_WINDOWS_REPOSITORIES):
            return True
    if name.removeprefix("docker.io/") in _RETIRED_HUB_REPOSITORIES:
        return True
    return tag is not None and any(word in tag for word in _WINDOWS_TAG_WORDS)
