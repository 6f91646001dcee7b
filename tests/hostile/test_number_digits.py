"""Numbers read as the consuming tool reads them: ASCII digits. Python's `\\d`, str.isdigit() and
isdecimal() take the digits of every script ('٣' Arabic-Indic, '²' superscript), int() reads
'٣' as 3 and float() also `1_0`, `1e-320`, `inf`. Docker, Go's strconv and net package,
Kubernetes, AWS, apt and the shell read only 0-9: a file they refuse is not judged as if they
had read it, and an option that is no plain number in range is refused with our message."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from guardlint.checks.cloudformation.network import _SSM_REFERENCE
from guardlint.checks.cloudformation.validity import SAR_APPLICATION_ARN
from guardlint.checks.dockerfile.base_image import _NAMED_RELEASE
from guardlint.checks.rule_shapes import RULE_ID
from guardlint.cli import cli
from guardlint.documents.iam.grants import _ACCOUNT_ROOT
from guardlint.knowledge.end_of_life import codebuild_lambda_image_runtime, release_cycle
from guardlint.parse.cidr import parse_cidr
from guardlint.parse.digits import ascii_digits, digits_number
from guardlint.parse.dockerfile import exposed_port_ranges
from guardlint.parse.open_runs import _QUANTIFIER
from guardlint.parse.shell import commands
from guardlint.suppress.directives import _ids_and_reason
from tests.conftest import findings_of, run_scan, write_file
from tests.hostile.conftest import add_control

# ASCII digits as another script's, which `\d` and int() also take: Arabic-Indic, fullwidth.
ARABIC = str.maketrans("0123456789", "".join(map(chr, range(0x660, 0x66A))))
FULLWIDTH = str.maketrans("0123456789", "".join(map(chr, range(0xFF10, 0xFF1A))))
_ACCOUNT = "123456789012"
_PYTHON = {"cycles": {"3.6": "2021-12-23"}, "version_parts": 2}
ARABIC_22, ARABIC_3 = "22".translate(ARABIC), "3".translate(ARABIC)
EM_SPACE, NO_BREAK = "\u2003", "\u00a0"


@pytest.mark.parametrize(
    ("text", "ceiling", "number"),
    [("22", 99, 22), ("0022", 99, 22), ("9" * 5000, 99, 99), ("", 9, None), (ARABIC_3, 9, None),
     ("²", 9, None), ("+3", 9, None), (" 3", 9, None), ("1_0", 99, None)],
)  # fmt: skip
def test_digits_number_reads_ascii_digits_only(text, ceiling, number):
    assert digits_number(text, ceiling) == number
    assert ascii_digits(text) is (number is not None)


def test_an_exposed_port_of_other_digits_is_no_port(tmp_path):
    """Docker's nat.ParsePortRange (strconv.ParseUint) refuses `EXPOSE ٢٢`: the build fails, so
    it publishes no SSH port (DKR010 only for the ASCII 22)."""
    assert exposed_port_ranges(f"{ARABIC_22} 22/tcp") == [(22, 22)]
    write_file(tmp_path, "Dockerfile", f"FROM scratch\nEXPOSE {ARABIC_22}\nEXPOSE 22\n")
    assert [f.region.start_line for f in findings_of(run_scan(tmp_path), "DKR010")] == [3]


def test_copy_from_other_digits_is_no_stage(tmp_path):
    """BuildKit reads `--from=٣` as no stage number (strconv.Atoi refuses it) but as an image
    or build context: the key copied from it is in the image (DKR015), as from `--from=img`."""
    text = f"FROM scratch\nCOPY --from={ARABIC_3} id_rsa /root/.ssh/id_rsa\n"
    write_file(tmp_path, "Dockerfile", text)
    assert [f.region.start_line for f in findings_of(run_scan(tmp_path), "DKR015")] == [2]


# A security group that opens SSH to the range `%s`.
_INGRESS = (
    "Resources: {Web: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: web,\n"
    "  SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: '%s'}]}}}\n"
)


@pytest.mark.parametrize(
    "cidr", ["0.0.0.0".translate(ARABIC) + "/0", "0.0.0.0/" + "0".translate(ARABIC),
     "::ffff:" + "0.0.0.0".translate(ARABIC) + "/96", "1".translate(FULLWIDTH) + ".0.0.0/0"]
)  # fmt: skip
def test_a_range_of_other_digits_is_no_range(tmp_path, cidr):
    """AWS and Go's net package refuse such a range (the stack does not deploy): it opens no
    port to the internet (CFN006 only for the ASCII range)."""
    assert parse_cidr(cidr) is None
    write_file(tmp_path, "bad/template.yaml", _INGRESS % cidr)
    write_file(tmp_path, "good/template.yaml", _INGRESS % "0.0.0.0/0")
    assert [f.path for f in findings_of(run_scan(tmp_path), "CFN006")] == ["good/template.yaml"]


def test_a_stderr_redirection_needs_an_ascii_descriptor():
    """The shell's lexer takes a descriptor of ASCII digits: `٢>/dev/null` is the word '٢' and
    stdout redirected, not stderr."""
    (command,) = commands(f"echo hi {ARABIC_22[0]}>/dev/null")
    assert command.words == ["echo", "hi", ARABIC_22[0]] and command.output_redirected


_SAR = "arn:aws:serverlessrepo:us-east-1:%s:applications/app"
_LAMBDA_IMAGE = "aws/codebuild/amazonlinux-x86_64-lambda-standard:python%s"


@pytest.mark.parametrize(
    ("reads", "digits"),
    [(lambda digits: RULE_ID.match(f"DKR{digits}"), "010"),
     (lambda digits: _ids_and_reason(f"DKR{digits} -- why")[0], "010"),
     (_ACCOUNT_ROOT.match, _ACCOUNT),
     (lambda digits: SAR_APPLICATION_ARN.match(_SAR % digits), _ACCOUNT),
     (lambda digits: _SSM_REFERENCE.fullmatch(f"{{{{resolve:ssm:/app/image:{digits}}}}}"), "3"),
     (lambda digits: _NAMED_RELEASE.fullmatch(f"alpine{digits}"), "3.18"),
     (lambda digits: release_cycle(digits, "python", _PYTHON), "2.7"),
     (lambda digits: _QUANTIFIER.fullmatch(f"{{{digits}}}"), "3,5"),
     (lambda digits: codebuild_lambda_image_runtime(_LAMBDA_IMAGE % digits), "3.12")],
    ids=["rule ID", "suppression", "account ID", "SAR application", "SSM parameter version",
         "image tag release", "end-of-life release", "regex quantifier", "Lambda runtime"],
)  # fmt: skip
def test_other_digits_spell_no_id_or_version(reads, digits):
    """Each is read from ASCII digits and from no other script's."""
    assert reads(digits)
    assert not reads(digits.translate(ARABIC))


@pytest.mark.parametrize(
    ("option", "value"),
    [("--shard", "²/3"), ("--shard", f"{ARABIC_3}/3"), ("--shard", f"1/{'9' * 5000}"),
     ("--jobs", ARABIC_3), ("--jobs", "1_0"), ("--jobs", "+3"), ("--jobs", "9" * 5000),
     ("--file-timeout", ARABIC_3), ("--file-timeout", "1_0"), ("--file-timeout", "1e-320"),
     ("--file-timeout", "0.01"), ("--file-timeout", "1e3"), ("--max-file-size", f"{ARABIC_3}MB"),
     # Unicode spaces, which str.strip() takes and no tool reading a number would.
     ("--shard", f"{EM_SPACE}1/3"), ("--shard", f"1/3{NO_BREAK}"), ("--jobs", f"{EM_SPACE}2"),
     ("--file-timeout", f"{EM_SPACE}5"), ("--max-file-size", f"{EM_SPACE}5MB"),
     ("--max-file-size", f"5{EM_SPACE}MB"), ("--max-file-size", "5\u212aB")],
)  # fmt: skip
def test_an_option_that_is_no_plain_number_in_range_is_refused(tmp_path, option, value):
    """Exit 2 with our message naming the option, never int()'s or float()'s text."""
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), option, value])
    assert result.exit_code == 2, result.output
    assert option in result.output and "invalid literal" not in result.output
    assert "Exceeds the limit" not in result.output


@pytest.mark.parametrize(
    ("option", "value"),
    [("--shard", " 1 / 2 "), ("--shard", "\t1/2\n"), ("--jobs", "1"), ("--jobs", " 0\t"),
     ("--max-file-size", " 5 mb "), ("--file-timeout", ".5"),
     ("--file-timeout", "0"), ("--file-timeout", "3600"), ("--file-timeout", "0.1")],
)  # fmt: skip
def test_a_plain_number_in_range_is_taken(tmp_path, option, value):
    add_control(tmp_path)
    assert CliRunner().invoke(cli, ["scan", str(tmp_path), option, value]).exit_code == 1


@pytest.mark.parametrize(
    ("name", "text", "refusal"),
    [
        ("pyproject.toml", "[tool.guardlint]\nfile_timeout = 1e-320\n", "file_timeout: "),
        (".guardlint.yaml", "file_timeout: 0.01\n", "file_timeout: "),
        (".guardlint.yaml", f"max_file_size: {ARABIC_3}MB\n", "max_file_size: "),
        (".guardlint.yaml", f"options:\n  CMP009: {{ports: {{'{ARABIC_22}': SSH}}}}\n", "CMP009"),
    ],
    ids=["tiny timeout", "timeout under 0.1s", "size of other digits", "port of other digits"],
)
def test_a_config_number_that_is_no_plain_number_in_range_is_refused(tmp_path, name, text, refusal):
    add_control(tmp_path)
    write_file(tmp_path, name, text)
    result = CliRunner().invoke(cli, ["scan", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert refusal in result.output


def test_apt_quiet_level_of_other_digits_implies_no_yes(tmp_path):
    """apt reads `-q=N` with strtol (ASCII digits): `-q=٢` is no quiet level 2, so it does not
    imply -y (DKR012); a level of more digits than int() converts does."""
    install = "apt-get -q=%s install --no-install-recommends curl && rm -rf /var/lib/apt/lists/*"
    lines = [
        f"RUN apt-get update && {install % level}" for level in ("2".translate(ARABIC), "9" * 5000)
    ]
    write_file(tmp_path, "Dockerfile", "FROM scratch\n" + "\n".join(lines) + "\n")
    assert [f.region.start_line for f in findings_of(run_scan(tmp_path), "DKR012")] == [2]
