"""Where security group rules take their ports and sources from (CFN006-CFN009): ports on
Fn::If branches, one deployment at a time, and managed prefix lists of the template."""

from __future__ import annotations

from tests.checks.cloudformation import scan_text
from tests.conftest import findings_of, lines_of, processor_seconds


def test_sg_ports_behind_fn_if_are_judged_per_branch(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Parameters:
  Os: {Type: String, AllowedValues: [linux, windows], Default: linux}
Conditions:
  IsWindows: !Equals [!Ref Os, windows]
Resources:
  Admin:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: admin access by operating system
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: !If [IsWindows, 3389, 22]
          ToPort: !If [IsWindows, 3389, 22]
          CidrIp: 0.0.0.0/0
        - IpProtocol: tcp
          FromPort: !If [IsWindows, 1433, 443]
          ToPort: !If [IsWindows, 1433, 443]
          CidrIp: !If [IsWindows, 10.0.0.0/8, 0.0.0.0/0]
""",
    )
    # Both ends of a range take the same branch: SSH on Linux, RDP on Windows.
    assert lines_of(result, "CFN006") == [14] and lines_of(result, "CFN007") == [14]
    # 1433 only in the branch that keeps the source private; nothing pairs 1433 with the world.
    assert not findings_of(result, "CFN009") and not findings_of(result, "CFN008")


def test_thousands_of_rules_with_ports_on_branches_stay_cheap(tmp_path):
    # Each rule's ports branch on four conditions (16 deployments): judged per deployment up
    # to a budget, then as written, so the scan stays linear and the real finding survives.
    conditions = "".join(f"  C{i}: !Equals [!Ref P{i}, x]\n" for i in range(8))
    parameters = "".join(f"  P{i}: {{Type: String}}\n" for i in range(8))
    rules = "".join(
        f"        - {{IpProtocol: tcp, CidrIp: 0.0.0.0/0,"
        f" FromPort: !If [C{i % 8}, !If [C{(i + 1) % 8}, 80, 81], !If [C{(i + 2) % 8}, 82, 83]],"
        f" ToPort: !If [C{(i + 3) % 8}, 90, 91]}}\n"
        for i in range(5000)
    )
    text = (
        f"Parameters:\n{parameters}Conditions:\n{conditions}Resources:\n  Group:\n"
        "    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: many\n"
        f"      SecurityGroupIngress:\n{rules}"
        "        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}\n"
    )
    started = processor_seconds()
    result = scan_text(tmp_path, text)
    assert processor_seconds() - started < 10
    assert lines_of(result, "CFN006") == [5025]


def test_sg_source_prefix_list_of_the_template_open_to_the_world(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Resources:
  Everyone:
    Type: AWS::EC2::PrefixList
    Properties:
      PrefixListName: everyone
      AddressFamily: IPv4
      MaxEntries: 2
      Entries:
        - {Cidr: 0.0.0.0/1, Description: low half}
        - {Cidr: 128.0.0.0/1, Description: high half}
  Office:
    Type: AWS::EC2::PrefixList
    Properties:
      PrefixListName: office
      AddressFamily: IPv4
      MaxEntries: 1
      Entries: [{Cidr: 203.0.113.0/24}]
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: prefix lists
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, SourcePrefixListId: !Ref Everyone}
        - {IpProtocol: tcp, FromPort: 3389, ToPort: 3389, SourcePrefixListId: !Ref Office}
        - {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, SourcePrefixListId: pl-0123456789}
  Rdp:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt Group.GroupId
      IpProtocol: "-1"
      SourcePrefixListId: !GetAtt Everyone.PrefixListId
""",
    )
    (ssh,) = findings_of(result, "CFN006")
    assert ssh.region.start_line == 23
    assert ssh.properties["cidr"] == "0.0.0.0/1 + 128.0.0.0/1"
    assert lines_of(result, "CFN008") == [31]
    # The office's list, and a list of another stack, are not the world.
    assert not findings_of(result, "CFN007") and not findings_of(result, "CFN009")


def test_a_long_prefix_list_named_by_thousands_of_rules_is_read_once(tmp_path):
    entries = "".join(
        f"        - Cidr: 10.{i // 256 % 256}.{i % 256}.0/24\n" for i in range(20_000)
    )
    rules = "".join(
        f"        - {{IpProtocol: tcp, FromPort: {i}, ToPort: {i}, SourcePrefixListId: !Ref Big}}\n"
        for i in range(5000)
    )
    text = (
        "Resources:\n  Big:\n    Type: AWS::EC2::PrefixList\n    Properties:\n"
        f"      PrefixListName: big\n      AddressFamily: IPv4\n      Entries:\n{entries}"
        "        - Cidr: 0.0.0.0/0\n"
        "  Group:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
        f"      GroupDescription: many\n      SecurityGroupIngress:\n{rules}"
    )
    started = processor_seconds()
    result = scan_text(tmp_path, text)
    assert processor_seconds() - started < 10
    # 0.0.0.0/0 is past the ranges read (MAX_RANGES): such a list is not judged, cheaply.
    assert not findings_of(result, "CFN006")


def test_sg_lone_inline_rule_written_as_a_map_is_judged(tmp_path):
    # A group's one rule is often written as a map rather than a one-item list (cfndsl's
    # output and cfn_nag's examples do): it opens the port all the same.
    result = scan_text(
        tmp_path,
        """\
Resources:
  Bastion:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: shell access
      SecurityGroupIngress:
        IpProtocol: tcp
        FromPort: 22
        ToPort: 22
        CidrIp: 0.0.0.0/0
  Office:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: shell access from the office only
      SecurityGroupIngress: {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 203.0.113.0/24}
""",
    )
    assert lines_of(result, "CFN006") == [10]


def test_sg_port_of_an_rds_database_by_getatt_endpoint_port(tmp_path):
    # What the CDK writes for `db.connections.allowDefaultPortFromAnyIpv4()`: the rule's port
    # is the database's Endpoint.Port, its Port property or else its engine's default port.
    result = scan_text(
        tmp_path,
        """\
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres, DBInstanceClass: db.t3.micro, AllocatedStorage: "20"}
  DbGroup:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: db}
  DbFromWorld:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt DbGroup.GroupId
      IpProtocol: tcp
      CidrIp: 0.0.0.0/0
      FromPort: {"Fn::GetAtt": [Db, Endpoint.Port]}
      ToPort: {"Fn::GetAtt": [Db, Endpoint.Port]}
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties: {Engine: aurora-mysql}
  ClusterFromWorld:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt DbGroup.GroupId
      IpProtocol: tcp
      CidrIpv6: ::/0
      FromPort: !GetAtt Cluster.Endpoint.Port
      ToPort: !GetAtt Cluster.Endpoint.Port
  Custom:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: mysql, Port: "8080", DBInstanceClass: db.t3.micro}
  CustomFromWorld:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt DbGroup.GroupId
      IpProtocol: tcp
      CidrIp: 0.0.0.0/0
      FromPort: !GetAtt Custom.Endpoint.Port
      ToPort: !GetAtt Custom.Endpoint.Port
  Unknown:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: !Ref AWS::NoValue}
  UnknownFromWorld:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt DbGroup.GroupId
      IpProtocol: tcp
      CidrIp: 0.0.0.0/0
      FromPort: !GetAtt Unknown.Endpoint.Port
      ToPort: !GetAtt Unknown.Endpoint.Port
""",
    )
    messages = [f.message for f in findings_of(result, "CFN009")]
    assert lines_of(result, "CFN009") == [13, 24]  # each at its source
    assert "5432" in messages[0] and "3306" in messages[1]
    # Port 8080 is no database port; an engine that cannot be read leaves the port unknown.
    assert not findings_of(result, "CFN006") and not findings_of(result, "CFN008")


def test_sg_port_of_other_databases_by_their_port_attribute(tmp_path):
    # DocumentDB's (CDK's docdb `connections.allowDefaultPortFrom`) is `Port`, ElastiCache's
    # `RedisEndpoint.Port` or `PrimaryEndPoint.Port`: each the resource's Port or its default.
    rule = (
        "  {name}:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n"
        "      GroupId: sg-1\n      IpProtocol: tcp\n      CidrIp: 0.0.0.0/0\n"
        "      FromPort: !GetAtt {attribute}\n      ToPort: !GetAtt {attribute}\n"
    )
    text = (
        "Resources:\n"
        "  Docs:\n    Type: AWS::DocDB::DBCluster\n    Properties: {MasterUsername: u}\n"
        "  Cache:\n    Type: AWS::ElastiCache::CacheCluster\n"
        "    Properties: {Engine: redis, CacheNodeType: cache.t3.micro, NumCacheNodes: 1}\n"
        "  Group:\n    Type: AWS::ElastiCache::ReplicationGroup\n"
        "    Properties: {ReplicationGroupDescription: g, Engine: valkey, Port: 7000}\n"
        + rule.format(name="DocsFromWorld", attribute="Docs.Port")
        + rule.format(name="CacheFromWorld", attribute="Cache.RedisEndpoint.Port")
        + rule.format(name="GroupFromWorld", attribute="Group.PrimaryEndPoint.Port")
    )
    result = scan_text(tmp_path, text)
    messages = sorted(f.message for f in findings_of(result, "CFN009"))
    assert len(messages) == 2  # port 7000 is no database port
    assert "27017" in messages[1] and "6379" in messages[0]


def test_a_port_attribute_of_odd_shape_is_unknown(tmp_path):
    result = scan_text(
        tmp_path,
        """\
Resources:
  Odd:
    Type: [AWS::RDS::DBInstance]
  Rule:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: sg-1
      IpProtocol: tcp
      CidrIp: 0.0.0.0/0
      FromPort: {"Fn::GetAtt": [Odd, {Ref: X}]}
      ToPort: !GetAtt Odd.Endpoint.Port
""",
    )
    assert not findings_of(result, "CFN009") and not findings_of(result, "GL002")
