"""IAM policies as the AWS CLI prints them, each a standalone `iam-policy` document: one policy
(`get-policy-version`, `get-role-policy`, `get-user-policy`, `get-group-policy`), or an
account's (`get-account-authorization-details`, also cut down by jq to one of its lists or one
of their entries, `get-role` and `list-roles`): each policy in force, named by the user, group,
role or managed policy that holds it. The CLI prints the documents decoded; the API's
URL-encoded text is left unread. A resource policy (a bucket's, key's, function's, queue's ...)
the CLI prints as the JSON text its service keeps is parsed from that text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from guardlint.documents.classify import is_policy
from guardlint.parse.located import YamlMap

# (kind, data, meta) of a classified document, as guardlint.documents.classify gives them.
Classified = tuple[str, Any, dict[str, Any]]
_STANDALONE = {"resource": "policy", "policy_kind": "standalone"}


_POLICY_VERSION_KEYS = frozenset({"Document", "VersionId", "IsDefaultVersion", "CreateDate"})
_INLINE_POLICY_HOLDERS = ("RoleName", "UserName", "GroupName")


def _printed_policy(data: dict) -> dict | None:
    """The policy document of a file that holds the CLI's print of one, else None."""
    version = data.get("PolicyVersion")
    if set(data) == {"PolicyVersion"} and isinstance(version, dict):
        document = version.get("Document") if set(version) <= _POLICY_VERSION_KEYS else None
    elif len(data) == 3 and "PolicyName" in data and any(h in data for h in _INLINE_POLICY_HOLDERS):
        document = data.get("PolicyDocument")
    else:
        return None
    return document if isinstance(document, dict) and is_policy(document) else None


# get-account-authorization-details: its four lists, and the keys of a page of them; and
# list-roles' list (its roles with their trust policies).
_DETAIL_LISTS = frozenset(
    {"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies", "Roles"}
)
_PAGING = frozenset({"IsTruncated", "Marker"})
# An entry of one of the lists: its name key, its inline policies' list, how it is called.
_HOLDERS = (
    ("RoleName", "RolePolicyList", "IAM role"),
    ("UserName", "UserPolicyList", "IAM user"),
    ("GroupName", "GroupPolicyList", "IAM group"),
)


# Resource policies as their services' CLI prints them: the document as JSON text under one
# key, beside the other keys the command prints (s3api get-bucket-policy and kms
# get-key-policy, lambda get-policy, ecr get-repository-policy and get-registry-policy,
# secretsmanager get-resource-policy); sqs get-queue-attributes and sns get-topic-attributes
# print it as the `Policy` of the queue's or topic's `Attributes`.
_TEXT_PRINTS = {
    frozenset({"Policy"}): "Policy",
    frozenset({"Policy", "PolicyName"}): "Policy",
    frozenset({"Policy", "RevisionId"}): "Policy",
    frozenset({"registryId", "repositoryName", "policyText"}): "policyText",
    frozenset({"registryId", "policyText"}): "policyText",
    frozenset({"ARN", "Name", "ResourcePolicy"}): "ResourcePolicy",
}


def _printed_text_policy(data: dict) -> dict | None:
    """The policy document a file holds as a resource policy's print, its text parsed and
    placed at the text's line, else None."""
    holder, key = data, _TEXT_PRINTS.get(frozenset(data))
    if key is None and set(data) == {"Attributes"} and isinstance(data["Attributes"], dict):
        holder, key = data["Attributes"], "Policy"
    text = holder.get(key) if key is not None else None
    if not isinstance(text, str) or not text.lstrip().startswith("{"):
        return None
    if not isinstance(holder, YamlMap):
        return None  # no place to put the text's findings at
    # Only for such a print: the parser of texts loads PyYAML, which a JSON scan may not need.
    from guardlint.documents.iam.policy_text import parsed_policy_text

    return parsed_policy_text(text, lambda _: holder.value_region(key))


def printed_policies(data: Any) -> Iterator[Classified]:
    """The `iam-policy` documents of a file holding the CLI's print of policies: none when the
    data is no such print."""
    if isinstance(data, dict) and (printed := _printed_policy(data)) is not None:
        yield "iam-policy", printed, dict(_STANDALONE)
        return
    if isinstance(data, dict) and (printed := _printed_text_policy(data)) is not None:
        yield "iam-policy", printed, dict(_STANDALONE)
        return
    entries = _account_entries(data)
    if not entries:
        return
    # Only for an account's policies: a file of no policy loads none of the IAM pack.
    from guardlint.documents.iam.denials import COVERING_BUDGET
    from guardlint.documents.iam.policy import ACCOUNT_ENTITY, COMPLEMENT_BUDGET, IDENTITY, TRUST

    shared = {COMPLEMENT_BUDGET: [0], COVERING_BUDGET: [0], ACCOUNT_ENTITY: True}
    for entry in entries:
        for found in _entry_policies(entry):
            meta = {
                "resource": found.owner,
                "policy_kind": TRUST if found.trust else IDENTITY,
                "property": found.place,
                "policy_name": found.policy_name,
            }
            yield "iam-policy", found.document, {**meta, **shared}


def _account_entries(data: Any) -> list[dict]:
    """The users, groups, roles and managed policies of an account's details as printed, or of
    one of its lists (`jq .RoleDetailList`), or one entry (`jq '.RoleDetailList[0]'`, get-role's
    `Role`), or inline policies cut out of them; none for other data."""
    if isinstance(data, dict) and set(data) == {"Role"}:
        data = data["Role"]
    if isinstance(data, dict) and _is_entry(data):
        return [data]
    if isinstance(data, list):
        return data if data and all(_is_entry(entry) for entry in data) else []
    if not isinstance(data, dict) or not data.keys() & _DETAIL_LISTS:
        return []
    if not set(data) <= _DETAIL_LISTS | _PAGING:
        return []
    return [
        entry
        for key in _DETAIL_LISTS
        if isinstance(listed := data.get(key), list)
        for entry in listed
        if isinstance(entry, dict)
    ]


# An inline policy cut out of an entry (`jq '.RoleDetailList[].RolePolicyList[]'`).
_INLINE_POLICY = frozenset({"PolicyName", "PolicyDocument"})


def _is_entry(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    if set(data) == _INLINE_POLICY:
        return True
    if isinstance(data.get("PolicyName"), str) and isinstance(data.get("PolicyVersionList"), list):
        return True
    return any(
        isinstance(data.get(name), str) and (inline in data or "AssumeRolePolicyDocument" in data)
        for name, inline, _ in _HOLDERS
    )


class _Found(NamedTuple):
    """A policy in force of an account entry, and where it sits."""

    document: dict
    owner: str  # `IAM role deploy`, `managed policy ci-deploy`
    trust: bool  # a role's trust policy (else an identity policy)
    place: str = ""  # `AssumeRolePolicyDocument`, `default version v3`
    policy_name: str | None = None  # an inline policy's


def _entry_policies(entry: dict) -> Iterator[_Found]:
    """Each policy in force an entry holds: a role's trust policy and inline policies, a user's
    or group's inline policies, a managed policy's default version; or the inline policy it is."""
    if set(entry) == _INLINE_POLICY:
        if _readable(document := entry["PolicyDocument"]):
            owner = f"inline policy {entry['PolicyName']}"
            yield _Found(document, owner, trust=False, place="PolicyDocument")
        return
    if isinstance(versions := entry.get("PolicyVersionList"), list):
        owner = f"managed policy {entry.get('PolicyName')}"
        for version in versions:
            # Only the default version is in force; the others wait to be made default.
            if isinstance(version, dict) and _is_default(version, entry.get("DefaultVersionId")):
                place = f"default version {version.get('VersionId') or ''}".strip()
                document = version.get("Document")
                if _readable(document):
                    yield _Found(document, owner, trust=False, place=place)
        return
    for name_key, inline_key, called in _HOLDERS:
        if not isinstance(name := entry.get(name_key), str):
            continue
        owner = f"{called} {name}"
        trust = entry.get("AssumeRolePolicyDocument")
        if name_key == "RoleName" and _readable(trust):
            yield _Found(trust, owner, trust=True, place="AssumeRolePolicyDocument")
        inline = entry.get(inline_key)
        for listed in inline if isinstance(inline, list) else ():
            if isinstance(listed, dict) and _readable(document := listed.get("PolicyDocument")):
                name = listed.get("PolicyName")
                yield _Found(document, owner, trust=False, policy_name=str(name))
        return


def _is_default(version: dict, default_id: Any) -> bool:
    """A version the CLI prints as the default, or (a jq filter having dropped the flag) the
    one the policy's DefaultVersionId names."""
    if "IsDefaultVersion" in version:
        return version["IsDefaultVersion"] is True
    return default_id is not None and version.get("VersionId") == default_id


def _readable(document: Any) -> bool:
    """A policy document as the CLI prints it (decoded; the API's URL-encoded text is not)."""
    return isinstance(document, dict) and is_policy(document)
