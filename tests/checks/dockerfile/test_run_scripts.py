"""What a RUN runs, as its shell reads it: a lookup of sudo runs nothing (DKR009), and the
scripts shells read from a RUN's several heredocs or a here-string run (DKR009, DKR016,
DKR017)."""

from __future__ import annotations

from tests.checks.dockerfile import scan_dockerfile
from tests.conftest import lines_of


def test_sudo_looked_up_installed_or_configured_is_not_run(tmp_path):
    """hadolint's DL3004 reads the commands run: a lookup (`command -v`, `which`), an install
    or a sudoers file does not run sudo; every way of running it does."""
    text = """
        FROM ubuntu:24.04
        RUN command -v sudo || apt-get install -y --no-install-recommends sudo
        RUN if ! command -V sudo; then which sudo; fi && type sudo
        RUN echo "app ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/app && usermod -aG sudo app
        RUN pseudo -V && gosu app true && su-exec app true
        RUN command -p sudo -u app make
        RUN ["/usr/bin/sudo", "-E", "make"]
        RUN true | exec sudo tee /etc/x
        """
    assert lines_of(scan_dockerfile(tmp_path, text, "DKR009"), "DKR009") == [6, 7, 8]


def test_the_scripts_shells_read_from_several_heredocs_are_run(tmp_path):
    """BuildKit gives a RUN with several heredocs to the shell, which feeds each body to its
    command: the one a shell reads is a script (so is a here-string), one `cat` writes is
    data."""
    text = """
        FROM ubuntu:24.04
        RUN <<A bash && <<B sh
        echo a
        A
        sudo make install
        B
        RUN cat <<A > /usr/local/bin/build && bash <<B
        sudo make
        A
        echo b
        B
        RUN bash <<< "sudo apt-get update"
        RUN <<A cat > /a && <<B bash -e
        x
        A
        chmod 777 /srv && git config --global http.sslVerify false
        B
        """
    result = scan_dockerfile(tmp_path, text, "DKR009", "DKR016", "DKR017")
    assert lines_of(result, "DKR009") == [2, 12]
    assert (lines_of(result, "DKR016"), lines_of(result, "DKR017")) == ([13], [13])
