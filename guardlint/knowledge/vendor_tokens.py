"""Tokens a vendor issues in a shape of its own, which detect-secrets' detectors do not know
(or know only in a file of their own, as npm's in an .npmrc): a fixed prefix, then a run of a
fixed alphabet and length. Each is a credential wherever it is written, whatever the name it
is kept under (`OPENAI_KEY`, `GH_PAT`, `SOPS_AGE_KEY`, a webhook's URL), which a name alone
would not tell.

Each pattern is a prefix and runs of one class, bounded but for a key file's base64. They are
searched on RE2 (`re` would try each of them at each character: a second a megabyte), in time
linear in the text however it alternates prefixes, runs and matches (below), and a match is a
token only as a word of its own, no part of a longer run of its alphabet.
"""

from __future__ import annotations

import functools
import heapq
import re
import string
from collections.abc import Iterable, Iterator
from typing import Any

from guardlint.parse.lazy_pattern import LazyPattern
from guardlint.parse.linear_regex import compile_linear
from guardlint.parse.open_runs import open_runs

_WORD = r"[A-Za-z0-9_-]"
_WORD_CHARACTERS = frozenset(string.ascii_letters + string.digits + "_-")
# One character eight times over (`dop_v1_aaaa...`, `hvs.0000...`): filler, next to impossible
# in a random token of these alphabets.
_ONE_CHARACTER_RUN = LazyPattern(r"(.)\1{7}")

# A random (version 4) UUID, as a Teams webhook's and a HubSpot token's are: not an example's
# counted-out one (`12345678-1234-1234-1234-123456789012`), which detect-secrets' UUID filter
# no longer drops in them (HOLDING_UUIDS).
_UUID4 = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}"

# (kind, pattern): each shape as its vendor documents it, or as gitleaks' rules match it.
_FORMATS = (
    # GitLab's routable tokens (17.x): a payload of 27 to 300, its version and check after
    # dots (`glpat-<payload>.01.<crc>`); the detector's pattern stops at 50
    (
        "GitLab Token",
        rf"gl(?:pat|rt|dt|cbt|ft|imt|ptt|agent|oas|soat)-{_WORD}{{27,300}}"
        r"\.[0-9a-z]{2}\.?[0-9a-z]{7,9}",
    ),
    # A feature flag client token, which detect-secrets' GitLab detector does not know
    ("GitLab Token", rf"glffct-{_WORD}{{20}}"),
    # npm's granular and automation tokens (npm_ and 36 letters or digits)
    ("npm Token", r"npm_[A-Za-z0-9]{36}"),
    # Docker Hub personal and organisation access tokens
    ("Docker Hub Token", rf"dckr_(?:pat|oat)_{_WORD}{{27,60}}"),
    # HashiCorp Vault's service and batch tokens (Vault 1.10+), Terraform Cloud's API tokens
    ("HashiCorp Vault Token", rf"hvs\.{_WORD}{{90,120}}|hvb\.{_WORD}{{138,300}}"),
    ("Terraform Cloud Token", r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}"),
    # OpenAI's project, service-account and admin keys, whose runs hold `-` and `_` (the
    # detector's pattern wants 20 letters or digits on each side of T3BlbkFJ)
    (
        "OpenAI Token",
        rf"sk-(?:proj|svcacct|admin)-(?:{_WORD}{{74}}|{_WORD}{{58}})T3BlbkFJ"
        rf"(?:{_WORD}{{74}}|{_WORD}{{58}})",
    ),
    ("Anthropic API Key", rf"sk-ant-(?:api03|admin01)-{_WORD}{{93}}AA"),
    # Claude's OAuth access and refresh tokens, of no published length
    ("Anthropic OAuth Token", rf"sk-ant-(?:oat|ort)01-{_WORD}{{40,400}}"),
    ("Google API Key", rf"AIza{_WORD}{{35}}"),
    # Slack's app-level tokens, configuration refresh tokens and the webhooks of its workflows
    ("Slack Token", r"xapp-[0-9]-[A-Z0-9]{8,14}-[0-9]{8,16}-[a-z0-9]{32,80}"),
    ("Slack Token", r"xoxe-[0-9]-[A-Za-z0-9]{146}"),  # a configuration token's refresh token
    # a rotating user token, written as a user token is (xoxp-): three numbers, then 32
    ("Slack Token", r"xoxe-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{28,34}"),
    # webhooks, whatever the scheme (detect-secrets' detector knows only https:// services)
    (
        "Slack Token",
        r"(?:https?://)?hooks\.slack\.com/(?:workflows|triggers)/T[A-Z0-9]{6,12}/"
        r"[A-Za-z0-9/]{30,100}",
    ),
    (
        "Slack Token",
        r"(?:https?://)?hooks\.slack\.com/services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/"
        r"[A-Za-z0-9]{20,40}",
    ),
    (
        "Discord Webhook",
        rf"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{{17,20}}/{_WORD}{{60,80}}",
    ),
    ("Twilio API Key", r"SK[0-9a-f]{32}"),
    ("Stripe Webhook Secret", r"whsec_[A-Za-z0-9+/]{32,64}"),
    ("Shopify Token", r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"),
    ("DigitalOcean Token", r"do[opr]_v1_[a-f0-9]{64}"),
    ("New Relic API Key", r"NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9_-]{32}"),  # user, insert keys
    ("Databricks Token", r"dapi[a-f0-9]{32}(?:-[0-9])?"),
    ("Heroku API Key", rf"HRKU-AA{_WORD}{{58}}"),
    ("Square Token", rf"sq0atp-{_WORD}{{22}}|sq0csp-{_WORD}{{43}}"),
    ("Atlassian API Token", r"ATATT3[A-Za-z0-9_=-]{186}"),
    ("Linear API Key", r"lin_api_[A-Za-z0-9]{40}"),
    # Doppler's personal, service (`dp.st.CONFIG.`), service-account, CLI, SCIM and audit tokens
    (
        "Doppler Token",
        r"dp\.(?:pt|st|sa|ct|scim|audit)\.(?:[a-z0-9_-]{1,40}\.)?[A-Za-z0-9]{40,44}",
    ),
    ("Age Secret Key", r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}"),
    # An Entra ID (Azure AD) application's client secret: three characters, a digit, `Q~`
    ("Azure AD Client Secret", r"[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}"),
    ("Hugging Face Token", r"hf_[A-Za-z]{34}"),
    ("Grafana Token", r"glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,400}={0,3}"),
    ("Pulumi Token", r"pul-[a-f0-9]{40}"),
    # A Google Cloud service account's key file in base64 (a CI variable's way of holding it):
    # `{"type": "service_account", ...` as gcloud writes it (indented) or compact
    (
        "Google Service Account Key",
        r"(?:ewogICJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIs|eyJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIs"
        r"|eyJ0eXBlIjoic2VydmljZV9hY2NvdW50)[A-Za-z0-9+/]{100,}={0,2}",
    ),
    (
        "Tailscale Key",
        r"tskey-(?:auth|client|api|scim|webhook)-[A-Za-z0-9]{6,30}-[A-Za-z0-9]{20,64}",
    ),
    ("Alibaba Cloud Access Key", r"LTAI[A-Za-z0-9]{20}"),
    ("Artifactory API Key", r"AKCp[A-Za-z0-9]{69}"),
    ("Postman API Key", r"PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}"),
    ("Supabase Token", r"sbp_[a-f0-9]{40}"),
    ("1Password Service Account Token", r"ops_eyJ[A-Za-z0-9+/]{250,1000}={0,3}"),
    ("Fly.io Token", rf"fo1_{_WORD}{{43}}|fm[12][ar]?_[A-Za-z0-9+/]{{100,1000}}={{0,3}}"),
    ("Sentry Token", r"sntryu_[a-f0-9]{64}|sntrys_eyJ[A-Za-z0-9+/=_]{60,400}"),
    ("RubyGems API Key", r"rubygems_[a-f0-9]{48}"),
    ("PlanetScale Token", r"pscale_(?:pw|tkn|oauth)_[A-Za-z0-9_.-]{32,64}"),
    ("Dynatrace Token", r"dt0[cs]01\.[A-Z0-9]{24}\.[A-Z0-9]{64}"),
    ("Brevo API Key", r"x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}"),
    ("Shippo API Token", r"shippo_(?:live|test)_[a-f0-9]{40}"),
    ("Private Packagist Token", r"packagist_[ou][ru]t_[a-f0-9]{68}"),
    ("Duffel API Token", rf"duffel_(?:test|live)_{_WORD}{{43}}"),
    ("EasyPost API Key", r"EZ[AT]K[A-Za-z0-9]{54}"),
    ("Frame.io API Token", r"fio-u-[A-Za-z0-9_=-]{64}"),
    ("Clojars API Token", r"CLOJARS_[a-z0-9]{60}"),
    # Grafana's legacy API keys: base64 of `{"k":"...","n":"...","id":1}`
    ("Grafana Token", r"eyJrIjoi[A-Za-z0-9]{70,400}={0,3}"),
    ("Adobe Client Secret", r"p8e-[A-Za-z0-9]{32}"),
    ("Google OAuth Client Secret", rf"GOCSPX-{_WORD}{{28}}"),
    ("Braintree Access Token", r"access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32}"),
    ("Mailchimp API Key", r"[0-9a-f]{32}-us[0-9]{1,2}"),
    # Groq's keys hold 52 after the prefix (trufflehog's detector); 48 as gitleaks matched them
    ("Groq API Key", r"gsk_[A-Za-z0-9]{48}(?:[A-Za-z0-9]{4})?"),
    ("Perplexity API Key", r"pplx-[A-Za-z0-9_]{48}"),
    ("LangSmith API Key", r"lsv2_(?:pt|sk)_[a-z0-9]{32}_[a-z0-9]{10}"),
    ("Sourcegraph Token", r"sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}"),
    ("Prefect API Key", r"pnu_[A-Za-z0-9]{36}"),
    ("ReadMe API Key", r"rdme_[a-z0-9]{70}"),
    ("Harness Token", rf"(?:pat|sat)\.{_WORD}{{22}}\.[A-Za-z0-9]{{24}}\.[A-Za-z0-9]{{20}}"),
    ("Scalingo API Token", rf"tk-us-{_WORD}{{48}}"),
    ("OpenShift Token", rf"sha256~{_WORD}{{43}}"),
    ("Cloudflare Origin CA Key", r"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}"),
    ("Defined Networking API Key", r"dnkey-[A-Za-z0-9=_-]{26}-[A-Za-z0-9=_-]{52}"),
    # an Authress service client's access key: client, key, account (acc_), signature
    (
        "Authress Access Key",
        r"(?:sc|ext|scauth|authress)_[a-z0-9]{5,30}\.[a-z0-9]{4,6}\.acc[_-][a-z0-9-]{10,32}"
        r"\.[A-Za-z0-9+/_=-]{30,120}",
    ),
    # trufflehog's detectors of a self-identifying shape: a Buildkite user's API access token,
    # a Notion integration's secret (since 2024), an Airtable personal access token (`pat`,
    # its id, `.`, its secret), Contentful's personal access token, Figma's, a Flutterwave
    # live secret key, an Ubidots account token, xAI's, Replicate's and OpenRouter's API keys,
    # a Mapbox secret token (`sk.` and a signed payload naming its user, `{"u":`: the public
    # `pk.` ones are meant for browsers)
    ("Buildkite Token", r"bkua_[a-z0-9]{40}"),
    ("Notion Token", r"ntn_[0-9]{11}[A-Za-z0-9]{35}"),
    ("Airtable Personal Access Token", r"pat[A-Za-z0-9]{14}\.[a-f0-9]{64}"),
    ("Contentful Personal Access Token", rf"CFPAT-{_WORD}{{43}}"),
    ("Figma Token", rf"figd_{_WORD}{{40,64}}|figp_[A-Za-z0-9_=-]{{40,54}}"),  # figp_ since 2025
    ("Flutterwave Secret Key", r"FLWSECK-[0-9a-z]{32}-X"),
    ("Ubidots Token", r"BBFF-[0-9a-zA-Z]{30}"),
    ("xAI API Key", r"xai-[0-9a-zA-Z_]{80}"),
    ("Replicate API Token", rf"r8_{_WORD}{{37}}"),
    ("OpenRouter API Key", r"sk-or-v1-[0-9a-f]{64}"),
    ("Mapbox Secret Token", rf"sk\.eyJ1Ijoi{_WORD}{{20,300}}\.{_WORD}{{20,30}}"),
    # Netlify's personal access tokens (trufflehog's v2 detector); CircleCI's personal tokens
    # since 2023 (`CCIPAT_`, 22 letters or digits, `_`, 40 hex: trufflehog knows only the
    # legacy 40 hex near `circle`)
    ("Netlify Token", r"nfp_[A-Za-z0-9_]{36}"),
    ("CircleCI Token", r"CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}"),
    # A HubSpot private app's access token (a UUID after the region), an Apify API token, a
    # Deno Deploy personal or organisation token (trufflehog's hubspot_apikey v2, apify and
    # denodeploy detectors)
    ("HubSpot Private App Token", f"pat-(?:na|eu)1-{_UUID4}"),
    ("Apify API Token", r"apify_api_[A-Za-z0-9-]{36}"),
    ("Deno Deploy Token", r"dd[pw]_[A-Za-z0-9]{36}"),
    # A Microsoft Teams channel's incoming webhook: whoever holds the URL posts to the channel
    (
        "Microsoft Teams Webhook",
        r"https://[A-Za-z0-9-]{1,63}\.webhook\.office\.com/webhookb2/"
        f"{_UUID4}@{_UUID4}/IncomingWebhook/[0-9a-fA-F]{{32}}/{_UUID4}",
    ),
    # Microsoft's identifiable keys, each with a signature at a fixed place that the key's
    # checksum covers (Microsoft's security-utilities): `JQQJ9` in an Azure DevOps personal
    # access token's or an AI services key's 84 characters; `+ASt` (storage account), `ACDb`
    # (Cosmos DB), `APIM` in a 64-byte key; `+ASb` (Service Bus), `+AEh` (Event Hubs), `+ARm`
    # (Relay) in a 32-byte one; `+ACR` in a container registry's password
    (
        "Azure Identifiable Key",
        r"[A-Za-z0-9]{52}JQQJ9[9DH][A-Za-z0-9][A-L][A-Za-z0-9]{16}[A-Za-z][A-Za-z0-9]{7}"
        r"(?:[A-Za-z0-9]{2}==)?",
    ),
    ("Azure Identifiable Key", r"[A-Za-z0-9+/]{76}(?:\+ASt|ACDb|APIM)[A-Za-z0-9+/]{5}[AQgw]=="),
    ("Azure Identifiable Key", r"[A-Za-z0-9+/]{33}(?:\+ASb|\+AEh|\+ARm)[A-Za-z0-9+/]{5}="),
    ("Azure Identifiable Key", r"[A-Za-z0-9+/]{42}\+ACR[A-Za-z0-9+/]{6}"),
)

# The kinds whose shape holds UUIDs: detect-secrets' filter of a value holding one (an id, no
# secret) does not apply to them.
HOLDING_UUIDS = frozenset({"Microsoft Teams Webhook", "HubSpot Private App Token"})

# What a line must hold, case-folded, for one of the tokens to be in it (beside the detectors'
# prefilter in guardlint.knowledge.secrets' search of a file's lines): each starts with a
# literal character.
PREFILTER = (
    "gl(?:pat|rt|dt|cbt|ft|imt|ptt|agent|oas|soat|ffct)-|aiza|"
    "npm_[a-z0-9]{36}|dckr_|hvs\\.|hvb\\.|atlasv1|sk-proj-|sk-svcacct-|sk-admin-|sk-ant-|"
    "xapp-|xoxe-|hooks\\.slack\\.com|discord|sk[0-9a-f]{32}|whsec_|shp|do[opr]_v1_|nrak-|dapi|hrku-|"
    "sq0|atatt3|lin_api_|dp\\.|age-secret-key-|q~|hf_|glsa_|glc_|pul-|sntry|tskey-|ltai|akcp|"
    "pmak-|sbp_|ops_eyj|fo1_|fm1|fm2|ewogicj0exblijogin|eyj0exblijogin|eyj0exblijoic2vyd|"
    "rubygems_|pscale_|dt0c01\\.|dt0s01\\.|xkeysib-|xsmtpsib-|shippo_|packagist_|duffel_|ez[at]k|"
    "fio-u-|clojars_|eyjrijoi|p8e-|gocspx-|access_token\\$production|-us[0-9]|"
    "jqqj9|\\+ast|acdb|apim|\\+asb|\\+aeh|\\+arm|\\+acr|nrii-|gsk_|pplx-|lsv2_|sgp_|pnu_|"
    "rdme_|pat\\.|sat\\.|tk-us-|sha256~|v1\\.0-|dnkey-|\\.acc[_-]|bkua_|ntn_|"
    "pat[a-z0-9]{14}\\.|cfpat-|figd_|flwseck-|bbff-|xai-|r8_|sk-or-v1-|sk\\.eyj1ijoi|"
    "\\.webhook\\.office\\.com/|nfp_|ccipat_|figp_|pat-na1-|pat-eu1-|apify_api_|ddp_|ddw_"
)

# The length of the shortest token of _FORMATS (an Alibaba Cloud access key ID).
SHORTEST = 24


def may_hold_vendor_token(folded: str) -> bool:
    """Whether a case-folded text may hold one of the tokens: long enough (folding never
    shortens a text), and holding a prefix of PREFILTER, searched on RE2."""
    return len(folded) >= SHORTEST and compile_linear(PREFILTER).search(folded) is not None


# Two searches for all of them; the group that matched names the kind. The shapes that start
# with a run of their alphabet (Microsoft's, Mailchimp's, Entra ID's, Terraform's) are searched
# as they are written, bounded, and only in a text holding one of their signatures: written
# open, each would start a candidate at every word. The others start with a literal prefix,
# and are searched with their long runs open (guardlint.parse.open_runs: RE2 compiles a count
# `{n,m}` as m copies, and with the counts the search took 11 ms to compile in every process
# that meets a token-like text; open, under one). What either finds is then held to its exact
# shape (_exact_shape). The search for the literal prefixes names no group: RE2's Python
# binding works out every group's span at each match, which made a text of ten thousand matches
# (`sgp_sgp_sgp_...`) take a second; the group is looked up once a match is a word of its own.
_LEADING_RUNS = tuple(index for index, (_, shape) in enumerate(_FORMATS) if shape[0] == "[")
_SIGNATURES = ("jqqj9", "+ast", "acdb", "apim", "+asb", "+aeh", "+arm", "+acr", "-us", "q~",
               ".atlasv1.")  # fmt: skip
_SIGNED_SEARCH = "|".join(f"(?P<t{index}>{_FORMATS[index][1]})" for index in _LEADING_RUNS)
_KINDS = tuple(kind for kind, _ in _FORMATS)


@functools.cache
def _searches() -> tuple[str, str]:
    """The search for the literal prefixes and its named spelling, written on first use:
    rewriting the shapes' runs reads each character in Python, a tenth of what importing the
    secret search costs every process, most of which never meets a text PREFILTER admits."""
    opened = [
        (index, open_runs(shape, 0))
        for index, (_, shape) in enumerate(_FORMATS)
        if index not in _LEADING_RUNS
    ]
    search = "|".join(f"(?:{shape})" for _, shape in opened)
    named = "|".join(f"(?P<t{index}>{shape})" for index, shape in opened)
    return search, named


@functools.cache
def _exact_shape(index: int) -> re.Pattern[str]:
    # Bounded runs after a fixed prefix: `re` reads a match in time of the pattern's bounds.
    return re.compile(_FORMATS[index][1])


def vendor_tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, token, where it starts) of each vendor token written in a text."""
    search, named_search = _searches()
    matches: Iterable[Any] = compile_linear(search).finditer(text)
    lowered = text.lower()
    if any(signature in lowered for signature in _SIGNATURES):
        signed = compile_linear(_SIGNED_SEARCH).finditer(text)
        matches = heapq.merge(matches, signed, key=lambda match: match.start())
    for match in matches:
        start, end = match.span()
        if end - start < SHORTEST:
            continue  # a prefix and a few characters (`sgp_sgp_...`): no token
        if start and text[start - 1] in _WORD_CHARACTERS:
            continue
        if end < len(text) and text[end] in _WORD_CHARACTERS:
            continue
        named = match if match.lastgroup else compile_linear(named_search).fullmatch(match.group(0))
        index = int(named.lastgroup[1:])
        if _ONE_CHARACTER_RUN.search(text, start, end):
            continue
        if not _exact_shape(index).fullmatch(text, start, end):
            continue  # longer than its shape allows
        yield _KINDS[index], match.group(0), start


# The last part of every Slack token, legacy ones included, holds 10 characters or more.
_SLACK_LAST_PART = 10


def is_slack_stand_in(text: str, start: int, value: str) -> bool:
    """Whether a find of detect-secrets' Slack detector (`xox?-`, numbers and a part of letters
    and digits) is no token Slack issues: its last part shorter than any token's
    (`xoxb-12345-abcd234`, `xoxe.xoxp-1-initial`), or the text going on with a part no token
    holds (`xoxp-572370529330-573807301142-572331691188-####`, the detector stopping short)."""
    if value[:3].lower() != "xox":
        return False  # a webhook
    if len(value.rsplit("-", 1)[-1]) < _SLACK_LAST_PART:
        return True
    end = start + len(value)
    return text[end : end + 1] == "-" and not text[end + 1 : end + 2].isalnum()
