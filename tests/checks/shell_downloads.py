"""Shell commands that run a download unread, and some that do not: DKR008 and CBD004 share
the test (guardlint.knowledge.shell_commands), and each pack's tests scan all of them."""

from __future__ import annotations

# Downloads run unread in every shape a script takes (DKR008, and CBD004 by the same test).
DOWNLOADS_RUN = [
    "curl -fsSL https://x.example/i.sh | env FOO=1 bash",
    "(curl https://x.example/i.sh) | sh",
    "{ curl -fsSL https://x.example/i.sh; } | bash",
    "(set -e; wget -qO- https://x.example/i.sh) | sh -s -- -y",
    "curl -fsSL https://x.example/i.sh | (cd /tmp && bash)",
    "curl -s https://x.example/i.sh | sudo -E bash -s --",
    "wget -qO- https://x.example/i.sh | /bin/sh",
    "curl -s https://x.example/i.sh | tee /tmp/i.log | sh",
    "curl -s https://x.example/i.sh | timeout 300 bash",
    "busybox wget -O- https://x.example/i.sh | sh",
    "busybox wget -qO- https://x.example/i.sh | busybox sh",
    "bash <(busybox wget -qO- https://x.example/i.sh)",
    'bash -c "`curl -fsSL https://x.example/i.sh`"',
    "source <(curl -s https://x.example/env)",
    "python3 <(curl -fsSL https://x.example/get.py) --user",
    'perl -e "$(curl -fsSL https://x.example/i.pl)"',
    "sh -c 'curl -fsSL https://x.example/i.sh | sh'",
    "su -c 'curl -fsSL https://x.example/i.sh | bash'",
    "curl -sS https://getcomposer.org/installer | php -- --install-dir=/usr/local/bin",
    "irm https://x.example/i.ps1 | iex",
    "Invoke-WebRequest https://x.example/i.ps1 -UseBasicParsing | Invoke-Expression",
    "iex (iwr https://x.example/i.ps1 -UseBasicParsing).Content",
    "iex ((New-Object System.Net.WebClient).DownloadString('https://x.example/i.ps1'))",
    "(New-Object Net.WebClient).DownloadString('https://x.example/i.ps1') | iex",
    'powershell -Command "iwr https://x.example/i.ps1 -UseBasicParsing | iex"',
]
# Downloads kept, filtered or unpacked, and scripts run from a file: no finding.
DOWNLOADS_KEPT = [
    "curl -fsSL https://x.example/a.tgz | (cd /opt && tar -xz)",
    "(cd /src && curl -fsSLo i.sh https://x.example/i.sh) | tee log",
    "curl -fsSL https://x.example/a.zip | busybox unzip -",
    "sh -c 'curl -fsSLo /tmp/i.sh https://x.example/i.sh && sha256sum -c i.sum'",
    "curl -sS https://x.example/composer-setup.php -o setup.php && php setup.php",
    "Invoke-WebRequest https://x.example/i.ps1 -OutFile i.ps1; iex 'Write-Host hi'",
    "timeout 60 curl -fsSLo /tmp/x https://x.example/x",
    "python3 -m pip install -r <(curl -fsSL https://x.example/requirements.txt)",
    'python3 -c "print(1)" && echo "$(curl -fsSL https://x.example/ip)"',
]
