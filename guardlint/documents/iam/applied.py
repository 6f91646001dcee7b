"""The Denial that applies wherever a policy's Allows do: its own Denies, for an identity
policy of a template those of the other policies every one of its holders holds
(guardlint.documents.iam.holders), and what the permissions boundary they all have takes
away (guardlint.documents.iam.boundaries). IAM evaluates all of them together: an explicit
Deny anywhere wins, and a boundary caps what identity policies grant.
"""

from __future__ import annotations

from guardlint.documents.iam.boundaries import boundary_denial
from guardlint.documents.iam.denials import Denial, Denials, denial_of
from guardlint.documents.iam.holders import shared_boundary, shared_deniers
from guardlint.documents.iam.policy import Policy, policy_of
from guardlint.model.documents import Document

_CACHE_KEY = "iam_denials"  # Policy.views: the Denials of a policy (three rules ask)


def denials_of(policy: Policy) -> Denials:
    """The Denials that apply to the policy's Allows (found once per policy)."""
    return policy.once(_CACHE_KEY, lambda: _denials(policy))


def _denials(policy: Policy) -> Denials:
    applying = [denial_of(policy)]
    applying += [denial_of(policy_of(d)) for d in shared_deniers(policy.document, _denies)]
    boundary = shared_boundary(policy.document)
    if boundary is not None:
        applying.append(boundary_denial(policy_of(boundary)))
    return Denials(Denial.union(applying) if len(applying) > 1 else applying[0])


def _denies(document: Document) -> bool:
    return bool(denial_of(policy_of(document)))
