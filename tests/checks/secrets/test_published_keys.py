"""Keys a vendor publishes in its documentation for everyone to use are stand-ins, in every
pack: AWS's EXAMPLE keys, the Azure Storage emulator's key, Stripe's sample test-mode keys
("A sample test API key is included in all the examples here", docs.stripe.com/api) and
reCAPTCHA's test secret key. A key of
the same shape that is not the published one stays a secret."""

from __future__ import annotations

import pytest

from guardlint.knowledge.credentials import is_literal_credential
from guardlint.knowledge.placeholders import is_placeholder
from guardlint.knowledge.secrets import find_secrets, is_literal_secret
from tests.conftest import run_scan, write_file

# Stripe's API reference's sample secret key, the one its earlier docs and guides used, and
# the publishable key paired with that one.
PUBLISHED = (
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
    # reCAPTCHA's test secret key: every verification passes (its FAQ, "automated tests")
    "6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe",
)
SECRET_RULES = {"SEC001", "DKR004", "CMP007", "K8S014", "CFN015", "CFN019"}


@pytest.mark.parametrize("key", PUBLISHED)
def test_a_published_sample_key_is_a_stand_in(key):
    assert is_placeholder(key)
    assert not is_literal_secret("STRIPE_SECRET_KEY", key)
    assert not is_literal_credential("STRIPE_API_KEY", key)
    assert find_secrets(f"STRIPE_SECRET_KEY={key}") == []


@pytest.mark.parametrize(
    "key",
    ["sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_test_4eC39HqLyjWDarjtT1zdp7dd",
     "rk_live_BQokikJOvBiI2HlWgH4olfQ2", "6LfIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWf"],
)  # fmt: skip
def test_a_key_that_is_not_the_published_one_stays_a_secret(key):
    assert not is_placeholder(key)
    assert is_literal_secret("STRIPE_SECRET_KEY", key)


def _secret_findings(tmp_path, key):
    write_file(
        tmp_path,
        "Dockerfile",
        f"FROM alpine:3.19\nENV STRIPE_SECRET_KEY={key}\n"
        f"RUN stripe customers list --api-key {key}\n",
    )
    write_file(
        tmp_path,
        "compose.yaml",
        f"services:\n  web:\n    image: shop\n    environment:\n      STRIPE_API_KEY: {key}\n",
    )
    write_file(
        tmp_path,
        "deploy.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: shop}\nspec:\n  containers:\n"
        f"    - name: shop\n      image: shop\n      env:\n"
        f"        - {{name: STRIPE_SECRET_KEY, value: {key}}}\n"
        f"      args: [--stripe-key, {key}]\n",
    )
    write_file(
        tmp_path,
        "template.yaml",
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: app.handler\n      Code: {ZipFile: x}\n"
        f"      Environment: {{Variables: {{STRIPE_SECRET_KEY: {key}}}}}\n",
    )
    result = run_scan(tmp_path)
    return sorted((f.rule_id, f.path) for f in result.findings if f.rule_id in SECRET_RULES)


@pytest.mark.parametrize("key", [*PUBLISHED[:2], PUBLISHED[3]])
def test_no_pack_reports_a_published_sample_key(tmp_path, key):
    assert _secret_findings(tmp_path, key) == []


def test_every_pack_still_reports_a_live_key(tmp_path):
    found = {rule for rule, _ in _secret_findings(tmp_path, "sk_live_4eC39HqLyjWDarjtT1zdp7dc")}
    assert {"DKR004", "CMP007", "K8S014", "CFN015"} <= found
