"""K8S018's look-up of the `default` ServiceAccounts beside a pod, done once per scan for what
the pods of a tree share."""

from __future__ import annotations

from guardlint.documents import service_accounts
from tests.checks.kubernetes.test_service_account import _account, _deployment, _lines


def test_the_accounts_beside_the_pods_of_a_directory_are_merged_once(tmp_path, monkeypatch):
    """Each pod asks for the accounts of every directory up to the root: the pods of one
    directory get them merged once per scan. A pod file named as a template adds its own
    accounts to its answer only, not to its neighbours'."""
    merges: list[str] = []
    real = service_accounts._within_bounds

    def counted(sources, root):
        merges.append(sources[0][1])
        return real(sources, root)

    monkeypatch.setattr(service_accounts, "_within_bounds", counted)
    own = _account(automount="false") + "---\n" + _deployment()
    files = {f"d{n}.yaml": _deployment() for n in range(4)} | {"a.yaml.j2": own}  # scanned first
    assert len(_lines(tmp_path / "app", files)) == 4
    assert merges == [str(tmp_path / "app")]
