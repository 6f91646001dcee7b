"""Linear-time cases of lines full of secrets, each a finding, that the making of findings would
read again for each of them (tests/hostile/test_linear_time.py)."""

from __future__ import annotations

import json
from base64 import b64encode
from hashlib import sha256

from tests.hostile.conftest import CONTROL
from tests.hostile.linear_time_stand_ins import STAND_IN_CASES
from tests.hostile.linear_time_vendor_tokens import VENDOR_TOKEN_CASES

_LONG = 99_000  # a line may hold 100,000 characters (linear_time_cases.LONG)


# An element's attributes cut short, many names without a value, an unclosed quote.
_XML_NEAR_MISSES = ('<add key="DbPassword" value="', 'name="a" ', "key='" + "a" * 1_000)


def _function_environment(variables: dict) -> str:
    """A template of one Lambda function whose environment holds `variables`."""
    function = {
        "Type": "AWS::Lambda::Function",
        "Properties": {"Environment": {"Variables": variables}},
    }
    return json.dumps({"Resources": {"Fn": function}}, indent=0)


def _sub_of_sub(value: str) -> dict:
    """A Fn::Sub naming B 2,000 times, B a Fn::Sub naming C (`value`) 2,000 times."""
    inner = {"Fn::Sub": ["${C}" * 2_000, {"C": value}]}
    return {"Fn::Sub": ["${B}" * 2_000, {"B": inner}]}


def _spelled_tokens(lines: int) -> str:
    """A template whose Metadata holds one double-quoted scalar over `lines` lines of 10,000
    characters, each a run of assignments of tokens spelled with an escape."""
    written = (
        " ".join(
            f"t=\\x67hp_{sha256(f'{line}-{n}'.encode()).hexdigest()[:36]}"
            for n in range(10_000 // 47)
        )
        for line in range(lines)
    )
    return (
        "AWSTemplateFormatVersion: '2010-09-09'\nMetadata:\n  note: \"\\\n"
        + "".join(f"    {text} \\\n" for text in written)
        + '    end"\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n'
    )


def _tokens(lines: int, before: str = "") -> str:
    """`lines` comment lines as long as a line may be, each filled with distinct tokens."""
    return "".join(
        f"# {before}"
        + " ".join(
            f'"ghp_{sha256(f"{line}-{n}".encode()).hexdigest()[:36]}"' for n in range(_LONG // 44)
        )
        + "\n"
        for line in range(lines)
    )


SECRET_CASES = {
    **STAND_IN_CASES,
    "cloudformation-secret-lookups-in-a-large-map": (
        "template.json",
        # each password looked up in a map under a key chosen at deployment may be any entry:
        # every entry of the map was read for each lookup
        json.dumps(
            {
                "Parameters": {"Env": {"Type": "String"}},
                "Mappings": {"M": {f"k{n}": {"P": {"Ref": "Env"}} for n in range(4_000)}},
                "Resources": {
                    f"Db{n}": {
                        "Type": "AWS::RDS::DBInstance",
                        "Properties": {
                            "MasterUserPassword": (
                                {"Fn::FindInMap": ["M", {"Ref": "Env"}, "P"]} if n else "hunter2"
                            )
                        },
                    }
                    for n in range(4_000)
                },
            },
            indent=0,
        ),
        "CFN019",
    ),
    # Each variable's Fn::Sub and Fn::Join is written out from its literals once: a Fn::Sub's
    # references each looked up once in its map, a Fn::Join's items each written once.
    "cloudformation-env-secrets-written-into-subs-and-joins": (
        "template.json",
        _function_environment(
            {
                "SUBS": {"Fn::Sub": ["${P}${" * (_LONG // 8), {"P": "p"}]},
                "JOINS": {"Fn::Join": ["", [{"Fn::Sub": "a"}] * 4_000]},
                "DB_PASSWORD": {"Fn::Sub": ["${Pw}", {"Pw": "Hunt3r2x"}]},
            }
        ),
        "CFN015",
    ),
    # A Fn::Sub naming its variable thousands of times, whose value names another thousands
    # of times: written out, 40 GB from 28 KB, so it is read only up to a bound.
    "cloudformation-subs-that-multiply-each-other": (
        "template.json",
        _function_environment(
            {
                "NOTE": _sub_of_sub("x" * 10_000),
                "EMPTY": _sub_of_sub(""),
                "DB_PASSWORD": {"Fn::Sub": ["${Pw}", {"Pw": "Hunt3r2x"}]},
            }
        ),
        "CFN015",
    ),
    # Thousands of cfn-init authentication blocks, each with a password: each block is read
    # once, for the one resource whose Metadata holds it.
    "cloudformation-many-cfn-init-authentication-blocks": (
        "template.json",
        json.dumps(
            {
                "Resources": {
                    "Web": {
                        "Type": "AWS::EC2::Instance",
                        "Metadata": {
                            "AWS::CloudFormation::Authentication": {
                                f"Login{n}": {"type": "basic", "password": f"Pw{n}-x9Kq2Lw"}
                                for n in range(5_000)
                            }
                        },
                    }
                }
            },
            indent=0,
        ),
        "CFN019",
    ),
    # Instances whose user data is written in base64, each as long as read (24,000 characters)
    # and each line of its script a token: every script is decoded and searched once.
    "cloudformation-user-data-in-base64": (
        "template.json",
        json.dumps(
            {
                "Resources": {
                    f"Web{n}": {
                        "Type": "AWS::EC2::Instance",
                        "Properties": {
                            "UserData": b64encode(
                                "".join(
                                    f"T{line}=ghp_{sha256(f'{n}-{line}'.encode()).hexdigest()[:36]}\n"
                                    for line in range(18_000 // 48)
                                ).encode()
                            ).decode()
                        },
                    }
                    for n in range(50)
                }
            },
            indent=0,
        ),
        "CFN019",
    ),
    # A connection string's `Password=` at every step, each a password to judge.
    "connection-string-lines": (
        "configmap.yaml",
        f"# server=x {';pwd=;Password=a' * (_LONG // 16)}\n" * 3 + CONTROL,
        "K8S014",
    ),
    # Every secret of a line is a finding whose snippet is that line: the line was cut again for
    # each secret on it, for each finding (cubic); a line's redacted snippet is made once now.
    "secrets-filling-lines": ("configmap.yaml", _tokens(2) + CONTROL, "K8S014"),
    # A line that must be escaped to be shown (a bidi mark) was escaped again for each finding
    # on it, the whole line each time: what a finding shows of a line is made once per line.
    "secrets-filling-escaped-lines": ("configmap.yaml", _tokens(3, "\u200f ") + CONTROL, "K8S014"),
    # A URL's password runs to the last `@` before the host: each `://` starts a search that
    # stops at the next `/`, however many `@`s and `$`s lie between.
    "url-passwords-of-many-ats": (
        "configmap.yaml",
        f"# a://u:{'@$' * (_LONG // 4)}\n# {'x://u:p@' * (_LONG // 8)}\n" + CONTROL,
        "K8S014",
    ),
    # A scalar over many lines is read whole: each secret it spells was looked for on each of
    # its lines to redact it, and each assignment compared with each secret found before it.
    "secrets-spelled-in-a-scalar-over-many-lines": (
        "template.yaml",
        _spelled_tokens(100),
        "SEC001",
    ),
    # An exec-form command's words are read as one line: each password found in it is located
    # at its word by a search of the words' offsets, not a walk through the words before it.
    "compose-exec-form-command-of-many-passwords": (
        "compose.yaml",
        "services:\n  cache:\n    image: redis:7.4\n    command:\n"
        + "".join(
            f"      - redis-server\n      - --requirepass\n      - R3dis{i}pw\n"
            for i in range(5_000)
        ),
        "CMP007",
    ),
    # Credentials a command is given: each `htpasswd` inside a command is its operand, not a
    # command read again to the end; headers, chpasswd, `--password-stdin`, npm settings and
    # `config set` are each matched from where they start, over runs of names, spaces and values.
    "command-secret-lines": (
        "configmap.yaml",
        "".join(
            f"# {line}\n"
            for line in (
                "htpasswd " * (_LONG // 9),
                "htpasswd -b " + "'\"" * (_LONG // 4),
                "authorization" + " " * (_LONG // 2) + ";",
                "authorization: bearer " + "a" * (_LONG // 2) + "$",
                "-H " + "a" * (_LONG // 2),
                " -H a:" * (_LONG // 6),
                "echo a |" * (_LONG // 8),
                "echo " + "a:" * (_LONG // 4) + " | chpasswd",
                # single-quoted passwords with `$`, and here-strings of a stdin password reader
                "echo '" + "a:$" * (_LONG // 6) + " | chpasswd <<< 'a:" + "$" * (_LONG // 4),
                "--password-stdin <<< " * (_LONG // 44) + "passwd --stdin<<<'a" * (_LONG // 40),
                "echo a | sudo" + " -a" * (_LONG // 6) + " | htpasswd" + " -a" * (_LONG // 6),
                "echo a |" + " sudo htpasswd secret create" * (_LONG // 28),
                "secret create a " * (_LONG // 32) + "<<< a" + " -pass" * (_LONG // 12),
                "_auth" + " " * (_LONG // 2) + ";",
                "mongo " + "-p -" * (_LONG // 4),
                "A=" * (_LONG // 2),
                "export " * (_LONG // 7),
                "DB_PASSWORD=a" + " " * (_LONG // 2) + ";",
                "A='" + "a" * (_LONG // 2),
                " --a" * (_LONG // 4),
                "--token" + " " * (_LONG // 2) + "-",
                "--set " + "a.password=x1234567," * (_LONG // 20),
                "machine a login " * (_LONG // 16),
                "config set " * (_LONG // 11),
                "configure set a " + "b" * (_LONG // 2) + "$",
                "machine" + "\\n" * (_LONG // 4),
                # a password's escaped quotes and backslashes, and AWS's EXAMPLE over and over
                "mysql -p" + "\\" * (_LONG // 2),
                "mysql" + ' -p\\"' * (_LONG // 5),
                "redis-cli -a " + "\\a" * (_LONG // 3) + '"',
                "AWS_SECRET_ACCESS_KEY: " + "EXAMPLE" * (_LONG // 8) + "!",
                "db_password: /" + "aB1/" * (_LONG // 5),
                "db_password: /" + "Abc" * (_LONG // 4) + "1x",
                "java " + "-Da-Da" * (_LONG // 7),
                "java" + " -Dx.password=a$" * (_LONG // 16),
                # a configuration command's long options, with and without values, before `set`
                "configure" + " --a x" * (_LONG // 6),
                "configure" + " --a" * (_LONG // 4) + " set",
                # each `config` a search starts from, its options' names and values too
                "config " + "--config " * (_LONG // 9),
                "config --x " * (_LONG // 11),
                # a login's tool named over and over, spaces after it, before any password
                "az" + " " * (_LONG // 4) + "acr" + " " * (_LONG // 4) + "-p",
                "oc login " * (_LONG // 9),
                "sqlcmd" + ' -P\\"' * (_LONG // 5),
                # a package manager named over and over, a repository key's long run, a host
                # with no credential after it
                "composer config " * (_LONG // 16),
                "poetry config http-basic." + "a" * (_LONG // 2) + " b",
                "bundle config set " + "a." * (_LONG // 4) + " b" + " " * (_LONG // 4),
                "bundle config " * (_LONG // 14),
            )
        )
        + CONTROL,
        "K8S014",
    ),
    # Each relative WORKDIR goes deeper: each COPY's landing is read from a working directory
    # of bounded depth, not a path as long as the file.
    "dockerfile-credential-variable-workdirs": (
        "Dockerfile",
        "FROM python:3.12-slim\nENV GOOGLE_APPLICATION_CREDENTIALS=/app/key.json\n"
        + "WORKDIR a\nCOPY sa.json key.json\n" * (_LONG // 16)
        + "WORKDIR /app\nCOPY sa.json key.json\n",
        "DKR015",
    ),
    # A value is matched once against a password hash's notation, from its start (a user's
    # name, the scheme, its fields) to its end.
    "compose-password-hash-shapes": (
        "compose.yaml",
        "services:\n  app:\n    image: nginx:1.27\n    environment:\n"
        + f"      ADMIN_PASSWORD: 'a{'.' * (_LONG // 2)}:$$2y$$1$${'b' * (_LONG // 4)} x'\n"
        + "      DB_PASSWORD: Vq8rT2mK9wLxZ\n",
        "CMP007",
    ),
    # A container's command and args are read as one command line: each password found in it
    # is located at its word by a search of the words' offsets.
    "kubernetes-exec-form-command-of-many-passwords": (
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: db, namespace: shop}\nspec:\n"
        "  containers:\n    - name: db\n      image: mysql:8.4\n      command: [mysql]\n"
        "      args:\n" + "".join(f"        - -pR00t{i}pw\n" for i in range(5_000)),
        "K8S014",
    ),
    # Each line of a file a COPY heredoc writes is read as a setting, its value as code.
    # Windows' environment settings, each searched from its literal word: a value or name that
    # never ends (`$env:A = '$env:A = '...`, `setx A setx A ...`, `set set set`) is read once.
    "dockerfile-windows-environment-settings": (
        "Dockerfile",
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        + "RUN "
        + "$env:A = '" * (_LONG // 40)
        + "setx /m A " * (_LONG // 40)
        + "set A" * (_LONG // 40)
        + "SetEnvironmentVariable('A', " * (_LONG // 112)
        + "\nRUN setx /M API_KEY Zx81kLmQ0pR7sT2v\nUSER ContainerUser\n",
        "DKR004",
    ),
    "dockerfile-heredoc-settings": (
        "Dockerfile",
        "FROM python:3.12-slim\nCOPY <<EOF /app/.env\n"
        + "A" * (_LONG // 2)
        + " " * (_LONG // 2)
        + "x\n"
        + "KEY="
        + "a.b" * (_LONG // 4)
        + "\n"
        + "export " * (_LONG // 8)
        + "\nEOF\n",
        "DKR001",
    ),
    # Each line of a file a ConfigMap holds is read as a setting: runs of spaces, name
    # characters and `export`s with no separator, then many settings named like secrets.
    "kubernetes-configmap-file-settings": (
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: shop}\ndata:\n"
        "  app.properties: |\n"
        + "    "
        + "a.b-" * (_LONG // 4)
        + "\n"
        + "    "
        + " " * (_LONG // 2)
        + "x\n"
        + "    "
        + "export " * (_LONG // 8)
        + "\n"
        + "".join(f"    db{i}.password=Vq8rT2mK9w{i}\n" for i in range(5_000)),
        "K8S014",
    ),
    # A source location's secret dynamic references are each replaced by a stand-in to see
    # where they land in the URL: each reference's end is searched once, closed or not.
    "codebuild-location-of-dynamic-references": (
        "template.yaml",
        "Resources:\n  Build:\n    Type: AWS::CodeBuild::Project\n    Properties:\n"
        '      Source:\n        Type: GITHUB\n        Location: "https://ci:'
        + "{{resolve:secretsmanager:" * (_LONG // 50)
        + "{{resolve:secretsmanager:a}}" * (_LONG // 56)
        + '@example.com/x.git"\n',
        "CBD008",
    ),
    # A key's header in base64 is looked for from where each run of base64 starts only: from
    # every character of a run, the search read the run to its end.
    "base64-runs-around-key-headers": (
        "configmap.yaml",
        "".join(
            f"# IFBSSVZBVEUgS0VZLS0t {piece * (9_900 // len(piece))}\n"
            for piece in ("A", "A+-", "UFJJVkFURSBLRVkt") * 10
        )
        + CONTROL,
        "K8S014",
    ),
    # Whether key text comes between a key's header and its END line is a bisection for each
    # header: read between each header and the END, many headers before one END would read the
    # same text again for each.
    "private-key-headers-before-one-end": (
        "configmap.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keys\ndata:\n  key.pem: |\n"
        + "    -----BEGIN RSA PRIVATE KEY----- ... \n" * 2_500
        + "    -----END RSA PRIVATE KEY-----\n"
        + "---\n"
        + CONTROL,
        "K8S014",
    ),
    # An XML element's name and value attributes are read once from each `key` or `name`:
    # neither an unclosed quote nor a run of near misses is read again from each of its parts.
    "xml-name-and-value-attributes": (
        "configmap.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  web.config: |\n"
        + "".join(f"    {part * (_LONG // len(part))}\n" for part in _XML_NEAR_MISSES)
        + "---\n"
        + CONTROL,
        "K8S014",
    ),
    # Elements over lines, cut short: an opening tag with blanks after it, tags on every line
    # with a value and no closing tag, a long value closed by another element's tag. Tried
    # where `<` starts, each reads to the next `<` at most.
    "xml-elements-over-lines": (
        "configmap.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  settings.xml: |\n"
        + "    <password>"
        + " " * _LONG
        + "\n"
        + "    <password>\n      x\n" * (_LONG // 10)
        + "    <password>\n    "
        + "x" * _LONG
        + "\n    </other>\n"
        + "---\n"
        + CONTROL,
        "K8S014",
    ),
    **VENDOR_TOKEN_CASES,
}
