"""The port an Amazon RDS database listens on when its template sets no `Port`: its engine's
default (AWS::RDS::DBInstance and ::DBCluster `Port`, "Default value: 3306 for MySQL,
MariaDB and Aurora MySQL, 5432 for PostgreSQL and Aurora PostgreSQL, 1521 for Oracle, 1433
for SQL Server, 50000 for Db2", the CloudFormation resource reference)."""

from __future__ import annotations

# Engine name prefixes (lower case, as the Engine property spells them: `aurora-postgresql`,
# `oracle-ee-cdb`, `custom-sqlserver-se`), longest first so `aurora-postgresql` is not read
# as `aurora` (Aurora MySQL 5.6's engine name).
_DEFAULT_PORTS = (
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
)


def default_port(engine: str) -> int | None:
    """The default port of an RDS engine, None for an engine this table does not know."""
    name = engine.strip().lower()
    for prefix, port in _DEFAULT_PORTS:
        if name == prefix or name.startswith(prefix + "-"):
            return port
    return None
