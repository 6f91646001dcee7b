"""Settings a command writes into a file (guardlint/knowledge/written_settings.py), found as
secrets by find_secrets for every pack that reads command lines."""

from __future__ import annotations

import json

import pytest

from guardlint.knowledge.secrets import find_secrets
from tests.conftest import run_scan

SECRET = "Tr5kWq8mZp3xLv7N"
REPORTERS = {"DKR004", "K8S014", "CMP007", "SEC001"}  # the secret rules that may report it


@pytest.mark.parametrize(
    "command",
    [
        f"echo 'password={SECRET}' > /etc/app.conf",
        f'echo "spring.datasource.password={SECRET}" >> /app/application.properties',
        f"printf '[client]\\nuser=app\\npassword={SECRET}\\n' > /root/.my.cnf",
        f"echo -e 'user=app\\napi_token={SECRET}' > /etc/app.env",
        f"echo '<settings><password>{SECRET}</password></settings>' | sudo tee /root/.m2/x.xml",
        f'echo "db_password: {SECRET}" | kubectl create secret generic db --from-file=/dev/stdin',
        f"cat > /etc/app.conf <<EOF\nuser = app\napi_token = {SECRET}\nEOF",
        f"tee /etc/app.conf <<'EOF'\nclient_secret: {SECRET}\nEOF",
        f"sh -c \"echo 'password={SECRET}' >> /root/.my.cnf && exec mysqld\"",
        f"RUN --mount=type=cache,target=/root/.cache echo 'password={SECRET}' > /x",
    ],
)
def test_a_secret_setting_a_command_writes_is_found(command):
    assert SECRET in [match.value for match in find_secrets(command)]


@pytest.mark.parametrize(
    "command",
    [
        'echo "password=${DB_PASSWORD}" >> /etc/app.conf',  # filled in when it runs
        f'echo "password={SECRET[:8]}$SUFFIX" >> /etc/app.conf',  # a variable's part
        "echo 'password=changeme-later' > /etc/app.conf",  # a stand-in
        "echo 'PASSWORD_MIN_LENGTH=123456789012' >> /etc/app.conf",  # a setting about one
        "echo 'password_file=/run/secrets/database' > /etc/app.conf",  # where it is kept
        f"echo 'the password is kept in vault under secret/{SECRET}'",  # printed, no setting
        f"grep -q 'password={SECRET}' /etc/app.conf",  # read, not written
        f"cat /etc/app.conf > /tmp/copy; echo done # password={SECRET}",
    ],
)
def test_no_secret_where_a_command_writes_none(command):
    assert SECRET not in [match.value for match in find_secrets(command)]


def test_each_pack_reports_a_setting_its_commands_write(tmp_path):
    (tmp_path / "Dockerfile").write_text(
        "FROM alpine:3.22\n"
        f"RUN printf '[client]\\nuser=app\\npassword={SECRET}\\n' > /root/.my.cnf\n"
        "USER app\n"
    )
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: api, namespace: shop}\nspec:\n"
        "  containers:\n    - name: app\n      image: registry.example.com/app:1.2.3\n"
        f"      command: [sh, -c, \"echo 'api_token={SECRET}' > /app/.env && exec /app/run\"]\n"
    )
    (tmp_path / "compose.yaml").write_text(
        "services:\n  db:\n    image: mysql:8.4.2\n"
        f"    command: sh -c \"echo 'password={SECRET}' >> /root/.my.cnf && exec mysqld\"\n"
    )
    result = run_scan(tmp_path)
    assert sorted((f.rule_id, f.path) for f in result.findings if f.rule_id in REPORTERS) == [
        ("CMP007", "compose.yaml"),
        ("DKR004", "Dockerfile"),
        ("K8S014", "pod.yaml"),
    ]
    assert SECRET not in json.dumps([f.to_dict() for f in result.findings])


XML = "Hj5kTr9wQm2zXc8VpL3n"


@pytest.mark.parametrize(
    "element",
    [
        f'<add key="DbPassword" value="{XML}"/>',  # .NET appSettings
        f"<property name='password' value='{XML}'/>",  # a Spring bean
        f'<Parameter name="api.token" value="{XML}" override="false"/>',  # Tomcat's context
        f'<entry NAME = "client_secret"  VALUE = "{XML}" />',
    ],
)
def test_an_xml_element_s_name_and_value_attributes_are_a_setting(tmp_path, element):
    (tmp_path / "configmap.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: shop}\ndata:\n"
        f"  web.config: |\n    <appSettings>\n      {element}\n    </appSettings>\n"
    )
    found = run_scan(tmp_path).findings
    assert [(f.rule_id, f.region.start_line) for f in found] == [("SEC001", 7)]
    quote = '"' if "'" in element else "'"
    echoed = f"echo {quote}{element}{quote} >> /app/web.config"
    assert [match.value for match in find_secrets(echoed)] == [XML]


@pytest.mark.parametrize(
    "element",
    [
        f'<add key="PageSize" value="{XML}"/>',  # no secret's name
        f'<add key="DbPassword" value="{XML[:8]}"/>',  # too short to tell
        '<add key="DbPassword" value="${DB_PASSWORD}"/>',
        f'<add key="DbPassword"/><add key="Other" value="{XML}"/>',  # another element's value
    ],
)
def test_no_secret_in_an_xml_element_s_attributes(tmp_path, element):
    (tmp_path / "configmap.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: shop}\ndata:\n"
        f"  web.config: |\n    <appSettings>\n      {element}\n    </appSettings>\n"
    )
    assert not run_scan(tmp_path).findings


@pytest.mark.parametrize(
    "element",
    [
        f"<password>\n        {XML}\n      </password>",  # Maven's settings.xml, reformatted
        f"<password>\n        {XML}</password>",
        f"<db.password>  \n   {XML}  \n  </db.password>",
    ],
)
def test_an_xml_element_s_value_on_a_line_of_its_own_is_a_setting(tmp_path, element):
    value_line = 8 + element.split(XML)[0].count("\n")  # the line the value is written on
    (tmp_path / "configmap.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m2, namespace: shop}\ndata:\n"
        "  settings.xml: |\n    <settings>\n      <server>\n      "
        + element.replace("\n", "\n      ")
        + "\n"
        "      </server>\n    </settings>\n"
    )
    found = run_scan(tmp_path).findings
    assert [(f.rule_id, f.region.start_line) for f in found] == [("SEC001", value_line)]
    written = f"cat > /root/.m2/settings.xml <<EOF\n<server>\n{element}\n</server>\nEOF"
    assert [match.value for match in find_secrets(written)] == [XML]
    printed = "printf '<server>\\n<password>\\n  " + XML + "\\n</password>' > /root/x.xml"
    assert [match.value for match in find_secrets(printed)] == [XML]


@pytest.mark.parametrize(
    "element",
    [
        f"<pageSize>\n        {XML}\n      </pageSize>",  # no secret's name
        f"<password>\n        {XML}\n      </other>",  # not the element's value
        "<password>\n        ${MAVEN_PASSWORD}\n      </password>",
        f"<password>\n        <x>{XML}</x>\n      </password>",  # another element's
    ],
)
def test_no_secret_in_an_xml_element_over_lines(tmp_path, element):
    (tmp_path / "configmap.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m2, namespace: shop}\ndata:\n"
        "  settings.xml: |\n    <settings>\n      "
        + element.replace("\n", "\n      ")
        + "\n    </settings>\n"
    )
    assert not run_scan(tmp_path).findings
    written = f"cat > /root/.m2/settings.xml <<EOF\n{element}\nEOF"
    assert [match.value for match in find_secrets(written)] == []
