"""Linear-time cases of shell scripts that a loop would read again for each of their
parts (tests/hostile/test_linear_time.py)."""

from __future__ import annotations

from tests.hostile.conftest import CONTROL

_LONG = 99_000  # a line may hold 100,000 characters (linear_time_cases.LONG)

SHELL_CASES = {
    # A variable's value is searched for toolchain packages once, not at each RUN naming it.
    "dockerfile-package-variable-named-by-every-run": (
        "Dockerfile",
        'FROM python:3.12-slim\nENV DEPS="'
        + " ".join(f"lib{i}-dev" for i in range(_LONG // 14))
        + '"\n'
        + "RUN apt-get install -y $DEPS ${DEPS}\n" * (_LONG // 10)
        + "RUN apt-get install -y gcc\n",
        "DKR005",
    ),
    # Each shell's heredoc is its script, read once: not all those still pending.
    "dockerfile-shells-reading-heredocs": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN "
        + "bash <<A;" * (_LONG // 9)
        + " sh <<B\n"
        + "echo\nA\n" * (_LONG // 9)
        + "sudo true\nB\n",
        "DKR009",
    ),
    # A command's own assignments are set for the scripts it runs and unset after it: as
    # many steps as it has, not as many as the variables held.
    "dockerfile-download-variables-in-environments": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN "
        + "".join(f"v{i}=$(curl https://x.io/i); " for i in range(1_000))
        + "".join(f"v{i}=1 w{i}=$(echo {i}) sh -c 'echo {i}'; " for i in range(1_000))
        + "w=$(curl https://x.io/i) sh -c 'eval \"$w\"'\n",
        "DKR008",
    ),
    "dockerfile-download-output-options": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN curl https://x.io/i "
        + "-o >(cat) " * (_LONG // 12)
        + "-o >(sh)\n",
        "DKR008",
    ),
    # Each group's output becomes what follows it (a pipe, a file, the group around it): a
    # chain of groups inside groups is walked once, not once per group.
    "dockerfile-groups-redirected-and-piped": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN "
        + "{ (" * (_LONG // 40)
        + "curl https://x.io/i; sha256sum -c s"
        + ") 2>/dev/null; (true) > /dev/null; }" * (_LONG // 40)
        + " | sh\n",
        "DKR008",
    ),
    # The script `powershell -Command` runs is read again for DKR017, four deep: the words
    # of a long chain of them are joined four times, not once per powershell.
    "dockerfile-powershell-commands-in-powershell": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN "
        + "pwsh -Command " * (_LONG // 15)
        + "curl -k https://x.io/i\nRUN "
        + "iwr https://x.io/i -SkipCertificateChec " * (_LONG // 42)
        + "\nRUN pwsh -c 'iwr https://x.io/i -SkipCertificateCheck'\n",
        "DKR017",
    ),
    # Each and-or list has an environment of its own until it ends (in the background or
    # not): resolved in one pass at the end, not once per list.
    "dockerfile-lists-in-the-background": (
        "Dockerfile",
        "FROM alpine:3.22\nCOPY id_rsa /app/\nRUN "
        + "cd /tmp && { cd / | true & }; " * (_LONG // 30)
        + "rm /app/id_rsa\n",
        "DKR018",
    ),
    # An -EncodedCommand value is decoded only up to a size: a long one is not.
    "dockerfile-powershell-encoded-commands": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN pwsh -e "
        + "AAAA" * (_LONG // 4)
        + "\nRUN pwsh -enc aQB3AHIAIAB4ACAAfAAgAGkAZQB4AA==\n",
        "DKR008",
    ),
    # The scripts that shells and su are given are read as commands too, four deep.
    "dockerfile-scripts-given-to-shells": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN "
        + "sh -c 'su -c \"bash -c a\"'; " * (_LONG // 32)
        + "su app -c 'curl https://x.io/i | sh'\n",
        "DKR008",
    ),
    # Wrappers are walked by index, each after the one before it: a chain of them, each with
    # its options and operands, is read once.
    "dockerfile-wrapper-chains": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN curl https://x.io/i | "
        + "ionice -c 3 taskset -c 0 flock -w 1 f fakeroot -l l chpst -u a eatmydata "
        * (_LONG // 80)
        + "sh\n",
        "DKR008",
    ),
    "dockerfile-interpreter-options": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN curl https://x.io/i | sudo A=1 "
        + "B=2 " * (_LONG // 8)
        + "python3 "
        + "-W ignore " * (_LONG // 20)
        + "-\n",
        "DKR008",
    ),
    # A substitution's script is read once for its case patterns and comments, nested or
    # not, and so is a group's: a case open, or one still reading its subject, reads no more.
    "dockerfile-case-patterns-in-substitutions": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN X=$("
        + "case $a in a) echo $(" * (_LONG // 88)
        + "case case in in in esac; " * (_LONG // 100)
        + ")" * (_LONG // 88)
        + ' && curl https://x.io/i | sh\nRUN X="$(echo # ( \\\n'
        + "a) echo;; " * (_LONG // 20)
        + ')"\nRUN ( '
        + "case $a in (a|b) (echo;; " * (_LONG // 52)
        + " ) | sh\nRUN curl https://x.io/i | sh\n",
        "DKR008",
    ),
    # A case pattern's `<` and `>` are read past, however many, in a RUN and in a substitution.
    "dockerfile-case-patterns-of-angle-brackets": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN case $a in "
        + "<>|" * (_LONG // 6)
        + ") echo;; esac\nRUN X=$(case $a in "
        + "a<b>|" * (_LONG // 10)
        + ") echo;; esac)\nRUN curl https://x.io/i | sh\n",
        "DKR008",
    ),
    # Each PowerShell downloader is followed only up to a bound for `).Content | iex`.
    "dockerfile-powershell-downloads-evaluated": (
        "Dockerfile",
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        'SHELL ["powershell", "-Command"]\nRUN '
        + "(iwr https://x.io/i ; " * (_LONG // 22)
        + "\nRUN "
        + "[scriptblock]::Create( " * (_LONG // 23)
        + "\nRUN (iwr https://x.io/i).Content | iex\n",
        "DKR008",
    ),
    # Each configuration setting is searched for once over the instruction's text.
    "dockerfile-tls-settings-in-configuration-files": (
        "Dockerfile",
        "FROM alpine:3.22\nRUN echo "
        + "acquire::https::x::" * (_LONG // 38)
        + "verify-pee  "
        + "\\ncheck_certificate = o" * (_LONG // 46)
        + " > /etc/wgetrc\nRUN echo insecure >> ~/.curlrc\n",
        "DKR017",
    ),
    # Each `sh -c` script a download goes through is read once for whether it runs it.
    "dockerfile-downloads-through-shell-scripts": (
        "Dockerfile",
        "FROM alpine:3.22\nRUN curl https://x.io/i | "
        + "sh -c 'cat | tee -a l' | " * (_LONG // 26)
        + "sh\n",
        "DKR008",
    ),
    # A substitution's escaped quotes and brackets are stepped over once each, however many
    # substitutions and quoted strings nest them.
    "dockerfile-escapes-inside-substitutions": (
        "Dockerfile",
        'FROM alpine:3.22\nRUN x="$(echo "'
        + '\\"\\)$(\\(' * (_LONG // 8)
        + '")"; curl https://x.io/i | sh\n',
        "DKR008",
    ),
    "dockerfile-escapes-inside-backticks-and-ansi-quotes": (
        "Dockerfile",
        "FROM alpine:3.22\nRUN x=`echo "
        + "\\`\\\\\\$" * (_LONG // 12)
        + "`; y=$'"
        + "\\'\\\\" * (_LONG // 8)
        + "'; curl https://x.io/i | sh\n",
        "DKR008",
    ),
    # Each world-writable path is looked up by itself and the directories above it among the
    # removals after it, gathered once walking the RUN backwards: never compared with each.
    "dockerfile-world-writable-paths-removed-later": (
        "Dockerfile",
        "FROM alpine:3.22\nRUN "
        + " \\\n".join(
            [
                "chmod 777 " + "/a" * 2_000 + " && rm -rf " + "/b" * 2_000 + " &&",
                "chmod 777 /x/y && rm -rf /q && " * (_LONG // 40),
                "chmod 777 " + " ".join(f"/t/{i}" for i in range(3_000)) + " &&",
                "rm -rf " + " ".join(f"/r/{i}/*" for i in range(3_000)),
            ]
        )
        + "\n",
        "DKR016",
    ),
    # A symbolic mode's clauses and operations are applied once each, in order.
    "dockerfile-chmod-symbolic-clauses": (
        "Dockerfile",
        "FROM alpine:3.22\nRUN chmod " + "a+rw-w," * (_LONG // 7) + "o+w /x\n",
        "DKR016",
    ),
    # Each mount's options and each rm operand are read once for the package lists.
    "dockerfile-apt-mounts-and-removals": (
        "Dockerfile",
        "FROM debian:13\nRUN "
        + "--mount=type=cache,target=/var/lib/aptly,id=a " * (_LONG // 92)
        + "apt-get install -y --no-install-recommends curl && rm -rf "
        + "/var/lib/apt/listing/* " * (_LONG // 46)
        + "\n",
        "DKR012",
    ),
    # Long globs relative to a `cd` are never compiled to be matched against the package
    # lists, and each option is counted once for apt-get's quiet level.
    "dockerfile-apt-globs-after-a-cd": (
        "Dockerfile",
        "FROM debian:13\nRUN apt-get "
        + "-q " * (_LONG // 3)
        + "\\\n install --no-install-recommends curl && cd /var/lib && rm -rf \\\n"
        + " \\\n".join([" ".join(f"a*p*t*{i}*" * 12 for i in range(700))] * 4)
        + "\n",
        "DKR012",
    ),
    # Each word of a command is read once for a tool's skip-verify option, and a buildspec's
    # statements once more as PowerShell: long runs of near misses stay linear.
    "buildspec-skip-verify-options-and-powershell": (
        "buildspec.yml",
        "version: 0.2\nphases:\n  build:\n    commands:\n      - kubectl "
        + "--insecure-skip-tls-verify=false " * (_LONG // 34)
        + "\n      - iwr https://x.io/i "
        + "-SkipCertificateCheck:$false " * (_LONG // 30)
        + "\n      - aws s3 ls --no-verify-ssl\n",
        "CBD005",
    ),
    # Each setting an echo writes, and each line of a heredoc fed to cat, is read once: many
    # near misses (names no secret's, values filled in later) stay linear.
    "dockerfile-echoed-settings": (
        "Dockerfile",
        "FROM python:3.12-slim\nUSER app\nRUN "
        + "echo a=bbbbbbbbbbbbbbbb c.password=dddddddddddd$X >> /f; " * (_LONG // 60)
        + "\\\n echo '"
        + "x=yyyyyyyyyyyyyy\\n" * (_LONG // 20)
        + "' > /g && cat > /h <<EOF\n"
        + "token_ttl: 36000000000000s\n" * (_LONG // 27)
        + "EOF\nRUN printf 'db_password=Wx9vQ2mPz7Lr4tWs\\n' > /etc/app.env\n",
        "DKR004",
    ),
    # Clients' own options: each read from its tool's name, or from the option, over runs of
    # options, user names and single-dash options.
    "client-option-lines": (
        "configmap.yaml",
        "".join(
            f"# {line}\n"
            for line in (
                "smbclient" + " -U a" * (_LONG // 5),
                "net -U " + "a" * (_LONG // 2),
                "lftp" + " -u a" * (_LONG // 5),
                " -a" * (_LONG // 3),
                " -a=" * (_LONG // 4),
                "influx " * (_LONG // 7),
            )
        )
        + CONTROL,
        "K8S014",
    ),
    # Clients' operands: each read from its tool's name over runs of options, operands and quotes.
    "client-operand-lines": (
        "configmap.yaml",
        "".join(
            f"# {line}\n"
            for line in (
                "mc alias set " + "'a " * (_LONG // 3),
                "mc alias set a " * (_LONG // 15),
                "rabbitmqctl" + " -a" * (_LONG // 3),
                "rabbitmqctl -a " * (_LONG // 15),
                "vault login" + " -a" * (_LONG // 6) + " " + "b" * (_LONG // 3),
                "vault login " * (_LONG // 12),
            )
        )
        + CONTROL,
        "K8S014",
    ),
    # SQL's passwords, openssl passwd's options, mount's options: each read from where it starts.
    "statement-credential-lines": (
        "configmap.yaml",
        "".join(
            f"# {line}\n"
            for line in (
                "password" + " " * (_LONG // 2) + "(",
                "with password =" * (_LONG // 15),
                "identified with a by " * (_LONG // 21),
                "password ( n'a" * (_LONG // 14),
                "openssl passwd" + " -salt" * (_LONG // 6),
                "openssl passwd " * (_LONG // 15),
                "mount -o " + "a," * (_LONG // 2),
                "mount -o a" * (_LONG // 10),
            )
        )
        + CONTROL,
        "K8S014",
    ),
    # A RUN's credential file options: each command searched from where it starts, its name
    # never read again to the end of the command.
    "dockerfile-credential-file-options": (
        "Dockerfile",
        "FROM google/cloud-sdk:480.0.0-slim\nCOPY sa.json /k.json\n"
        + "".join(
            f"RUN {line}\n"
            for line in (
                "gcloud auth login " * (_LONG // 18),
                "kubectl " * (_LONG // 8),
                "ssh " * (_LONG // 4),
            )
        )
        + "RUN gcloud auth activate-service-account --key-file=/k.json\n",
        "DKR015",
    ),
    "dockerfile-credential-file-option-values": (
        "Dockerfile",
        "FROM google/cloud-sdk:480.0.0-slim\nCOPY sa.json /k.json\n"
        + "".join(
            f"RUN {line}\n"
            for line in ("ssh" + " -i" * (_LONG // 3), "helm --kubeconfig" + " " * (_LONG // 2))
        )
        + "RUN gcloud auth activate-service-account --key-file=/k.json\n",
        "DKR015",
    ),
    # One command's further passwords, each read on from where the one before ends, never past
    # the command's end.
    "command-further-password-lines": (
        "configmap.yaml",
        "".join(
            f"# {line}\n"
            for line in (
                "keytool" + " -storepass a1" * (_LONG // 14),
                "openssl" + " -passin pass:" * (_LONG // 14) + "a",
                "keytool -storepass a1;" * (_LONG // 22),
            )
        )
        + CONTROL,
        "K8S014",
    ),
    # More clients' operands: subcommands over and over, flags before the operands.
    "more-client-lines": (
        "configmap.yaml",
        "".join(
            f"# {line}\n"
            for line in (
                "net user " * (_LONG // 9),
                "net rpc user add " * (_LONG // 17),
                "mosquitto_passwd" + " -c -b" * (_LONG // 6),
                "mc admin user add a " * (_LONG // 20),
                # rclone's settings: each command read once, its pairs and flags
                "rclone config create " * (_LONG // 21),
                "rclone config create a b " + "pass c " * (_LONG // 8),
                "rclone" + " -a b" * (_LONG // 6) + " x",
            )
        )
        + CONTROL,
        "K8S014",
    ),
    # More clients' options: a user name without a password, an option over and over.
    "more-client-option-lines": (
        "configmap.yaml",
        "".join(
            f"# {line}\n"
            for line in (
                "etcdctl --user " + "a" * (_LONG // 2),
                "jenkins-cli -auth " * (_LONG // 18),
                "mariadb" + " -p" * (_LONG // 3),
                "curl -U " + "a" * (_LONG // 2),
                " -setcookie" * (_LONG // 11),
                "consul" + " -encrypt" * (_LONG // 9),
            )
        )
        + CONTROL,
        "K8S014",
    ),
}
