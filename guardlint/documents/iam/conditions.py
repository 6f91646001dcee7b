"""What a statement's Condition demands of a request, as IAM evaluates it (IAM User Guide,
"IAM JSON policy elements: Condition operators" and "Single-valued vs. multivalued context
keys"), for the rules that ask whether a Condition narrows down who may call (IAM005, IAM009).

A key absent from the request fails a positive operator (`StringEquals`, `IpAddress` ...) but
passes a negated one (`StringNotEquals`, `NotIpAddress` ...), an `...IfExists` one, and one
qualified `ForAllValues:` ("also returns true if there are no context keys in the request").
Anonymous callers and direct calls carry no aws:SourceAccount, aws:SourceVpce or
aws:PrincipalOrgID, so only a positive test without those escapes pins such a key, unless a
`Null` test of `false` demands the key. A negated test qualified `ForAnyValue:` is false
without the key ("returns false" for an empty set), so a Deny of it spares such callers.
Operator and key names are compared case-insensitively: an operator IAM would refuse cannot
silence a rule by its spelling.
"""

from __future__ import annotations

import re

from guardlint.documents.iam.policy import Policy, Statement, policy_scenarios
from guardlint.documents.iam.values import ConditionEntry, Item
from guardlint.parse.cidr import covers_world, parse_cidr

# A pattern of only wildcards: `*`, or `?` for each character of an ID of fixed length
# (`????????????` is every account ID).
_ANYTHING = re.compile(r"^[*?]+$")
# A `...Like` pattern of every VPC endpoint, VPC or organization (path): any account has one.
_EVERY_ID = re.compile(r"^(vpce|vpc|o)-[*?/]+$", re.IGNORECASE)


def _operator(entry: ConditionEntry) -> tuple[str, str, bool]:
    """(set qualifier, base operator, IfExists), lower-case:
    `ForAnyValue:StringLikeIfExists` -> ("foranyvalue", "stringlike", True)."""
    qualifier, _, operator = entry.operator.lower().rpartition(":")
    if_exists = operator.endswith("ifexists")
    return qualifier, operator.removesuffix("ifexists"), if_exists


# S3 resources that belong to an account (`arn:aws:s3:us-east-1:111122223333:accesspoint/x`);
# a bucket's ARN names no account, its name being global.
_S3_ACCOUNT_RESOURCES = frozenset(
    {"accesspoint", "outpost", "job", "storage-lens", "storage-lens-group", "access-grants"}
)


# Keys whose value is an account ID (12 digits).
_ACCOUNT_KEYS = frozenset(
    {
        "aws:principalaccount",
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:resourceaccount",
        "aws:vpceaccount",
        "kms:calleraccount",
        "s3:dataaccesspointaccount",
    }
)


def _many_accounts(pattern: str) -> bool:
    """An account-ID pattern whose wildcards stand for two digits or more (`1*`, `*3333`,
    `1111222233??`): AWS hands out account IDs, so such a pattern admits accounts nobody
    named. `*` takes the digits not written, `?` one each."""
    wildcards = pattern.count("?")
    if "*" in pattern:
        wildcards = 12 - (len(pattern) - pattern.count("*") - wildcards)
    return wildcards >= 2


def _any_account_arn(text: str) -> bool:
    """An ARN pattern that resources of any account match, so anyone can own one: wildcards
    for its account (`arn:aws:sns:*:*:alerts`), a wildcard before the account ends it
    (`arn:*`, `arn:aws:sns:*`), or a wildcard in a bucket's name (anyone can create a bucket
    `logs-*` matches). A bucket's ARN has no region nor account, so wildcards there
    (`arn:aws:s3:*:*:logs`, S3's event-notification examples) still name one bucket."""
    if not text.lower().startswith("arn:"):
        return False
    parts = text.split(":", 5)
    if len(parts) < 6:
        return "*" in text
    service, account, resource = parts[2].lower(), parts[4], parts[5]
    name, slash, _ = resource.partition("/")
    if not account or (service == "s3" and not (slash and name in _S3_ACCOUNT_RESOURCES)):
        return "*" in name or "?" in name
    return _many_accounts(account)


def _every_identity_arn(text: str) -> bool:
    """An ARN pattern of every identity of its account (`arn:aws:iam::111122223333:*`, or cut
    short by a wildcard: `arn:aws:iam::1111*`): no narrower than the account's root."""
    if not text.lower().startswith("arn:"):
        return False
    parts = text.split(":", 5)
    return "*" in text if len(parts) < 6 else bool(_ANYTHING.match(parts[5]))


# Keys whose value the caller chooses: `*` there is a value anyone can send.
_CALLER_SUPPLIED = frozenset({"sts:externalid"})


def _matches_as_pattern(entry: ConditionEntry, base_operator: str) -> bool:
    """`StringLike` and the ARN operators (ArnEquals as ArnLike) match `*` and `?` as
    wildcards; `StringEquals` compares literally, so `*` there matches only a request that
    carries `*`, which AWS never sets (a caller can, in a key it supplies)."""
    return (
        base_operator.endswith("like")
        or base_operator.startswith("arn")
        or entry.key.lower() in _CALLER_SUPPLIED
    )


def _narrows(entry: ConditionEntry, base_operator: str, value: Item, account_named: bool) -> bool:
    """Whether a condition value leaves some requests out. An unresolved value may well be
    specific, and rules never report on what they cannot read."""
    if value.text is None:
        return True
    text = value.text.strip()
    pattern = _matches_as_pattern(entry, base_operator)
    if pattern and (_ANYTHING.match(text) or (not account_named and _any_account_arn(text))):
        return False
    if pattern and entry.key.lower() in _ACCOUNT_KEYS and _many_accounts(text):
        return False
    if pattern and account_named and _every_identity_arn(text):
        return False
    if base_operator.endswith("like") and _EVERY_ID.match(text):
        return False
    if base_operator == "bool":
        return text.lower() != "false"
    return True


def _any_identity(entry: ConditionEntry, pattern: bool) -> bool:
    """An aws:userid value that admits identities of any account: `anonymous` (what anonymous
    callers carry), or a wildcard in the unique ID of a role or user (`AROA*`, `*:alice`);
    that ID is never reused, and after its `:` comes the session name the caller chose."""
    if entry.key.lower() != "aws:userid":
        return False
    for value in entry.values:
        unique_id = (value.text or "").strip().split(":", 1)[0]
        if unique_id.lower() == "anonymous" or (pattern and ("*" in unique_id or "?" in unique_id)):
            return True
    return False


def _narrowing(entry: ConditionEntry, base_operator: str, account_named: bool = False) -> bool:
    """Whether the values leave some requests out: none matches everything, and IP ranges
    do not add up to every address (`0.0.0.0/1` and `128.0.0.0/1`)."""
    if (
        not entry.values
        or not all(_narrows(entry, base_operator, v, account_named) for v in entry.values)
        or _any_identity(entry, _matches_as_pattern(entry, base_operator))
    ):
        return False
    ranges = (parse_cidr(v.text) for v in entry.values)
    return base_operator != "ipaddress" or covers_world(ranges) is None


def _pins(entry: ConditionEntry, account_named: bool = False, present: bool = False) -> bool:
    """The entry admits only requests that carry its key with one of its specific values: a
    positive operator, not `Null`, none of whose values matches everything, and neither
    `...IfExists` nor `ForAllValues:` unless the key is `present` (a `Null` test of `false`
    demands it). `account_named`: the principal already names the account, so an ARN
    pattern of any account still narrows."""
    qualifier, base, if_exists = _operator(entry)
    return (
        "not" not in base
        and base != "null"
        and (present or not (if_exists or qualifier == "forallvalues"))
        and _narrowing(entry, base, account_named)
    )


def _demanded_keys(statement: Statement) -> set[str]:
    """The keys (lower-case) a `Null` test of `false` demands the request carry; one whose
    value cannot be read may be `false`. Values are ORed: `["false", "true"]` demands none."""
    return {
        entry.key.lower()
        for entry in statement.conditions
        if _operator(entry)[1] == "null"
        and entry.values
        and all(v.text is None or v.text.strip().lower() == "false" for v in entry.values)
    }


def pinning(statement: Statement, account_named: bool = False) -> list[ConditionEntry]:
    """The entries of the statement's Condition that pin their key (`_pins`), with what its
    `Null` tests demand: IAM's advice for `ForAllValues:` ("Null ... with a value of false"),
    and what makes `...IfExists` test every request."""
    demanded = _demanded_keys(statement)
    return [
        entry
        for entry in statement.conditions
        if _pins(entry, account_named, entry.key.lower() in demanded)
    ]


def requires(statement: Statement, keys: set[str], account_named: bool = False) -> bool:
    """A Condition pins one of `keys` (lower-case) to specific values (`pinning`)."""
    return any(entry.key.lower() in keys for entry in pinning(statement, account_named))


# Keys every request from outside a VPC endpoint carries ("aws:SourceIp ... is always
# included, except for requests through a VPC endpoint").
_CARRIED_BY_OUTSIDE_CALLERS = frozenset({"aws:sourceip"})


def _negation_reaches_outside_callers(entry: ConditionEntry) -> bool:
    """A negated test holds for a request without its key, but `ForAnyValue:` of no values
    is false ("returns false" for an empty set): such a test spares callers without the key
    (an anonymous one carries no aws:PrincipalOrgID) unless every outside request has it."""
    qualifier, base, _ = _operator(entry)
    return "not" in base and (
        qualifier != "foranyvalue" or entry.key.lower() in _CARRIED_BY_OUTSIDE_CALLERS
    )


def _excludes_all_but(entry: ConditionEntry, keys: set[str]) -> bool:
    _, base, _ = _operator(entry)
    return (
        entry.key.lower() in keys
        and _negation_reaches_outside_callers(entry)
        and _narrowing(entry, base)
    )


# A Deny may spare AWS services' own calls (the data-perimeter examples' Deny says so), which
# outside callers do not make.
_SERVICE_CALL_KEYS = frozenset({"aws:principalisawsservice", "aws:viaawsservice"})


def _holds_for_outside_callers(entry: ConditionEntry) -> bool:
    """A test besides the restricting ones that still holds for nearly every request: a
    negated one (all but its values; on aws:SecureTransport, whose other value is `true`,
    only HTTPS requests), or `false` for the keys of AWS services' own calls."""
    _, base, _ = _operator(entry)
    key = entry.key.lower()
    if "not" in base:
        return key != "aws:securetransport" and _negation_reaches_outside_callers(entry)
    return (
        key in _SERVICE_CALL_KEYS
        and base == "bool"
        and all(v.text is not None and v.text.strip().lower() == "false" for v in entry.values)
    )


def excludes_all_but(statement: Statement, keys: set[str]) -> bool:
    """A Condition that holds for every request but those carrying one of `keys` with one of
    its specific values: a negated operator, which a request without the key also meets (a
    Deny for everyone "unless from our VPC endpoint"). Every test must hold for the Deny to
    apply, so one that narrows it ("over plain HTTP", "for account X") leaves callers free."""
    entries = statement.conditions
    return any(_excludes_all_but(e, keys) for e in entries) and all(
        _excludes_all_but(e, keys) or _holds_for_outside_callers(e) for e in entries
    )


def admits_everything(entry: ConditionEntry) -> bool:
    """A `...Like` test one of whose values is only wildcards (`*`, `?*`): every value of its
    key passes. `StringEquals` compares `*` literally."""
    _, base, _ = _operator(entry)
    return base.endswith("like") and any(
        v.text is not None and _ANYTHING.match(v.text.strip()) for v in entry.values
    )


def like_admits_prefix(pattern: str, prefix: str) -> bool:
    """Whether a `StringLike` pattern matches some value that starts with `prefix` (compared
    case-insensitively): `*:ref:main` and `repo:*` admit values starting `repo:anyone/`,
    `repo:acme/*` does not. Up to its first `*` each character of the pattern takes one of
    the value's; that `*` can take the rest of the prefix."""
    text = pattern[: len(prefix)].lower()
    for position, char in enumerate(prefix.lower()):
        if position >= len(text) or text[position] not in ("*", "?", char):
            return False
        if text[position] == "*":
            return True
    return True


_PINNED = "iam_pinned_per_deployment"  # document.meta: statement node id -> key sets


def pinned_per_deployment(policy: Policy, statement: Statement) -> list[set[str]]:
    """The condition keys the statement of `policy` pins (lower case), once per deployment of
    the template that `policy` stands for (guardlint.documents.iam.policy.policy_scenarios):
    a deployment's own keys, every deployment's for the policy read whole; a limit holds only
    when each of them makes it, since one that a single branch of a template condition writes
    limits that deployment only."""
    deployments = policy_scenarios(policy.document)
    by_node = (
        None
        if any(policy is deployment for deployment in deployments)
        else policy.document.once(_PINNED, lambda: _pinned_by_node(deployments))
    )
    pinned = by_node.get(id(statement.node)) if by_node is not None else None
    return pinned if pinned is not None else [{e.key.lower() for e in pinning(statement)}]


def _pinned_by_node(deployments: list[Policy]) -> dict[int, list[set[str]]]:
    """Statement node id -> the keys each deployment writing it pins."""
    by_node: dict[int, list[set[str]]] = {}
    for policy in deployments:
        for statement in policy.statements:
            keys = {entry.key.lower() for entry in pinning(statement)}
            by_node.setdefault(id(statement.node), []).append(keys)
    return by_node
