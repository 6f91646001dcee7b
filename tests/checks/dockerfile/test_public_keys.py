"""DKR004 and SEC001 leave OpenPGP keys a build fetches by their fingerprint: public keys."""

from __future__ import annotations

from tests.checks.dockerfile import scan_dockerfile
from tests.conftest import lines_of, run_scan


def test_an_openpgp_key_the_build_fetches_is_no_secret(tmp_path):
    """swiftlang/swift-docker (the official swift image) writes its release signing key's
    fingerprint in `ARG SWIFT_SIGNING_KEY=...` and hands it to `gpg --recv-keys`: a key gpg
    fetches from a keyserver by its fingerprint is public. The same name with a value that is
    no key ID, a fingerprint never handed to gpg, or one given as a passphrase, stays a secret."""
    fingerprint = "52BB7E3DE28A71BE22EC05FFEF80A866B47A981F"
    result = scan_dockerfile(
        tmp_path,
        f"""
        FROM ubuntu:24.04
        ARG SWIFT_SIGNING_KEY={fingerprint}
        ARG TINI_SIGNING_KEY="0x595E85A6B1B4779E"
        ARG RELEASE_SIGNING_KEY="{" ".join(fingerprint[i : i + 4] for i in range(0, 40, 4))}"
        RUN gpg --batch --keyserver keyserver.ubuntu.com --recv-keys "$SWIFT_SIGNING_KEY" \\
         && gpg --batch --receive-keys ${{TINI_SIGNING_KEY}} \\
         && gpg --batch --fingerprint "$RELEASE_SIGNING_KEY"
        ARG JWT_SIGNING_KEY={fingerprint}
        ARG APP_SIGNING_KEY=Zx9pQ2wLk7Vb3Nm8Rt4Yh6Gf1Dc5Sa0Q
        ARG GPG_SIGNING_KEY={fingerprint.lower()}
        RUN gpg --recv-keys "$APP_SIGNING_KEY" && gpg --passphrase "$GPG_SIGNING_KEY" -d x.gpg
        USER 1000
        """,
        "DKR004",
        "SEC001",
    )
    assert lines_of(result, "DKR004") == [8, 9, 10]
    assert lines_of(result, "SEC001") == []
    whole = run_scan(tmp_path)  # every rule, SEC001 reading the file's text as the CLI does
    assert lines_of(whole, "DKR004") == [8, 9, 10]
    assert lines_of(whole, "SEC001") == [] and lines_of(whole, "GL002") == []


def test_the_key_check_reads_the_model_the_scan_built(tmp_path, monkeypatch):
    """SEC001 reads the file's text; which keys gpg fetches it asks of the Dockerfile's model,
    the one the scan built for the other rules, not one built again from the lines."""
    import guardlint.checks.dockerfile.secrets as key_check
    import guardlint.documents.dockerfile as parser

    build, built = parser.build_model, []

    def counted(lines: list[str]) -> object:
        built.append(len(lines))
        return build(lines)

    monkeypatch.setattr(parser, "build_model", counted)
    monkeypatch.setattr(key_check, "build_model", counted)
    key = "52BB7E3DE28A71BE22EC05FFEF80A866B47A981F"
    text = f"FROM ubuntu:24.04\nARG KEY={key}\nRUN gpg --recv-keys $KEY\nUSER 1000\n"
    (tmp_path / "Dockerfile").write_text(text)
    assert lines_of(run_scan(tmp_path), "SEC001") == []  # the key is left out, as before
    assert built == [4]  # one model, the scan's
