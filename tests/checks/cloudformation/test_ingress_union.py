"""Security group rules whose ranges together admit every address (0.0.0.0/1 and
128.0.0.0/1 on the same ports) are as open as 0.0.0.0/0 (CFN006-CFN009)."""

from __future__ import annotations

from tests.checks.cloudformation import scan_text
from tests.conftest import findings_of, lines_of, processor_seconds

HALVES = """\
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: halves
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 0, ToPort: 1000, CidrIp: 0.0.0.0/1}
        - {IpProtocol: tcp, FromPort: 20, ToPort: 30, CidrIp: 128.0.0.0/1}
        - {IpProtocol: tcp, FromPort: 3306, ToPort: 3306, CidrIp: 0.0.0.0/1}
        - {IpProtocol: udp, FromPort: 3306, ToPort: 3306, CidrIp: 128.0.0.0/1}
"""


def test_halves_on_overlapping_ports_open_ssh(tmp_path):
    result = scan_text(tmp_path, HALVES)
    (found,) = findings_of(result, "CFN006")
    assert found.region.start_line == 7  # the first of the rules
    assert found.properties["cidr"] == "0.0.0.0/1 + 128.0.0.0/1"
    assert "tcp ports 20-30" in found.message
    # 3306 is open to one half on tcp and the other on udp: nobody reaches both.
    assert not findings_of(result, "CFN009") and not findings_of(result, "CFN008")


def test_standalone_ipv6_halves_of_one_group_open_every_port(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: inline half
      SecurityGroupIngress:
        - {IpProtocol: "-1", CidrIpv6: "::/1"}
  OtherHalf:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt Group.GroupId
      IpProtocol: "-1"
      CidrIpv6: "8000::/1"
  Elsewhere:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: sg-0123456789abcdef0
      IpProtocol: "-1"
      CidrIpv6: "8000::/1"
""",
    )
    assert lines_of(result, "CFN008") == [7]


def test_quarters_across_protocols_and_ranges_open_rdp_and_every_port(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: quarters
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIp: 0.0.0.0/2}
        - {IpProtocol: "6", FromPort: 3000, ToPort: 4000, CidrIp: 64.0.0.0/2}
        - {IpProtocol: "-1", CidrIp: 128.0.0.0/2}
        - {IpProtocol: "-1", CidrIp: 192.0.0.0/2}
        - {IpProtocol: tcp, FromPort: 0, ToPort: 40000, CidrIp: 0.0.0.0/1}
        - {IpProtocol: tcp, FromPort: 40001, ToPort: 65535, CidrIp: 0.0.0.0/1}
""",
    )
    assert lines_of(result, "CFN007") == []  # 3389 is in the every-port finding
    (every,) = findings_of(result, "CFN008")
    assert every.region.start_line == 7 and "tcp ports 0-65535" in every.message


def test_world_spellings_alone(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: spellings
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: "0.0.0.0/0 "}
        - {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 000.000.000.000/0}
        - {IpProtocol: tcp, FromPort: 6379, ToPort: 6379, CidrIpv6: "::ffff:0.0.0.0/96"}
""",
    )
    assert lines_of(result, "CFN006") == [7]
    assert lines_of(result, "CFN009") == [8, 9]


def test_narrow_ranges_stay_silent_and_thousands_are_cheap(tmp_path):
    rules = "".join(
        f"        - {{IpProtocol: tcp, FromPort: {port}, ToPort: {port + 30}, "
        f"CidrIp: {'0.0.0.0/1' if port % 2 else f'{port % 256}.{port // 256}.0.0/16'}}}\n"
        for port in range(4000)
    )
    text = HALVES.split("        - ")[0] + rules
    started = processor_seconds()
    result = scan_text(tmp_path, text)
    assert processor_seconds() - started < 10
    assert not [f for f in result.findings if f.rule_id in ("CFN006", "CFN008", "CFN009")]


def test_standalone_rules_naming_a_group_by_its_literal_group_name_join_its_union(tmp_path):
    # In a default VPC a standalone rule may name its group by GroupName: the group's own
    # literal GroupName, a Ref of it, or GetAtt/Ref as GroupId are one group.
    result = scan_text(
        tmp_path,
        """\
Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupName: web-sg
      GroupDescription: inline half
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/1}
  ByName:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupName: " web-sg"
      IpProtocol: "6"
      FromPort: "22"
      ToPort: "22"
      CidrIp: 128.0.0.0/1
  Db:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupName: db-sg
      GroupDescription: halves by Ref as name and GetAtt as id
  RefAsName:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupName: !Ref Db
      IpProtocol: tcp
      FromPort: 5432
      ToPort: 5432
      CidrIp: 0.0.0.0/1
  LiteralName:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupName: db-sg
      IpProtocol: TCP
      FromPort: 5432
      ToPort: 5432
      CidrIp: 128.0.0.0/1
  OtherGroup:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupName: another-sg
      IpProtocol: tcp
      FromPort: 3389
      ToPort: 3389
      CidrIp: 128.0.0.0/1
  Rdp:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupName: rdp-sg
      GroupDescription: the other half is another group's
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIp: 0.0.0.0/1}
""",
    )
    assert lines_of(result, "CFN006") == [8]
    assert lines_of(result, "CFN009") == [29]
    assert not findings_of(result, "CFN007")
