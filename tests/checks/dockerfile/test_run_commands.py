"""Risky RUN commands: DKR008 curl-pipe-shell, DKR009 sudo (the run-command template), DKR016
world-writable, DKR017 tls-verification-disabled."""

from __future__ import annotations

import pytest

from tests.checks.dockerfile import scan_dockerfile
from tests.checks.shell_downloads import (
    DOWNLOADS_KEPT,
    DOWNLOADS_RUN,
    HEREDOCS_KEPT,
    HEREDOCS_RUN,
)
from tests.conftest import findings_of, lines_of


def test_downloads_run_unread_and_sudo(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        # syntax=docker/dockerfile:1
        FROM debian:12-slim
        RUN <<EOF
        set -eux
        curl -fsSL https://example.com/install.sh | bash
        EOF
        RUN set -e; \\
            wget -qO- https://example.com/x.sh \\
              | sudo sh -s -- --yes
        RUN sh -c "$(curl -fsSL https://example.com/y.sh)"
        RUN curl -fsSL https://example.com/z.py | python3 -
        RUN curl -fsSL https://example.com/a.tgz | tar -xz && python3 setup.py install
        RUN cat <<EOF > /usr/local/bin/update
        curl -fsSL https://example.com/u.sh | sh
        EOF
        RUN . <(curl -s https://example.com/env) && eval "$(wget -qO- https://example.com/e)"
        RUN curl -fsSL https://example.com/key.asc | gpg --dearmor -o /etc/apt/keyrings/x.gpg
        RUN sudo
        """,
        "DKR008",
        "DKR009",
    )
    assert lines_of(result, "DKR008") == [3, 7, 10, 11, 16]
    assert lines_of(result, "DKR009") == [7, 18]
    assert findings_of(result, "DKR009")[0].message.startswith("RUN in stage 0 uses sudo:")


def test_every_shape_of_a_download_run_unread(tmp_path):
    runs = "".join(f"RUN {command}\n" for command in DOWNLOADS_RUN + DOWNLOADS_KEPT)
    result = scan_dockerfile(tmp_path, f"FROM alpine:3.22\n{runs}", "DKR008")
    assert lines_of(result, "DKR008") == list(range(2, 2 + len(DOWNLOADS_RUN)))


def test_heredocs_run_by_a_shell(tmp_path):
    """Each script a RUN of its own, its heredocs (one or several) after it."""
    lines, expected = ["FROM alpine:3.22"], []
    for script in HEREDOCS_RUN + HEREDOCS_KEPT:
        if script in HEREDOCS_RUN:
            expected.append(len(lines) + 1)
        lines.extend(f"RUN {script}".splitlines())
    result = scan_dockerfile(tmp_path, "\n".join(lines) + "\n", "DKR008")
    assert lines_of(result, "DKR008") == expected


def test_world_writable_modes(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22
        RUN chmod 777 /a
        RUN chmod -R o+w /b
        RUN chmod 1777 /tmp/x && chmod 755 /c && chmod u+rwx,g+rx /d
        RUN chmod 0666 /e
        """,
        "DKR016",
    )
    assert lines_of(result, "DKR016") == [2, 3, 5]


def test_a_world_writable_path_the_same_run_removes_is_not_in_the_image(tmp_path):
    """nginx's official Dockerfile makes a temporary directory 777 for apt's `_apt` user to
    read, builds packages in it and removes it before the RUN ends: the mode never reaches a
    layer. The same path written the same way (`"$tempDir"`), or a directory above it, must
    be removed after the chmod; a path removed before it, beside it or below it stays."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM debian:12-slim
        RUN tempDir="$(mktemp -d)" && chmod 777 "$tempDir" && make -C "$tempDir" \\
         && rm -rf "$tempDir" /etc/apt/sources.list.d/temp.list
        RUN mkdir -m 777 /build/cache && make && rm -rf /build
        RUN chmod -R a+rwX /tmp/x /tmp/y && rm -rf /tmp/*
        RUN chmod 777 /srv/data && rm -rf /srv/data/old
        RUN rm -rf /app && mkdir -p /app && chmod 777 /app
        RUN chmod 777 "$dir" /opt/keep && rm -rf "$dir"
        RUN chmod 777 $tempDir && rm -rf "$otherDir"
        """,
        "DKR016",
    )
    assert lines_of(result, "DKR016") == [6, 7, 8, 9]


def test_world_writable_symbolic_modes_apply_clause_by_clause(tmp_path):
    """chmod applies a symbolic mode's clauses in order; a mode naming no users leaves others'
    write bit to the umask (022); octal modes of one to four digits, leading zeros aside;
    the sticky bit exempts the mode however it is set."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22
        RUN chmod 00777 /a
        RUN chmod -R o=u /b
        RUN chmod o-w+w /c
        RUN chmod u+t,a+rwx /d
        COPY --chmod=a=rwX,g-w app /app
        RUN chmod a+rw,o-w /ok1 && chmod -R a+rwX,o-w /ok2 && chmod +t,a+rwx /ok3
        RUN chmod =rwx /ok4 && chmod +w /ok5 && chmod -R go=u-w /ok6 && chmod a+rwx,o=rx /ok7
        COPY --chmod=o+wt shared /shared
        """,
        "DKR016",
    )
    assert lines_of(result, "DKR016") == [2, 3, 4, 5, 6]


def test_tls_verification_disabled_in_run_env_and_arg(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM python:3.12
        ARG GIT_SSL_NO_VERIFY=1
        ENV PYTHONHTTPSVERIFY=0
        RUN curl -sk https://x -o /x
        RUN curl -fsSLo /k https://x
        RUN git -c http.sslVerify=false clone https://x
        RUN python -m pip install --trusted-host=pypi.example.com pkg
        RUN npm config set strict-ssl false
        RUN NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci
        RUN wget --no-check-certificate https://x
        ENV NODE_TLS_REJECT_UNAUTHORIZED=1
        ENV PIP_TRUSTED_HOST=pypi.example.com
        ENV GIT_SSL_NO_VERIFY=false
        ENV GIT_SSL_NO_VERIFY=""
        ARG GIT_SSL_NO_VERIFY
        RUN export GIT_SSL_NO_VERIFY && git clone https://x
        """,
        "DKR017",
    )
    # git turns checks off when GIT_SSL_NO_VERIFY is set at all, even to "false"; an ARG
    # without a default, or `export NAME` alone, sets nothing.
    assert lines_of(result, "DKR017") == [2, 3, 4, 6, 7, 8, 9, 10, 12, 13, 14]


def test_tls_verification_disabled_for_one_git_server_or_by_uv(tmp_path):
    """git's http.<url>.sslVerify turns checks off for that server's URLs; uv skips them for
    the hosts --allow-insecure-host (alias --trusted-host) or UV_INSECURE_HOST names."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM python:3.13
        RUN git config --global http."https://git.example.com/".sslVerify false
        RUN git -c http.https://git.example.com/.sslverify=no clone https://git.example.com/r
        RUN uv pip install --system --allow-insecure-host pypi.example.com app
        RUN uv sync --trusted-host=pypi.example.com
        ENV UV_INSECURE_HOST=pypi.example.com
        RUN git config --global http.https://git.example.com/.sslVerify true
        RUN git config --global --unset http.sslVerify && git config http.sslCAInfo /ca.pem
        RUN uv pip install --system --index-url https://pypi.example.com/simple app
        """,
        "DKR017",
    )
    assert lines_of(result, "DKR017") == [2, 3, 4, 5, 6]


def test_tls_verification_disabled_in_a_configuration_file_the_build_writes(tmp_path):
    """A RUN (echo, printf, a heredoc) or a COPY heredoc writes a setting that turns checks
    off into the tool's configuration file (named in the same instruction); safe settings
    are not reported."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM node:22
        RUN echo insecure >> ~/.curlrc
        RUN echo "check_certificate = off" >> /etc/wgetrc
        RUN printf "[global]\\ntrusted-host = pypi.example.com\\n" > /etc/pip.conf
        RUN echo 'Acquire::https::Verify-Peer "false";' > /etc/apt/apt.conf.d/99insecure
        COPY <<EOF /root/.npmrc
        registry=https://npm.example.com/
        strict-ssl=false
        EOF
        RUN cat <<EOF >> /root/.gitconfig
        [http]
            sslVerify = false
        EOF
        RUN echo 'enableStrictSsl: false' >> .yarnrc.yml
        RUN echo "check_certificate = on" >> /etc/wgetrc && echo "strict-ssl=true" > .npmrc
        RUN echo 'Acquire::https::Verify-Peer "true";' > /etc/apt/apt.conf.d/99verify
        RUN echo "proxy = http://proxy:3128" >> ~/.curlrc && curl -fsSLo /x https://x.example/x
        """,
        "DKR017",
    )
    assert lines_of(result, "DKR017") == [2, 3, 4, 5, 6, 10, 14]
    settings = [f.properties["setting"] for f in findings_of(result, "DKR017")]
    assert settings[0] == "insecure in .curlrc" and settings[4] == "strict-ssl=false in .npmrc"


def test_tls_verification_disabled_by_package_managers_settings(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM python:3.12
        RUN apt-get -o Acquire::https::Verify-Peer=false update && apt-get -y install x
        RUN apt-get -o Acquire::https::repo.example.com::Verify-Host=false update
        RUN composer config -g disable-tls true
        RUN conda config --set ssl_verify false
        ENV npm_config_strict_ssl=false
        RUN apt-get -o Acquire::https::Verify-Peer=true update
        RUN composer config -g disable-tls false && conda config --set ssl_verify true
        ENV npm_config_strict_ssl=true
        """,
        "DKR017",
    )
    assert lines_of(result, "DKR017") == [2, 3, 4, 5, 6]


def test_commands_find_runs_for_each_file(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22
        RUN find /srv -type d -exec chmod 777 {} +
        RUN find /srv -type f -execdir chmod o+w {} \\;
        RUN find /srv -name '*.sh' -exec chmod 755 {} + -o -name x -print
        USER app
        """,
        "DKR016",
    )
    assert lines_of(result, "DKR016") == [2, 3]


def test_tls_verification_disabled_through_a_variable(tmp_path):
    text = (
        "FROM alpine:3.22\nARG V=0\nENV PYTHONHTTPSVERIFY=$V\n"
        "ARG W\nENV NODE_TLS_REJECT_UNAUTHORIZED=$W\n"
    )
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR017"), "DKR017") == [3]


def test_download_text_that_no_shell_runs(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22
        LABEL install="bash <(curl -fsSL https://x.example/i.sh)"
        # RUN eval "$(curl -s https://x.example/env)"
        RUN echo "eval \\"$(curl -s https://x.example/env)\\"" > /etc/profile.d/x.sh
        RUN ["sh", "-c", "$(curl -fsSL https://x.example/i.sh)"]
        RUN ["/bin/echo", "iex (iwr https://x.example/i.ps1)"]
        RUN cat > /usr/local/bin/up <<'EOF'
        . <(curl -s https://x.example/env)
        EOF
        """,
        "DKR008",
    )
    assert lines_of(result, "DKR008") == [5]


def test_commands_run_inside_substitutions(tmp_path):
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22
        RUN bash <(curl -k https://x.example/i.sh)
        RUN v="$(curl --insecure -fsSL https://x.example/v)" && echo "$v"
        RUN echo "$(chmod 777 /srv)" `chmod o+w /tmp/x`
        RUN echo '$(curl -k https://x.example/v)' && echo "curl -k" && sha=$(curl -fsSL https://x)
        """,
        "DKR016",
        "DKR017",
    )
    assert lines_of(result, "DKR017") == [2, 3]
    assert lines_of(result, "DKR016") == [4]


def test_the_script_a_shell_su_or_runuser_is_given_is_read_like_a_run(tmp_path):
    """`sudo sh -c '...'`, `su -c '...'`, `runuser -c '...'`: each rule reads the commands of
    the script as it reads the RUN's own."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM debian:12
        RUN su -c 'apt-get update && apt-get install -y curl'
        RUN sudo sh -c "apt-get upgrade -y"
        RUN runuser -l app -c 'apt install -y vim'
        RUN bash -o pipefail -c 'curl -k https://x.example/v && chmod 777 /srv'
        RUN gosu app sh -c 'apt-get update'
        RUN su -c 'echo apt-get upgrade' && sh -c 'git clone x' && sh -c
        USER app
        """,
        "DKR012",
        "DKR013",
        "DKR016",
        "DKR017",
        "DKR022",
        "DKR023",
    )
    found = sorted((f.rule_id, f.region.start_line) for f in result.findings)
    assert found == [
        ("DKR012", 2),
        ("DKR012", 4),
        ("DKR013", 3),
        ("DKR016", 5),
        ("DKR017", 5),
        ("DKR022", 4),
        ("DKR023", 6),
    ]


# Each RUN's heredoc holds a download run unread and TLS checks turned off.
_BODY = "curl -k https://example.com/a.sh | sh\n"


@pytest.mark.parametrize(
    "run",
    [
        "RUN <<EOF",
        "RUN <<-EOF",
        "RUN <<EOF bash",
        "RUN bash -eux <<'EOF'",
        "RUN /bin/sh -o pipefail -e <<EOF",
        "RUN sudo bash <<EOF",
        "RUN busybox sh <<EOF",
        "RUN sh -s -- --yes <<EOF",
        "RUN cat <<EOF | sh",
        "RUN --mount=type=secret,id=token --network=none <<EOF",
    ],
)
def test_a_heredoc_a_shell_reads_is_the_script(tmp_path, run):
    text = f"FROM alpine:3.22\n{run}\n{_BODY}EOF\n"
    result = scan_dockerfile(tmp_path, text, "DKR008", "DKR017")
    assert (lines_of(result, "DKR008"), lines_of(result, "DKR017")) == ([2], [2])


@pytest.mark.parametrize(
    ("run", "body"),
    [
        ("RUN cat > /usr/local/bin/setup <<EOF", ""),
        ("RUN tee /setup.sh <<EOF", ""),
        ("RUN python3 <<EOF", ""),
        ("RUN bash -c 'echo hi' <<EOF", ""),
        ("RUN bash /setup.sh <<EOF", ""),
        ("RUN <<EOF", "#!/usr/bin/env python3\n"),  # BuildKit runs it by its `#!` line
        ("RUN <<A <<EOF", "A\n"),  # redirections alone: the shell runs nothing
        ("COPY <<EOF /setup.sh", ""),
    ],
)
def test_a_heredoc_that_is_data_is_not_the_script(tmp_path, run, body):
    text = f"FROM alpine:3.22\n{run}\n{body}{_BODY}EOF\n"
    result = scan_dockerfile(tmp_path, text, "DKR008", "DKR017")
    assert (lines_of(result, "DKR008"), lines_of(result, "DKR017")) == ([], [])


def test_the_command_line_of_a_heredoc_script_is_read_too(tmp_path):
    text = "FROM alpine:3.22\nRUN sudo bash <<EOF\necho hi\nEOF\n"
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR009"), "DKR009") == [2]


def test_world_writable_modes_set_by_mkdir_install_and_copy_chmod(tmp_path):
    """chmod is one way to set a mode: mkdir -m, install -m and COPY/ADD --chmod set it too."""
    result = scan_dockerfile(
        tmp_path,
        """
        FROM alpine:3.22
        RUN mkdir -p -m 777 /data
        RUN mkdir -pm0777 /a /b
        RUN mkdir --mode=a+rwx /c
        RUN install -d -o app -g app -m 0777 /d
        RUN install -Dm666 conf /etc/app/conf
        COPY --chmod=777 app.sh /usr/local/bin/
        ADD --chmod=0666 conf.ini /etc/app/
        RUN mkdir -m 755 /ok && mkdir -m 1777 /shared && install -m 0755 app /usr/bin/
        COPY --chmod=755 ok.sh /usr/local/bin/
        RUN mkdir /m && echo -m 777
        """,
        "DKR016",
    )
    assert lines_of(result, "DKR016") == [2, 3, 4, 5, 6, 7, 8]
    how = [f.message.split(" in stage")[0] for f in findings_of(result, "DKR016")]
    assert how == [
        "mkdir -m 777",
        "mkdir -m 0777",
        "mkdir -m a+rwx",
        "install -m 0777",
        "install -m 666",
        "COPY --chmod=777",
        "ADD --chmod=0666",
    ]
