"""Kubernetes network checks (guardlint/checks/kubernetes/network.py): Services, Ingresses."""

from __future__ import annotations

from guardlint.model.rules import Severity
from tests.checks.kubernetes import scan_rule
from tests.conftest import write_file


def test_k8s020_internal_and_restricted_load_balancers_are_info(tmp_path):
    write_file(
        tmp_path,
        "svc.yaml",
        """\
apiVersion: v1
kind: Service
metadata:
  name: internal
  namespace: shop
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-scheme: internal
spec:
  type: LoadBalancer
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: office, namespace: shop}
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [203.0.113.0/24]
  ports: [{port: 80}]
""",
    )
    found = scan_rule(tmp_path, "K8S020")
    assert [(f.region.start_line, f.severity) for f in found] == [
        (9, Severity.INFO),
        (16, Severity.INFO),
    ]


def test_k8s020_a_load_balancer_open_to_every_address_says_so(tmp_path):
    """Source ranges that hold 0.0.0.0/0 are written, but open: the message does not claim
    there are none."""
    write_file(
        tmp_path,
        "svc.yaml",
        """\
apiVersion: v1
kind: Service
metadata: {name: open, namespace: shop}
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [10.0.0.0/8, 0.0.0.0/0]
""",
    )
    (found,) = scan_rule(tmp_path, "K8S020")
    assert found.severity == Severity.MEDIUM
    assert "source ranges open to every address" in found.message


def test_k8s020_source_ranges_that_together_are_every_address_are_open(tmp_path):
    write_file(
        tmp_path,
        "svc.yaml",
        """\
apiVersion: v1
kind: Service
metadata: {name: halves, namespace: shop}
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [0.0.0.0/1, 128.0.0.0/1]
---
apiVersion: v1
kind: Service
metadata:
  name: annotated
  namespace: shop
  annotations:
    service.beta.kubernetes.io/load-balancer-source-ranges: "::/1, 8000::/1"
spec:
  type: LoadBalancer
---
apiVersion: v1
kind: Service
metadata: {name: spelled, namespace: shop}
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [" 000.000.000.000/0"]
---
apiVersion: v1
kind: Service
metadata: {name: half, namespace: shop}
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [0.0.0.0/1, 10.0.0.0/8]
""",
    )
    found = scan_rule(tmp_path, "K8S020")
    assert [(f.region.start_line, f.severity) for f in found] == [
        (5, Severity.MEDIUM),
        (16, Severity.MEDIUM),
        (22, Severity.MEDIUM),
        (29, Severity.INFO),
    ]


def test_k8s028_an_alb_https_listener_terminates_tls(tmp_path):
    """The AWS Load Balancer Controller discovers the ACM certificate for the Ingress's hosts
    when listen-ports asks for an HTTPS listener; an HTTP-only listener is still plain."""
    ingress = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  namespace: shop
  annotations:
    alb.ingress.kubernetes.io/listen-ports: '{ports}'
spec:
  ingressClassName: alb
  rules:
    - host: shop.example.com
"""
    write_file(
        tmp_path,
        "ingress.yaml",
        "---\n".join(
            ingress.replace("{name}", name).replace("{ports}", ports)
            for name, ports in [
                ("https", '[{"HTTPS":443}]'),
                ("both", '[{"HTTP": 80}, {"HTTPS": 443}]'),
                ("http", '[{"HTTP": 80}]'),
                ("https-port-on-http", '[{"HTTP": 443}]'),
            ]
        ),
    )
    found = scan_rule(tmp_path, "K8S028")
    assert sorted(f.resource for f in found) == [
        "Ingress shop/http",
        "Ingress shop/https-port-on-http",
    ]


def test_k8s020_the_aws_load_balancer_controller_makes_internal_nlbs_by_default(tmp_path):
    """A Service the AWS Load Balancer Controller reconciles (its loadBalancerClass, or the
    `external` / `nlb-ip` type annotation) gets an internal NLB unless its scheme says
    internet-facing; the in-tree `nlb` type and other classes stay internet-facing."""
    service = """\
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: shop
  annotations: {{{annotations}}}
spec:
  type: LoadBalancer
  {spec}
  ports: [{{port: 80}}]
"""
    cases = [
        ("class", "", "loadBalancerClass: service.k8s.aws/nlb"),
        ("external", "service.beta.kubernetes.io/aws-load-balancer-type: external", ""),
        ("nlb-ip", "service.beta.kubernetes.io/aws-load-balancer-type: nlb-ip", ""),
        (
            "class-public",
            "service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing",
            "loadBalancerClass: service.k8s.aws/nlb",
        ),
        (
            "external-public",
            "service.beta.kubernetes.io/aws-load-balancer-type: external, "
            "service.beta.kubernetes.io/aws-load-balancer-internal: 'false'",
            "",
        ),
        ("in-tree-nlb", "service.beta.kubernetes.io/aws-load-balancer-type: nlb", ""),
        ("other-class", "", "loadBalancerClass: example.com/lb"),
    ]
    write_file(
        tmp_path,
        "svc.yaml",
        "---\n".join(
            service.format(name=name, annotations=annotations, spec=spec)
            for name, annotations, spec in cases
        ),
    )
    found = scan_rule(tmp_path, "K8S020")
    assert {f.resource.split("/")[1]: f.severity for f in found} == {
        "class": Severity.INFO,
        "external": Severity.INFO,
        "nlb-ip": Severity.INFO,
        "class-public": Severity.MEDIUM,
        "external-public": Severity.MEDIUM,
        "in-tree-nlb": Severity.MEDIUM,
        "other-class": Severity.MEDIUM,
    }


# An Ingress without a tls section, named and annotated by each case.
ANNOTATED_INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  namespace: shop
  annotations: {{{annotations}}}
spec:
  rules:
    - host: shop.example.com
"""


def _k8s028_reported(tmp_path, cases: list[tuple[str, str]]) -> list[str]:
    """The Ingresses K8S028 reports among one annotated Ingress per (name, annotation) case."""
    documents = (ANNOTATED_INGRESS.format(name=n, annotations=a) for n, a in cases)
    write_file(tmp_path, "ingress.yaml", "---\n".join(documents))
    return sorted(f.resource for f in scan_rule(tmp_path, "K8S028"))


def test_k8s028_controllers_that_terminate_tls_from_annotations(tmp_path):
    """Azure AGIC with a certificate installed on the Application Gateway, Traefik with TLS
    on the router (its default certificate or a certificate resolver) or on the websecure
    entry point only (TLS there in Traefik's Helm chart and k3s): TLS without spec.tls.
    `router.tls: "false"` is no TLS, and a router on the web entry point too serves HTTP."""
    cases = [
        ("agic", "appgw.ingress.kubernetes.io/appgw-ssl-certificate: shop-cert"),
        ("traefik", "traefik.ingress.kubernetes.io/router.tls: 'true'"),
        ("traefik-acme", "traefik.ingress.kubernetes.io/router.tls.certresolver: le"),
        ("traefik-off", "traefik.ingress.kubernetes.io/router.tls: 'false'"),
        ("traefik-web", "traefik.ingress.kubernetes.io/router.entrypoints: web"),
        ("traefik-secure", "traefik.ingress.kubernetes.io/router.entrypoints: websecure"),
        ("traefik-both", "traefik.ingress.kubernetes.io/router.entrypoints: 'web,websecure'"),
    ]
    assert _k8s028_reported(tmp_path, cases) == [
        "Ingress shop/traefik-both",
        "Ingress shop/traefik-off",
        "Ingress shop/traefik-web",
    ]


# A LoadBalancer Service with one annotation, for the internal-annotation cases.
ANNOTATED_LOAD_BALANCER = """\
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: shop
  annotations:
    {key}: "{value}"
spec:
  type: LoadBalancer
  ports: [{{port: 80}}]
"""


def _load_balancer_severities(tmp_path, cases: list[tuple[str, str, str]]) -> list[tuple]:
    """(resource, severity) of K8S020's findings on a LoadBalancer Service per (name,
    annotation, value)."""
    write_file(
        tmp_path,
        "svc.yaml",
        "---\n".join(ANNOTATED_LOAD_BALANCER.format(name=n, key=k, value=v) for n, k, v in cases),
    )
    return [(f.resource, f.severity) for f in scan_rule(tmp_path, "K8S020")]


def test_k8s020_alibaba_and_oci_network_load_balancer_internal_annotations(tmp_path):
    """Alibaba Cloud's CCM makes an intranet CLB for `address-type: intranet` (under its
    current `alibaba-cloud-` and its older `alicloud-` prefix), and OKE a private network
    load balancer for `oci-network-load-balancer.oraclecloud.com/internal`; `internet` is
    still internet-facing."""
    cases = [
        ("ali", "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type", "intranet"),
        ("old", "service.beta.kubernetes.io/alicloud-loadbalancer-address-type", "intranet"),
        ("oci", "oci-network-load-balancer.oraclecloud.com/internal", "true"),
        ("pub", "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type", "internet"),
    ]
    assert _load_balancer_severities(tmp_path, cases) == [
        ("Service shop/ali", Severity.INFO),
        ("Service shop/old", Severity.INFO),
        ("Service shop/oci", Severity.INFO),
        ("Service shop/pub", Severity.MEDIUM),
    ]


def test_k8s020_annotations_that_are_internal_whatever_their_value(tmp_path):
    """Tencent's TKE makes an internal CLB in the subnet its annotation names, and AWS's cloud
    provider reads any aws-load-balancer-internal value but `false` as internal; `false` or
    an empty value leaves the load balancer internet-facing."""
    tencent = "service.kubernetes.io/qcloud-loadbalancer-internal-subnetid"
    aws = "service.beta.kubernetes.io/aws-load-balancer-internal"
    cases = [
        ("tke", tencent, "subnet-3kd8a2bx"),
        ("aws", aws, "10.0.0.0/8"),
        ("tke-blank", tencent, ""),
        ("aws-off", aws, "False"),
    ]
    assert _load_balancer_severities(tmp_path, cases) == [
        ("Service shop/tke", Severity.INFO),
        ("Service shop/aws", Severity.INFO),
        ("Service shop/tke-blank", Severity.MEDIUM),
        ("Service shop/aws-off", Severity.MEDIUM),
    ]


def test_k8s028_redirects_to_https_when_tls_ends_in_front(tmp_path):
    """ingress-nginx's force-ssl-redirect (and Contour's ingress.kubernetes.io spelling) is
    the setting for TLS offloaded in front of the cluster: plain HTTP only gets a redirect.
    The ALB's ssl-redirect redirects every HTTP listener to an HTTPS one. A plain
    ssl-redirect, or force-ssl-redirect "false", redirects nothing without a tls section."""
    cases = [
        ("nginx-force", "nginx.ingress.kubernetes.io/force-ssl-redirect: 'true'"),
        ("contour-force", "ingress.kubernetes.io/force-ssl-redirect: 'true'"),
        ("alb-redirect", "alb.ingress.kubernetes.io/ssl-redirect: '443'"),
        ("nginx-force-off", "nginx.ingress.kubernetes.io/force-ssl-redirect: 'false'"),
        ("nginx-redirect", "nginx.ingress.kubernetes.io/ssl-redirect: 'true'"),
    ]
    assert _k8s028_reported(tmp_path, cases) == [
        "Ingress shop/nginx-force-off",
        "Ingress shop/nginx-redirect",
    ]


def test_k8s028_controllers_that_serve_no_plain_http(tmp_path):
    """NGINX Inc's redirect-to-https (the redirect for TLS offloaded in front, by
    X-Forwarded-Proto), APISIX's http-to-https and a Kong route that takes HTTPS only (426,
    or a redirect) answer plain HTTP with nothing but a redirect or a refusal. A Kong route
    that takes HTTP too still serves it, and so does ingress-nginx, which ignores
    allow-http "false"."""
    cases = [
        ("nginx-inc", "nginx.org/redirect-to-https: 'true'"),
        ("apisix", "k8s.apisix.apache.org/http-to-https: 'true'"),
        ("kong", "konghq.com/protocols: https"),
        ("kong-both", "konghq.com/protocols: 'http,https'"),
        ("allow-http", "kubernetes.io/ingress.allow-http: 'false'"),
    ]
    assert _k8s028_reported(tmp_path, cases) == [
        "Ingress shop/allow-http",
        "Ingress shop/kong-both",
    ]


def test_k8s020_a_hetzner_load_balancer_without_its_public_interface_is_internal(tmp_path):
    """Hetzner's cloud controller disables the load balancer's public interface for
    `disable-public-network: "true"`: it is reached on the private network only."""
    key = "load-balancer.hetzner.cloud/disable-public-network"
    cases = [("private", key, "true"), ("public", key, "false")]
    assert _load_balancer_severities(tmp_path, cases) == [
        ("Service shop/private", Severity.INFO),
        ("Service shop/public", Severity.MEDIUM),
    ]


def test_k8s020_aks_allowed_ip_ranges_restrict_the_load_balancer(tmp_path):
    """AKS's azure-allowed-ip-ranges is its spelling of loadBalancerSourceRanges (the
    network security group admits only those ranges); ranges that admit every address
    restrict nothing."""
    key = "service.beta.kubernetes.io/azure-allowed-ip-ranges"
    cases = [("office", key, "203.0.113.0/24, 198.51.100.7/32"), ("all", key, "0.0.0.0/0")]
    assert _load_balancer_severities(tmp_path, cases) == [
        ("Service shop/office", Severity.INFO),
        ("Service shop/all", Severity.MEDIUM),
    ]


def test_k8s020_openstack_and_ibm_internal_annotations(tmp_path):
    """OpenStack's cloud provider makes an internal load balancer (no floating IP) for
    `openstack-internal-load-balancer: "true"` (the default is false), and IBM Cloud a
    private one for `ibm-load-balancer-cloud-provider-ip-type: private`; `false` and
    `public` are internet-facing."""
    openstack = "service.beta.kubernetes.io/openstack-internal-load-balancer"
    ibm = "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type"
    cases = [
        ("os", openstack, "true"),
        ("ibm", ibm, "private"),
        ("os-off", openstack, "false"),
        ("ibm-pub", ibm, "public"),
    ]
    assert _load_balancer_severities(tmp_path, cases) == [
        ("Service shop/os", Severity.INFO),
        ("Service shop/ibm", Severity.INFO),
        ("Service shop/os-off", Severity.MEDIUM),
        ("Service shop/ibm-pub", Severity.MEDIUM),
    ]
