"""Package installation: DKR012 apt-hygiene, DKR023 update-alone; DKR013 package-upgrade and
DKR022 apt-not-apt-get (the run-command template)."""

from __future__ import annotations

from tests.checks.dockerfile import scan_dockerfile
from tests.conftest import findings_of, lines_of


def test_apt_and_apk_hygiene_in_every_stage(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM debian:12 AS build
        RUN apt-get update && apt-get install git
        RUN apt-get update && apt-get install -y git
        FROM debian:12-slim
        RUN apt-get update && apt-get -y install --no-install-recommends curl \\
         && rm -rf /var/lib/apt/lists/*
        RUN apt-get update && apt-get install -qq --no-install-recommends jq \\
         && rm -rf /var/lib/apt/lists/*
        RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install --yes vim
        RUN apk add --no-cache curl && apk add git
        """,
        "DKR012",
    )
    assert lines_of(result, "DKR012") == [2, 3, 9, 10]
    missing = {f.region.start_line: f.properties["missing"] for f in findings_of(result, "DKR012")}
    lists = "rm -rf /var/lib/apt/lists/* in the same RUN"
    assert missing[2] == ["-y", "--no-install-recommends", lists]  # a build stage, as any
    assert missing[3] == ["--no-install-recommends", lists]
    assert missing[9] == ["--no-install-recommends", lists]
    assert missing[10] == ["apk add --no-cache"]
    messages = {f.region.start_line: f.message for f in findings_of(result, "DKR012")}
    assert "stall on a prompt" in messages[2] and "package lists" in messages[2]
    assert "prompt" not in messages[3]  # it has -y: only the cache is left


def test_apk_and_update_alone_in_a_build_stage(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22 AS build
        RUN apk add build-base
        RUN apk update
        RUN apk add --no-cache git && apk update
        FROM scratch
        COPY --from=build /out /out
        """,
        "DKR012",
        "DKR023",
    )
    assert lines_of(result, "DKR012") == [2]
    assert lines_of(result, "DKR023") == [3]


def test_upgrades_apt_and_update_without_install(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM ubuntu:24.04
        RUN apt-get update && apt-get -y dist-upgrade
        RUN apt update
        RUN apt-get install -y --only-upgrade openssl && apt-get -y upgrade openssl
        RUN apk update && apk add --no-cache curl
        RUN apt-get update && xargs -r apt-get install -y < /pkgs
        RUN apt-get -o Acquire::Retries=3 -y upgrade && yum --enablerepo epel -y update
        """,
        "DKR013",
        "DKR022",
        "DKR023",
    )
    assert lines_of(result, "DKR013") == [2, 7]
    assert lines_of(result, "DKR022") == [3]
    assert lines_of(result, "DKR023") == [3]
    upgrades = [f.message.split(" in ")[0] for f in findings_of(result, "DKR013")]
    assert upgrades == ["apt-get dist-upgrade", "apt-get upgrade"]


def test_whole_system_upgrades_of_rpm_distributions(tmp_path):
    """dnf's and yum's distro-sync and minimal upgrades, tdnf (Photon, Azure Linux) and
    zypper (openSUSE, SLES) upgrade every package too; naming packages does not."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM opensuse/leap:15.6
        RUN zypper --non-interactive update && zypper clean --all
        RUN zypper -n dup --no-recommends
        RUN zypper -n up openssl && zypper -n in -y curl
        FROM rockylinux:9
        RUN dnf -y upgrade-minimal --security && dnf -y distro-sync
        RUN tdnf -y update && tdnf clean all
        RUN dnf -y distro-sync glibc
        """,
        "DKR013",
    )
    assert lines_of(result, "DKR013") == [2, 3, 6, 7]


def test_a_package_manager_option_s_value_is_not_read_as_its_subcommand(tmp_path):
    """yum's and dnf's -d/-e (debug and error level), tdnf's and zypper's options take the next
    word as their value (guardlint.knowledge.package_options): `yum -d 0 update` upgrades
    every package, and `dnf -e 0 install gcc` installs a compiler, whatever the number says.
    An option's value is not a package name either: `zypper up -r repo` upgrades all."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM rockylinux:9
        RUN yum -d 0 -y update && yum -e 0 -y upgrade-minimal
        RUN dnf --errorlevel 0 --comment rebuild -y distro-sync
        RUN tdnf --enablerepo photon-updates -y upgrade
        RUN zypper --root /mnt -n up && zypper -n up -r oss
        RUN zypper -n patch -g security
        RUN zypper -n up -r oss openssl && dnf -d 0 -y upgrade glibc
        RUN dnf -e 0 install -y gcc
        """,
        "DKR013",
        "DKR005",
    )
    assert lines_of(result, "DKR013") == [2, 3, 4, 5, 6]
    assert lines_of(result, "DKR005") == [8]


def test_apt_hygiene_knows_apt_programs_by_name_not_by_fragment(tmp_path):
    text = "FROM debian:12\nRUN aptitude install vim\nRUN get install vim\nRUN tude install x\n"
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR012"), "DKR012") == [2]


def test_apt_options_set_in_the_images_apt_configuration_count(tmp_path):
    """apt reads /etc/apt/apt.conf.d: recommends turned off (or yes assumed) there, in this
    stage or one it is built FROM, is as good as the option on the command line."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM debian:12 AS base
        RUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99norecommends
        FROM base
        RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
        RUN printf 'APT::Get::Assume-Yes "true";\\n' > /etc/apt/apt.conf.d/90yes
        RUN apt-get update && apt-get install jq && rm -rf /var/lib/apt/lists/*
        RUN apt-get update && apt-get install -o APT::Install-Recommends=1 vim \\
         && rm -rf /var/lib/apt/lists/*
        FROM debian:12
        RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
        COPY <<EOF /etc/apt/apt.conf.d/01norecommends
        APT::Install-Recommends "0";
        EOF
        RUN echo "APT::Get::Assume-Yes \\"true\\";" > /etc/apt/apt.conf.d/90yes \\
         && apt-get update && apt-get install git && rm -rf /var/lib/apt/lists/*
        RUN apt-get update && apt-get install -o APT::Get::Assume-Yes=false git \\
         && rm -rf /var/lib/apt/lists/*
        """,
        "DKR012",
    )
    missing = {f.region.start_line: f.properties["missing"] for f in findings_of(result, "DKR012")}
    assert missing == {7: ["--no-install-recommends"], 10: ["--no-install-recommends"], 16: ["-y"]}


def test_package_lists_and_caches_kept_out_of_the_layer(tmp_path):
    """The lists go with rm of a directory above them, `find ... -delete` or apt-get
    distclean; a cache, tmpfs or bind mount over them (target, dst or destination) keeps
    them out of the layer (Docker's cache-mount example mounts /var/lib/apt); a mount only
    over /var/cache/apt, of another path, or of a secret does not."""
    install = "apt-get update && apt-get install -y --no-install-recommends curl"
    result = scan_dockerfile(
        tmp_path,
        f"""
        FROM debian:13-slim
        RUN {install} && rm -rf /var/lib/apt/*
        RUN {install} && rm -rf /var/lib/apt/
        RUN {install} && find /var/lib/apt/lists -type f -delete
        RUN {install} && apt-get distclean
        RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\
            --mount=type=cache,target=/var/lib/apt,sharing=locked {install}
        RUN --mount=type=tmpfs,target=/var/lib/apt/lists {install}
        RUN --mount=type=cache,dst=/var/lib/apt/ {install}
        RUN --mount=destination=/var/lib/apt,type=cache {install}
        RUN --mount=type=cache,target=/var/cache/apt {install}
        RUN --mount=type=cache,target=/var/lib/aptly {install}
        RUN --mount=type=secret,id=lists,target=/var/lib/apt/lists/x {install}
        RUN {install} && rm -rf /var/lib/*.log && find / -name x -delete
        FROM alpine:3.22
        RUN --mount=type=tmpfs,target=/var/cache/apk apk add curl
        RUN --mount=type=cache,target=/var/cache/apk-old apk add curl
        """,
        "DKR012",
    )
    assert lines_of(result, "DKR012") == [11, 12, 13, 14, 17]


def test_apk_add_without_no_cache_whatever_the_run_removes_after_it(tmp_path):
    """rules.md asks `apk add` for --no-cache: removing /var/cache/apk afterwards, the older
    spelling of the same clean-up, does not stand in for it (hadolint DL3019 and semgrep's
    missing-apk-no-cache report it too); only a mount over the cache keeps it out of the
    layer."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22
        RUN apk update && apk add curl=8.14.1-r1 && rm -rf /var/cache/apk/*
        RUN apk add --update jq && rm -rf /var/cache/*
        RUN apk --no-cache add curl && rm -rf /var/cache/apk/*
        RUN --mount=type=cache,target=/var/cache/apk apk add curl
        """,
        "DKR012",
    )
    assert lines_of(result, "DKR012") == [2, 3]


def test_package_lists_removed_by_a_path_relative_to_a_cd(tmp_path):
    """`cd /var/lib && rm -rf apt` removes the lists as `rm -rf /var/lib/apt` does: a relative
    rm operand is read from the directory the script's `cd` moved to; a glob as the shell
    expands it (`lists*`), while a sibling (`lists.bak`) is not the lists. From an unknown
    directory (no `cd`, `cd $DIR`, a `cd` inside a subshell that has ended) it names nothing
    known, and an absolute operand needs no `cd`."""
    install = "apt-get update && apt-get install -y --no-install-recommends curl"
    result = scan_dockerfile(
        tmp_path,
        f"""
        FROM debian:13-slim
        RUN {install} && cd /var/lib && rm -rf apt dpkg cache log
        RUN {install} && cd /var/lib/apt && rm -rf lists/*
        RUN {install} && cd /var && cd lib/apt/lists && rm -rf ./*
        RUN {install} && cd "$DIR" && rm -rf /var/lib/apt/lists/*
        RUN {install} && rm -rf lists
        RUN {install} && cd "$DIR" && rm -rf lists
        RUN {install} && (cd /var/lib/apt) && rm -rf lists
        RUN {install} && cd /var/lib/apt && rm -rf lists.bak
        RUN {install} && rm -rf /var/lib/apt/lists*
        RUN {install} && rm -rf /var/lib/ap?/lists/*
        """,
        "DKR012",
    )
    assert lines_of(result, "DKR012") == [6, 7, 8, 9]


def test_quiet_level_two_answers_yes_however_it_is_spelled(tmp_path):
    """apt-get(8): quiet level 2 implies -y, and each -q or --quiet raises the level by one:
    `-q -q`, `--quiet --quiet`, `-qq`, `-qqy`, `-q=2`. One -q, a q inside an `-o` value, or a
    level set back to 1 after two -q do not."""
    tail = "--no-install-recommends git && rm -rf /var/lib/apt/lists/*"
    result = scan_dockerfile(
        tmp_path,
        f"""
        FROM debian:13-slim
        RUN apt-get --quiet --quiet install {tail}
        RUN apt-get -q -q install {tail}
        RUN apt-get -qq install {tail}
        RUN apt-get -q --quiet=2 install {tail}
        RUN ["apt-get", "--quiet", "--quiet", "install", "--no-install-recommends", "git"]
        RUN apt-get -q install {tail}
        RUN apt-get -oquiet=q -q install {tail}
        RUN apt-get -qq -q=1 install {tail}
        """,
        "DKR012",
    )
    missing = {f.region.start_line: f.properties["missing"] for f in findings_of(result, "DKR012")}
    assert {line: "-y" in found for line, found in missing.items()} == {
        6: False,
        7: True,
        8: True,
        9: True,
    }


def test_aptitude_upgrades_every_package_too(tmp_path):
    """aptitude, apt's older front end, upgrades every package with upgrade, safe-upgrade (its
    name for it since 0.4.7), full-upgrade and dist-upgrade; naming packages does not."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM debian:12
        RUN aptitude update && aptitude -y safe-upgrade
        RUN aptitude -y full-upgrade
        RUN aptitude upgrade -y && aptitude dist-upgrade -y
        RUN aptitude -y safe-upgrade openssl && aptitude install -y curl
        """,
        "DKR013",
    )
    assert lines_of(result, "DKR013") == [2, 3, 4]


def test_an_update_read_by_a_download_or_reinstall_in_the_same_run_is_not_alone(tmp_path):
    """What reads the fresh lists in the same RUN uses them: apt's reinstall, satisfy, source
    and download, apk's fix and fetch, as an install does; an update followed by nothing that
    reads them is still alone."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM debian:12
        RUN apt-get update && apt-get download libssl3
        RUN apt-get update && apt-get source openssl
        RUN apt update && apt reinstall -y ca-certificates
        RUN apt-get update && apt-get satisfy -y "libc6 (>= 2.36)"
        RUN apk update && apk fetch curl && apk fix
        RUN apt-get update && apt-cache policy openssl
        """,
        "DKR023",
    )
    assert lines_of(result, "DKR023") == [7]


def test_commands_run_by_eatmydata_fakeroot_and_other_wrappers_are_read(tmp_path):
    """eatmydata (apt without fsync, common in Debian builds), fakeroot, ionice, taskset,
    setsid and other wrappers run the command that follows them: what it does is reported
    as if it ran alone."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM debian:12
        RUN apt-get update && eatmydata apt-get install curl && rm -rf /var/lib/apt/lists/*
        RUN eatmydata -- apt-get -y upgrade
        RUN ionice -c3 taskset -c 0 apt-get -y dist-upgrade
        RUN setsid -f sudo id
        """,
        "DKR009",
        "DKR012",
        "DKR013",
    )
    assert lines_of(result, "DKR012") == [2]
    assert lines_of(result, "DKR013") == [3, 4]
    assert lines_of(result, "DKR009") == [5]


def test_dnf_s_aliases_of_its_upgrades_are_upgrades(tmp_path):
    """dnf names each command by aliases (its commands' `aliases`), and on RHEL 8 and later
    yum is dnf: `up`, `update-to` and `upgrade-to` upgrade as `upgrade` does, `dsync` and
    `distrosync` are distro-sync, `up-min` is upgrade-minimal; dnf5 upgrades the same way."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM rockylinux:9
        RUN dnf -y up && yum -y update-to
        RUN dnf -y upgrade-to
        RUN yum -y dsync && dnf -y distribution-synchronization
        RUN dnf -y up-min --security
        RUN dnf5 -y upgrade --refresh
        RUN dnf -y up openssl && dnf5 -y upgrade glibc
        """,
        "DKR013",
    )
    assert lines_of(result, "DKR013") == [2, 3, 4, 5, 6]


def test_apk_add_with_no_network_fetches_nothing_to_cache(tmp_path):
    """`apk add --no-network` installs from what is already there (docker-library's images
    record a build's run-time libraries as a virtual package that way, `... | xargs -rt apk add
    --no-network --virtual .rundeps`): it downloads no index nor package, so it leaves no
    cache for --no-cache to avoid. An `apk add` that may fetch still needs --no-cache."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22
        RUN apk add --no-cache --virtual .build-deps gcc \\
         && scanelf --needed /usr/local | xargs -rt apk add --no-network --virtual .rundeps \\
         && apk del --no-network .build-deps
        RUN apk --no-network add .rundeps
        RUN apk add --no-network --virtual .a so:libc.musl-x86_64.so.1 && apk add curl
        """,
        "DKR012",
    )
    assert lines_of(result, "DKR012") == [6]
