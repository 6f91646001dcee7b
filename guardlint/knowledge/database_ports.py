"""The port a managed database listens on, for a security group rule that names it by the
database's port attribute (`Fn::GetAtt [Db, Endpoint.Port]`, what the CDK writes for
`db.connections.allowDefaultPortFrom(...)`): the resource's `Port`, or else its default. The
defaults are those of the CloudFormation resource reference: AWS::RDS::DBInstance and
::DBCluster `Port` ("3306 for MySQL, MariaDB and Aurora MySQL, 5432 for PostgreSQL and Aurora
PostgreSQL, 1521 for Oracle, 1433 for SQL Server, 50000 for Db2"), AWS::DocDB::DBCluster
27017, AWS::Neptune::DBCluster 8182, AWS::Redshift::Cluster 5439, ElastiCache 6379 for Redis
OSS and Valkey, 11211 for Memcached."""

from __future__ import annotations

from typing import NamedTuple


class DatabasePorts(NamedTuple):
    """A database resource type: the attributes that give its port, and its default port
    (None: by its Engine)."""

    attributes: frozenset[str]
    default: int | None


_RDS = DatabasePorts(frozenset({"Endpoint.Port", "ReadEndpoint.Port"}), None)
_CACHE = ("RedisEndpoint.Port", "ConfigurationEndpoint.Port")
DATABASE_PORTS: dict[str, DatabasePorts] = {
    "AWS::RDS::DBInstance": _RDS,
    "AWS::RDS::DBCluster": _RDS,
    "AWS::DocDB::DBCluster": DatabasePorts(frozenset({"Port"}), 27017),
    "AWS::Neptune::DBCluster": DatabasePorts(frozenset({"Port"}), 8182),
    "AWS::Redshift::Cluster": DatabasePorts(frozenset({"Endpoint.Port"}), 5439),
    "AWS::ElastiCache::CacheCluster": DatabasePorts(frozenset(_CACHE), None),
    "AWS::ElastiCache::ReplicationGroup": DatabasePorts(
        frozenset({"PrimaryEndPoint.Port", "ReaderEndPoint.Port", "ConfigurationEndPoint.Port"}),
        None,
    ),
}

# Engine name prefixes (lower case, as the Engine property spells them: `aurora-postgresql`,
# `oracle-ee-cdb`, `custom-sqlserver-se`), longest first so `aurora-postgresql` is not read
# as `aurora` (Aurora MySQL 5.6's engine name).
_ENGINE_PORTS = (
    ("aurora-postgresql", 5432),
    ("aurora-mysql", 3306),
    ("aurora", 3306),
    ("postgres", 5432),
    ("mysql", 3306),
    ("mariadb", 3306),
    ("custom-oracle", 1521),
    ("oracle", 1521),
    ("custom-sqlserver", 1433),
    ("sqlserver", 1433),
    ("db2", 50000),
    ("redis", 6379),
    ("valkey", 6379),
    ("memcached", 11211),
)


def default_port(engine: str) -> int | None:
    """The default port of a database engine, None for an engine this table does not know."""
    name = engine.strip().lower()
    for prefix, port in _ENGINE_PORTS:
        if name == prefix or name.startswith(prefix + "-"):
            return port
    return None
