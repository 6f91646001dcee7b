"""Passwords, keys and tokens the command-line clients a container build or a manifest runs take
as an argument (secret_patterns.COMMAND_CREDENTIALS): an option of their own (`ldapsearch -w`,
`smbclient -U user%pass`, `lftp -u user,pass`, `unzip -P`, a Go program's `-token=`) or an
operand after a fixed number of others (`mc alias set NAME URL ACCESS SECRET`, `rabbitmqctl
add_user USER PASS`, `vault login TOKEN`). A value read from a variable or a file, a prompt,
and a placeholder stay silent."""

from __future__ import annotations

import pytest

from guardlint.knowledge.secret_patterns import COMMAND_NAMES
from guardlint.knowledge.secrets import find_secrets


def _found(line: str) -> list[tuple[str, str]]:
    return [(m.kind, m.value) for m in find_secrets(line)]


@pytest.mark.parametrize(
    "line,password",
    [
        # operands: MinIO's client (the secret key after the alias, URL and access key)
        ("mc alias set myminio http://minio:9000 minioadmin Sup3rS3cret99", "Sup3rS3cret99"),
        ("mc alias set s3 https://s3.example.com ak 'wJalrXUtnFEMIK7MDENGbPxRfiCY'",
         "wJalrXUtnFEMIK7MDENGbPxRfiCY"),
        ("mc config host add old http://minio:9000 admin S3cretPass1 --api S3v4", "S3cretPass1"),
        # RabbitMQ's users, samba-tool's
        ("rabbitmqctl add_user admin S3cretPass1", "S3cretPass1"),
        ('rabbitmqctl -q change_password "admin" "S3cretPass1"', "S3cretPass1"),
        ("samba-tool user create jdoe S3cretPass1 --given-name=John", "S3cretPass1"),
        # Vault: a token to log in with, key=value credentials
        ("vault login s.Xk82jfQzLm29aBcDeFgHiJkL", "s.Xk82jfQzLm29aBcDeFgHiJkL"),
        ("vault login -no-print s.Xk82jfQzLm29aBcDeFgHiJkL", "s.Xk82jfQzLm29aBcDeFgHiJkL"),
        ("vault login -method=userpass username=admin password=S3cretPass1", "S3cretPass1"),
        ("vault write auth/userpass/users/admin password=S3cretPass1", "S3cretPass1"),
        ("vault write auth/approle/login role_id=app secret_id=9f8e7d6c5b4a", "9f8e7d6c5b4a"),
        # options of their own
        ("ldapsearch -x -D cn=admin,dc=example,dc=org -w S3cretPass1 -b dc=example,dc=org",
         "S3cretPass1"),
        ("ldapadd -x -D cn=admin,dc=ex,dc=org -w 'S3cretPass1' -f /tmp/a.ldif", "S3cretPass1"),
        ("ldappasswd -x -D cn=admin,dc=ex -W -s N3wPass99 uid=u,dc=ex", "N3wPass99"),
        ("smbclient //server/share -U admin%S3cretPass1 -c ls", "S3cretPass1"),
        ("smbclient -U 'DOMAIN\\admin%S3cretPass1' //server/share", "S3cretPass1"),
        ("net ads join -U administrator%S3cretPass1", "S3cretPass1"),
        ("rpcclient --user=admin%S3cretPass1 -c enumdomusers dc", "S3cretPass1"),
        ("samba-tool domain provision --realm=EX.COM --adminpass=S3cretPass1", "S3cretPass1"),
        ("lftp -u admin,S3cretPass1 ftp.example.com", "S3cretPass1"),
        ("lftp -e 'open -u deploy,S3cretPass1 sftp://host' ", "S3cretPass1"),
        ("unzip -P S3cretPass1 archive.zip", "S3cretPass1"),
        ("zip -P S3cretPass1 -r out.zip dir", "S3cretPass1"),
        ("7z x -pS3cretPass1 archive.7z", "S3cretPass1"),
        ("influx setup -u admin -p S3cretPass1 -o org -b bucket -f", "S3cretPass1"),
        ("influx config create -n c -u http://i:8086 -p admin:S3cretPass1", "admin:S3cretPass1"),
        ("influx -username admin -password S3cretPass1 -execute 'SHOW DATABASES'",
         "S3cretPass1"),
        ("rabbitmqadmin -u admin -p S3cretPass1 list queues", "S3cretPass1"),
        ("doctl auth init -t 9f8e7d6c5b4a39281716", "9f8e7d6c5b4a39281716"),
        # a Go program's single-dash option joined to its value
        ("consul acl token list -token=5f2c9d1e-3b4a-4c8d-9e7f-1a2b3c4d5e6f",
         "5f2c9d1e-3b4a-4c8d-9e7f-1a2b3c4d5e6f"),
        ("nomad job run -token=S3cretTok3n99 job.hcl", "S3cretTok3n99"),
    ],
)  # fmt: skip
def test_credentials_a_client_is_given(line, password):
    assert _found(line) == [("Command-line Password", password)]


@pytest.mark.parametrize(
    "line",
    [
        'mc alias set myminio http://minio:9000 "$MINIO_USER" "$MINIO_PASSWORD"',
        "mc alias set myminio http://minio:9000 ${MINIO_ROOT_USER} ${MINIO_ROOT_PASSWORD}",
        "mc alias set myminio http://minio:9000",  # prompts
        "mc alias set myminio http://minio:9000 <ACCESS_KEY> <SECRET_KEY>",
        "mc alias list",
        'rabbitmqctl add_user admin "$RABBITMQ_PASSWORD"',
        "rabbitmqctl add_user admin",  # prompts
        "rabbitmqctl set_permissions -p / admin '.*' '.*' '.*'",
        "vault login",
        "vault login -method=userpass username=admin",  # prompts for the password
        "vault login -method userpass username=admin",
        'vault login "$VAULT_TOKEN"',
        "vault write auth/userpass/users/admin password=@/run/secrets/pw",
        "vault kv put secret/db password=-",  # standard input
        "ldapsearch -x -D cn=admin,dc=ex -W -b dc=ex",  # prompts
        'ldapadd -x -D cn=admin,dc=ex -w "$LDAP_ADMIN_PASSWORD" -f a.ldif',
        "ldapadd -x -D cn=admin,dc=ex -y /run/secrets/ldap -f a.ldif",
        "smbclient //server/share -U admin -c ls",
        "smbclient //server/share -U admin%$SMB_PASSWORD",
        "lftp -u admin ftp.example.com",
        "lftp -u admin,$FTP_PASSWORD ftp.example.com",
        "unzip -q archive.zip -d /opt",
        "7z x -p archive.7z",  # prompts
        "influx write -b bucket -p s 'm v=1'",  # -p is the precision
        'influx setup -u admin -p "$INFLUX_PASSWORD" -o org -b b -f',
        "rabbitmqadmin -u admin -p $RABBIT_PASS -P 15672 list queues",
        "doctl compute droplet list -t $DO_TOKEN",
        "consul acl token list -token=$CONSUL_TOKEN",
        "consul agent -dev -encrypt=false",
        "openssl rsa -in k.pem -passin env:KEY_PASS -out k2.pem",
        "openssl enc -d -aes256 -pass file:/run/secrets/pw -in a -out b",
    ],
)
def test_clients_without_a_literal_credential(line):
    assert _found(line) == []


@pytest.mark.parametrize(
    "line,password",
    [
        # a password an SQL statement sets, as the client runs it
        ("psql -c \"ALTER USER app WITH PASSWORD 'S3cretPass1'\"", "S3cretPass1"),
        ("psql -U postgres -c \"CREATE ROLE app LOGIN PASSWORD 'S3cretPass1';\"", "S3cretPass1"),
        ("psql -c \"CREATE USER app WITH ENCRYPTED PASSWORD 'S3cretPass1'\"", "S3cretPass1"),
        ("mysql -e \"CREATE USER 'app'@'%' IDENTIFIED BY 'S3cretPass1'\"", "S3cretPass1"),
        ("mysql -e \"ALTER USER 'root'@'localhost' IDENTIFIED WITH mysql_native_password BY "
         "'S3cretPass1';\"", "S3cretPass1"),
        ("mysql -e \"SET PASSWORD FOR 'root'@'localhost' = PASSWORD('S3cretPass1');\"",
         "S3cretPass1"),
        ("sqlcmd -U sa -P \"$SA\" -Q \"CREATE LOGIN app WITH PASSWORD = N'S3cretPass1'\"",
         "S3cretPass1"),
        ('"command": ["psql", "-c", "ALTER USER app PASSWORD \\\'S3cretPass1\\\'"]', "S3cretPass1"),
        # the password openssl hashes for useradd, a CIFS share's among mount's options
        ("useradd -m -p $(openssl passwd -1 S3cretPass1) app", "S3cretPass1"),
        ('useradd -p "$(openssl passwd -6 -salt abc S3cretPass1)" app', "S3cretPass1"),
        ("mount -t cifs //srv/share /mnt -o username=admin,password=S3cretPass1", "S3cretPass1"),
        ("mount.cifs //srv/share /mnt -o user=admin,pass=S3cretPass1,vers=3.0", "S3cretPass1"),
    ],
)  # fmt: skip
def test_passwords_a_statement_or_a_system_command_sets(line, password):
    assert _found(line) == [("Command-line Password", password)]


@pytest.mark.parametrize(
    "line",
    [
        "mysql -e \"CREATE USER 'a'@'%' IDENTIFIED BY PASSWORD '*6BB4837EB74329105EE4568DDA7DC6'\"",
        "psql -v pw=\"$PW\" -c \"ALTER USER app WITH PASSWORD :'pw'\"",
        "psql -c \"ALTER USER app WITH PASSWORD '$DB_PASSWORD'\"",
        "psql -c \"ALTER USER app WITH PASSWORD NULL\"",
        "mysql -e \"CREATE USER 'app'@'%' IDENTIFIED BY 'changeme'\"",
        "grep -q 'password' /etc/app.conf && sed -i 's/a/b/' /etc/app.conf",
        "grep -q 'password ' /etc/app.conf && sed -i 's/a/b/' /etc/app.conf",
        "read -s -p 'Password: ' PW",
        "password = 'S3cretPass1'",  # code's: judged by its name elsewhere
        "openssl passwd -1 -salt abc -stdin < /run/secrets/pw",
        'useradd -m -p "$(openssl passwd -6 "$APP_PASSWORD")" app',
        "mount -t cifs //srv/share /mnt -o credentials=/root/.smbcred,vers=3.0",
        "mount -t cifs //srv/share /mnt -o username=admin,password=$SMB_PASS",
    ],
)  # fmt: skip
def test_statements_and_system_commands_without_a_literal_password(line):
    assert _found(line) == []


@pytest.mark.parametrize(
    "line,passwords",
    [
        ("keytool -genkeypair -keystore ks.jks -storepass A1b2c3d4e -keypass Kp4ssw0rd",
         ["A1b2c3d4e", "Kp4ssw0rd"]),
        ("openssl pkcs12 -export -passin pass:S3cretA1 -passout pass:S3cretB2 -out a.p12",
         ["S3cretA1", "S3cretB2"]),
        ("ldappasswd -x -D cn=admin,dc=ex -w Old1pass -s N3wPass99 uid=u,dc=ex",
         ["Old1pass", "N3wPass99"]),
        # the next command's option is its own
        ("keytool -list -storepass A1b2c3d4e && mysql -uroot -pS3cretPass1 -e 'select 1'",
         ["A1b2c3d4e", "S3cretPass1"]),
    ],
)  # fmt: skip
def test_every_password_one_command_is_given(line, passwords):
    assert sorted(value for _, value in _found(line)) == sorted(passwords)


@pytest.mark.parametrize(
    "line,password",
    [
        ("mariadb -uroot -pS3cretPass1 -e 'select 1'", "S3cretPass1"),
        ("mariadb-admin ping -h localhost -uroot -pS3cretPass1", "S3cretPass1"),
        ("cqlsh -u cassandra -p S3cretPass1 -e 'describe keyspaces'", "S3cretPass1"),
        ("cypher-shell -u neo4j -p S3cretPass1 'RETURN 1'", "S3cretPass1"),
        ("couchbase-cli bucket-list -c localhost -u Administrator -p S3cretPass1", "S3cretPass1"),
        ("elasticsearch-users useradd admin -p S3cretPass1 -r superuser", "S3cretPass1"),
        ("twine upload -u admin -p S3cretPass1 dist/*", "S3cretPass1"),
        ("mosquitto_pub -h broker -u user -P S3cretPass1 -t t -m m", "S3cretPass1"),
        ("etcdctl --user root:S3cretPass1 put a b", "S3cretPass1"),
        ("java -jar jenkins-cli.jar -s http://j:8080 -auth admin:11a2b3c4d5e6f7a8b9 who-am-i",
         "11a2b3c4d5e6f7a8b9"),
        ("curl --oauth2-bearer 9f8e7d6c5b4a39281716 https://x", "9f8e7d6c5b4a39281716"),
        ("curl -U proxyuser:S3cretPass1 -x http://proxy:3128 https://x", "S3cretPass1"),
        ("crane auth login r.io -u bob -p S3cretPass1", "S3cretPass1"),
        ("oras login r.io -u bob -p S3cretPass1", "S3cretPass1"),
        ("regctl registry login r.io -u bob -p S3cretPass1", "S3cretPass1"),
        ("ibmcloud login -u me@example.com -p S3cretPass1", "S3cretPass1"),
        ("mc admin user add myminio newuser S3cretPass1", "S3cretPass1"),
        ("neo4j-admin dbms set-initial-password S3cretPass1", "S3cretPass1"),
        ("mosquitto_passwd -b /mosquitto/passwd user S3cretPass1", "S3cretPass1"),
        ("net user admin S3cretPass1 /add", "S3cretPass1"),
        ("net rpc user add bob S3cretPass1", "S3cretPass1"),
        ("erl -sname a -setcookie Zk82jfQzLm29 -noshell", "Zk82jfQzLm29"),
        ('RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-setcookie Zk82jfQzLm29" rabbitmq-server',
         "Zk82jfQzLm29"),
        ("consul agent -server -encrypt=pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=",
         "pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s="),
        # a Gradle project property, as a Go program's single-dash option
        ("./gradlew publish -PsonatypePassword=S3cretPass1", "S3cretPass1"),
    ],
)  # fmt: skip
def test_more_clients_given_a_credential(line, password):
    assert _found(line) == [("Command-line Password", password)]


@pytest.mark.parametrize(
    "line",
    [
        "mosquitto_pub -h broker -p 1883 -t t -m m",  # -p is the port
        'mosquitto_sub -h broker -u user -P "$MQTT_PASS" -t t',
        'cqlsh cassandra 9042 -u cassandra -p "$CASS_PW"',
        "net user admin /add",
        "net user admin * /add",  # prompts
        "net user admin /active:yes",
        "net user add bob",
        'neo4j-admin dbms set-initial-password "$NEO4J_PASSWORD"',
        'mc admin user add myminio newuser "$NEWPASS"',
        "mosquitto_passwd -c /mosquitto/passwd user",  # prompts
        "etcdctl --user root put a b",
        "java -jar jenkins-cli.jar -s http://j -auth @/run/secrets/jenkins who-am-i",
        "curl -U proxyuser: -x http://proxy https://x",
        'twine upload -u __token__ -p "$PYPI_TOKEN" dist/*',
        "crane auth login r.io -u bob --password-stdin",
        'mariadb-admin ping -h localhost -uroot -p"$MARIADB_ROOT_PASSWORD"',
        "./gradlew build -Pprod",
        'erl -sname a -setcookie "$COOKIE"',
        "consul agent -server -encrypt=$CONSUL_GOSSIP",
    ],
)
def test_more_clients_without_a_literal_credential(line):
    assert _found(line) == []


@pytest.mark.parametrize(
    "line,password",
    [
        ("rclone config create s3r s3 provider AWS secret_access_key S3cretKeyAbc123",
         "S3cretKeyAbc123"),
        ("rclone config create ftp1 ftp host=ftp.x user=u pass=S3cretPass1", "S3cretPass1"),
        ("rclone config create --obscure ftp1 ftp host ftp.x user u pass 'S3cretPass1'",
         "S3cretPass1"),
        ("rclone --config /etc/rclone.conf config update ftp1 pass S3cretPass1", "S3cretPass1"),
        ("rclone config password ftp1 pass=S3cretPass1", "S3cretPass1"),
        ("rclone obscure S3cretPass1", "S3cretPass1"),
    ],
)  # fmt: skip
def test_rclone_remote_settings_under_a_secret_key(line, password):
    assert _found(line) == [("Command-line Password", password)]


@pytest.mark.parametrize(
    "line",
    [
        "rclone obscure -",  # standard input
        "rclone config create ftp1 ftp host=ftp.x user=u pass=$FTP_PASS",
        "rclone config create s3r s3 env_auth true region eu-west-1",
        "rclone config create gd drive config_is_local=false scope drive",
        "rclone config create s3r s3 --config /x/r.conf provider AWS env_auth true",
        'rclone copy src remote:dst --password-command "cat /run/secrets/pw"',
    ],
)
def test_rclone_settings_without_a_literal_secret(line):
    assert _found(line) == []


def test_every_client_pattern_is_searched_where_its_command_is_named():
    assert all(COMMAND_NAMES.values())
