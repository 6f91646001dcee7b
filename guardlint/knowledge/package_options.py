"""Package managers' options whose value may be the next word (`yum -d 0 update`,
`zypper --root /mnt up`), by program: guardlint.knowledge.shell_commands.operands skips that
word, so the value is never read as the subcommand or a package. Every program here also
takes `--option=value`, which is one word and needs no entry.

From each program's manual: apt-get(8) and apt(8); aptitude(8); apk(8) (apk-tools 2); yum(8)
(optparse, which takes a long option's value from the next word too) and dnf(8) (argparse:
likewise), whose options dnf5, microdnf and tdnf (Photon OS, Azure Linux) share for what they
support; zypper(8), global options and those of update, patch and dist-upgrade.

A short option that is a flag for one subcommand and takes a value for another is left out:
zypper's -D (--reposd-dir, but --dry-run of update and install) and -C (--cache-dir, but
--capability of install), apt's -a (--host-architecture, but --all-versions of `apt list`);
zypper's -x is --xmlout, a flag, not yum's --exclude.
"""

from __future__ import annotations

_APT = frozenset(
    {"-o", "--option", "-c", "--config-file", "-t", "--target-release", "--default-release",
     "--host-architecture", "--build-profiles"}
)  # fmt: skip
_APTITUDE = frozenset(
    {"-o", "-t", "--target-release", "-F", "--display-format", "-O", "--sort", "-w", "--width",
     "-S"}
)  # fmt: skip
_APK = frozenset(
    {"-X", "--repository", "-p", "--root", "--arch", "--cache-dir", "--cache-max-age", "-t",
     "--virtual", "--keys-dir", "--repositories-file", "--progress-fd", "--timeout", "--wait"}
)  # fmt: skip
_YUM = frozenset(
    {"-c", "--config", "-d", "--debuglevel", "-e", "--errorlevel", "-R", "--randomwait", "-x",
     "--exclude", "--installroot", "--releasever", "--setopt", "--enablerepo", "--disablerepo",
     "--repo", "--repoid", "--repofrompath", "--color", "--comment", "--downloaddir",
     "--destdir", "--disableplugin", "--enableplugin", "--disableexcludes",
     "--disableexcludepkgs", "--forcearch", "--rpmverbosity", "--advisory", "--advisories",
     "--bz", "--bzs", "--cve", "--cves", "--sec-severity", "--secseverity"}
)  # fmt: skip
_ZYPPER = frozenset(
    {"-c", "--config", "--userdata", "--cache-dir", "--raw-cache-dir", "--solv-cache-dir",
     "--pkg-cache-dir", "--reposd-dir", "-R", "--root", "--installroot", "-p", "--plus-repo",
     "--plus-content", "-r", "--repo", "--from", "-t", "--type", "-g", "--category",
     "--severity", "--date", "-b", "--bugzilla", "--cve", "--download"}
)  # fmt: skip

OPTIONS_WITH_VALUE: dict[str, frozenset[str]] = {
    "apt-get": _APT,
    "apt": _APT,
    "aptitude": _APTITUDE,
    "apk": _APK,
    "yum": _YUM,
    "dnf": _YUM,
    "dnf5": _YUM,
    "microdnf": _YUM,
    "tdnf": _YUM,
    "zypper": _ZYPPER,
}
